"use client";

import { signIn, useSession } from "next-auth/react";
import { useState, useSyncExternalStore, type FormEvent } from "react";

const noSubscribe = () => () => undefined;

export interface LoginFormProps {
  next: string;
}

/** Credentials sign-in; the message never says whether the user exists. */
export function LoginForm({ next }: LoginFormProps) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until React has hydrated the form, a click would submit it natively: keep it disabled.
  const hydrated = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
  // next-auth sets its CSRF cookie on the first auth request; signing in while the session check
  // of the page is still on its way can pair a token with the other request's cookie.
  const { status } = useSession();
  const ready = hydrated && status !== "loading";

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const credentials = {
      redirect: false,
      username: String(form.get("username") ?? ""),
      password: String(form.get("password") ?? ""),
    };
    let res = await signIn("credentials", credentials);
    // A refused CSRF token comes back as "ok" with ?csrf=true and no session: ask once more.
    if (res?.ok && res.url?.includes("csrf=true")) res = await signIn("credentials", credentials);
    setPending(false);
    if (res?.ok && res.url?.includes("csrf=true")) {
      setError("The sign-in form expired. Reload the page and try again.");
      return;
    }
    if (!res || res.error) {
      setError(
        !res || res.error === "CredentialsSignin" ? "The username or password is incorrect." : res.error,
      );
      return;
    }
    // A full navigation: the first dashboard request carries the new session cookie for sure.
    window.location.assign(next);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate data-ready={ready}>
      <div>
        <label htmlFor="username" className="mb-1 block text-sm font-medium">
          Username or email
        </label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          autoFocus
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-950"
        />
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-sm font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:bg-slate-950"
        />
      </div>
      {error && (
        <p
          role="alert"
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending || !ready}
        className="w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
