import { defineRoute } from "@/lib/server/http/define-route";
import { versionsDocument } from "@/lib/server/images/versions";

export const dynamic = "force-dynamic";

// GET /image/versions – the versions document, 200
export const GET = defineRoute({ family: "image" }, ({ ctx }) =>
  Response.json(versionsDocument(ctx.publicUrl)),
);
