"use client";

import { signOut, useSession } from "next-auth/react";
import { useSyncExternalStore } from "react";

const noSubscribe = () => () => undefined;

export function SignOutButton() {
  // Marks when the page is interactive and the session is known (tests and scripts wait for it):
  // next-auth's calls made before its first session check can race for the CSRF cookie.
  const hydrated = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
  const { status } = useSession();
  return (
    <button
      type="button"
      data-ready={hydrated && status !== "loading"}
      onClick={() => signOut({ callbackUrl: "/login" })}
      className="rounded-md border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      Sign out
    </button>
  );
}
