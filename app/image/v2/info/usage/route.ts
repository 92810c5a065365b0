import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { usageReport } from "@/lib/server/quotas";

export const dynamic = "force-dynamic";

// GET /v2/info/usage – the project's quota limits and usage
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ ctx }) =>
  Response.json(await usageReport(requireProjectCaller(ctx).projectId)),
);
