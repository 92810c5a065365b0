import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireProjectCaller } from "@/lib/server/context";
import { createImage } from "@/lib/server/images/create";
import { listBody, listImages } from "@/lib/server/images/list";
import { serializeImage } from "@/lib/server/images/serialize";
import { z } from "zod";
import { importMethods } from "@/lib/server/env";
import { listStores } from "@/lib/server/stores";

export const dynamic = "force-dynamic";

// GET /v2/images – list images the caller may see, with filters, sorting and pagination
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  const params = new URL(req.url).searchParams;
  const result = await listImages(requireProjectCaller(ctx), params);
  return Response.json(listBody(params, result));
});

// POST /v2/images – create an image record (status queued)
export const POST = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  const body = await readJson(req, z.unknown());
  const image = await createImage(ctx, requireProjectCaller(ctx), body);
  return Response.json(serializeImage(image), {
    status: 201,
    headers: {
      Location: `${ctx.publicUrl}/image/v2/images/${image.id}`,
      // Glance tells clients what import offers here (openstacksdk's --import looks for it).
      "OpenStack-image-import-methods": importMethods().join(","),
      "OpenStack-image-store-ids": listStores()
        .map((s) => s.name)
        .join(","),
    },
  });
});
