import net from "node:net";
import { expect, test } from "../fixtures";
import { createImage, memberSession } from "../support/data";
import { IRIS_URL } from "../support/env";
import { startExtraServer } from "../support/server";

// Requests that were 500s (or worse) until issue 15: methods Next.js cannot take, strings no
// column can hold, property names that are also the names of JavaScript's object machinery, the
// sign-in framework's own routes with a malformed body, clients that hang up mid-request, and
// settings that are wrong. Each is a clear 4xx (or a refusal to start), never a 500.

const PATCH = "application/openstack-images-v2.1-json-patch";

test("methods no route implements are 501 with Allow, on the APIs and the dashboard alike", async ({
  request,
  adminToken,
}) => {
  const h = { "x-auth-token": adminToken };
  for (const method of ["TRACE", "PROPFIND", "MKCOL", "CONNECT"]) {
    for (const path of ["/image/v2/images", "/identity/v3/auth/tokens"]) {
      if (method === "CONNECT") continue; // a CONNECT request line takes an authority, not a path
      const res = await request.fetch(path, { method, headers: h });
      expect(res.status(), `${method} ${path}`).toBe(501);
      expect(res.headers().allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
      expect(await res.json()).toEqual({
        error: {
          code: 501,
          title: "Not Implemented",
          message: `The ${method} method is not implemented by this server.`,
        },
      });
    }
  }
  const page = await request.fetch("/login", { method: "TRACE" });
  expect(page.status()).toBe(501);
  expect(await page.text()).toBe("Not Implemented: The TRACE method is not implemented by this server.\n");
  // A method the HTTP parser itself does not know is its 400, not a hang or a 500.
  const raw = await rawExchange("BREW /image/v2/images HTTP/1.1\r\nHost: x\r\n\r\n");
  expect(raw).toMatch(/^HTTP\/1\.1 400 /);
});

test("dot segments in a path are 400, also when escaped", async ({ adminToken }) => {
  // Sent as they are: URL libraries (Playwright's too) would resolve them before sending.
  for (const path of [
    "/image/v2/images/%2e%2e/file",
    "/image/v2/images/%2E/file",
    "/image/v2/../v2/images",
  ]) {
    const answer = await rawExchange(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${adminToken}\r\nConnection: close\r\n\r\n`,
    );
    expect(answer, path).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain("The URL may not contain '.' or '..' path segments.");
  }
});

test("a lone UTF-16 surrogate in a JSON string is 400 on every route family, and nothing is written", async ({
  request,
  identity,
  adminToken,
}) => {
  // "\ud800" is valid JSON but no text: the database layer refused it with a 500.
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token, { name: "surrogates" });
  const admin = { "x-auth-token": adminToken };
  const message =
    "Malformed JSON in request body: a string holds a lone UTF-16 surrogate (such as \\ud800), which is not text.";
  const cases: [string, string, Record<string, string>, string, string][] = [
    ["POST", "/image/v2/images", s.h, "application/json", '{"name": "\\ud800"}'],
    ["POST", "/image/v2/images", s.h, "application/json", '{"os_distro": "a\\udfffb"}'],
    ["POST", "/image/v2/images", s.h, "application/json", '{"\\ud800": "key"}'],
    ["POST", `/image/v2/images/${img.id}/members`, s.h, "application/json", '{"member": "\\ud800"}'],
    [
      "PATCH",
      `/image/v2/images/${img.id}`,
      s.h,
      PATCH,
      '[{"op": "add", "path": "/os_distro", "value": "\\udc00"}]',
    ],
    ["POST", "/identity/v3/projects", admin, "application/json", '{"project": {"name": "\\ud800"}}'],
    [
      "POST",
      "/identity/v3/users",
      admin,
      "application/json",
      '{"user": {"name": "x\\ud83d", "password": "pw-12345678"}}',
    ],
  ];
  for (const [method, url, headers, type, body] of cases) {
    const res = await request.fetch(url, {
      method,
      headers: { ...headers, "content-type": type },
      data: Buffer.from(body),
    });
    expect(res.status(), `${method} ${url} ${body}`).toBe(400);
    expect((await res.json()).error.message).toBe(message);
  }
  const after = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
  expect(after).not.toHaveProperty("os_distro");
  const members = await (await request.get(`/image/v2/images/${img.id}/members`, { headers: s.h })).json();
  expect(members.members).toEqual([]);
  // A surrogate pair (an emoji) is text, and is kept as sent.
  const emoji = await request.post("/image/v2/images", {
    headers: { ...s.h, "content-type": "application/json" },
    data: Buffer.from('{"name": "\\ud83d\\ude80 rocket"}'),
  });
  expect(emoji.status()).toBe(201);
  expect((await emoji.json()).name).toBe("🚀 rocket");
});

test("custom properties named like JavaScript's object machinery are ordinary names", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const json = { ...s.h, "content-type": "application/json" };
  // Not strings: Glance's schema refuses any custom property that is not a string.
  for (const body of [
    '{"constructor": {"prototype": {"x": 1}}}',
    '{"__proto__": {"polluted": "yes"}}',
    '{"valueOf": 1}',
    '{"toString": ["x"]}',
  ]) {
    const res = await request.post("/image/v2/images", { headers: json, data: Buffer.from(body) });
    expect(res.status(), body).toBe(400);
    expect((await res.json()).error.message).toMatch(
      /^Provided object does not match schema '.+': .+ is not of type 'string'$/,
    );
  }
  // Strings: stored, shown and listed by name, like any other property.
  const names = ["constructor", "__proto__", "prototype", "toString", "hasOwnProperty", "valueOf"];
  const body = `{${names.map((n) => `"${n}": "v-${n}"`).join(", ")}, "name": "machinery"}`;
  const created = await request.post("/image/v2/images", { headers: json, data: Buffer.from(body) });
  expect(created.status(), await created.text()).toBe(201);
  const text = await (
    await request.get(`/image/v2/images/${(await created.json()).id}`, { headers: s.h })
  ).text();
  const shown = JSON.parse(text) as Record<string, unknown>;
  for (const n of names) expect(Object.getOwnPropertyDescriptor(shown, n)?.value, n).toBe(`v-${n}`);
  const id = shown.id as string;
  for (const n of names) {
    const list = await request.get(`/image/v2/images?${encodeURIComponent(n)}=v-${n}`, { headers: s.h });
    expect(list.status(), n).toBe(200);
    expect(
      ((await list.json()).images as { id: string }[]).map((i) => i.id),
      n,
    ).toEqual([id]);
  }
  // JSON-patch on such names: replace, remove, and non-string values refused.
  const patch = (ops: unknown[]) =>
    request.patch(`/image/v2/images/${id}`, {
      headers: { ...s.h, "content-type": PATCH },
      data: Buffer.from(JSON.stringify(ops)),
    });
  let r = await patch([{ op: "add", path: "/constructor", value: { a: 1 } }]);
  expect(r.status()).toBe(400);
  r = await patch([
    { op: "replace", path: "/__proto__", value: "p2" },
    { op: "remove", path: "/toString" },
  ]);
  expect(r.status(), await r.text()).toBe(200);
  const after = JSON.parse(await r.text()) as Record<string, unknown>;
  expect(Object.getOwnPropertyDescriptor(after, "__proto__")?.value).toBe("p2");
  expect(Object.hasOwn(after, "toString")).toBe(false);
  r = await patch([{ op: "replace", path: "/isPrototypeOf", value: "x" }]);
  expect(r.status()).toBe(409);
  expect((await r.json()).error.message).toBe("Property isPrototypeOf does not exist.");
});

test("the sign-in framework's routes answer a malformed JSON body with 400, in the error body", async ({
  request,
}) => {
  for (const path of [
    "csrf",
    "session",
    "providers",
    "signin",
    "signout",
    "callback/credentials",
    "no-such-action",
  ]) {
    const res = await request.post(`/api/auth/${path}`, {
      headers: { "content-type": "application/json" },
      data: Buffer.from("{not json"),
    });
    expect(res.status(), path).toBe(400);
    expect((await res.json()).error.message, path).toMatch(/^Malformed JSON in request body: /);
  }
});

/** Sends raw bytes and returns what comes back until the server closes or 2 s pass. */
function rawExchange(text: string, base = IRIS_URL): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    let got = "";
    const socket = net.connect(Number(port), hostname, () => socket.write(text));
    socket.on("data", (d) => (got += d));
    socket.on("error", () => resolve(got));
    socket.on("close", () => resolve(got));
    setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, 2000);
  });
}

test("clients that hang up mid-request are no server error: nothing at level error in the log", async ({
  request,
  identity,
}) => {
  test.slow();
  // A server of its own, so that its log holds only what these requests caused.
  const server = await startExtraServer({ IRIS_LOG_LEVEL: "info" });
  try {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const requests: [string, string, string][] = [
      ["POST", "/image/v2/images", "application/json"],
      ["PATCH", `/image/v2/images/${img.id}`, PATCH],
      ["POST", `/image/v2/images/${img.id}/members`, "application/json"],
      ["PUT", `/image/v2/images/${img.id}/file`, "application/octet-stream"],
      ["PUT", `/image/v2/images/${img.id}/stage`, "application/octet-stream"],
      ["POST", "/identity/v3/auth/tokens", "application/json"],
      ["POST", "/api/auth/callback/credentials", "application/x-www-form-urlencoded"],
      ["POST", "/api/auth/session", "application/json"],
    ];
    const { hostname, port } = new URL(server.url);
    let sent = 0;
    for (const [method, path, type] of requests)
      for (const wait of [5, 40, 150]) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(Number(port), hostname, () => {
            socket.write(
              `${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nX-Auth-Token: ${s.token}\r\n` +
                `Content-Type: ${type}\r\nContent-Length: 100000\r\n\r\n{"name": "half`,
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, wait);
          });
          socket.on("error", () => resolve());
        });
        sent++;
      }
    expect(sent).toBe(24);
    // The server is still well, and its log says what happened without calling it an error.
    await expect.poll(async () => (await fetch(`${server.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    const lines = server.output().split("\n");
    expect(lines.filter((l) => l.includes('"level":"error"') || /^\s+at /.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes("client disconnected")).length).toBeGreaterThan(0);
    // The image the PUTs hung up on is queued again, with no data.
    expect((await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json()).status).toBe(
      "queued",
    );
  } finally {
    await server.stop();
  }
});

test("an invalid setting stops the server at start with its message, before it answers anything", async () => {
  test.slow();
  const cases: [Record<string, string>, string][] = [
    [
      { IRIS_IMPORT_METHODS: "glance-direct,web-download,copy-image,glance-download" },
      "Invalid configuration: IRIS_IMPORT_METHODS: unknown method 'glance-download'",
    ],
    [{ IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: "80,http" }, "IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: 'http' is not a port"],
    [
      { IRIS_WEB_DOWNLOAD_ALLOW: "10.0.0.0/33" },
      "IRIS_WEB_DOWNLOAD_ALLOW: '10.0.0.0/33' has a prefix length",
    ],
    [{ IRIS_LOG_LEVEL: "loud" }, "Invalid configuration: IRIS_LOG_LEVEL"],
    [{ IRIS_STORES: "file:ftp" }, "store 'file' has type 'ftp'"],
    [
      { IRIS_POLICY_FILE: "/nonexistent/policy.yaml" },
      "IRIS_POLICY_FILE: /nonexistent/policy.yaml cannot be read",
    ],
  ];
  for (const [settings, message] of cases) {
    const started = await startExtraServer(settings).then(
      async (s) => {
        await s.stop();
        return "started";
      },
      (e: Error) => e.message,
    );
    expect(started, JSON.stringify(settings)).toContain("extra server exited early");
    expect(started).toContain(`Iris cannot start: `);
    expect(started).toContain(message);
    expect(started).not.toContain("Iris is serving");
  }
});
