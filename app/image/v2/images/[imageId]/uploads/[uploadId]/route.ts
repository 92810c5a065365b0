import { tusUploadParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { tusOptions, tusUploadRequest } from "@/lib/server/uploads/tus";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// HEAD, PATCH and DELETE /v2/images/{image_id}/uploads/{upload_id} – tus offset, data, termination
const handler = defineRoute(
  { family: "image", auth: "project", params: tusUploadParamsSchema },
  ({ req, ctx, params }) =>
    tusUploadRequest(ctx, requireProjectCaller(ctx), params.imageId, params.uploadId, req),
);
export const HEAD = handler;
export const PATCH = handler;
export const DELETE = handler;
export const OPTIONS = defineRoute({ family: "image", auth: "none" }, ({ req }) => tusOptions(req));
