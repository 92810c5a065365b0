import { z } from "zod";
import { imageParamsSchema } from "@/lib/schemas/params";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { startImport } from "@/lib/server/imports/import";

export const dynamic = "force-dynamic";

// POST /v2/images/{image_id}/import – glance-direct, web-download or copy-image (202; a task runs)
export const POST = defineRoute(
  { family: "image", auth: "project", params: imageParamsSchema },
  async ({ req, ctx, params }) => {
    const body = await readJson(req, z.unknown());
    await startImport(
      ctx,
      requireProjectCaller(ctx),
      params.imageId,
      body,
      req.headers.get("x-image-meta-store"),
    );
    return new Response(null, { status: 202 });
  },
);
