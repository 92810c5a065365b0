import { queryAudit, parseAuditQuery } from "@/lib/server/audit-query";
import { hasRole, requireProjectCaller } from "@/lib/server/context";
import { forbidden } from "@/lib/server/errors";
import { defineRoute } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

// GET /v2/audit-events – the audit log (Iris extension; admins only)
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  if (!hasRole(requireProjectCaller(ctx), "admin"))
    throw forbidden("Reading the audit log requires the admin role.");
  const params = new URL(req.url).searchParams;
  const result = await queryAudit(parseAuditQuery(params));
  const body: Record<string, unknown> = { audit_events: result.events };
  if (result.next) {
    params.set("marker", result.next);
    body.next = `/v2/audit-events?${params}`;
  }
  return Response.json(body);
});
