import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { listRoleAssignments } from "@/lib/server/identity/admin";
import { queryBool, queryStr } from "@/lib/server/identity/query";

export const dynamic = "force-dynamic";

// GET /identity/v3/role_assignments – filters user.id, scope.project.id, role.id, effective, include_names
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const url = new URL(req.url);
  const q = url.searchParams;
  const assignments = await listRoleAssignments(
    requireCaller(ctx),
    {
      userId: queryStr(q, "user.id"),
      projectId: queryStr(q, "scope.project.id"),
      roleId: queryStr(q, "role.id"),
      effective: queryBool(q, "effective") ?? false,
      includeNames: queryBool(q, "include_names") ?? false,
    },
    ctx.publicUrl,
  );
  return Response.json({
    role_assignments: assignments,
    links: { self: `${ctx.publicUrl}${url.pathname}`, previous: null, next: null },
  });
});
