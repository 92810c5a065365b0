"use client";

import { useState, type FormEvent } from "react";
import { identityApi, type User } from "@/lib/api/identity";
import { useIdentityMutation, useProjects, useRoles, useUsers } from "@/lib/queries/identity";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Field, SelectField } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";

/** Users: search, create (with a first project and role), enable or disable, reset password, delete. */
export function UsersAdmin() {
  const users = useUsers();
  const projects = useProjects();
  const roles = useRoles();
  const toast = useToast();
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);
  const [deleting, setDeleting] = useState<User | null>(null);
  const create = useIdentityMutation(
    async (a: { name: string; email: string; password: string; projectId: string; roleId: string }) => {
      const u = await identityApi.createUser({
        name: a.name,
        password: a.password,
        email: a.email || undefined,
        default_project_id: a.projectId || undefined,
      });
      if (a.projectId && a.roleId) await identityApi.grant(a.projectId, u.id, a.roleId);
      return u;
    },
  );
  const update = useIdentityMutation((a: { id: string; enabled?: boolean; password?: string }) =>
    identityApi.updateUser(a.id, { enabled: a.enabled, password: a.password }),
  );
  const remove = useIdentityMutation((id: string) => identityApi.deleteUser(id));
  const memberRole = roles.data?.find((r) => r.name === "member")?.id ?? "";

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    try {
      const u = await create.mutateAsync({
        name: String(f.get("name")),
        email: String(f.get("email") ?? ""),
        password: String(f.get("password")),
        projectId: String(f.get("project") ?? ""),
        roleId: String(f.get("role") ?? ""),
      });
      toast(`User ${u.name} created.`);
      setCreating(false);
    } catch {
      // shown in the dialog
    }
  }

  async function onReset(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!resetting) return;
    const password = String(new FormData(e.currentTarget).get("password"));
    try {
      await update.mutateAsync({ id: resetting.id, password });
      toast(`Password of ${resetting.name} reset; their sessions and tokens ended.`);
      setResetting(null);
    } catch {
      // shown in the dialog
    }
  }

  const shown = (users.data ?? []).filter((u) =>
    `${u.name} ${u.email ?? ""}`.toLowerCase().includes(search.toLowerCase()),
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-semibold">Users</h1>
        <div className="flex items-end gap-2">
          <Field
            label="Search users"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Name or email"
          />
          <Button onClick={() => setCreating(true)}>Create user</Button>
        </div>
      </div>
      {users.isPending && <Loading />}
      <ErrorMessage error={users.error ?? remove.error ?? (resetting ? null : update.error)} />
      {users.data && shown.length === 0 && <EmptyState>No user matches.</EmptyState>}
      {shown.length > 0 && (
        <Table caption="Users" head={["Name", "Email", "Status", "Actions"]}>
          {shown.map((u) => (
            <tr key={u.id}>
              <Cell className="font-medium">{u.name}</Cell>
              <Cell>{u.email ?? ""}</Cell>
              <Cell>{u.enabled ? "Enabled" : "Disabled"}</Cell>
              <Cell className="space-x-2 whitespace-nowrap">
                <Button
                  variant="secondary"
                  onClick={() => update.mutate({ id: u.id, enabled: !u.enabled })}
                  aria-label={`${u.enabled ? "Disable" : "Enable"} user ${u.name}`}
                >
                  {u.enabled ? "Disable" : "Enable"}
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => setResetting(u)}
                  aria-label={`Reset password of ${u.name}`}
                >
                  Reset password
                </Button>
                <Button variant="danger" onClick={() => setDeleting(u)} aria-label={`Delete user ${u.name}`}>
                  Delete
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <Dialog open={creating} title="Create user" onClose={() => setCreating(false)}>
        <form onSubmit={onCreate} className="space-y-3">
          <Field label="User name" name="name" required maxLength={255} autoFocus autoComplete="off" />
          <Field label="Email" name="email" type="email" autoComplete="off" />
          <Field
            label="Password"
            name="password"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
            hint="At least 8 characters."
          />
          <SelectField
            label="Project"
            name="project"
            defaultValue=""
            options={[
              { value: "", label: "No project yet" },
              ...(projects.data ?? []).map((p) => ({ value: p.id, label: p.name })),
            ]}
          />
          <SelectField
            label="Role in that project"
            name="role"
            defaultValue={memberRole}
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
          />
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
      <Dialog
        open={resetting !== null}
        title={`Reset the password of ${resetting?.name ?? ""}`}
        onClose={() => setResetting(null)}
      >
        <form onSubmit={onReset} className="space-y-3">
          <Field
            label="New password"
            name="password"
            type="password"
            required
            minLength={8}
            autoComplete="new-password"
          />
          <ErrorMessage error={update.error} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setResetting(null)}>
              Cancel
            </Button>
            <Button type="submit">Reset password</Button>
          </div>
        </form>
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete user ${deleting?.name ?? ""}?`}
        confirmLabel="Delete user"
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          toast(`User ${deleting.name} deleted.`);
        }}
      >
        Their roles, tokens and application credentials go with them.
      </ConfirmDialog>
    </div>
  );
}
