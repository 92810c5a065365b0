"use client";

import Link from "next/link";
import { useState } from "react";
import { imagesApi, type Image } from "@/lib/api/images";
import { sharingApi, type MemberDetail, type ProjectRef } from "@/lib/api/sharing";
import { useImageMembers, useImageMutation } from "@/lib/queries/images";
import { useMemberChange, useMemberDetails } from "@/lib/queries/sharing";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Cell, Table } from "@/components/ui/table";
import { formatTime } from "./format";
import { MemberStatusBadge } from "./member-status-badge";
import { ProjectCombobox } from "./project-combobox";

export interface ImageMembersProps {
  image: Image;
  /** The signed-in user's current project, and whether they are an administrator there. */
  currentProjectId: string | null;
  isAdmin: boolean;
}

const muted = "text-sm text-slate-600 dark:text-slate-400";

/**
 * Who an image is shared with. Its owner project (and admins) add member projects by searching
 * their names, remove them, and see each member's decision with who shared and who decided; a
 * member project sees only its own entry.
 */
export function ImageMembers({ image, currentProjectId, isAdmin }: ImageMembersProps) {
  const manages = isAdmin || (!!image.owner && image.owner === currentProjectId);
  return manages ? <OwnerMembers image={image} /> : <OwnMembership image={image} />;
}

function OwnerMembers({ image }: { image: Image }) {
  const toast = useToast();
  const shared = image.visibility === "shared";
  const details = useMemberDetails(image.id, shared);
  const [error, setError] = useState<unknown>(null);
  const [removing, setRemoving] = useState<MemberDetail | null>(null);
  const makeShared = useImageMutation(() =>
    imagesApi.update(image.id, [{ op: "replace", path: "/visibility", value: "shared" }]),
  );
  const add = useMemberChange(image.id, (p: ProjectRef) => sharingApi.addMember(image.id, p.id));
  const remove = useMemberChange(image.id, (m: MemberDetail) =>
    sharingApi.removeMember(image.id, m.member_id),
  );
  const label = image.name || image.id;
  const nameOf = (m: MemberDetail) => m.project_name ?? m.member_id;

  if (!shared)
    return (
      <div className="space-y-3">
        <p className={muted}>
          Only shared images have members. This image is <strong>{image.visibility}</strong>
          {image.visibility === "public" || image.visibility === "community"
            ? ": every project can already use it."
            : "."}
        </p>
        {image.visibility === "private" && (
          <p className="text-sm">
            To offer it to other projects, make it shared: nothing changes for anyone until you add a project.
          </p>
        )}
        <Button
          variant="secondary"
          disabled={makeShared.isPending}
          onClick={async () => {
            setError(null);
            try {
              await makeShared.mutateAsync(undefined);
              toast(`${label} is now shared: add the projects that may use it.`);
            } catch (e) {
              setError(e);
            }
          }}
        >
          Make it shared
        </Button>
        <ErrorMessage error={error} />
      </div>
    );

  return (
    <div className="space-y-3">
      <ProjectCombobox
        label="Share with a project"
        disabled={add.isPending}
        exclude={[...(image.owner ? [image.owner] : []), ...(details.data ?? []).map((m) => m.member_id)]}
        onSelect={async (p) => {
          setError(null);
          try {
            await add.mutateAsync(p);
            toast(`Shared ${label} with ${p.name}. Its members decide whether to accept it.`);
          } catch (e) {
            setError(e);
          }
        }}
      />
      <ErrorMessage error={error} />
      {details.isPending ? (
        <Loading />
      ) : details.error ? (
        <ErrorMessage error={details.error} />
      ) : details.data.length === 0 ? (
        <EmptyState>Not shared with any project yet.</EmptyState>
      ) : (
        <Table caption="Members" head={["Project", "Status", "Shared", "Decided", ""]}>
          {details.data.map((m) => (
            <tr key={m.member_id} data-testid="member-row">
              <Cell>
                <span className="font-medium">{nameOf(m)}</span>
                <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">
                  {m.project_domain ? `${m.project_domain} · ` : ""}
                  {m.member_id}
                </span>
              </Cell>
              <Cell>
                <MemberStatusBadge status={m.status} />
              </Cell>
              <Cell className="text-xs">
                <time dateTime={m.created_at}>{formatTime(m.created_at)}</time>
                {m.shared_by && <span className="block">by {m.shared_by.name ?? m.shared_by.id}</span>}
              </Cell>
              <Cell className="text-xs">
                {m.decided_at ? (
                  <>
                    <time dateTime={m.decided_at}>{formatTime(m.decided_at)}</time>
                    {m.decided_by && <span className="block">by {m.decided_by.name ?? m.decided_by.id}</span>}
                  </>
                ) : (
                  "Not yet"
                )}
              </Cell>
              <Cell className="text-right">
                <Button
                  variant="secondary"
                  onClick={() => setRemoving(m)}
                  aria-label={`Stop sharing with ${nameOf(m)}`}
                >
                  Remove
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Stop sharing with ${removing ? nameOf(removing) : ""}?`}
        confirmLabel="Stop sharing"
        onCancel={() => setRemoving(null)}
        onConfirm={async () => {
          if (!removing) return;
          setError(null);
          try {
            await remove.mutateAsync(removing);
            toast(`${label} is no longer shared with ${nameOf(removing)}.`);
          } catch (e) {
            setError(e);
          }
        }}
      >
        The project no longer sees the image. Servers it already started from it keep running.
      </ConfirmDialog>
    </div>
  );
}

/** A member project's view: its own entry only (Glance shows nothing else). */
function OwnMembership({ image }: { image: Image }) {
  const members = useImageMembers(image);
  if (image.visibility !== "shared")
    return <p className={muted}>Only shared images have members. This image is {image.visibility}.</p>;
  if (members.isPending) return <Loading />;
  if (members.error) return <ErrorMessage error={members.error} />;
  const mine = members.data[0];
  if (!mine) return <p className={muted}>This image is not shared with your project.</p>;
  return (
    <div className="space-y-2 text-sm">
      <p>
        Shared with your project on <time dateTime={mine.created_at}>{formatTime(mine.created_at)}</time>.
        Your project&apos;s decision: <MemberStatusBadge status={mine.status} />
      </p>
      <Link href="/shared" className="text-indigo-700 underline underline-offset-2 dark:text-indigo-300">
        Accept or reject it in Shared with us
      </Link>
    </div>
  );
}
