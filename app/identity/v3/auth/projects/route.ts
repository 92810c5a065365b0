import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { userProjects } from "@/lib/server/identity/admin";
import { collection, projectView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/auth/projects – the projects the caller may scope to
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const caller = requireCaller(ctx);
  const projects = await userProjects(caller, caller.userId);
  return Response.json(
    collection(
      "projects",
      projects.map((p) => projectView(p, ctx.publicUrl)),
      `${ctx.publicUrl}${new URL(req.url).pathname}`,
    ),
  );
});
