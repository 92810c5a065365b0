import crypto from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures";
import { createImage, expectStoredIntact, memberSession, sendStream } from "../support/data";
import { added, storedData } from "../support/leftovers";
import { startExtraServer, SWEEP_QUICKLY, type ExtraServer } from "../support/server";

// The crash loop: kill -9 an Iris server at seeded random moments of uploads — PUT …/file with
// Content-Length and chunked, tus (during the creation, with or without data, and during the
// PATCHes or just after the last byte) and PUT …/stage + glance-direct import — and start it
// again on the same database and data folder each time, with a 3-second stale time. After each
// restart and its sweep, the image must be active with exactly the bytes sent, or retryable
// (queued; uploading with a tus upload that resumes byte-identical; uploading with its staged
// data, which imports), and nothing may be left in the file store's folder, the staging folder
// or the S3 prefix that the image's state does not account for. Then the test finishes the
// upload, checks every byte and deletes the image.
//
// IRIS_CRASH_SEED picks the moments (printed, to replay a run), IRIS_CRASH_KILLS how many
// (30; `npm run soak` asks for more).

const SEED = Number(process.env.IRIS_CRASH_SEED ?? 20261204);
const KILLS = Number(process.env.IRIS_CRASH_KILLS ?? 30);
const STORE = process.env.IRIS_DEFAULT_STORE ?? "file";
const MiB = 1024 * 1024;
const TUS = { "tus-resumable": "1.0.0" };
const STALE_MS = Number(SWEEP_QUICKLY.IRIS_UPLOAD_STALE_SECONDS) * 1000;
const OCTETS = "application/octet-stream";
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator, numbers in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FLOWS = ["put", "chunked-put", "tus-creation", "tus-patch", "stage-import"] as const;
type Flow = (typeof FLOWS)[number];

/** How far a flow got, for the killer to watch and the checks to know. */
interface Progress {
  phase: "start" | "create" | "body" | "patch" | "stage" | "import" | "done";
  /** Bytes of image data sent so far in this phase. */
  sent: () => number;
  /** The tus upload's path, once its creation answered. */
  tusPath?: string;
  /** What the server acknowledged before it died: PUT …/file or …/stage answered 204. */
  acked?: "put" | "stage";
  /** The tus upload's offset as the last answered request gave it. */
  tusOffset: number;
  /** Set when the server has been killed: the flow stops. */
  killed?: boolean;
}

/** One round's plan: the flow, the size, the data in the tus creation, and when to kill. */
interface Plan {
  flow: Flow;
  size: number;
  /** tus-creation: bytes the POST carries (creation-with-upload), 0 for none. */
  inCreation: number;
  /** stage-import: with chunked PUT …/stage. */
  chunked: boolean;
  when: (p: Progress) => boolean;
  delayMs: number;
  what: string;
}

function plan(next: () => number): Plan {
  // Always the same draws in the same order, whatever the flow: a seed replays a run exactly.
  const [a, b, c, d, e, f] = [next(), next(), next(), next(), next(), next()];
  const flow = FLOWS[Math.floor(a * FLOWS.length)]!;
  const size = 3 * MiB + Math.floor(b * 21 * MiB);
  const within = (fraction: number, of: number) => Math.floor(fraction * of);
  const ms = (max: number) => Math.floor(e * max);
  const base = { flow, size, inCreation: 0, chunked: f < 0.5 };
  const mid = (phase: Progress["phase"], of: number) => ({
    ...base,
    when: (p: Progress) => p.phase === phase && p.sent() >= within(d, of),
    delayMs: ms(20),
    what: `${phase} at byte ${within(d, of)}`,
  });
  const afterLast = (phase: Progress["phase"], max: number) => ({
    ...base,
    when: (p: Progress) => (p.phase === phase && p.sent() >= size) || p.phase === "done",
    delayMs: ms(max),
    what: `${ms(max)} ms after the last byte`,
  });
  switch (flow) {
    case "put":
    case "chunked-put":
      return c < 0.25 ? afterLast("body", 400) : mid("body", size);
    case "tus-creation": {
      // Half bare creations, half creations that carry up to half the data (never all of it:
      // the finish is the PATCHes' business).
      const inCreation = c < 0.5 ? 0 : MiB + within(f, size / 2 - MiB);
      const when = (p: Progress) => p.phase === "create" && p.sent() >= within(d, inCreation);
      return {
        ...base,
        inCreation,
        when,
        // A bare creation on a server just started takes 100-200 ms (its first request loads
        // the route): some kills land before its answer, some after, in the first PATCH.
        delayMs: ms(inCreation ? 20 : 250),
        what: `creation (${inCreation} bytes in it) at byte ${within(d, inCreation)} + ${ms(inCreation ? 20 : 250)} ms`,
      };
    }
    case "tus-patch":
      return c < 0.3 ? afterLast("patch", 500) : mid("patch", size);
    case "stage-import":
      if (c < 0.4) return mid("stage", size);
      if (c < 0.6) return afterLast("stage", 300);
      return {
        ...base,
        when: (p) => p.phase === "import" || p.phase === "done",
        delayMs: ms(600),
        what: `import + ${ms(600)} ms`,
      };
  }
}

/** Sends the image's data the plan's way until it is done or the server dies. */
async function runFlow(base: string, token: string, id: string, data: Buffer, pl: Plan, p: Progress) {
  const auth = { "x-auth-token": token };
  if (pl.flow === "put" || pl.flow === "chunked-put") {
    p.phase = "body";
    const put = sendStream(
      `${base}/image/v2/images/${id}/file`,
      "PUT",
      { ...auth, "content-type": OCTETS },
      data,
      {
        chunked: pl.flow === "chunked-put",
      },
    );
    p.sent = put.sent;
    const r = await put.done;
    if (r !== "broken" && r.status === 204) p.acked = "put";
  } else if (pl.flow === "stage-import") {
    p.phase = "stage";
    const stage = sendStream(
      `${base}/image/v2/images/${id}/stage`,
      "PUT",
      { ...auth, "content-type": OCTETS },
      data,
      { chunked: pl.chunked },
    );
    p.sent = stage.sent;
    const r = await stage.done;
    if (r === "broken" || r.status !== 204) return;
    p.acked = "stage";
    const imp = await fetch(`${base}/image/v2/images/${id}/import`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ method: { name: "glance-direct" } }),
    });
    if (imp.status !== 202) return;
    p.phase = "import";
  } else {
    p.phase = "create";
    const creation = sendStream(
      `${base}/image/v2/images/${id}/uploads`,
      "POST",
      {
        ...TUS,
        ...auth,
        "upload-length": String(data.length),
        ...(pl.inCreation ? { "content-type": "application/offset+octet-stream" } : {}),
      },
      data.subarray(0, pl.inCreation),
    );
    p.sent = creation.sent;
    const r = await creation.done;
    if (r === "broken" || r.status !== 201) return;
    p.tusPath = new URL(String(r.headers.location)).pathname;
    let offset = Number(r.headers["upload-offset"] ?? 0);
    p.tusOffset = offset;
    p.phase = "patch";
    // PATCHes of 8 MiB, as a browser's tus client sends them
    while (offset < data.length && !p.killed) {
      const from = offset;
      const patch = sendStream(
        `${base}${p.tusPath}`,
        "PATCH",
        { ...TUS, ...auth, "upload-offset": String(from), "content-type": "application/offset+octet-stream" },
        data.subarray(from, from + 8 * MiB),
      );
      p.sent = () => from + patch.sent();
      const done = await patch.done;
      if (done === "broken" || done.status !== 204) return;
      offset = Number(done.headers["upload-offset"]);
      p.tusOffset = offset;
    }
  }
  p.phase = "done";
}

async function imageOf(request: APIRequestContext, token: string, id: string) {
  return (
    await request.get(`/image/v2/images/${id}`, { headers: { "x-auth-token": token } })
  ).json() as Promise<{
    status: string;
  }>;
}

/**
 * Waits for the sweep to settle the image after the restart: active or queued are final;
 * uploading is final for a tus upload whose URL the client has and for staged data the server
 * acknowledged (both are kept), and otherwise once the sweep had its chance (the stale time and
 * a few sweeps after the kill): then it is staged data whose 204 was lost in the kill, or a tus
 * upload whose 201 was.
 */
async function settle(request: APIRequestContext, token: string, id: string, p: Progress, killedAt: number) {
  const chance = killedAt + STALE_MS + 4000;
  for (;;) {
    const { status } = await imageOf(request, token, id);
    if (status === "active" || status === "queued") return status;
    if (status === "uploading" && (p.tusPath || p.acked === "stage" || Date.now() >= chance)) return status;
    if (Date.now() > killedAt + 30_000) throw new Error(`image ${id} still ${status} 30 s after the kill`);
    await sleep(100);
  }
}

/** The names storedData() may show for an image in this state (a tus upload's: with its id). */
function accountedFor(id: string, status: string, tusId: string | undefined, staged: boolean): Set<string> {
  const ok = new Set<string>();
  if (status === "active") {
    ok.add(`${STORE}:${id}`);
    if (tusId) ok.add(`ceph:${tusId}`); // on S3 a tus upload's object is the image's data
  }
  if (status === "uploading" && tusId) {
    // file store: the data and tus's .json; S3: the multipart upload (or, all bytes in, the
    // object), tus's .info and the incomplete part
    for (const name of [`file:.tus/${tusId}`, `file:.tus/${tusId}.json`, `ceph-upload:${tusId}`])
      ok.add(name);
    for (const suffix of ["", ".info", ".part"]) ok.add(`ceph:${tusId}${suffix}`);
  }
  if (status === "uploading" && staged) ok.add(`staging:${id}`);
  return ok;
}

test("crash loop: kill -9 at random moments of PUT, chunked PUT, tus and stage+import; every image stays intact or retryable and nothing is left behind", async ({
  request,
  identity,
}) => {
  test.setTimeout(60_000 + KILLS * 20_000);
  console.log(
    `crash loop: seed ${SEED} (IRIS_CRASH_SEED), ${KILLS} kills (IRIS_CRASH_KILLS), store ${STORE}`,
  );
  const next = random(SEED);
  const s = await memberSession(identity, request);
  const before = await storedData();
  const started = Date.now();
  const restarts: number[] = [];
  let intact = 0;
  let retried = 0;
  let lostAnswers = 0;
  /** Per flow: rounds, and what the image was after the restart. */
  const tally = new Map<Flow, Record<string, number>>();
  let server: ExtraServer = await startExtraServer(SWEEP_QUICKLY);
  try {
    for (let round = 1; round <= KILLS; round++) {
      const pl = plan(next);
      const data = crypto.randomBytes(pl.size);
      const img = await createImage(request, s.token);
      const label = `round ${round}: ${pl.flow}, ${pl.size} bytes, kill ${pl.what} (image ${img.id})`;
      const p: Progress = { phase: "start", sent: () => 0, tusOffset: 0 };
      let flowDone = false;
      const flow = runFlow(server.url, s.token, img.id, data, pl, p)
        .catch(() => undefined)
        .finally(() => (flowDone = true));
      while (!pl.when(p) && !flowDone) await sleep(1);
      if (pl.delayMs) await sleep(pl.delayMs);
      server.kill();
      const killedAt = Date.now();
      p.killed = true;
      await server.stop();
      await flow;
      server = await startExtraServer(SWEEP_QUICKLY);
      restarts.push(Date.now() - killedAt);

      const status = await settle(request, s.token, img.id, p, killedAt);
      const t = tally.get(pl.flow) ?? {};
      t[status] = (t[status] ?? 0) + 1;
      tally.set(pl.flow, t);
      let tusId = p.tusPath?.split("/").pop();
      const staged = pl.flow === "stage-import" && status === "uploading";
      // Nothing the server acknowledged is lost: an answered PUT is active, answered staged data
      // stays until it is imported, and an answered tus upload can go back to queued only from
      // its finish (all bytes sent: the data had moved into place, unrecorded).
      if (p.acked === "put") expect(status, `${label}: PUT answered 204`).toBe("active");
      if (p.acked === "stage") expect(status, `${label}: stage answered 204`).not.toBe("queued");
      if (p.tusPath && status === "queued")
        expect(p.phase === "done" || p.sent() >= pl.size, `${label}: answered tus upload lost`).toBe(true);
      if (status === "uploading" && pl.flow.startsWith("tus") && !tusId) {
        // The kill fell between the creation's last step and its 201 reaching the client: the
        // upload is kept (a client that got the 201 must never lose it), and a client without
        // its URL waits for it to expire. Here the store shows its id.
        const tus = added(before, await storedData())
          .map((n) => /tus-[0-9a-f]{32}/.exec(n)?.[0])
          .find(Boolean);
        expect(tus, `${label}: uploading with no tus upload in the store`).toBeTruthy();
        tusId = tus;
        lostAnswers++;
      }
      // Nothing left behind but what the image's state accounts for (leftovers go one stale time
      // after they were last written).
      const ok = accountedFor(img.id, status, tusId, staged);
      await expect
        .poll(async () => added(before, await storedData()).filter((n) => !ok.has(n)), {
          message: `${label}: left behind after the sweep (image ${status})`,
          timeout: 15_000,
        })
        .toEqual([]);

      if (status === "active") {
        await expectStoredIntact(request, s.token, img.id, data, STORE);
        intact++;
      } else {
        if (status === "queued") {
          const r = await fetch(`${server.url}/image/v2/images/${img.id}/file`, {
            method: "PUT",
            headers: { "x-auth-token": s.token, "content-type": OCTETS },
            body: new Blob([data as BlobPart]),
          });
          expect(r.status, `${label}: PUT again`).toBe(204);
        } else if (tusId) {
          // Resume: the offset from HEAD, the rest in one PATCH (a HEAD at the full offset
          // finishes the upload by itself).
          const url = `${server.url}/image/v2/images/${img.id}/uploads/${tusId}`;
          const head = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-auth-token": s.token } });
          expect(head.status, `${label}: HEAD of the upload`).toBe(200);
          const offset = Number(head.headers.get("upload-offset"));
          expect(offset, `${label}: offset after the restart`).toBeGreaterThanOrEqual(p.tusOffset);
          expect(offset).toBeLessThanOrEqual(data.length);
          if (offset < data.length) {
            const r = await fetch(url, {
              method: "PATCH",
              headers: {
                ...TUS,
                "x-auth-token": s.token,
                "upload-offset": String(offset),
                "content-type": "application/offset+octet-stream",
              },
              body: new Blob([data.subarray(offset) as BlobPart]),
            });
            expect(r.status, `${label}: PATCH from ${offset}`).toBe(204);
          }
        } else {
          expect(staged, `${label}: uploading without a tus upload or staged data`).toBe(true);
          const r = await fetch(`${server.url}/image/v2/images/${img.id}/import`, {
            method: "POST",
            headers: { "x-auth-token": s.token, "content-type": "application/json" },
            body: JSON.stringify({ method: { name: "glance-direct" } }),
          });
          expect(r.status, `${label}: import of the staged data`).toBe(202);
          await expect
            .poll(async () => (await imageOf(request, s.token, img.id)).status, { timeout: 30_000 })
            .toBe("active");
        }
        await expectStoredIntact(request, s.token, img.id, data, STORE);
        retried++;
      }
      const del = await request.delete(`/image/v2/images/${img.id}`, { headers: s.h });
      expect(del.status(), `${label}: delete`).toBe(204);
    }
    // The deletes left nothing behind either.
    expect(added(before, await storedData())).toEqual([]);
  } finally {
    await server.stop();
    const sorted = [...restarts].sort((x, y) => x - y);
    console.log(
      `crash loop: kill to ready again ${sorted[0] ?? 0}–${sorted.at(-1) ?? 0} ms (median ${sorted[Math.floor(sorted.length / 2)] ?? 0} ms); ${Math.round((Date.now() - started) / 1000)} s in all${lostAnswers ? `; ${lostAnswers} tus creations answered into the kill` : ""}`,
    );
    const flows = [...tally].map(
      ([f, t]) =>
        `${f} ${Object.entries(t)
          .map(([k, n]) => `${n} ${k}`)
          .join("/")}`,
    );
    console.log(`crash loop: after the restart: ${flows.join("; ")}`);
    console.log(`crash loop: ${restarts.length} kills, ${intact} intact, ${retried} retried`);
  }
});
