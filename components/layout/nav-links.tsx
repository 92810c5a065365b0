"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { PendingSharesBadge } from "./pending-shares-badge";

export interface NavItem {
  href: string;
  label: string;
  /** A live count shown beside the label. */
  badge?: "pending-shares";
}

/** The main navigation; the current section is marked (aria-current) and highlighted. */
export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const current = (href: string) =>
    href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
  return (
    <nav aria-label="Main" className="flex flex-1 flex-wrap gap-1">
      {items.map((n) => (
        <Link
          key={n.href}
          href={n.href}
          aria-current={current(n.href) ? "page" : undefined}
          className="inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 aria-[current=page]:bg-indigo-50 aria-[current=page]:font-medium aria-[current=page]:text-indigo-800 dark:text-slate-300 dark:hover:bg-slate-800 dark:aria-[current=page]:bg-indigo-950 dark:aria-[current=page]:text-indigo-200"
        >
          {n.label}
          {n.badge === "pending-shares" && <PendingSharesBadge />}
        </Link>
      ))}
    </nav>
  );
}
