import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { CONTENT_LENGTH_HEADER } from "@/lib/server/http/content-length";
import { defineRoute } from "@/lib/server/http/define-route";
import { expectedFromHeaders } from "@/lib/server/images/data-checks";
import { downloadImageData } from "@/lib/server/images/download";
import { uploadImageData } from "@/lib/server/images/upload";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// PUT /v2/images/{image_id}/file – upload image data (streamed, hashed, quota-checked)
export const PUT = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    await uploadImageData(ctx, requireProjectCaller(ctx), params.imageId, {
      contentType: req.headers.get("content-type"),
      contentLength: req.headers.get("content-length"),
      declaredSize: req.headers.get("x-openstack-image-size"),
      body: req.body,
      store: req.headers.get("x-image-meta-store"),
      expected: expectedFromHeaders(req.headers),
    });
    return new Response(null, { status: 204 });
  },
);

// GET /v2/images/{image_id}/file – download image data (Range supported)
export const GET = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    const d = await downloadImageData(
      ctx,
      requireProjectCaller(ctx),
      params.imageId,
      req.headers.get("range"),
    );
    if (d.kind === "empty") return new Response(null, { status: 204 });
    const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
    if (d.checksum) headers["Content-MD5"] = d.checksum;
    if (d.range) {
      headers["Content-Range"] = `bytes ${d.range.start}-${d.range.end}/${d.size}`;
      headers[CONTENT_LENGTH_HEADER] = String(d.range.end - d.range.start + 1);
      return new Response(d.stream, { status: 206, headers });
    }
    headers[CONTENT_LENGTH_HEADER] = String(d.size);
    return new Response(d.stream, { status: 200, headers });
  },
);
