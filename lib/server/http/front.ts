import { errorBody, titleFor } from "./status";

// What the HTTP server (server.ts) checks on every request before Next.js sees it, in one pure
// function so that it can be unit-tested. It runs on the raw request line and never reads a body,
// so a request that carries image data streams through untouched whatever its path looks like.
//
// - Methods: Next.js builds a fetch Request for each route, and fetch refuses TRACE, TRACK and
//   CONNECT with a TypeError (a 500); other unknown methods got Next's empty 400. No route of Iris
//   implements a method outside IMPLEMENTED_METHODS, so anything else is 501 (RFC 9110 §15.6.2).
// - Percent escapes: a malformed one ("%ZZ", or escapes that are not UTF-8) made Next answer its
//   own text 500 (vercel/next.js#92557). It is a 400 here.
// - Escaped unreserved characters ("%33" for "3", RFC 3986 §2.3) are equivalent to the characters
//   themselves, and some HTTP libraries produce them: they are decoded, so /v2/images/%33…/file is
//   the same route and image as /v2/images/3…/file. Reserved characters stay escaped ("%2F").
// - NUL (%00) anywhere in the URL is a 400: PostgreSQL's text cannot hold it.
// - Dot segments ("." and "..", also spelled "%2E"): clients remove them before sending (RFC 3986
//   §5.2.4), so a path that still has one is refused rather than resolved against a route.

export const IMPLEMENTED_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
]);

export type Screened = { ok: true; url: string } | { ok: false; status: number; message: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;
const HEX = /^[0-9A-Fa-f]{2}$/;

function refuse(status: number, message: string): Screened {
  return { ok: false, status, message };
}

/** Normalises one path segment's escapes; null when an escape is malformed or not UTF-8. */
function normaliseSegment(segment: string): string | null {
  if (!segment.includes("%")) return segment;
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return null;
    const ch = String.fromCharCode(parseInt(hex, 16));
    out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
    i += 2;
  }
  try {
    decodeURIComponent(out);
  } catch {
    return null;
  }
  return out;
}

/** Screens a request line: the URL to hand on (normalised), or the error to answer with. */
export function screenRequest(method: string | undefined, rawUrl: string | undefined): Screened {
  if (!method || !IMPLEMENTED_METHODS.has(method))
    return refuse(501, `The ${method ?? "empty"} method is not implemented by this server.`);
  const url = rawUrl ?? "/";
  // Absolute-form request targets ("GET http://host/path") are for proxies; Node passes them on.
  if (!url.startsWith("/")) return refuse(400, "The request target must be an absolute path.");
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q);
  if (/%00/.test(url)) return refuse(400, "The URL may not contain NUL (%00) characters.");
  const segments: string[] = [];
  for (const raw of path.split("/")) {
    const segment = normaliseSegment(raw);
    if (segment === null)
      return refuse(400, "The URL holds a malformed percent escape (% not followed by UTF-8 in hex).");
    if (segment === "." || segment === "..")
      return refuse(400, "The URL may not contain '.' or '..' path segments.");
    segments.push(segment);
  }
  return { ok: true, url: segments.join("/") + query };
}

/** The answer to a refused request: the APIs' JSON error body under /image and /identity, else text. */
export function screenAnswer(
  rawUrl: string | undefined,
  status: number,
  message: string,
): { headers: Record<string, string>; body: string } {
  const api = /^\/(image|identity)(\/|$|\?)/.test(rawUrl ?? "");
  const headers: Record<string, string> = api
    ? { "content-type": "application/json" }
    : { "content-type": "text/plain; charset=utf-8" };
  if (status === 501) headers.allow = [...IMPLEMENTED_METHODS].join(", ");
  const body = api ? JSON.stringify(errorBody(status, message)) : `${titleFor(status)}: ${message}\n`;
  return { headers, body };
}
