import { requireProjectCaller } from "@/lib/server/context";
import { defineRoute } from "@/lib/server/http/define-route";
import { policyCaller } from "@/lib/server/images/access";
import { storesDetail } from "@/lib/server/stores/info";

export const dynamic = "force-dynamic";

// GET /v2/info/stores/detail – each store's type, settings and usage (admins, policy stores_info_detail)
export const GET = defineRoute({ family: "image", auth: "project" }, async ({ ctx }) =>
  Response.json(await storesDetail(policyCaller(requireProjectCaller(ctx)))),
);
