import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { serviceViews } from "@/lib/server/identity/serialize";
import { collection } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/services – the catalog's services; filters name and type
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  requireCaller(ctx);
  const url = new URL(req.url);
  const name = url.searchParams.get("name");
  const type = url.searchParams.get("type");
  const services = serviceViews(ctx.publicUrl).filter(
    (s) => (name === null || s.name === name) && (type === null || s.type === type),
  );
  return Response.json(collection("services", services, `${ctx.publicUrl}${url.pathname}`));
});
