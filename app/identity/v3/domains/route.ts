import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { listDomains } from "@/lib/server/identity/admin";
import { collection, domainView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/domains – list domains (admin)
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const url = new URL(req.url);
  const domains = await listDomains(requireCaller(ctx), url.searchParams.get("name") ?? undefined);
  return Response.json(
    collection(
      "domains",
      domains.map((d) => domainView(d, ctx.publicUrl)),
      `${ctx.publicUrl}${url.pathname}`,
    ),
  );
});
