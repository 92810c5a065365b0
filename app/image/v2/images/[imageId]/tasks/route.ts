import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { getVisibleImage } from "@/lib/server/images/access";
import { imageTasks } from "@/lib/server/imports/tasks";

export const dynamic = "force-dynamic";

// GET /v2/images/{image_id}/tasks – the image's import tasks (anyone who may see the image)
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    const { image } = await getVisibleImage(ctx, requireProjectCaller(ctx), params.imageId);
    return Response.json(await imageTasks(image.id));
  },
);
