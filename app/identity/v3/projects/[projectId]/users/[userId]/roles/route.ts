import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { userRolesOnProject } from "@/lib/server/identity/admin";
import { collection, roleView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/projects/{project_id}/users/{user_id}/roles – a user's roles on a project
export const GET = defineRoute(
  { family: "identity", auth: "caller", params: z.object({ projectId: z.string(), userId: z.string() }) },
  async ({ req, ctx, params }) => {
    const roles = await userRolesOnProject(requireCaller(ctx), params.projectId, params.userId);
    return Response.json(
      collection(
        "roles",
        roles.map((r) => roleView(r, ctx.publicUrl)),
        `${ctx.publicUrl}${new URL(req.url).pathname}`,
      ),
    );
  },
);
