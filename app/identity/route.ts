import { identityVersion } from "@/lib/server/identity/serialize";
import { defineRoute } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

// GET /identity – the versions document; like Keystone, 300 Multiple Choices
export const GET = defineRoute({ family: "identity" }, ({ ctx }) =>
  Response.json({ versions: { values: [identityVersion(ctx.publicUrl)] } }, { status: 300 }),
);
