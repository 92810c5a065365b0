import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { userProjects } from "@/lib/server/identity/admin";
import { collection, projectView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/users/{user_id}/projects – the projects where the user has a role
export const GET = defineRoute(
  { family: "identity", auth: "caller", params: z.object({ userId: z.string() }) },
  async ({ req, ctx, params }) => {
    const projects = await userProjects(requireCaller(ctx), params.userId);
    return Response.json(
      collection(
        "projects",
        projects.map((p) => projectView(p, ctx.publicUrl)),
        `${ctx.publicUrl}${new URL(req.url).pathname}`,
      ),
    );
  },
);
