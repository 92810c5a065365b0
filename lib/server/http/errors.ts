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

/**
 * Whether `e` only means that the client went away before its request was read (Node's "aborted"
 * when the socket closes mid-body, an aborted request signal): expected on any network, so it is
 * neither a server error nor worth a stack trace.
 */
export function isClientDisconnect(req: Request, e: unknown): boolean {
  if (req.signal?.aborted) return true;
  const err = e as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (err?.name === "AbortError" || err?.name === "ResponseAborted") return true;
  if (err?.code === "ECONNRESET" || err?.code === "ERR_STREAM_PREMATURE_CLOSE") return true;
  return e instanceof Error && (e.message === "aborted" || e.message === "terminated");
}

/** The answer to a request whose client left: nobody reads it; logged at info, without a stack. */
export function clientGoneResponse(family: ApiFamily, req: Request, requestId: string): Response {
  log.info("client disconnected before the request was complete", {
    requestId,
    method: req.method,
    path: new URL(req.url).pathname,
  });
  return errorResponse(family, 400, "The client closed the connection before the request was complete.");
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
