import NextAuth from "next-auth";
import { authOptions } from "@/lib/server/auth/next-auth";
import {
  clientGoneResponse,
  errorResponse,
  isClientDisconnect,
  toErrorResponse,
} from "@/lib/server/http/errors";
import { newUuid } from "@/lib/server/ids";

export const dynamic = "force-dynamic";

type Route = { params: Promise<{ nextauth: string[] }> };

// next-auth: sign-in (credentials), sign-out, session, CSRF token. next-auth parses a JSON body
// itself and lets the SyntaxError through (Next.js then answers an empty 500): that is the
// client's malformed input, a 400 in the APIs' error body; anything else is a logged 500.
const nextAuth = NextAuth(authOptions) as (req: Request, route: Route) => Promise<Response>;

async function handler(req: Request, route: Route): Promise<Response> {
  try {
    return await nextAuth(req, route);
  } catch (e) {
    const requestId = `req-${newUuid()}`;
    if (isClientDisconnect(req, e)) return clientGoneResponse("app", req, requestId);
    if (e instanceof SyntaxError)
      return errorResponse("app", 400, `Malformed JSON in request body: ${e.message}`);
    return toErrorResponse("app", e, requestId);
  }
}

export { handler as GET, handler as POST };
