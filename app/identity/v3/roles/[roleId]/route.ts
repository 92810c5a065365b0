import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { deleteRole, getRole } from "@/lib/server/identity/admin";
import { roleView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";
const params = z.object({ roleId: z.string() });

// GET /identity/v3/roles/{role_id} – show a role
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) =>
  Response.json({ role: roleView(await getRole(requireCaller(ctx), p.roleId), ctx.publicUrl) }),
);

// DELETE /identity/v3/roles/{role_id} – delete a role (admin; not the built-in ones)
export const DELETE = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await deleteRole(ctx, requireCaller(ctx), p.roleId);
    return new Response(null, { status: 204 });
  },
);
