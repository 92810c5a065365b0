"use client";

import { useState, type FormEvent } from "react";
import { adminApi, isSizeResource, QUOTA_RESOURCES, type Limit, type QuotaResource } from "@/lib/api/admin";
import { formatQuotaValue, formatUsage, parseLimitInput, RESOURCE_LABELS } from "@/lib/admin-format";
import {
  useAdminMutation,
  useImageServiceId,
  useLimits,
  useProjectUsage,
  useRegisteredLimits,
} from "@/lib/queries/admin";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Field } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";
import { UsageBar } from "./usage-bar";

/** One project's quotas: use against each limit, the default beside it, and setting or removing a limit. */
export function ProjectQuotas({ projectId, projectName }: { projectId: string; projectName: string }) {
  const usage = useProjectUsage(projectId);
  const limits = useLimits(projectId);
  const defaults = useRegisteredLimits();
  const toast = useToast();
  const [editing, setEditing] = useState<QuotaResource | null>(null);
  const remove = useAdminMutation((l: Limit) => adminApi.deleteLimit(l.id));

  const own = (r: QuotaResource) => limits.data?.find((l) => l.resource_name === r);
  const byDefault = (r: QuotaResource) => defaults.data?.find((d) => d.resource_name === r)?.default_limit;
  const pending = usage.isPending || limits.isPending || defaults.isPending;

  return (
    <section aria-labelledby="quotas-heading" className="space-y-3">
      <h2 id="quotas-heading" className="text-lg font-medium">
        Quotas and usage
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        A project without a limit of its own gets the default. Sizes are in MiB; -1 means unlimited.
      </p>
      {pending && <Loading label="Loading quotas…" />}
      <ErrorMessage error={usage.error ?? limits.error ?? defaults.error ?? remove.error} />
      {usage.data && limits.data && defaults.data && (
        <Table
          caption={`Quotas of ${projectName}`}
          head={["Resource", "Usage", "Limit", "Default", "Actions"]}
        >
          {QUOTA_RESOURCES.map((r) => {
            const u = usage.data[r];
            const mine = own(r);
            const label = RESOURCE_LABELS[r].name;
            const def = byDefault(r);
            return (
              <tr key={r} data-resource={r}>
                <Cell>
                  <span className="font-medium">{label}</span>
                  <span className="block font-mono text-xs text-slate-600 dark:text-slate-400">{r}</span>
                </Cell>
                <Cell>
                  <UsageBar
                    label={`${label} of ${projectName}`}
                    used={u.usage}
                    limit={u.limit}
                    text={formatUsage(r, u.usage, u.limit)}
                  />
                </Cell>
                <Cell>
                  <span data-testid={`limit-${r}`}>{formatQuotaValue(r, u.limit)}</span>
                  <span className="block text-xs text-slate-600 dark:text-slate-400">
                    {mine ? "own limit" : "default"}
                  </span>
                </Cell>
                <Cell>{def === undefined ? "—" : formatQuotaValue(r, def)}</Cell>
                <Cell>
                  <div className="flex flex-wrap gap-2">
                    <Button
                      variant="secondary"
                      onClick={() => setEditing(r)}
                      aria-label={`${mine ? "Change" : "Set"} limit for ${label}`}
                    >
                      {mine ? "Change" : "Set"}
                    </Button>
                    {mine && (
                      <Button
                        variant="secondary"
                        aria-label={`Use default for ${label}`}
                        disabled={remove.isPending}
                        onClick={async () => {
                          try {
                            await remove.mutateAsync(mine);
                            toast(`${label} of ${projectName} is back to the default.`);
                          } catch {
                            // shown above the table
                          }
                        }}
                      >
                        Use default
                      </Button>
                    )}
                  </div>
                </Cell>
              </tr>
            );
          })}
        </Table>
      )}
      {editing && (
        <LimitDialog
          key={editing}
          resource={editing}
          projectId={projectId}
          projectName={projectName}
          current={own(editing)}
          used={usage.data?.[editing].usage ?? 0}
          defaultLimit={byDefault(editing)}
          onClose={() => setEditing(null)}
        />
      )}
    </section>
  );
}

interface LimitDialogProps {
  resource: QuotaResource;
  projectId: string;
  projectName: string;
  current: Limit | undefined;
  used: number;
  defaultLimit: number | undefined;
  onClose: () => void;
}

/** Sets (POST) or changes (PATCH) one limit of a project. */
function LimitDialog({
  resource,
  projectId,
  projectName,
  current,
  used,
  defaultLimit,
  onClose,
}: LimitDialogProps) {
  const serviceId = useImageServiceId();
  const toast = useToast();
  const label = RESOURCE_LABELS[resource].name;
  const unit = RESOURCE_LABELS[resource].unit;
  const [value, setValue] = useState(String(current?.resource_limit ?? defaultLimit ?? ""));
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useAdminMutation(async (n: number) => {
    if (current) return adminApi.updateLimit(current.id, n);
    const service_id = serviceId.data ?? (await adminApi.imageServiceId());
    return adminApi.createLimit({
      service_id,
      project_id: projectId,
      resource_name: resource,
      resource_limit: n,
    });
  });

  const parsed = parseLimitInput(value, { size: isSizeResource(resource) });
  const below = parsed.ok && parsed.value >= 0 && parsed.value < used;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!parsed.ok) {
      setInvalid(parsed.message);
      return;
    }
    setInvalid(null);
    try {
      await save.mutateAsync(parsed.value);
      toast(`${label} of ${projectName}: limit set to ${formatQuotaValue(resource, parsed.value)}.`);
      onClose();
    } catch {
      // shown in the dialog
    }
  }

  const hint =
    (isSizeResource(resource)
      ? "MiB as a whole number, or with a unit (500 MiB, 2 GiB); -1 for unlimited. The default is "
      : `A whole number of ${unit}, or -1 for unlimited. The default is `) +
    `${defaultLimit === undefined ? "unknown" : formatQuotaValue(resource, defaultLimit)}` +
    (parsed.ok && isSizeResource(resource) && parsed.value >= 0
      ? `; ${parsed.value} MiB is ${formatQuotaValue(resource, parsed.value)}.`
      : ".");
  return (
    <Dialog open title={`${label} limit for ${projectName}`} onClose={onClose}>
      <form onSubmit={onSubmit} noValidate className="space-y-3">
        <Field
          label={`Limit (${unit})`}
          name="limit"
          inputMode="numeric"
          autoComplete="off"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setInvalid(null);
          }}
          aria-invalid={invalid !== null}
          hint={hint}
          autoFocus
        />
        {below && (
          <p className="text-sm text-amber-800 dark:text-amber-300">
            The project already uses {formatQuotaValue(resource, used)}
            {isSizeResource(resource) ? "" : ` ${unit}`}, more than this: it keeps what it has but cannot add
            more.
          </p>
        )}
        <ErrorMessage error={invalid ?? save.error} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={save.isPending}>
            Save limit
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
