import "server-only";
import { db } from "./db";
import { newUuid } from "./ids";
import { log } from "./log";
import type { RequestContext } from "./context";

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | null;
  outcome?: "success" | "failure";
  detail?: Record<string, unknown>;
}

/** Records who did what, when and from where. Never pass secrets in `detail`. */
export async function audit(
  ctx: Pick<RequestContext, "requestId" | "remoteAddr" | "userAgent" | "caller">,
  e: AuditInput,
) {
  try {
    await db.auditEvent.create({
      data: {
        id: newUuid(),
        action: e.action,
        outcome: e.outcome ?? "success",
        userId: ctx.caller?.userId ?? null,
        userName: ctx.caller?.userName ?? null,
        projectId: ctx.caller?.projectId ?? null,
        targetType: e.targetType,
        targetId: e.targetId ?? null,
        requestId: ctx.requestId,
        remoteAddr: ctx.remoteAddr,
        userAgent: ctx.userAgent?.slice(0, 255) ?? null,
        detail: JSON.stringify(e.detail ?? {}),
      },
    });
  } catch (err) {
    // An audit failure must not undo the action it describes; it is logged for the operator.
    log.error("audit write failed", { action: e.action, error: String(err) });
  }
}
