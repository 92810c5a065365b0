import { z } from "zod";
import { defineRoute } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { deleteAppCredential, getAppCredential } from "@/lib/server/identity/app-credentials";
import { appCredView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";
const params = z.object({ userId: z.string(), credentialId: z.string() });

// GET /identity/v3/users/{user_id}/application_credentials/{id} – show (never the secret)
export const GET = defineRoute({ family: "identity", auth: "caller", params }, async ({ ctx, params: p }) =>
  Response.json({
    application_credential: appCredView(
      await getAppCredential(requireCaller(ctx), p.userId, p.credentialId),
      ctx.publicUrl,
    ),
  }),
);

// DELETE /identity/v3/users/{user_id}/application_credentials/{id} – delete; its tokens stop working
export const DELETE = defineRoute(
  { family: "identity", auth: "caller", params },
  async ({ ctx, params: p }) => {
    await deleteAppCredential(ctx, requireCaller(ctx), p.userId, p.credentialId);
    return new Response(null, { status: 204 });
  },
);
