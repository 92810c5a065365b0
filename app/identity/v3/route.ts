import { identityVersion } from "@/lib/server/identity/serialize";
import { defineRoute } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

// GET /identity/v3 – the v3 version document (keystoneauth discovery)
export const GET = defineRoute({ family: "identity" }, ({ ctx }) =>
  Response.json({ version: identityVersion(ctx.publicUrl) }),
);
