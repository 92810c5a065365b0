import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { getVisibleImage } from "@/lib/server/images/access";
import { imageTasks } from "@/lib/server/imports/tasks";

export const dynamic = "force-dynamic";

// GET /v2/images/{image_id}/tasks – the image's import tasks (anyone who may see the image),
// those the caller's project started (admins: all)
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    const caller = requireProjectCaller(ctx);
    const { image } = await getVisibleImage(ctx, caller, params.imageId);
    return Response.json(await imageTasks(image.id, caller));
  },
);
