"use client";

import { formatBytes } from "@/lib/admin-format";
import { useStores } from "@/lib/queries/admin";
import { EmptyState, ErrorMessage, Loading } from "@/components/ui/feedback";
import { Cell, Table } from "@/components/ui/table";

/** The image stores: what each is, and how much it holds, as a bar chart of bytes per store. */
export function StoresAdmin() {
  const stores = useStores();
  const list = stores.data ?? [];
  const most = Math.max(1, ...list.map((s) => s.usage?.bytes ?? 0));
  const total = list.reduce((n, s) => n + (s.usage?.bytes ?? 0), 0);

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Stores</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Where image data lives. Counts are active copies: an image kept in two stores counts in both.
        </p>
      </div>
      {stores.isPending && <Loading />}
      <ErrorMessage error={stores.error} />
      {stores.data && list.length === 0 && <EmptyState>No store is configured.</EmptyState>}
      {list.length > 0 && (
        <>
          <figure className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <figcaption className="text-sm font-medium">
              Data per store ({formatBytes(total)} in all)
            </figcaption>
            <ul className="space-y-2">
              {list.map((s) => {
                const bytes = s.usage?.bytes ?? 0;
                return (
                  <li
                    key={s.id}
                    className="grid grid-cols-[8rem_1fr] items-center gap-3 sm:grid-cols-[10rem_1fr_8rem]"
                  >
                    <span className="truncate text-sm font-medium">{s.id}</span>
                    <div aria-hidden="true" className="h-4 w-full rounded bg-slate-100 dark:bg-slate-800">
                      <div
                        className="h-full rounded bg-indigo-600 dark:bg-indigo-400"
                        style={{ width: `${(bytes / most) * 100}%` }}
                      />
                    </div>
                    <span className="col-start-2 text-sm text-slate-700 sm:col-start-auto sm:text-right dark:text-slate-300">
                      {formatBytes(bytes)}
                      <span className="sr-only">
                        {" "}
                        in {s.usage?.images ?? 0} image{s.usage?.images === 1 ? "" : "s"}
                      </span>
                    </span>
                  </li>
                );
              })}
            </ul>
          </figure>
          <Table
            caption="Image stores"
            head={["Store", "Type", "Description", "Default", "Images", "Data", "Settings"]}
          >
            {list.map((s) => (
              <tr key={s.id} data-store={s.id}>
                <Cell className="font-medium">{s.id}</Cell>
                <Cell>{s.type ?? "—"}</Cell>
                <Cell>{s.description || "—"}</Cell>
                <Cell>{s.default === "true" ? "Default" : "—"}</Cell>
                <Cell>{(s.usage?.images ?? 0).toLocaleString("en")}</Cell>
                <Cell className="whitespace-nowrap">
                  <span title={`${(s.usage?.bytes ?? 0).toLocaleString("en")} bytes`}>
                    {formatBytes(s.usage?.bytes ?? 0)}
                  </span>
                </Cell>
                <Cell className="min-w-56">
                  {s.properties && Object.keys(s.properties).length > 0 ? (
                    <details>
                      <summary className="cursor-pointer rounded text-sm text-indigo-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-300">
                        Show
                        <span className="sr-only"> settings of {s.id}</span>
                      </summary>
                      <dl className="mt-2 space-y-1 text-xs">
                        {Object.entries(s.properties).map(([k, v]) => (
                          <div key={k}>
                            <dt className="font-mono text-slate-600 dark:text-slate-400">{k}</dt>
                            <dd className="font-mono break-all">{v === null ? "—" : String(v)}</dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                  ) : (
                    "—"
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        </>
      )}
    </div>
  );
}
