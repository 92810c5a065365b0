import { defineRoute } from "@/lib/server/http/define-route";
import { storesInfo } from "@/lib/server/stores/info";

export const dynamic = "force-dynamic";

// GET /v2/info/stores – the stores an image can be uploaded to, and the default one
export const GET = defineRoute({ family: "image", auth: "project" }, () => Response.json(storesInfo()));
