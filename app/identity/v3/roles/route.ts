import { roleCreateSchema } from "@/lib/schemas/identity-admin";
import { defineRoute, readJson } from "@/lib/server/http/define-route";
import { requireCaller } from "@/lib/server/context";
import { createRole, listRoles } from "@/lib/server/identity/admin";
import { collection, roleView } from "@/lib/server/identity/views";

export const dynamic = "force-dynamic";

// GET /identity/v3/roles – list roles; filter name
export const GET = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const url = new URL(req.url);
  const roles = await listRoles(requireCaller(ctx), url.searchParams.get("name") ?? undefined);
  return Response.json(
    collection(
      "roles",
      roles.map((r) => roleView(r, ctx.publicUrl)),
      `${ctx.publicUrl}${url.pathname}`,
    ),
  );
});

// POST /identity/v3/roles – create a role (admin)
export const POST = defineRoute({ family: "identity", auth: "caller" }, async ({ req, ctx }) => {
  const { role } = await readJson(req, roleCreateSchema);
  return Response.json(
    { role: roleView(await createRole(ctx, requireCaller(ctx), role), ctx.publicUrl) },
    { status: 201 },
  );
});
