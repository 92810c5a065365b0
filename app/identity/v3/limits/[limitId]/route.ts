import { z } from "zod";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { deleteLimit, getLimit, updateLimit } from "@/lib/server/identity/limits";

export const dynamic = "force-dynamic";
const params = z.object({ limitId: z.string() });

// GET /identity/v3/limits/{limit_id} – one project limit
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) =>
  Response.json({ limit: await getLimit(requireCaller(ctx), p.limitId, ctx.publicUrl) }),
);

const patchSchema = z.object({
  limit: z.object({ resource_limit: z.unknown().optional(), description: z.unknown().optional() }),
});

// PATCH /identity/v3/limits/{limit_id} – change resource_limit or description (admin)
export const PATCH = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ req, ctx, params: p }) => {
    const { limit } = await readJson(req, patchSchema);
    return Response.json({
      limit: await updateLimit(ctx, requireCaller(ctx), p.limitId, limit, ctx.publicUrl),
    });
  },
);

// DELETE /identity/v3/limits/{limit_id} – back to the registered (default) limit (admin)
export const DELETE = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await deleteLimit(ctx, requireCaller(ctx), p.limitId);
    return new Response(null, { status: 204 });
  },
);
