import { z } from "zod";
import { projectUpdateSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { deleteProject, getProject, updateProject } from "@/lib/server/identity/admin";
import { projectView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";
const params = z.object({ projectId: z.string() });

// GET /identity/v3/projects/{project_id} – show (admin, or a user with a role on it)
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) =>
  Response.json({ project: projectView(await getProject(requireCaller(ctx), p.projectId), ctx.publicUrl) }),
);

// PATCH /identity/v3/projects/{project_id} – update (admin)
export const PATCH = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ req, ctx, params: p }) => {
    const { project } = await readJson(req, projectUpdateSchema);
    return Response.json({
      project: projectView(await updateProject(ctx, requireCaller(ctx), p.projectId, project), ctx.publicUrl),
    });
  },
);

// DELETE /identity/v3/projects/{project_id} – delete (admin)
export const DELETE = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await deleteProject(ctx, requireCaller(ctx), p.projectId);
    return new Response(null, { status: 204 });
  },
);
