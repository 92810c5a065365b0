import { z } from "zod";
import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { policyCaller } from "@/lib/server/images/access";
import { getTask } from "@/lib/server/imports/tasks";

export const dynamic = "force-dynamic";

// GET /v2/tasks/{task_id} – one task (policy tasks_api_access: admins by default, as in Glance)
export const GET = defineRoute(
  { family: "image", auth: "project", params: z.object({ taskId: z.string().min(1) }) },
  async ({ ctx, params }) =>
    Response.json(await getTask(policyCaller(requireProjectCaller(ctx)), params.taskId)),
);
