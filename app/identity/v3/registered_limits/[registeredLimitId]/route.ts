import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { refuseRegisteredLimitChange, registeredLimit } from "@/lib/server/identity/limits";

export const dynamic = "force-dynamic";
const params = z.object({ registeredLimitId: z.string() });

// GET /identity/v3/registered_limits/{id} – one default limit
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) => {
  requireCaller(ctx);
  return Response.json({ registered_limit: registeredLimit(p.registeredLimitId, ctx.publicUrl) });
});

// PATCH, DELETE /identity/v3/registered_limits/{id} – refused: the defaults are Iris's configuration
const refuse = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx }) => {
  requireCaller(ctx);
  refuseRegisteredLimitChange();
});
export const PATCH = refuse;
export const DELETE = refuse;
