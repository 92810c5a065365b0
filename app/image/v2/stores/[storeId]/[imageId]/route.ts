import { storeImageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { deleteFromStore } from "@/lib/server/images/stores";

export const dynamic = "force-dynamic";

// DELETE /v2/stores/{store_id}/{image_id} – remove the image's data from one of its stores
export const DELETE = defineRoute(
  { family: "image", auth: "project", params: storeImageParamsSchema },
  async ({ ctx, params }) => {
    await deleteFromStore(ctx, requireProjectCaller(ctx), params.storeId, params.imageId);
    return new Response(null, { status: 204 });
  },
);
