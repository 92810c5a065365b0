import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { setImageActivation } from "@/lib/server/images/lifecycle";

export const dynamic = "force-dynamic";

// POST /v2/images/{image_id}/actions/reactivate
export const POST = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    await setImageActivation(ctx, requireProjectCaller(ctx), params.imageId, "reactivate");
    return new Response(null, { status: 204 });
  },
);
