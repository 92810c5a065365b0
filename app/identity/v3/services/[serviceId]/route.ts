import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { notFound } from "@/lib/server/errors";
import { serviceViews } from "@/lib/server/identity/serialize";

export const dynamic = "force-dynamic";
const params = z.object({ serviceId: z.string() });

// GET /identity/v3/services/{service_id} – one service of the catalog
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) => {
  requireCaller(ctx);
  const service = serviceViews(ctx.publicUrl).find((s) => s.id === p.serviceId);
  if (!service) throw notFound(`Could not find service: ${p.serviceId}.`);
  return Response.json({ service });
});
