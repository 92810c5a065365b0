export const dynamic = "force-dynamic";

// GET /healthz – the process answers
export function GET() {
  return Response.json({ status: "ok" });
}
