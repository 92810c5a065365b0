import { defineRoute } from "@/lib/server/http/define-route";
import { versionsDocument } from "@/lib/server/images/versions";

export const dynamic = "force-dynamic";

// GET /image – the versions document; like Glance's GET /, 300 Multiple Choices
export const GET = defineRoute({ family: "image" }, ({ ctx }) =>
  Response.json(versionsDocument(ctx.publicUrl), { status: 300 }),
);
