import { z } from "zod";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import {
  getImageMember,
  parseStatusBody,
  removeImageMember,
  serializeMember,
  setImageMemberStatus,
} from "@/lib/server/members";

export const dynamic = "force-dynamic";

const params = z.object({ imageId: z.string().min(1), memberId: z.string().min(1) });

// GET /v2/images/{image_id}/members/{member_id} – show a member
export const GET = defineRoute({ family: "image", auth: "project", params }, async ({ ctx, params: p }) => {
  const m = await getImageMember(ctx, requireProjectCaller(ctx), p.imageId, p.memberId);
  return Response.json(serializeMember(m));
});

// PUT /v2/images/{image_id}/members/{member_id} – the member project accepts, rejects or defers
export const PUT = defineRoute(
  { family: "image", auth: "project", params },
  async ({ req, ctx, params: p }) => {
    const status = parseStatusBody(await readJson(req, z.unknown()));
    const m = await setImageMemberStatus(ctx, requireProjectCaller(ctx), p.imageId, p.memberId, status);
    return Response.json(serializeMember(m));
  },
);

// DELETE /v2/images/{image_id}/members/{member_id} – stop sharing with a project
export const DELETE = defineRoute(
  { family: "image", auth: "project", params },
  async ({ ctx, params: p }) => {
    await removeImageMember(ctx, requireProjectCaller(ctx), p.imageId, p.memberId);
    return new Response(null, { status: 204 });
  },
);
