import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { expectedFromHeaders } from "@/lib/server/images/data-checks";
import { stageImageData } from "@/lib/server/imports/staging";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// PUT /v2/images/{image_id}/stage – stage data for a glance-direct import (image → uploading)
export const PUT = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    await stageImageData(ctx, requireProjectCaller(ctx), params.imageId, {
      contentType: req.headers.get("content-type"),
      contentLength: req.headers.get("content-length"),
      body: req.body,
      expected: expectedFromHeaders(req.headers),
    });
    return new Response(null, { status: 204 });
  },
);
