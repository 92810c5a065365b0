import { authRequestSchema } from "@/lib/schemas/identity";
import { authenticate, checkSubjectToken, revokeSubjectToken } from "@/lib/server/identity/auth";
import { tokenBody } from "@/lib/server/identity/serialize";
import { defineRoute, readJson } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

const withCatalog = (req: Request) => !new URL(req.url).searchParams.has("nocatalog");

// POST /identity/v3/auth/tokens – authenticate (password, token, application_credential)
export const POST = defineRoute({ family: "identity" }, async ({ req, ctx }) => {
  const body = await readJson(req, authRequestSchema);
  const { token, info } = await authenticate(ctx, body);
  return Response.json(tokenBody(info, ctx.publicUrl, withCatalog(req)), {
    status: 201,
    headers: { "X-Subject-Token": token },
  });
});

// GET /identity/v3/auth/tokens – validate the token in X-Subject-Token
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const subject = req.headers.get("x-subject-token");
  const info = await checkSubjectToken(ctx, subject);
  return Response.json(tokenBody(info, ctx.publicUrl, withCatalog(req)), {
    headers: { "X-Subject-Token": subject! },
  });
});

// HEAD /identity/v3/auth/tokens – check the token in X-Subject-Token
export const HEAD = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  await checkSubjectToken(ctx, req.headers.get("x-subject-token"));
  return new Response(null, { status: 200 });
});

// DELETE /identity/v3/auth/tokens – revoke the token in X-Subject-Token
export const DELETE = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  await revokeSubjectToken(ctx, req.headers.get("x-subject-token"));
  return new Response(null, { status: 204 });
});
