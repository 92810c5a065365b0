import { NextResponse, type NextRequest } from "next/server";
import { errorBody, STATUS } from "@/lib/server/http/status";

// Next.js answers a path whose dynamic segment holds a malformed percent escape
// ("/image/v2/images/%ZZ") with its own 500, in text, before any route runs and without a log
// line (vercel/next.js#92557). Such a path is a 400 here instead, in the APIs' error body
// (status.ts, not errors.ts: that one would pull the logger and the environment into the proxy).
//
// Only paths with a "%" reach this proxy (the matcher). That keeps every upload out of it: a proxy
// cuts the body of the requests it sees at 10 MB, and a well-formed request to a route that takes
// image data has no "%" in its path (image ids are UUIDs, upload ids hex).

function decodes(pathname: string): boolean {
  try {
    for (const segment of pathname.split("/")) decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

export function proxy(req: NextRequest) {
  const { pathname } = new URL(req.url);
  if (decodes(pathname)) return NextResponse.next();
  const { status, title } = STATUS.bad_request;
  const message = "The URL holds a malformed percent escape (% not followed by UTF-8 in hex).";
  if (/^\/(image|identity)(\/|$)/.test(pathname))
    return NextResponse.json(errorBody(status, message), { status });
  return new NextResponse(`${title}: ${message}\n`, { status, headers: { "content-type": "text/plain" } });
}

export const config = { matcher: ["/(.*%.*)"] };
