import { projectCreateSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { createProject, listProjects } from "@/lib/server/identity/admin";
import { queryBool, queryStr } from "@/lib/server/identity/query";
import { collection, projectView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/projects – list projects (admin); filters name, domain_id, enabled
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const url = new URL(req.url);
  const q = url.searchParams;
  const projects = await listProjects(requireCaller(ctx), {
    name: queryStr(q, "name"),
    domainId: queryStr(q, "domain_id"),
    enabled: queryBool(q, "enabled"),
  });
  return Response.json(
    collection(
      "projects",
      projects.map((p) => projectView(p, ctx.publicUrl)),
      `${ctx.publicUrl}${url.pathname}`,
    ),
  );
});

// POST /identity/v3/projects – create a project (admin)
export const POST = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const { project } = await readJson(req, projectCreateSchema);
  const p = await createProject(ctx, requireCaller(ctx), project);
  return Response.json({ project: projectView(p, ctx.publicUrl) }, { status: 201 });
});
