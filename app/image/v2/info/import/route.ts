import { importMethods } from "@/lib/server/env";
import { defineRoute } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

// GET /v2/info/import – the import methods this site offers
export const GET = defineRoute({ family: "image", auth: "project" }, () =>
  Response.json({
    "import-methods": { description: "Import methods available.", type: "array", value: importMethods() },
  }),
);
