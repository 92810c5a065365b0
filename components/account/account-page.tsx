"use client";

import { signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { identityApi, type AppCredential } from "@/lib/api/identity";
import { useAppCredentials, useIdentityMutation } from "@/lib/queries/identity";
import type { DashboardMe } from "@/lib/server/dashboard";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorMessage, Loading, useToast } from "@/components/ui/feedback";
import { Field } from "@/components/ui/field";
import { Cell, Table } from "@/components/ui/table";

export interface AccountPageProps {
  me: DashboardMe;
  origin: string;
}

/** The signed-in user's own settings: password, application credentials, CLI set-up. */
export function AccountPage({ me, origin }: AccountPageProps) {
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Account</h1>
      <PasswordSection userId={me.user.id} />
      <AppCredentialsSection me={me} />
      <CliSection me={me} origin={origin} />
    </div>
  );
}

function PasswordSection({ userId }: { userId: string }) {
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("new"));
    if (password !== String(f.get("confirm"))) {
      setError(new Error("The new passwords do not match."));
      return;
    }
    setPending(true);
    setError(null);
    try {
      await identityApi.changePassword(userId, String(f.get("current")), password);
      // Every session and token of the user ended with the change: sign in again.
      await signOut({ callbackUrl: "/login?changed=1" });
    } catch (err) {
      setError(err);
      setPending(false);
    }
  }
  return (
    <section aria-labelledby="password-heading" className="max-w-md space-y-3">
      <h2 id="password-heading" className="text-lg font-medium">
        Change password
      </h2>
      <form onSubmit={onSubmit} className="space-y-3">
        <Field
          label="Current password"
          name="current"
          type="password"
          required
          autoComplete="current-password"
        />
        <Field
          label="New password"
          name="new"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          hint="At least 8 characters. You will be signed out everywhere."
        />
        <Field
          label="Confirm new password"
          name="confirm"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
        />
        <ErrorMessage error={error} />
        <Button type="submit" disabled={pending}>
          Change password
        </Button>
      </form>
    </section>
  );
}

function AppCredentialsSection({ me }: { me: DashboardMe }) {
  const creds = useAppCredentials(me.user.id);
  const toast = useToast();
  const [created, setCreated] = useState<AppCredential | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useIdentityMutation((a: { name: string; description: string }) =>
    identityApi.createAppCredential(me.user.id, a),
  );
  const remove = useIdentityMutation((id: string) => identityApi.deleteAppCredential(me.user.id, id));

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    try {
      const c = await create.mutateAsync({
        name: String(f.get("name")),
        description: String(f.get("description") ?? ""),
      });
      form.reset();
      setCopied(false);
      setCreated(c);
    } catch {
      // shown below
    }
  }

  return (
    <section aria-labelledby="appcred-heading" className="space-y-3">
      <h2 id="appcred-heading" className="text-lg font-medium">
        Application credentials
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        A secret for a program, bound to the project {me.project?.name ?? "(none)"} and to your roles there.
      </p>
      {me.project ? (
        <form onSubmit={onCreate} className="flex flex-wrap items-end gap-3">
          <Field label="Credential name" name="name" required maxLength={255} />
          <Field label="Credential description" name="description" maxLength={1024} />
          <Button type="submit" disabled={create.isPending}>
            Create credential
          </Button>
        </form>
      ) : (
        <p className="text-sm">Choose a project first.</p>
      )}
      <ErrorMessage error={create.error ?? remove.error ?? creds.error} />
      {creds.isPending && <Loading />}
      {creds.data && creds.data.length === 0 && <EmptyState>No application credentials.</EmptyState>}
      {creds.data && creds.data.length > 0 && (
        <Table caption="Application credentials" head={["Name", "Project", "Roles", "Expires", "Actions"]}>
          {creds.data.map((c) => (
            <tr key={c.id}>
              <Cell className="font-medium">{c.name}</Cell>
              <Cell className="font-mono text-xs">{c.project_id}</Cell>
              <Cell>{c.roles.map((r) => r.name).join(", ")}</Cell>
              <Cell>{c.expires_at ?? "never"}</Cell>
              <Cell>
                <Button
                  variant="danger"
                  aria-label={`Delete credential ${c.name}`}
                  onClick={async () => {
                    await remove.mutateAsync(c.id);
                    toast(`Credential ${c.name} deleted; its tokens stopped working.`);
                  }}
                >
                  Delete
                </Button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <Dialog open={created !== null} title="Copy the secret now" onClose={() => setCreated(null)}>
        <p className="mb-2 text-sm">
          This is the only time the secret of <strong>{created?.name}</strong> is shown. Iris keeps only a
          hash of it.
        </p>
        <dl className="mb-3 space-y-1 text-sm">
          <dt className="font-medium">ID</dt>
          <dd className="font-mono break-all">{created?.id}</dd>
          <dt className="font-medium">Secret</dt>
          <dd className="font-mono break-all" data-testid="appcred-secret">
            {created?.secret}
          </dd>
        </dl>
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            onClick={async () => {
              await navigator.clipboard?.writeText(created?.secret ?? "").catch(() => undefined);
              setCopied(true);
            }}
          >
            {copied ? "Copied" : "Copy secret"}
          </Button>
          <Button onClick={() => setCreated(null)}>I have saved it</Button>
        </div>
      </Dialog>
    </section>
  );
}

function CliSection({ me, origin }: { me: DashboardMe; origin: string }) {
  const env = [
    `export OS_AUTH_URL=${origin}/identity/v3`,
    "export OS_IDENTITY_API_VERSION=3",
    `export OS_USERNAME=${me.user.name}`,
    `export OS_PROJECT_NAME=${me.project?.name ?? "<project>"}`,
    "export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default",
    "read -rsp 'Password: ' OS_PASSWORD && export OS_PASSWORD",
    "openstack image list",
  ].join("\n");
  return (
    <section aria-labelledby="cli-heading" className="space-y-2">
      <h2 id="cli-heading" className="text-lg font-medium">
        Command line
      </h2>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        The stock OpenStack client works against Iris:
      </p>
      <pre
        className="overflow-x-auto rounded-md bg-slate-900 p-4 text-xs text-slate-100"
        tabIndex={0}
        aria-label="openstack CLI set-up"
      >
        {env}
      </pre>
    </section>
  );
}
