// Helpers shared by the data-path benchmarks (data, tus, s3): the test file, an admin token, image
// create/inspect/delete, and the transfer clients (curl for PUT, node:http for GET).
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import type { IrisServer } from "../test/iris-server";

/** Bytes per transfer (BENCH_DATA_BYTES, default 1 GiB). */
export const SIZE = Number(process.env.BENCH_DATA_BYTES ?? 1024 ** 3);
/** Timed repetitions per measurement in the tus and s3 parts; they report the median. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const CURL = "/usr/bin/curl";

export const mb = (bytesPerSecond: number): string => (bytesPerSecond / 1e6).toFixed(0);
export const gib = (bytes: number): string => (bytes / 2 ** 30).toFixed(2);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Seconds taken by `fn`. */
export async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** CPU seconds the whole machine has spent busy (every process, every core) since boot. */
function machineBusy(): number {
  const [, ...fields] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const n = fields.map(Number); // user nice system idle iowait irq softirq steal …, in 1/100 s
  return (n.reduce((a, b) => a + b, 0) - n[3]! - n[4]!) / 100;
}

export interface CpuTimed {
  seconds: number;
  /** CPU seconds the machine spent busy meanwhile: Iris, RGW, the client, everything. */
  busy: number;
}

/** Seconds taken by `fn`, and the machine's CPU seconds meanwhile. */
export async function timedCpu(fn: () => Promise<void>): Promise<CpuTimed> {
  const b0 = machineBusy();
  const seconds = await timed(fn);
  return { seconds, busy: machineBusy() - b0 };
}

async function makeFile(file: string, size: number) {
  const block = crypto.randomBytes(16 << 20);
  const fh = await fsp.open(file, "w");
  for (let off = 0; off < size; off += block.byteLength)
    await fh.write(block, 0, Math.min(block.byteLength, size - off));
  await fh.close();
}

/** The random test file of SIZE bytes in `workDir` (made once, reused while its size fits). */
export async function dataFile(workDir: string): Promise<string> {
  await fsp.mkdir(workDir, { recursive: true });
  const file = path.join(workDir, "bench-1g.bin");
  if (!fs.existsSync(file) || fs.statSync(file).size !== SIZE) await makeFile(file, SIZE);
  return file;
}

export async function adminToken(server: IrisServer): Promise<string> {
  const res = await fetch(`${server.url}/identity/v3/auth/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", domain: { id: "default" }, password: server.adminPassword } },
        },
        scope: { project: { name: "admin", domain: { id: "default" } } },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`token: HTTP ${res.status} ${await res.text()}`);
  return res.headers.get("x-subject-token")!;
}

export async function createImage(
  server: IrisServer,
  token: string,
  name: string,
  diskFormat = "raw",
): Promise<string> {
  const res = await fetch(`${server.url}/image/v2/images`, {
    method: "POST",
    headers: { "x-auth-token": token, "content-type": "application/json" },
    body: JSON.stringify({ name, disk_format: diskFormat, container_format: "bare" }),
  });
  if (res.status !== 201) throw new Error(`create image: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Throws unless the image is active with `size` bytes (and, if given, in `store`). */
export async function expectActive(
  server: IrisServer,
  token: string,
  id: string,
  size: number,
  store?: string,
): Promise<void> {
  const res = await fetch(`${server.url}/image/v2/images/${id}`, { headers: { "x-auth-token": token } });
  const img = (await res.json()) as { status?: string; size?: number; stores?: string };
  if (img.status !== "active" || img.size !== size || (store && img.stores !== store))
    throw new Error(
      `image ${id}: status ${img.status}, size ${img.size}, stores ${img.stores}; expected active, ${size}${store ? `, ${store}` : ""}`,
    );
}

export async function deleteImage(server: IrisServer, token: string, id: string): Promise<void> {
  const res = await fetch(`${server.url}/image/v2/images/${id}`, {
    method: "DELETE",
    headers: { "x-auth-token": token },
  });
  if (res.status !== 204) throw new Error(`delete image ${id}: HTTP ${res.status}`);
}

/**
 * PUT `file` to `url` with curl (the least client CPU: on two cores the client competes with the
 * server). Asynchronous, so samplers in this process keep running. Returns the HTTP status.
 */
export function curlPut(url: string, file: string, headers: Record<string, string>): Promise<number> {
  return curlSend("PUT", url, file, headers).then((r) => r.status);
}

/** Sends `file` as the body of one request with curl; the status and the response headers. */
export function curlSend(
  method: string,
  url: string,
  file: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string> }> {
  return curl(["-D", "-", "-X", method, "-T", file], url, headers).then((out) => {
    const blocks = out.trim().split(/\r?\n\r?\n/);
    const last = blocks[blocks.length - 1] ?? ""; // after any "100 Continue"
    const [statusLine = "", ...lines] = last.split(/\r?\n/);
    const found: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(":");
      if (i > 0) found[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    return { status: Number(statusLine.split(" ")[1] ?? 0), headers: found };
  });
}

/**
 * Sends each file as the body of one request, in order, over one kept-alive connection (one
 * curl process, requests separated by --next), as a tus client sends its PATCHes. Returns each
 * request's HTTP status and the value of response header `header`.
 */
export function curlSendAll(
  method: string,
  url: string,
  requests: { file: string; headers: Record<string, string> }[],
  header: string,
): Promise<{ status: number; value: string }[]> {
  return new Promise((resolve, reject) => {
    const args: string[] = [];
    requests.forEach(({ file, headers }, i) => {
      if (i > 0) args.push("--next");
      args.push("-s", "-o", "/dev/null", "-X", method, "-T", file, "-w", `%{http_code} %header{${header}}\n`);
      for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
      args.push(url);
    });
    const c = spawn(CURL, args);
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.on("error", reject);
    c.on("close", () =>
      resolve(
        out
          .trim()
          .split("\n")
          .map((l) => {
            const [status = "0", value = ""] = l.trim().split(" ");
            return { status: Number(status), value };
          }),
      ),
    );
  });
}

/** Runs curl quietly with the body to /dev/null; its standard output. */
function curl(args: string[], url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const all = ["-s", "-o", "/dev/null", ...args];
    for (const [k, v] of Object.entries(headers)) all.push("-H", `${k}: ${v}`);
    const c = spawn(CURL, [...all, url]);
    let out = "";
    c.stdout.on("data", (d) => (out += d));
    c.on("error", reject);
    c.on("close", () => resolve(out));
  });
}

/**
 * GET `url` with curl into /dev/null (the least client CPU, as for uploads); returns the bytes
 * read (throws unless HTTP 200). Falls back to getToSink without curl.
 */
export function curlGet(url: string, headers: Record<string, string>): Promise<number> {
  if (!fs.existsSync(CURL)) return getToSink(url, headers);
  return curl(["-w", "%{http_code} %{size_download}"], url, headers).then((out) => {
    const [status, size] = out.trim().split(" ").map(Number);
    if (status !== 200) throw new Error(`GET ${new URL(url).pathname}: HTTP ${status}`);
    return size ?? 0;
  });
}

/** GET `url` into a byte-counting sink; returns the bytes read (throws unless HTTP 200). */
export function getToSink(url: string, headers: Record<string, string>): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${u.pathname}: HTTP ${res.statusCode}`));
          return;
        }
        let total = 0;
        res.on("data", (c: Buffer) => (total += c.byteLength));
        res.on("end", () => resolve(total));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}
