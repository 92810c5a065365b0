import { z } from "zod";
import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { getVisibleImage } from "@/lib/server/images/access";
import { deleteImage } from "@/lib/server/images/lifecycle";
import { parsePatch, patchDraft } from "@/lib/server/images/patch";
import { serializeImage } from "@/lib/server/images/serialize";
import { updateImage } from "@/lib/server/images/update";

export const dynamic = "force-dynamic";

// GET /v2/images/{image_id} – show an image
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    const { image } = await getVisibleImage(ctx, requireProjectCaller(ctx), params.imageId);
    return Response.json(serializeImage(image));
  },
);

// PATCH /v2/images/{image_id} – update with a JSON patch (v2.1 or the v2.0 draft media type)
export const PATCH = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    const draft = patchDraft(req.headers.get("content-type"));
    const changes = parsePatch(await readJson(req, z.unknown()), draft);
    const image = await updateImage(ctx, requireProjectCaller(ctx), params.imageId, changes);
    return Response.json(serializeImage(image));
  },
);

// DELETE /v2/images/{image_id} – delete an image and its data
export const DELETE = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ ctx, params }) => {
    await deleteImage(ctx, requireProjectCaller(ctx), params.imageId);
    return new Response(null, { status: 204 });
  },
);
