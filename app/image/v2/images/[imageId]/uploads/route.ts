import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { createTusUpload, tusOptions } from "@/lib/server/uploads/tus";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// POST /v2/images/{image_id}/uploads – create a resumable (tus 1.0) upload for a queued image
export const POST = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  ({ req, ctx, params }) => createTusUpload(ctx, requireProjectCaller(ctx), params.imageId, req),
);

// OPTIONS – tus discovery: version, extensions, checksum algorithms, maximum size
export const OPTIONS = defineRoute({ family: "image", auth: "none" }, ({ req }) => tusOptions(req));
