// `npm run bench` part "tus": a resumable (tus 1.0) upload of a 1 GiB image in PATCH chunks of
// TUS_CHUNK_BYTES, beside PUT /v2/images/{id}/file of the same file in the same run, on the
// filesystem store and (when the benchmarks' Ceph RGW is up) on the S3 store. curl sends both.
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { startIris, type IrisServer } from "../test/iris-server";
import {
  adminToken,
  createImage,
  curlPut,
  curlSendAll,
  dataFile,
  deleteImage,
  expectActive,
  gib,
  mb,
  median,
  ROUNDS,
  SIZE,
  timedCpu,
  type CpuTimed,
} from "./client";
import type { BenchRgw } from "./rgw";
import { removeAll, s3Client } from "./s3";

/** Bytes per PATCH request: the chunk size the dashboard's tus client uses. */
export const TUS_CHUNK_BYTES = 32 * 2 ** 20;

/** The file cut into TUS_CHUNK_BYTES pieces once (not timed), so that curl sends each PATCH. */
function chunkFiles(file: string): string[] {
  const prefix = `${file}.tus-${TUS_CHUNK_BYTES}-`;
  const count = Math.ceil(SIZE / TUS_CHUNK_BYTES);
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`);
  if (!names.every((n) => fs.existsSync(n))) {
    const r = spawnSync("split", ["-b", String(TUS_CHUNK_BYTES), "-d", "-a", "4", file, prefix]);
    if (r.status !== 0) throw new Error(`split failed: ${r.stderr}`);
  }
  return names;
}

/** The whole tus flow for image `id`: create the upload, then PATCH the file chunk by chunk. */
async function tusUpload(
  server: IrisServer,
  token: string,
  id: string,
  file: string,
  store: string | null,
): Promise<void> {
  const res = await fetch(`${server.url}/image/v2/images/${id}/uploads`, {
    method: "POST",
    headers: {
      "x-auth-token": token,
      "tus-resumable": "1.0.0",
      "upload-length": String(SIZE),
      ...(store ? { "x-image-meta-store": store } : {}),
    },
  });
  if (res.status !== 201) throw new Error(`tus create: HTTP ${res.status} ${await res.text()}`);
  const location = new URL(res.headers.get("location")!, server.url).href;
  // Every PATCH over one connection, one after the other, as tus-js-client sends them: one curl
  // process, so the numbers hold no process start or TCP handshake per PATCH.
  let offset = 0;
  const requests = chunkFiles(file).map((chunk) => {
    const headers = {
      "x-auth-token": token,
      "tus-resumable": "1.0.0",
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
    };
    offset += fs.statSync(chunk).size;
    return { file: chunk, headers };
  });
  const answers = await curlSendAll("PATCH", location, requests, "upload-offset");
  let expected = 0;
  requests.forEach(({ file: chunk }, i) => {
    expected += fs.statSync(chunk).size;
    const a = answers[i];
    if (a?.status !== 204 || Number(a.value) !== expected)
      throw new Error(`PATCH ${i}: HTTP ${a?.status}, Upload-Offset ${a?.value} (expected ${expected})`);
  });
}

/** One upload of the file into a fresh image in `store` (checked, then deleted): time and CPU. */
async function uploadOnce(
  server: IrisServer,
  token: string,
  store: string,
  upload: (id: string) => Promise<void>,
): Promise<CpuTimed> {
  const id = await createImage(server, token, "bench-tus");
  const run = await timedCpu(() => upload(id));
  await expectActive(server, token, id, SIZE, store);
  await deleteImage(server, token, id);
  return run;
}

/**
 * PUT and tus, alternating, ROUNDS times each into `store` (named in X-Image-Meta-Store unless
 * it is the default store); the median of each.
 */
async function compare(
  server: IrisServer,
  token: string,
  file: string,
  store: string,
  isDefault: boolean,
): Promise<string> {
  const storeHeader = isDefault ? null : store;
  const put: CpuTimed[] = [];
  const tus: CpuTimed[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    put.push(
      await uploadOnce(server, token, store, async (id) => {
        const code = await curlPut(`${server.url}/image/v2/images/${id}/file`, file, {
          "x-auth-token": token,
          "content-type": "application/octet-stream",
          ...(storeHeader ? { "x-image-meta-store": storeHeader } : {}),
        });
        if (code !== 204) throw new Error(`PUT: HTTP ${code}`);
      }),
    );
    tus.push(await uploadOnce(server, token, store, (id) => tusUpload(server, token, id, file, storeHeader)));
  }
  const rate = (xs: CpuTimed[]) => SIZE / median(xs.map((x) => x.seconds));
  const cpu = (xs: CpuTimed[]) => median(xs.map((x) => x.busy)).toFixed(1);
  const [putRate, tusRate] = [rate(put), rate(tus)];
  const chunks = Math.ceil(SIZE / TUS_CHUNK_BYTES);
  const target =
    store === "memory" ? "no target: a tmpfs store, the code's own cost without the disk" : "target ≥ 0.90";
  return `tus ${store.padEnd(6)} ${gib(SIZE)} GiB in ${chunks} PATCHes of ${TUS_CHUNK_BYTES / 2 ** 20} MiB (curl): ${mb(tusRate)} MB/s; PUT …/file (curl) ${mb(putRate)} MB/s; ratio tus/PUT ${(tusRate / putRate).toFixed(2)} (${target}; median of ${ROUNDS} each; CPU of the whole machine: tus ${cpu(tus)} s, PUT ${cpu(put)} s)`;
}

/**
 * A third filesystem store, "memory", in /dev/shm (a tmpfs): the same comparison without the
 * disk's page cache, which on our sandbox VMs takes new pages up to ten times slower when the
 * memory has been free for a second or more (see the README), and which tus, draining its writes
 * at the end of every PATCH, feels more than PUT. It says what the code itself costs. Null where
 * /dev/shm is not a tmpfs.
 */
function memoryStore(): { env: Record<string, string>; dir: string } | null {
  const dir = "/dev/shm/iris-bench-tus";
  const mounts = fs.existsSync("/proc/mounts") ? fs.readFileSync("/proc/mounts", "utf8") : "";
  if (!/^\S+ \/dev\/shm tmpfs /m.test(mounts)) return null;
  return { env: { IRIS_STORE_MEMORY_DIR: dir }, dir };
}

export async function tusBenchmark(workDir: string, rgw: BenchRgw | null): Promise<string[]> {
  const file = await dataFile(workDir);
  const memory = memoryStore();
  const stores = rgw ? rgw.storesEnv("file", "bench-tus/") : { IRIS_STORES: "file:file" };
  const server = await startIris("sqlite", path.join(workDir, "tus-bench"), {
    ...stores,
    ...(memory ? { ...memory.env, IRIS_STORES: `${stores.IRIS_STORES ?? "file:file"},memory:file` } : {}),
  });
  const lines: string[] = [];
  try {
    const token = await adminToken(server);
    for (const store of [...(rgw ? ["file", "ceph"] : ["file"]), ...(memory ? ["memory"] : [])]) {
      const line = await compare(server, token, file, store, store === "file");
      console.log(line);
      lines.push(line);
    }
    if (!rgw) lines.push("tus ceph   skipped (Ceph RGW unavailable)");
  } finally {
    await server.stop();
    if (memory) fs.rmSync(memory.dir, { recursive: true, force: true });
    if (rgw) {
      // Each image was deleted after its run; this catches what a failed run left behind.
      const client = s3Client(rgw.s3);
      await removeAll(client, rgw.s3.bucket, "bench-tus/").catch(() => 0);
      client.destroy();
    }
  }
  return lines;
}
