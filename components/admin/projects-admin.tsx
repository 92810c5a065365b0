"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { identityApi, type Project } from "@/lib/api/identity";
import { useIdentityMutation, useProjects } from "@/lib/queries/identity";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Field } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";

/** Projects: search, create, enable or disable, delete. */
export function ProjectsAdmin() {
  const projects = useProjects();
  const toast = useToast();
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Project | null>(null);
  const create = useIdentityMutation((p: { name: string; description: string }) =>
    identityApi.createProject(p),
  );
  const update = useIdentityMutation((a: { id: string; enabled: boolean }) =>
    identityApi.updateProject(a.id, { enabled: a.enabled }),
  );
  const remove = useIdentityMutation((id: string) => identityApi.deleteProject(id));

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      const p = await create.mutateAsync({
        name: String(f.get("name")),
        description: String(f.get("description") ?? ""),
      });
      toast(`Project ${p.name} created.`);
      setCreating(false);
    } catch {
      // shown in the dialog
    }
  }

  const shown = (projects.data ?? []).filter((p) => p.name.toLowerCase().includes(search.toLowerCase()));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold">Projects</h1>
        <div className="flex items-end gap-2">
          <Field
            label="Search projects"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Name"
          />
          <Button onClick={() => setCreating(true)}>Create project</Button>
        </div>
      </div>
      {projects.isPending && <Loading />}
      <ErrorMessage error={projects.error ?? update.error ?? remove.error} />
      {projects.data && shown.length === 0 && <EmptyState>No project matches.</EmptyState>}
      {shown.length > 0 && (
        <Table caption="Projects" head={["Name", "Description", "Status", "Actions"]}>
          {shown.map((p) => (
            <tr key={p.id}>
              <Cell>
                <Link
                  className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                  href={`/admin/projects/${p.id}`}
                >
                  {p.name}
                </Link>
              </Cell>
              <Cell>{p.description}</Cell>
              <Cell>{p.enabled ? "Enabled" : "Disabled"}</Cell>
              <Cell className="space-x-2 whitespace-nowrap">
                <Button
                  variant="secondary"
                  onClick={() => update.mutate({ id: p.id, enabled: !p.enabled })}
                  aria-label={`${p.enabled ? "Disable" : "Enable"} project ${p.name}`}
                >
                  {p.enabled ? "Disable" : "Enable"}
                </Button>
                <Button
                  variant="danger"
                  onClick={() => setDeleting(p)}
                  aria-label={`Delete project ${p.name}`}
                >
                  Delete
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <Dialog open={creating} title="Create project" onClose={() => setCreating(false)}>
        <form onSubmit={onCreate} className="space-y-3">
          <Field label="Project name" name="name" required maxLength={64} autoFocus />
          <Field label="Description" name="description" maxLength={1024} />
          <ErrorMessage error={create.error} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setCreating(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={create.isPending}>
              Create
            </Button>
          </div>
        </form>
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete project ${deleting?.name ?? ""}?`}
        confirmLabel="Delete project"
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          toast(`Project ${deleting.name} deleted.`);
        }}
      >
        Its members lose their roles on it. Images it owns stay in the catalog.
      </ConfirmDialog>
    </div>
  );
}
