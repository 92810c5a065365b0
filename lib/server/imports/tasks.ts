import "server-only";
import type { Task } from "@/generated/sqlite/client";
import { db } from "../db";
import { forbidden, notFound } from "../errors";
import { newUuid } from "../ids";
import { can, type PolicyCaller } from "../policy";
import { isAdmin, type ImageCaller } from "../images/access";
import { isoTime } from "../images/serialize";

// Tasks: the record of an import (Glance's api_image_import tasks), with status, message and the
// request it came from. Kept for TASK_TTL_HOURS after they end, as Glance's task_time_to_live.

const TASK_TTL_HOURS = 48;

export type TaskStatus = "pending" | "processing" | "success" | "failure";

export async function createTask(data: {
  imageId: string;
  input: unknown;
  owner: string;
  userId: string;
  requestId: string;
}): Promise<Task> {
  return db.task.create({
    data: {
      id: newUuid(),
      imageId: data.imageId,
      type: "api_image_import",
      status: "pending",
      input: JSON.stringify(data.input),
      owner: data.owner,
      userId: data.userId,
      requestId: data.requestId,
    },
  });
}

export async function updateTask(
  id: string,
  data: { status?: TaskStatus; message?: string; result?: unknown },
): Promise<void> {
  const ended = data.status === "success" || data.status === "failure";
  await db.task.updateMany({
    where: { id },
    data: {
      ...(data.status ? { status: data.status } : {}),
      ...(data.message !== undefined ? { message: data.message } : {}),
      ...(data.result !== undefined ? { result: JSON.stringify(data.result) } : {}),
      ...(ended ? { expiresAt: new Date(Date.now() + TASK_TTL_HOURS * 3600_000) } : {}),
    },
  });
}

function parse(v: string | null): unknown {
  if (v === null) return null;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

/** Glance's task view (GET /v2/tasks/{id}). */
export function taskView(t: Task) {
  const view: Record<string, unknown> = {
    id: t.id,
    type: t.type,
    status: t.status,
    owner: t.owner,
    input: parse(t.input),
    result: parse(t.result),
    message: t.message,
    created_at: isoTime(t.createdAt),
    updated_at: isoTime(t.updatedAt),
    self: `/v2/tasks/${t.id}`,
    schema: "/v2/schemas/task",
  };
  if (t.imageId) view.image_id = t.imageId;
  if (t.requestId) view.request_id = t.requestId;
  if (t.userId) view.user_id = t.userId;
  if (t.expiresAt) view.expires_at = isoTime(t.expiresAt);
  return view;
}

const live = () => ({ deleted: false, OR: [{ expiresAt: null }, { expiresAt: { gte: new Date() } }] });

/**
 * The tasks of an image the caller may see, oldest first (the caller has already been allowed to
 * see the image). Glance's tasks_get_by_image keeps only the tasks _is_task_visible: an admin sees
 * every task, anyone else those of its own project (the project that started the import) and
 * those of no project.
 */
export async function imageTasks(imageId: string, caller: ImageCaller) {
  const visible = isAdmin(caller) ? {} : { OR: [{ owner: caller.projectId }, { owner: null }] };
  const tasks = await db.task.findMany({
    where: { AND: [{ imageId, ...live() }, visible] },
    orderBy: { createdAt: "asc" },
  });
  return {
    tasks: tasks.map((t) => {
      const { self: _self, schema: _schema, ...rest } = taskView(t);
      return { ...rest, deleted: false, deleted_at: null };
    }),
  };
}

/** GET /v2/tasks/{id}: policy tasks_api_access and get_task (admins by default). */
export async function getTask(caller: PolicyCaller, id: string) {
  if (!can("tasks_api_access", caller) || !can("get_task", caller))
    throw forbidden("You are not authorized to read tasks (policy tasks_api_access).");
  const t = await db.task.findFirst({ where: { id, ...live() } });
  if (!t) throw notFound(`Failed to find task ${id}`);
  return taskView(t);
}
