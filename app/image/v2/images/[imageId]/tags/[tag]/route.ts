import { imageTagParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { addImageTag, deleteImageTag } from "@/lib/server/images/lifecycle";

export const dynamic = "force-dynamic";

// PUT /v2/images/{image_id}/tags/{tag} – add a tag
export const PUT = defineRoute(
  { family: "image", auth: "project", params: imageTagParamsSchema },
  async ({ ctx, params }) => {
    await addImageTag(ctx, requireProjectCaller(ctx), params.imageId, params.tag);
    return new Response(null, { status: 204 });
  },
);

// DELETE /v2/images/{image_id}/tags/{tag} – remove a tag
export const DELETE = defineRoute(
  { family: "image", auth: "project", params: imageTagParamsSchema },
  async ({ ctx, params }) => {
    await deleteImageTag(ctx, requireProjectCaller(ctx), params.imageId, params.tag);
    return new Response(null, { status: 204 });
  },
);
