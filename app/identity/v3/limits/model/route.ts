import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { limitsModel } from "@/lib/server/identity/limits";

export const dynamic = "force-dynamic";

// GET /identity/v3/limits/model – the enforcement model (flat)
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ ctx }) => {
  requireCaller(ctx);
  return Response.json(limitsModel());
});
