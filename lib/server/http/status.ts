import type { ErrorKind } from "../errors";

// The one status table: error kind → HTTP status and reason phrase.
export const STATUS: Record<ErrorKind, { status: number; title: string }> = {
  bad_request: { status: 400, title: "Bad Request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not Found" },
  method_not_allowed: { status: 405, title: "Method Not Allowed" },
  conflict: { status: 409, title: "Conflict" },
  gone: { status: 410, title: "Gone" },
  payload_too_large: { status: 413, title: "Request Entity Too Large" },
  unsupported_media_type: { status: 415, title: "Unsupported Media Type" },
  range_not_satisfiable: { status: 416, title: "Requested Range Not Satisfiable" },
  too_many_requests: { status: 429, title: "Too Many Requests" },
  // tus checksum extension: the chunk's checksum did not match (nothing was stored).
  checksum_mismatch: { status: 460, title: "Checksum Mismatch" },
  internal: { status: 500, title: "Internal Server Error" },
  // A method no route implements (TRACE, PROPFIND…), answered by the HTTP server (front.ts).
  not_implemented: { status: 501, title: "Not Implemented" },
  service_unavailable: { status: 503, title: "Service Unavailable" },
};

export function titleFor(status: number): string {
  for (const v of Object.values(STATUS)) if (v.status === status) return v.title;
  return status >= 500 ? "Internal Server Error" : "Error";
}

/** The error body of every API, Glance's shape: python-glanceclient, openstacksdk and keystoneauth read its message. */
export function errorBody(status: number, message: string) {
  return { error: { code: status, title: titleFor(status), message } };
}
