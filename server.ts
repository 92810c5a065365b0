// Iris's HTTP server: a plain node:http server that screens each request line (front.ts: methods,
// percent escapes, NUL, dot segments) and hands everything else to Next.js, which serves the
// dashboard and both APIs. It replaces `next start` because some requests must be answered before
// Next.js sees them (Next turns them into 500s), and because a Next.js proxy cannot do it: a proxy
// buffers and cuts at 10 MB the body of every request it matches.
//
// Bundled by scripts/lib/ensure.mjs (esbuild) into .next/iris-server.mjs and started by
// `npm start`, the test runner and the benchmarks:
//   node .next/iris-server.mjs [--dev]      PORT (3000), HOST (all interfaces)
import http from "node:http";
import { checkConfiguration, startFailure } from "./lib/server/config-check";
import { screenAnswer, screenRequest } from "./lib/server/http/front";

const dev = process.argv.includes("--dev");
// Next.js reads NODE_ENV when it loads: set it before importing it, as the `next` command does.
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOST || undefined;

function line(level: "info" | "error", msg: string, extra: Record<string, unknown> = {}) {
  const out = JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra });
  (level === "error" ? process.stderr : process.stdout).write(`${out}\n`);
}

async function main() {
  try {
    checkConfiguration();
  } catch (e) {
    process.stderr.write(startFailure(e));
    process.exit(1);
  }
  const { default: next } = await import("next");
  const app = next({ dev, dir: process.cwd(), hostname: hostname ?? "localhost", port });
  // Instrumentation (migrations, first admin, configuration check) runs here, before the port
  // opens: an Iris that cannot serve never answers, and an invalid setting stops it at start.
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = http.createServer((req, res) => {
    const screened = screenRequest(req.method, req.url);
    if (!screened.ok) {
      const { headers, body } = screenAnswer(req.url, screened.status, screened.message);
      // A request body is never read here (it may be gigabytes of image data): the connection
      // closes after the answer instead of waiting for the body to drain.
      const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || "transfer-encoding" in req.headers;
      res.writeHead(screened.status, {
        ...headers,
        "content-length": Buffer.byteLength(body),
        ...(hasBody ? { connection: "close" } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : body);
      if (hasBody) res.once("finish", () => req.socket.destroySoon());
      return;
    }
    req.url = screened.url;
    handle(req, res).catch((e: unknown) => {
      line("error", "request failed in the framework", {
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  });
  // Image uploads may take hours: Node's default of 5 minutes for a whole request would cut
  // them. The request line and headers must still arrive within headersTimeout (60 s).
  server.requestTimeout = 0;
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // Malformed HTTP (bad request line, oversized headers) or a connection reset: answer if the
    // socket still can, never log it as a server error.
    if (!socket.writable || err.code === "ECONNRESET") return void socket.destroy();
    const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const reason = status === 431 ? "Request Header Fields Too Large" : "Bad Request";
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.on("upgrade", (req, socket, head) => void app.getUpgradeHandler()(req, socket, head));

  const stop = (signal: NodeJS.Signals) => {
    server.close();
    void app.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    setTimeout(() => process.exit(signal === "SIGINT" ? 130 : 143), 5000).unref();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  server.on("error", (e) => {
    line("error", "the server could not listen", { error: String(e) });
    process.exit(1);
  });
  server.listen(port, hostname, () =>
    line("info", "Iris is serving", { url: `http://${hostname ?? "localhost"}:${port}`, dev }),
  );
}

main().catch((e: unknown) => {
  line("error", "Iris could not start", { error: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
