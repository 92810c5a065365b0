import { imageSchema } from "@/lib/schemas/image";
import { defineRoute } from "@/lib/server/http/define-route";

export const dynamic = "force-dynamic";

// GET /v2/schemas/image – the JSON schema clients validate against
export const GET = defineRoute({ family: "image", auth: "caller" }, () => Response.json(imageSchema));
