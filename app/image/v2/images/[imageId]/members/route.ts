import { z } from "zod";
import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { addImageMember, listImageMembers, parseMemberBody, serializeMember } from "@/lib/server/members";

export const dynamic = "force-dynamic";

// GET /v2/images/{image_id}/members – list members (the owner sees all; a member only itself)
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    const members = await listImageMembers(ctx, requireProjectCaller(ctx), params.imageId);
    return Response.json({ members: members.map(serializeMember), schema: "/v2/schemas/members" });
  },
);

// POST /v2/images/{image_id}/members – share with a project (status pending)
export const POST = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    const memberId = parseMemberBody(await readJson(req, z.unknown()));
    const m = await addImageMember(ctx, requireProjectCaller(ctx), params.imageId, memberId);
    return Response.json(serializeMember(m));
  },
);
