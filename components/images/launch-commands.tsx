"use client";

import { useId, useState } from "react";
import type { Image } from "@/lib/api/images";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { imageShowCommand, serverCreateCommand } from "@/lib/api/image-os";

function Command({ label, command, testId }: { label: string; command: string; testId: string }) {
  return (
    <div className="space-y-1">
      <div className="flex items-center justify-between gap-2">
        <span className="text-sm font-medium">{label}</span>
        <CopyButton value={command} label={`Copy: ${label}`} />
      </div>
      <pre
        data-testid={testId}
        tabIndex={0} // it scrolls sideways: reachable from the keyboard
        className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100 dark:bg-black"
      >
        <code>{command}</code>
      </pre>
    </div>
  );
}

/** The chosen image's id and ready-to-use `openstack` commands to boot it and to look at it. */
export function LaunchCommands({ image }: { image: Image }) {
  const id = useId();
  const [flavor, setFlavor] = useState("m1.small");
  const [network, setNetwork] = useState("private");
  const base = (image.name || "server")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  const [name, setName] = useState(`${base || "server"}-1`);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Image ID{" "}
        <span className="font-mono text-xs" data-testid="chosen-image-id">
          {image.id}
        </span>{" "}
        <CopyButton value={image.id} label="Copy image ID" />
      </p>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field
          id={`${id}-flavor`}
          label="Flavor"
          value={flavor}
          onChange={(e) => setFlavor(e.target.value)}
        />
        <Field
          id={`${id}-net`}
          label="Network"
          value={network}
          onChange={(e) => setNetwork(e.target.value)}
        />
        <Field id={`${id}-name`} label="Server name" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {(image.min_disk > 0 || image.min_ram > 0) && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Pick a flavor with at least {image.min_disk > 0 ? `${image.min_disk} GiB of disk` : ""}
          {image.min_disk > 0 && image.min_ram > 0 ? " and " : ""}
          {image.min_ram > 0 ? `${image.min_ram} MiB of RAM` : ""}: the compute service refuses smaller ones.
        </p>
      )}
      <Command
        label="Launch a server from it"
        command={serverCreateCommand(image.id, flavor || "FLAVOR", network || "NETWORK", name || "NAME")}
        testId="server-create-command"
      />
      <Command label="Show the image" command={imageShowCommand(image.id)} testId="image-show-command" />
    </div>
  );
}
