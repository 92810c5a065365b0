import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { searchProjects } from "@/lib/server/identity/lookup";

export const dynamic = "force-dynamic";

// GET /api/dashboard/projects?q= – projects to share an image with, by name prefix or id (dashboard)
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ req, ctx }) => {
  requireProjectCaller(ctx);
  return Response.json({ projects: await searchProjects(new URL(req.url).searchParams.get("q") ?? "") });
});
