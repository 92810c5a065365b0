import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { getDomain } from "@/lib/server/identity/admin";
import { domainView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/domains/{domain_id} – show a domain
export const GET = defineRoute(
  { family: "identity", auth: "caller", params: z.object({ domainId: z.string() }) },
  async ({ ctx, params }) =>
    Response.json({
      domain: domainView(await getDomain(requireCaller(ctx), params.domainId), ctx.publicUrl),
    }),
);
