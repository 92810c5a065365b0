// Domain errors. Services throw these; the HTTP layer maps them to status codes through the one
// status table in lib/server/http/status.ts. Nothing here knows about Request or Response.

export type ErrorKind =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "gone"
  | "payload_too_large"
  | "unsupported_media_type"
  | "range_not_satisfiable"
  | "too_many_requests"
  | "checksum_mismatch"
  | "internal"
  | "not_implemented"
  | "service_unavailable";

export class AppError extends Error {
  readonly kind: ErrorKind;
  /** Extra response headers (Accept-Patch, Retry-After, Allow...). */
  readonly headers: Record<string, string>;
  constructor(kind: ErrorKind, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.kind = kind;
    this.headers = headers;
    this.name = "AppError";
  }
}

export const badRequest = (message: string) => new AppError("bad_request", message);
export const unauthorized = (message: string) => new AppError("unauthorized", message);
export const forbidden = (message: string) => new AppError("forbidden", message);
export const notFound = (message: string) => new AppError("not_found", message);
export const conflict = (message: string) => new AppError("conflict", message);
export const tooLarge = (message: string) => new AppError("payload_too_large", message);
export const unsupportedMediaType = (message: string, headers: Record<string, string> = {}) =>
  new AppError("unsupported_media_type", message, headers);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError("too_many_requests", message, { "Retry-After": String(retryAfterSeconds) });

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
