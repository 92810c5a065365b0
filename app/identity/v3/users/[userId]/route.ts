import { z } from "zod";
import { userUpdateSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { deleteUser, getUser, updateUser } from "@/lib/server/identity/admin";
import { userView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";
const params = z.object({ userId: z.string() });

// GET /identity/v3/users/{user_id} – show (admin or the user)
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) =>
  Response.json({ user: userView(await getUser(requireCaller(ctx), p.userId), ctx.publicUrl) }),
);

// PATCH /identity/v3/users/{user_id} – update (admin); a new password or disabling ends the user's tokens
export const PATCH = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ req, ctx, params: p }) => {
    const { user } = await readJson(req, userUpdateSchema);
    return Response.json({
      user: userView(await updateUser(ctx, requireCaller(ctx), p.userId, user), ctx.publicUrl),
    });
  },
);

// DELETE /identity/v3/users/{user_id} – delete (admin)
export const DELETE = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await deleteUser(ctx, requireCaller(ctx), p.userId);
    return new Response(null, { status: 204 });
  },
);
