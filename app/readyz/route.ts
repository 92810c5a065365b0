import { readiness } from "@/lib/server/health";

export const dynamic = "force-dynamic";

// GET /readyz – database and stores reachable; the body names what failed
export async function GET() {
  const r = await readiness();
  return Response.json(r, { status: r.status === "ok" ? 200 : 503 });
}
