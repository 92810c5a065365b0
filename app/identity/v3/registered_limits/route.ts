import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { refuseRegisteredLimitChange, registeredLimits } from "@/lib/server/identity/limits";
import { queryStr } from "@/lib/server/identity/query";

export const dynamic = "force-dynamic";

// GET /identity/v3/registered_limits – the image service's default limits; filters service_id, resource_name
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  requireCaller(ctx);
  const url = new URL(req.url);
  const q = url.searchParams;
  return Response.json({
    registered_limits: registeredLimits(ctx.publicUrl, {
      serviceId: queryStr(q, "service_id"),
      resourceName: queryStr(q, "resource_name"),
    }),
    links: { self: `${ctx.publicUrl}${url.pathname}`, previous: null, next: null },
  });
});

// POST /identity/v3/registered_limits – refused: the defaults are Iris's configuration
export const POST = defineRoute({ family: "identity", auth: "caller" }, async ({ ctx }) => {
  requireCaller(ctx);
  refuseRegisteredLimitChange();
});
