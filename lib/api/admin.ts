import { apiFetch } from "./client";

// The administration views' fetchers: quotas (Keystone unified limits), usage, stores and the
// audit log, with the session cookie.

import type { QuotaResource } from "@/lib/schemas/quota";

export { isSizeResource, QUOTA_RESOURCES, type QuotaResource } from "@/lib/schemas/quota";

export interface Limit {
  id: string;
  project_id: string;
  service_id: string;
  resource_name: QuotaResource;
  resource_limit: number;
  description: string | null;
}
export interface RegisteredLimit {
  id: string;
  service_id: string;
  resource_name: QuotaResource;
  default_limit: number;
  description: string;
}
export type UsageReport = Record<QuotaResource, { limit: number; usage: number }>;

export interface StoreDetail {
  id: string;
  description: string;
  default?: "true";
  type?: string;
  properties?: Record<string, unknown>;
  usage?: { images: number; bytes: number };
}

export interface AuditEvent {
  id: string;
  created_at: string;
  action: string;
  outcome: "success" | "failure";
  user_id: string | null;
  user_name: string | null;
  project_id: string | null;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
  remote_addr: string | null;
  user_agent: string | null;
  detail: unknown;
}
/** The audit log's filters, as GET /image/v2/audit-events names them. */
export interface AuditFilters {
  action?: string;
  target_type?: string;
  target_id?: string;
  user_id?: string;
  project_id?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit?: number;
  marker?: string;
}

const V3 = "/identity/v3";

export const adminApi = {
  /** The image service's id, which every limit names. */
  imageServiceId: () =>
    apiFetch<{ services: { id: string }[] }>(`${V3}/services?type=image`).then((r) => {
      const s = r.services[0];
      if (!s) throw new Error("The catalog has no image service.");
      return s.id;
    }),
  registeredLimits: () =>
    apiFetch<{ registered_limits: RegisteredLimit[] }>(`${V3}/registered_limits`).then(
      (r) => r.registered_limits,
    ),
  limits: (projectId?: string) =>
    apiFetch<{ limits: Limit[] }>(
      `${V3}/limits${projectId ? `?project_id=${encodeURIComponent(projectId)}` : ""}`,
    ).then((r) => r.limits),
  createLimit: (l: {
    service_id: string;
    project_id: string;
    resource_name: string;
    resource_limit: number;
  }) =>
    apiFetch<{ limits: Limit[] }>(`${V3}/limits`, { method: "POST", body: { limits: [l] } }).then(
      (r) => r.limits[0]!,
    ),
  updateLimit: (id: string, resourceLimit: number) =>
    apiFetch<{ limit: Limit }>(`${V3}/limits/${id}`, {
      method: "PATCH",
      body: { limit: { resource_limit: resourceLimit } },
    }).then((r) => r.limit),
  deleteLimit: (id: string) => apiFetch<void>(`${V3}/limits/${id}`, { method: "DELETE" }),

  usage: (projectId: string) =>
    apiFetch<{ usage: UsageReport }>(`/image/v2/info/usage?project_id=${encodeURIComponent(projectId)}`).then(
      (r) => r.usage,
    ),
  stores: () => apiFetch<{ stores: StoreDetail[] }>("/image/v2/info/stores/detail").then((r) => r.stores),

  /** One page of the audit log, newest first; `next` is the marker of the following page. */
  auditEvents: async (f: AuditFilters, opts: { signal?: AbortSignal } = {}) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") q.set(k, String(v));
    const r = await apiFetch<{ audit_events: AuditEvent[]; next?: string }>(`/image/v2/audit-events?${q}`, {
      signal: opts.signal,
    });
    const next = r.next ? new URLSearchParams(r.next.split("?")[1] ?? "").get("marker") : null;
    return { events: r.audit_events, next };
  },
};
