import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { describeImageMembers } from "@/lib/server/members/dashboard";

export const dynamic = "force-dynamic";

// GET /api/dashboard/images/{image_id}/members – members with project names, who shared and who decided (dashboard; owner or admin)
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    const caller = requireProjectCaller(ctx);
    return Response.json({ members: await describeImageMembers(ctx, caller, params.imageId) });
  },
);
