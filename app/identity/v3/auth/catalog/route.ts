import { serviceCatalog } from "@/lib/server/identity/serialize";
import { defineRoute } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

// GET /identity/v3/auth/catalog – the catalog for the caller's token
export const GET = defineRoute({ family: "identity", auth: "project" }, ({ ctx }) =>
  Response.json({
    catalog: serviceCatalog(ctx.publicUrl),
    links: { self: `${ctx.publicUrl}/identity/v3/auth/catalog` },
  }),
);
