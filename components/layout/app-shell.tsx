import Link from "next/link";
import type { ReactNode } from "react";
import type { DashboardMe } from "@/lib/server/dashboard";
import { NavLinks, type NavItem } from "./nav-links";
import { ProjectSwitcher } from "./project-switcher";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export interface AppShellProps {
  me: DashboardMe;
  children: ReactNode;
}

/** The dashboard frame: navigation, the current project and its switcher, the user and sign-out. */
export function AppShell({ me, children }: AppShellProps) {
  const nav: NavItem[] = [
    { href: "/", label: "Overview" },
    { href: "/images", label: "Images" },
    { href: "/shared", label: "Shared with us", badge: "pending-shares" },
    { href: "/picker", label: "Launch" },
  ];
  if (me.isAdmin) {
    nav.push({ href: "/admin/projects", label: "Projects" }, { href: "/admin/users", label: "Users" });
    nav.push(
      { href: "/admin/quotas", label: "Quotas" },
      { href: "/admin/stores", label: "Stores" },
      { href: "/admin/audit", label: "Audit log" },
    );
  }
  nav.push({ href: "/account", label: "Account" });
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href="/" className="text-lg font-semibold text-indigo-700 dark:text-indigo-300">
            Iris
          </Link>
          <NavLinks items={nav} />
          <ProjectSwitcher current={me.project} projects={me.projects} />
          <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="current-user">
            {me.user.name}
          </span>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </div>
  );
}
