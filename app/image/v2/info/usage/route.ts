import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { policyCaller } from "@/lib/server/images/access";
import { usageReportFor } from "@/lib/server/quotas";

export const dynamic = "force-dynamic";

// GET /v2/info/usage – the project's quota limits and usage; ?project_id= another project's (admins, Iris)
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  const caller = requireProjectCaller(ctx);
  const projectId = new URL(req.url).searchParams.get("project_id");
  return Response.json(
    await usageReportFor({ ...policyCaller(caller), projectId: caller.projectId }, projectId),
  );
});
