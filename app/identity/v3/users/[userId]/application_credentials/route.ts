import { z } from "zod";
import { appCredCreateSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { createAppCredential, listAppCredentials } from "@/lib/server/identity/app-credentials";
import { appCredView, collection } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";
const params = z.object({ userId: z.string() });

// GET /identity/v3/users/{user_id}/application_credentials – list (the user or admin); never the secrets
export const GET = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ req, ctx, params: p }) => {
    const url = new URL(req.url);
    const creds = await listAppCredentials(
      requireCaller(ctx),
      p.userId,
      url.searchParams.get("name") ?? undefined,
    );
    return Response.json(
      collection(
        "application_credentials",
        creds.map((c) => appCredView(c, ctx.publicUrl)),
        `${ctx.publicUrl}${url.pathname}`,
      ),
    );
  },
);

// POST /identity/v3/users/{user_id}/application_credentials – create for oneself; the secret is returned this once
export const POST = defineRoute(
  { family: "identity", auth: "project", params },
  async ({ req, ctx, params: p }) => {
    const { application_credential: input } = await readJson(req, appCredCreateSchema);
    const { cred, secret } = await createAppCredential(ctx, requireCaller(ctx), p.userId, input);
    return Response.json(
      { application_credential: { ...appCredView(cred, ctx.publicUrl), secret } },
      { status: 201 },
    );
  },
);
