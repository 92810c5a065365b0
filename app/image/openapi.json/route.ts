import { defineRoute } from "@/lib/server/http/define-route";
import { imageOpenApi } from "@/lib/server/openapi";

export const dynamic = "force-dynamic";

// GET /image/openapi.json – the OpenAPI 3.1 document of the Image API
export const GET = defineRoute({ family: "image" }, ({ ctx }) => Response.json(imageOpenApi(ctx.publicUrl)));
