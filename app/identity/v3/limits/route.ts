import { z } from "zod";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { createLimits, listLimits } from "@/lib/server/identity/limits";
import { queryStr } from "@/lib/server/identity/query";

export const dynamic = "force-dynamic";

// GET /identity/v3/limits – project limits (quotas) of the image service; filters project_id, service_id, resource_name
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const url = new URL(req.url);
  const q = url.searchParams;
  return Response.json({
    limits: await listLimits(requireCaller(ctx), ctx.publicUrl, {
      projectId: queryStr(q, "project_id"),
      serviceId: queryStr(q, "service_id"),
      resourceName: queryStr(q, "resource_name"),
    }),
    links: { self: `${ctx.publicUrl}${url.pathname}`, previous: null, next: null },
  });
});

const createSchema = z.object({ limits: z.array(z.record(z.string(), z.unknown())) });

// POST /identity/v3/limits – create project limits (admin), all or none
export const POST = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const { limits } = await readJson(req, createSchema);
  return Response.json(
    { limits: await createLimits(ctx, requireCaller(ctx), limits, ctx.publicUrl) },
    { status: 201 },
  );
});
