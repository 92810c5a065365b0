import { userCreateSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { createUser, listUsers } from "@/lib/server/identity/admin";
import { queryBool, queryStr } from "@/lib/server/identity/query";
import { collection, userView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/users – list users (admin); filters name, domain_id, enabled
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const url = new URL(req.url);
  const q = url.searchParams;
  const users = await listUsers(requireCaller(ctx), {
    name: queryStr(q, "name"),
    domainId: queryStr(q, "domain_id"),
    enabled: queryBool(q, "enabled"),
  });
  return Response.json(
    collection(
      "users",
      users.map((u) => userView(u, ctx.publicUrl)),
      `${ctx.publicUrl}${url.pathname}`,
    ),
  );
});

// POST /identity/v3/users – create a user (admin)
export const POST = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const { user } = await readJson(req, userCreateSchema);
  const u = await createUser(ctx, requireCaller(ctx), user);
  return Response.json({ user: userView(u, ctx.publicUrl) }, { status: 201 });
});
