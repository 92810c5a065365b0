import "server-only";
import { db } from "./db";
import { badRequest } from "./errors";
import { parseIsoTime } from "./images/list-query";

// Reading the audit log: newest first, filtered, paged with a marker.

export interface AuditQuery {
  action?: string;
  targetType?: string;
  targetId?: string;
  projectId?: string;
  userId?: string;
  outcome?: string;
  since?: Date;
  until?: Date;
  limit: number;
  marker?: string;
}

export function parseAuditQuery(params: URLSearchParams): AuditQuery {
  const q: AuditQuery = { limit: 50 };
  const str = (k: string) => params.get(k) ?? undefined;
  q.action = str("action");
  q.targetType = str("target_type");
  q.targetId = str("target_id");
  q.projectId = str("project_id");
  q.userId = str("user_id");
  q.outcome = str("outcome");
  if (q.outcome && q.outcome !== "success" && q.outcome !== "failure")
    throw badRequest("outcome must be 'success' or 'failure'.");
  for (const k of ["since", "until"] as const) {
    const v = params.get(k);
    if (v !== null) {
      const d = parseIsoTime(v);
      if (!d) throw badRequest(`Bad "${k}" value: use ISO 8601 date and time.`);
      q[k] = d;
    }
  }
  const limit = params.get("limit");
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1) throw badRequest("limit must be a positive integer.");
    q.limit = Math.min(1000, Number(limit));
  }
  q.marker = str("marker");
  return q;
}

export async function queryAudit(q: AuditQuery) {
  const where = {
    action: q.action ? { startsWith: q.action } : undefined,
    targetType: q.targetType,
    targetId: q.targetId,
    projectId: q.projectId,
    userId: q.userId,
    outcome: q.outcome,
    createdAt: q.since || q.until ? { gte: q.since, lte: q.until } : undefined,
  };
  let after = {};
  if (q.marker) {
    const m = await db.auditEvent.findUnique({ where: { id: q.marker } });
    if (!m) throw badRequest(`No audit event found with ID ${q.marker}`);
    after = { OR: [{ createdAt: { lt: m.createdAt } }, { createdAt: m.createdAt, id: { lt: m.id } }] };
  }
  const rows = await db.auditEvent.findMany({
    where: { AND: [where, after] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit,
  });
  return {
    events: rows.map((r) => ({
      id: r.id,
      created_at: r.createdAt.toISOString(),
      action: r.action,
      outcome: r.outcome,
      user_id: r.userId,
      user_name: r.userName,
      project_id: r.projectId,
      target_type: r.targetType,
      target_id: r.targetId,
      request_id: r.requestId,
      remote_addr: r.remoteAddr,
      user_agent: r.userAgent,
      detail: JSON.parse(r.detail) as unknown,
    })),
    next: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
  };
}
