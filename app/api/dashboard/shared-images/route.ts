import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { countSharedInbox, listSharedInbox, parseInboxStatus } from "@/lib/server/members/dashboard";

export const dynamic = "force-dynamic";

// GET /api/dashboard/shared-images?member_status= – images shared with the current project, with counts (dashboard)
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  const caller = requireProjectCaller(ctx);
  const q = new URL(req.url).searchParams;
  const counts = await countSharedInbox(caller);
  if (q.get("count_only") === "true") return Response.json({ counts });
  const images = await listSharedInbox(caller, parseInboxStatus(q.get("member_status")));
  return Response.json({ images, counts });
});
