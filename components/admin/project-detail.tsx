"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { identityApi } from "@/lib/api/identity";
import { useAssignments, useIdentityMutation, useProject, useRoles, useUsers } from "@/lib/queries/identity";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { SelectField } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";
import { ProjectQuotas } from "./project-quotas";

/** One project: its members and their roles; an admin adds a user with a role or removes one. */
export function ProjectDetail({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  const assignments = useAssignments({ projectId });
  const users = useUsers();
  const roles = useRoles();
  const toast = useToast();
  const grant = useIdentityMutation((a: { userId: string; roleId: string }) =>
    identityApi.grant(projectId, a.userId, a.roleId),
  );
  const revoke = useIdentityMutation((a: { userId: string; roleId: string }) =>
    identityApi.revoke(projectId, a.userId, a.roleId),
  );
  const [userId, setUserId] = useState("");
  const [roleId, setRoleId] = useState("");

  const members = new Map<string, { name: string; roles: { id: string; name: string }[] }>();
  for (const a of assignments.data ?? []) {
    const m = members.get(a.user.id) ?? { name: a.user.name, roles: [] };
    m.roles.push(a.role);
    members.set(a.user.id, m);
  }
  const roleOptions = (roles.data ?? []).map((r) => ({ value: r.id, label: r.name }));
  const chosenRole = roleId || roles.data?.find((r) => r.name === "member")?.id || "";

  async function onAdd(e: FormEvent) {
    e.preventDefault();
    if (!userId || !chosenRole) return;
    await grant.mutateAsync({ userId, roleId: chosenRole });
    const u = users.data?.find((x) => x.id === userId)?.name;
    const r = roles.data?.find((x) => x.id === chosenRole)?.name;
    toast(`${u} now has the ${r} role on ${project.data?.name}.`);
  }

  return (
    <div className="space-y-5">
      <p className="text-sm">
        <Link href="/admin/projects" className="text-indigo-700 hover:underline dark:text-indigo-300">
          ← Projects
        </Link>
      </p>
      {project.isPending && <Loading />}
      <ErrorMessage error={project.error} />
      {project.data && (
        <>
          <h1 className="text-2xl font-semibold">Project {project.data.name}</h1>
          <p className="font-mono text-xs text-slate-600 dark:text-slate-400">{project.data.id}</p>
          <section aria-labelledby="members-heading" className="space-y-3">
            <h2 id="members-heading" className="text-lg font-medium">
              Members
            </h2>
            <form onSubmit={onAdd} className="flex flex-wrap items-end gap-3">
              <SelectField
                label="User"
                value={userId}
                onChange={(e) => setUserId(e.target.value)}
                options={[
                  { value: "", label: "Choose a user" },
                  ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name })),
                ]}
              />
              <SelectField
                label="Role"
                value={chosenRole}
                onChange={(e) => setRoleId(e.target.value)}
                options={roleOptions}
              />
              <Button type="submit" disabled={!userId || grant.isPending}>
                Add to project
              </Button>
            </form>
            <ErrorMessage error={grant.error ?? revoke.error ?? assignments.error} />
            {assignments.data && members.size === 0 && (
              <EmptyState>Nobody has a role on this project yet.</EmptyState>
            )}
            {members.size > 0 && (
              <Table caption={`Members of ${project.data.name}`} head={["User", "Roles"]}>
                {[...members.entries()].map(([id, m]) => (
                  <tr key={id}>
                    <Cell>{m.name}</Cell>
                    <Cell className="space-x-2">
                      {m.roles.map((r) => (
                        <span
                          key={r.id}
                          className="inline-flex items-center gap-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs dark:bg-slate-800"
                        >
                          {r.name}
                          <button
                            type="button"
                            className="rounded px-1 text-slate-600 hover:text-red-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-slate-300"
                            aria-label={`Remove role ${r.name} from ${m.name}`}
                            onClick={async () => {
                              await revoke.mutateAsync({ userId: id, roleId: r.id });
                              toast(`Removed ${r.name} from ${m.name}.`);
                            }}
                          >
                            ×
                          </button>
                        </span>
                      ))}
                    </Cell>
                  </tr>
                ))}
              </Table>
            )}
          </section>
          <ProjectQuotas projectId={projectId} projectName={project.data.name} />
        </>
      )}
    </div>
  );
}
