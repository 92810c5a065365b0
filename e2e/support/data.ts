import crypto from "node:crypto";
import http from "node:http";
import { expect, type APIRequestContext } from "@playwright/test";
import { IRIS_URL } from "./env";
import { issueToken, randomName } from "./identity";

// Image data helpers for the API suites: sessions, images, raw uploads.

export const md5 = (b: Buffer) => crypto.createHash("md5").update(b).digest("hex");
export const sha512 = (b: Buffer) => crypto.createHash("sha512").update(b).digest("hex");

export async function memberSession(
  identity: {
    projectWithUser(
      role?: string,
    ): Promise<{ project: { name: string; id: string }; user: { name: string; password: string } }>;
  },
  request: APIRequestContext,
  role = "member",
) {
  const { project, user } = await identity.projectWithUser(role);
  const { token } = await issueToken(request, user.name, user.password, project.name);
  return { project, user, token, h: { "x-auth-token": token } };
}

export async function createImage(
  request: APIRequestContext,
  token: string,
  body: Record<string, unknown> = {},
) {
  const res = await request.post("/image/v2/images", {
    headers: { "x-auth-token": token },
    data: { name: randomName("data"), disk_format: "raw", container_format: "bare", ...body },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as { id: string; status: string };
}

/** Shares image `imageId` of `owner` with `consumer`'s project, which accepts it. */
export async function shareAccepted(
  request: APIRequestContext,
  owner: { h: Record<string, string> },
  consumer: { h: Record<string, string>; project: { id: string } },
  imageId: string,
): Promise<void> {
  const add = await request.post(`/image/v2/images/${imageId}/members`, {
    headers: owner.h,
    data: { member: consumer.project.id },
  });
  expect(add.status(), await add.text()).toBe(200);
  const accept = await request.put(`/image/v2/images/${imageId}/members/${consumer.project.id}`, {
    headers: consumer.h,
    data: { status: "accepted" },
  });
  expect(accept.status(), await accept.text()).toBe(200);
}

export function put(
  request: APIRequestContext,
  token: string,
  id: string,
  data: Buffer,
  headers: Record<string, string> = {},
) {
  return request.put(`/image/v2/images/${id}/file`, {
    headers: { "x-auth-token": token, "content-type": "application/octet-stream", ...headers },
    data,
  });
}

/** A raw HTTP upload that we can cut off half-way or send chunked. */
export function rawUpload(
  id: string,
  token: string,
  opts: { contentLength?: number; chunks: Buffer[]; abortAfter?: number; headers?: Record<string, string> },
): Promise<{ status: number; body: string } | "aborted"> {
  const url = new URL(`${IRIS_URL}/image/v2/images/${id}/file`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      "x-auth-token": token,
      "content-type": "application/octet-stream",
    };
    Object.assign(headers, opts.headers);
    if (opts.contentLength !== undefined) headers["content-length"] = String(opts.contentLength);
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "PUT", headers },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on("error", (e) => (opts.abortAfter !== undefined ? resolve("aborted") : reject(e)));
    let sent = 0;
    for (const c of opts.chunks) {
      if (opts.abortAfter !== undefined && sent >= opts.abortAfter) break;
      req.write(c);
      sent += c.length;
    }
    if (opts.abortAfter !== undefined) setTimeout(() => req.destroy(), 300);
    else req.end();
  });
}

/** The image is active in `store` with `data`: its size and os_hash_value, and a download of every byte. */
export async function expectStoredIntact(
  request: APIRequestContext,
  token: string,
  id: string,
  data: Buffer,
  store: string,
): Promise<void> {
  const h = { "x-auth-token": token };
  const got = await (await request.get(`/image/v2/images/${id}`, { headers: h })).json();
  expect(got).toMatchObject({
    status: "active",
    size: data.length,
    stores: store,
    os_hash_value: sha512(data),
  });
  const dl = await request.get(`/image/v2/images/${id}/file`, { headers: h });
  expect(dl.status()).toBe(200);
  expect(sha512(await dl.body())).toBe(sha512(data));
}

export async function waitForStatus(request: APIRequestContext, token: string, id: string, status: string) {
  await expect
    .poll(
      async () =>
        (await (await request.get(`/image/v2/images/${id}`, { headers: { "x-auth-token": token } })).json())
          .status,
      {
        timeout: 15_000,
      },
    )
    .toBe(status);
}

/**
 * Streams `data` to `url` (node:http, 256 KiB at a time) and, once `at` bytes are out, awaits
 * `then()` — which kills the server in the crash tests — and goes on until the connection
 * breaks or the server answers. Node's fetch can hang when a server dies mid-body; this cannot.
 */
export async function streamWithCrash(
  url: string,
  method: string,
  headers: Record<string, string>,
  data: Buffer,
  at: number,
  then: () => Promise<void>,
): Promise<number | "broken"> {
  const r = await sendStream(url, method, headers, data, {
    before: (sent) => (sent === at ? then() : undefined),
  }).done;
  return r === "broken" ? r : r.status;
}

export type StreamResult = { status: number; headers: http.IncomingHttpHeaders; body: string } | "broken";

/**
 * Streams `data` to `url` with node:http in `piece`-sized writes, with Content-Length or chunked
 * (`chunked: true`), awaiting `before(sent)` before each write (to pace it, or to kill the
 * server). `sent()` tells how many bytes have gone out; `done` is the answer, or "broken" when
 * the connection breaks (a killed server).
 */
export function sendStream(
  url: string,
  method: string,
  headers: Record<string, string>,
  data: Buffer,
  opts: { chunked?: boolean; piece?: number; before?: (sent: number) => Promise<void> | void } = {},
): { sent(): number; done: Promise<StreamResult> } {
  const u = new URL(url);
  const piece = opts.piece ?? 256 * 1024;
  let sent = 0;
  const done = new Promise<StreamResult>((resolve) => {
    let settled = false;
    const finish = (v: StreamResult) => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method,
        headers: opts.chunked ? headers : { ...headers, "content-length": String(data.length) },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => finish({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", () => finish("broken"));
      },
    );
    req.on("error", () => finish("broken"));
    req.on("close", () => setTimeout(() => finish("broken"), 100));
    void (async () => {
      while (sent < data.length && !settled && !req.destroyed) {
        await opts.before?.(sent);
        if (settled || req.destroyed) break;
        const chunk = data.subarray(sent, sent + piece);
        sent += chunk.length;
        if (!req.write(chunk))
          await new Promise<void>((r) => {
            const go = () => {
              req.off("drain", go);
              req.off("close", go);
              r();
            };
            req.on("drain", go);
            req.on("close", go);
          });
      }
      if (!settled && !req.destroyed) req.end();
    })().catch(() => finish("broken"));
  });
  return { sent: () => sent, done };
}
