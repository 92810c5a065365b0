import { z } from "zod";
import { passwordChangeSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { changeOwnPassword } from "@/lib/server/identity/admin";

export const dynamic = "force-dynamic";

// POST /identity/v3/users/{user_id}/password – change one's own password (ends one's tokens and sessions)
export const POST = defineRoute(
  { family: "identity", auth: "caller", params: z.object({ userId: z.string() }) },
  async ({ req, ctx, params }) => {
    const { user } = await readJson(req, passwordChangeSchema);
    await changeOwnPassword(ctx, requireCaller(ctx), params.userId, user.original_password, user.password);
    return new Response(null, { status: 204 });
  },
);
