import { queryAudit, parseAuditQuery } from "@/lib/server/audit-query";
import { requireProjectCaller } from "@/lib/server/context";
import { forbidden } from "@/lib/server/errors";
import { defineRoute } from "@/lib/server/http/define-route";
import { getVisibleImage, isAdmin } from "@/lib/server/images/access";
import { imageParamsSchema } from "@/lib/schemas/params";

export const dynamic = "force-dynamic";

// GET /v2/images/{image_id}/audit-events – one image's history (Iris extension; owner project or admin)
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    const caller = requireProjectCaller(ctx);
    const { image } = await getVisibleImage(ctx, caller, params.imageId);
    if (!isAdmin(caller) && image.owner !== caller.projectId)
      throw forbidden("Only the image's owner project and administrators may read its history.");
    const q = parseAuditQuery(new URL(req.url).searchParams);
    const result = await queryAudit({ ...q, targetType: "image", targetId: image.id });
    return Response.json({ audit_events: result.events, next_marker: result.next });
  },
);
