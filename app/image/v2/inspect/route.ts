import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { previewInspection } from "@/lib/server/images/inspect-preview";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// POST /v2/inspect?disk_format=…&container_format=… – what the start of a file is (Iris extension)
export const POST = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  requireProjectCaller(ctx);
  const q = new URL(req.url).searchParams;
  return Response.json(
    await previewInspection({
      contentType: req.headers.get("content-type"),
      body: req.body,
      diskFormat: q.get("disk_format"),
      containerFormat: q.get("container_format"),
    }),
  );
});
