import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { checkGrant, grantRole, revokeRole } from "@/lib/server/identity/admin";

export const dynamic = "force-dynamic";
const params = z.object({ projectId: z.string(), userId: z.string(), roleId: z.string() });

// PUT /identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id} – grant (admin)
export const PUT = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) => {
  await grantRole(ctx, requireCaller(ctx), p.projectId, p.userId, p.roleId);
  return new Response(null, { status: 204 });
});

// HEAD /identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id} – check
export const HEAD = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await checkGrant(requireCaller(ctx), p.projectId, p.userId, p.roleId);
    return new Response(null, { status: 204 });
  },
);

// GET is answered like HEAD (Keystone's check_grant)
export const GET = HEAD;

// DELETE /identity/v3/projects/{project_id}/users/{user_id}/roles/{role_id} – revoke (admin); ends the user's tokens on the project
export const DELETE = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await revokeRole(ctx, requireCaller(ctx), p.projectId, p.userId, p.roleId);
    return new Response(null, { status: 204 });
  },
);
