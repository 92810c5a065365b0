import http from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP server on loopback that web-download fetches from: /image, /redirect?to=…, /slow. */
export async function sourceServer(data: Buffer) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/image") {
      res.writeHead(200, { "content-length": data.length, "content-type": "application/octet-stream" });
      res.end(data);
    } else if (url.pathname === "/redirect") {
      res.writeHead(302, { location: url.searchParams.get("to")! });
      res.end();
    } else if (url.pathname === "/slow") {
      // Drips the data for as long as the client reads (crash tests kill the reader).
      res.writeHead(200, { "content-length": data.length });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= data.length || res.destroyed) {
          clearInterval(timer);
          return res.end();
        }
        res.write(data.subarray(sent, sent + 64 * 1024));
        sent += 64 * 1024;
      }, 50);
      res.on("close", () => clearInterval(timer));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { port, url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}
