import http from "node:http";
import net from "node:net";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures";
import { createImage, memberSession } from "../support/data";
import { startExtraServer, type ExtraServer } from "../support/server";

// web-download must never fetch from Iris's own loopback, whatever the URL's spelling, directly or
// through a redirect. A canary server on 127.0.0.1 and ::1 counts every TCP connection it gets
// and would serve data (so a broken filter shows as a successful import); it must get none.
//
// Every URL here is a loopback spelling: were the filter broken, nothing but this machine could
// be reached. Non-loopback forms (link-local, private, NAT64, 6to4, Teredo …) are covered by the
// unit tests of lib/server/outbound/ip.ts, which make no connection.

interface Canary {
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

async function canary(): Promise<Canary> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const answer = (socket: net.Socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.end("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ncanary");
  };
  const v4 = net.createServer(answer);
  await new Promise<void>((r) => v4.listen(0, "127.0.0.1", r));
  const port = (v4.address() as net.AddressInfo).port;
  const v6 = net.createServer(answer);
  await new Promise<void>((resolve, reject) => v6.once("error", reject).listen(port, "::1", resolve));
  return {
    port,
    connections: () => count,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => v4.close(r));
      await new Promise((r) => v6.close(r));
    },
  };
}

/** A redirector on 127.0.0.2 (the only allow-listed address): /to?u=URL answers 302 to URL. */
async function redirector() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/to") {
      res.writeHead(302, { location: url.searchParams.get("u")! });
      return res.end();
    }
    if (url.pathname === "/data") {
      res.writeHead(200, { "content-length": 4 });
      return res.end("data");
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.2", r));
  const port = (server.address() as net.AddressInfo).port;
  const close = () => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  };
  return { port, url: `http://127.0.0.2:${port}`, close };
}

/** Loopback in every spelling URL parsers, Node's resolver and `net` accept. */
const spellings = (port: number) => [
  `http://127.0.0.1:${port}/`,
  `http://127.1:${port}/`,
  `http://127.0.1:${port}/`,
  `http://2130706433:${port}/`,
  `http://0x7f000001:${port}/`,
  `http://0x7f.0.0.1:${port}/`,
  `http://0177.0.0.1:${port}/`,
  `http://127.000.000.001:${port}/`,
  `http://0.0.0.0:${port}/`,
  `http://0:${port}/`,
  `http://[::1]:${port}/`,
  `http://[0:0:0:0:0:0:0:1]:${port}/`,
  `http://[0000::0001]:${port}/`,
  `http://[::ffff:127.0.0.1]:${port}/`,
  `http://[::ffff:7f00:1]:${port}/`,
  `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
  `http://[0:0:0:0:0:ffff:7f00:0001]:${port}/`,
  `http://[::FFFF:127.0.0.1]:${port}/`,
  `http://[::ffff:127.1.2.3]:${port}/`,
  `http://[::ffff:0.0.0.0]:${port}/`,
  `http://localhost:${port}/`,
  `http://LOCALHOST:${port}/`,
  `http://localhost.:${port}/`,
];

async function tryImport(request: APIRequestContext, base: string, h: Record<string, string>, uri: string) {
  const img = await createImage(request, h["x-auth-token"]!);
  const r = await request.post(`${base}/image/v2/images/${img.id}/import`, {
    headers: h,
    data: { method: { name: "web-download", uri } },
  });
  return { id: img.id, status: r.status(), body: await r.text() };
}

async function finalState(request: APIRequestContext, h: Record<string, string>, id: string) {
  // A web-download task runs after the 202: wait until it has ended one way or the other.
  const lastTask = async () =>
    (await (await request.get(`/image/v2/images/${id}/tasks`, { headers: h })).json()).tasks.at(-1) as
      { status: string; message: string } | undefined;
  await expect
    .poll(async () => (await lastTask())?.status, { timeout: 30_000 })
    .toMatch(/^(success|failure)$/);
  const task = (await lastTask())!;
  // The task ends when the image has its final status.
  const image = (await (await request.get(`/image/v2/images/${id}`, { headers: h })).json()) as {
    status: string;
  };
  return { status: image.status, task };
}

test.describe("web-download SSRF: loopback in every spelling, with a canary that must never be reached", () => {
  let guard: Canary;
  let hop: Awaited<ReturnType<typeof redirector>>;
  let server: ExtraServer;

  test.beforeAll(async () => {
    guard = await canary();
    hop = await redirector();
    // The canary's port is allowed, so only the address rules stand between Iris and it; the
    // redirector's address is the one allow-listed internal address.
    server = await startExtraServer({
      IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: `${guard.port},${hop.port}`,
      IRIS_WEB_DOWNLOAD_ALLOW: "127.0.0.2",
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await hop?.close();
    await guard?.close();
  });

  test("the canary counts connections (so a reached canary would fail the tests below)", async () => {
    const before = guard.connections();
    for (const host of ["127.0.0.1", "[::1]"])
      expect(await (await fetch(`http://${host}:${guard.port}/`)).text()).toBe("canary");
    expect(guard.connections()).toBe(before + 2);
  });

  test("a URL that spells loopback is refused, and nothing connects to the canary", async ({
    request,
    identity,
  }) => {
    test.slow();
    const s = await memberSession(identity, request);
    const before = guard.connections();
    const refusedAtOnce: string[] = [];
    for (const uri of spellings(guard.port)) {
      const r = await tryImport(request, server.url, s.h, uri);
      if (r.status === 400) {
        // A literal address: refused before a task runs, saying what it is.
        expect(r.body, uri).toMatch(/loopback|unspecified/);
        refusedAtOnce.push(uri);
      } else {
        // A name: resolved by the task, which fails; the image is queued again.
        expect(r.status, `${uri}: ${r.body}`).toBe(202);
        const end = await finalState(request, s.h, r.id);
        expect(end.task.status, uri).toBe("failure");
        expect(end.task.message, uri).toMatch(/loopback|unspecified/);
        expect(end.status, uri).toBe("queued");
      }
    }
    expect(guard.connections(), "connections the canary received").toBe(before);
    // Only host names need DNS; every literal spelling is refused when the import is asked for.
    expect(refusedAtOnce.length).toBe(spellings(guard.port).length - 3);
  });

  test("a redirect to loopback in any spelling is refused, and nothing connects to the canary", async ({
    request,
    identity,
  }) => {
    test.slow();
    const s = await memberSession(identity, request);
    // The redirector itself is reachable (allow-listed): a redirect to its own data succeeds.
    const ok = await tryImport(
      request,
      server.url,
      s.h,
      `${hop.url}/to?u=${encodeURIComponent(`${hop.url}/data`)}`,
    );
    expect(ok.status, ok.body).toBe(202);
    expect(await finalState(request, s.h, ok.id)).toMatchObject({
      status: "active",
      task: { status: "success" },
    });
    // A mapped spelling of the allow-listed address is that address.
    const mapped = await tryImport(
      request,
      server.url,
      s.h,
      `${hop.url}/to?u=${encodeURIComponent(`http://[::ffff:127.0.0.2]:${hop.port}/data`)}`,
    );
    expect((await finalState(request, s.h, mapped.id)).task.status).toBe("success");

    const before = guard.connections();
    for (const target of spellings(guard.port)) {
      const r = await tryImport(request, server.url, s.h, `${hop.url}/to?u=${encodeURIComponent(target)}`);
      expect(r.status, `${target}: ${r.body}`).toBe(202);
      const end = await finalState(request, s.h, r.id);
      expect(end.task.status, target).toBe("failure");
      expect(end.task.message, target).toMatch(/loopback|unspecified/);
      expect(end.status, target).toBe("queued");
    }
    expect(guard.connections(), "connections the canary received").toBe(before);
  });
});
