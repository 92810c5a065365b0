import "server-only";
import { ZodError } from "zod";
import { isAppError } from "../errors";
import { log } from "../log";
import { errorBody, STATUS } from "./status";

/** Which API answers: error bodies follow the shape each family of clients expects. */
export type ApiFamily = "identity" | "image" | "app";

/**
 * One error body for every API: {"error": {"code", "title", "message"}}. Keystone's clients read it
 * as is; python-glanceclient and openstacksdk take the "message" of each top-level object, so a
 * nested object is what they can show (a flat body makes glanceclient fail on it).
 */
export function errorResponse(
  _family: ApiFamily,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(errorBody(status, message), { status, headers });
}

export function zodMessage(e: ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** Maps anything thrown by a handler to a response. Unknown errors are 500, logged, never leaked. */
export function toErrorResponse(family: ApiFamily, e: unknown, requestId: string): Response {
  if (isAppError(e)) {
    const { status } = STATUS[e.kind];
    return errorResponse(family, status, e.message, e.headers);
  }
  if (e instanceof ZodError) return errorResponse(family, 400, `Invalid input: ${zodMessage(e)}`);
  const code = (e as { code?: unknown })?.code;
  if (code === "P2025") return errorResponse(family, 404, "The resource could not be found.");
  if (code === "P2002") return errorResponse(family, 409, "The resource already exists.");
  log.error("unhandled error", {
    requestId,
    error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    stack: e instanceof Error ? e.stack : undefined,
  });
  return errorResponse(
    family,
    500,
    `An unexpected error occurred (request ${requestId}); the operator can find it in the log.`,
  );
}
