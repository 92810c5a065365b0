import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { CreateMultipartUploadCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect, test } from "../fixtures";
import { createImage, expectStoredIntact, memberSession, put, sendStream } from "../support/data";
import { fileStoreDir, stagingDir } from "../support/env";
import { storedData } from "../support/leftovers";
import { bucket, prefix, s3 } from "../support/s3";
import { startExtraServer, SWEEP_QUICKLY, type ExtraServer } from "../support/server";

// The crash sweep (lib/server/images/sweep.ts) against the states kills leave behind: data no
// image needs any more goes, data of uploads in progress stays. Each test starts uploads on a
// server, lays out what a kill at an unlucky moment leaves (a real kill cannot hit those moments
// every time; crash-loop.spec.ts kills at random), kills the server and starts the next one,
// which sweeps every second with a 3-second stale time.

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const TUS = { "tus-resumable": "1.0.0" };

async function imageOf(request: APIRequestContext, token: string, id: string) {
  return (await request.get(`/image/v2/images/${id}`, { headers: { "x-auth-token": token } })).json();
}

async function stage(base: string, token: string, id: string, data: Buffer): Promise<void> {
  const r = await fetch(`${base}/image/v2/images/${id}/stage`, {
    method: "PUT",
    headers: { "x-auth-token": token, "content-type": "application/octet-stream" },
    body: new Blob([data as BlobPart]),
  });
  expect(r.status, await r.text()).toBe(204);
}

async function importStaged(
  request: APIRequestContext,
  base: string,
  token: string,
  id: string,
  store: string,
): Promise<void> {
  const r = await request.post(`${base}/image/v2/images/${id}/import`, {
    headers: { "x-auth-token": token },
    data: { method: { name: "glance-direct" }, stores: [store] },
  });
  expect(r.status(), await r.text()).toBe(202);
  await expect
    .poll(async () => (await imageOf(request, token, id)).status, { timeout: 30_000 })
    .toBe("active");
}

test("sweep after a kill -9: staged data that no image needs any more is removed; staged data waiting for its import is kept", async ({
  request,
  identity,
}) => {
  test.slow();
  const first = await startExtraServer(SWEEP_QUICKLY);
  let second: ExtraServer | undefined;
  try {
    const s = await memberSession(identity, request);
    const data = crypto.randomBytes(2 * MiB + 9);
    // Staged for real, waiting for its import.
    const waiting = await createImage(request, s.token);
    await stage(first.url, s.token, waiting.id, data);
    // A kill after the last byte of PUT …/stage, before the stage was recorded, leaves the staged
    // file; the sweep queues the image again. Then the image got its data by PUT …/file…
    fs.mkdirSync(stagingDir(), { recursive: true });
    const active = await createImage(request, s.token);
    expect((await put(request, s.token, active.id, data)).status()).toBe(204);
    fs.writeFileSync(path.join(stagingDir(), active.id), data);
    // …or nothing more happened to it.
    const queued = await createImage(request, s.token);
    fs.writeFileSync(path.join(stagingDir(), queued.id), data);
    first.kill();
    await first.stop();
    second = await startExtraServer(SWEEP_QUICKLY);

    const inStaging = (id: string) => fs.existsSync(path.join(stagingDir(), id));
    await expect
      .poll(() => [inStaging(active.id), inStaging(queued.id)], { timeout: 15_000 })
      .toEqual([false, false]);
    expect(inStaging(waiting.id)).toBe(true);
    expect((await imageOf(request, s.token, queued.id)).status).toBe("queued");
    await expectStoredIntact(request, s.token, active.id, data, process.env.IRIS_DEFAULT_STORE ?? "file");
    await importStaged(request, second.url, s.token, waiting.id, "file");
    await expectStoredIntact(request, s.token, waiting.id, data, "file");
  } finally {
    first.kill();
    await second?.stop();
  }
});

/** Data at `key` in `store`, as a write that committed but was never recorded leaves it. */
async function leaveData(store: "file" | "ceph", key: string, data: Buffer): Promise<void> {
  if (store === "file") {
    fs.mkdirSync(fileStoreDir(), { recursive: true });
    fs.writeFileSync(path.join(fileStoreDir(), key), data);
  } else await s3.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: data }));
}

/** What a tus upload keeps in `store` (without its upload record): the names storedData() gives them. */
async function leaveTusData(store: "file" | "ceph", id: string): Promise<string[]> {
  if (store === "file") {
    const dir = path.join(fileStoreDir(), ".tus");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, id), crypto.randomBytes(1000));
    fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ id, size: 5000, offset: 0 }));
    return [`file:.tus/${id}`, `file:.tus/${id}.json`];
  }
  await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: prefix + id }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${id}.info`, Body: "{}" }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${id}.part`, Body: "x" }));
  return [`ceph-upload:${id}`, `ceph:${id}.info`, `ceph:${id}.part`];
}

for (const store of ["file", "ceph"] as const)
  test(`sweep after a kill -9: ${store} store data that no image location points to is removed; a tus upload, a PUT and a staged import in progress keep theirs`, async ({
    request,
    identity,
  }) => {
    test.slow();
    const first = await startExtraServer(SWEEP_QUICKLY);
    let second: ExtraServer | undefined;
    try {
      const s = await memberSession(identity, request);
      const data = crypto.randomBytes(12 * MiB + 3);
      const half = 6 * MiB;

      // Live: a tus upload half done and a staged image waiting for its import, from before the
      // kill, and (below) a PUT to the next server that trickles in for longer than the stale time.
      const tusImage = await createImage(request, s.token);
      const created = await fetch(`${first.url}/image/v2/images/${tusImage.id}/uploads`, {
        method: "POST",
        headers: {
          ...TUS,
          ...s.h,
          "upload-length": String(data.length),
          "x-image-meta-store": store,
        },
      });
      expect(created.status).toBe(201);
      const tusPath = new URL(created.headers.get("location")!).pathname;
      const patch = (base: string, offset: number, body: Buffer) =>
        fetch(`${base}${tusPath}`, {
          method: "PATCH",
          headers: {
            ...TUS,
            ...s.h,
            "upload-offset": String(offset),
            "content-type": "application/offset+octet-stream",
          },
          body: new Blob([body as BlobPart]),
        });
      expect((await patch(first.url, 0, data.subarray(0, half))).status).toBe(204);
      const staged = await createImage(request, s.token);
      await stage(first.url, s.token, staged.id, data);

      // Orphans, as kills leave them: a PUT …/file or a tus upload killed after its data was in
      // place but before it was recorded (the image is queued again), a glance-direct import the
      // same (the image is staged again), and a tus upload's data without its upload record.
      const queued = await createImage(request, s.token);
      await leaveData(store, queued.id, data);
      await leaveData(store, staged.id, data);
      const tusId = `tus-${crypto.randomBytes(16).toString("hex")}`;
      const orphans = [
        `${store}:${queued.id}`,
        `${store}:${staged.id}`,
        ...(await leaveTusData(store, tusId)),
      ];
      if (store === "ceph") {
        // A multipart upload of a PUT killed mid-stream (the image is queued again).
        await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: prefix + queued.id }));
        orphans.push(`ceph-upload:${queued.id}`);
      }
      let stored = await storedData();
      expect(orphans.filter((o) => !stored.has(o))).toEqual([]);
      first.kill();
      await first.stop();
      second = await startExtraServer(SWEEP_QUICKLY);

      const putImage = await createImage(request, s.token);
      const putting = sendStream(
        `${second.url}/image/v2/images/${putImage.id}/file`,
        "PUT",
        { ...s.h, "content-type": "application/octet-stream", "x-image-meta-store": store },
        data,
        // 9 MiB at once (on ceph the multipart upload starts), then 256 KiB every 450 ms: 5.4 s.
        { before: (sent) => (sent < 9 * MiB ? undefined : sleep(450)) },
      );
      await expect
        .poll(
          async () => {
            stored = await storedData();
            return orphans.filter((o) => stored.has(o));
          },
          { timeout: 20_000 },
        )
        .toEqual([]);
      // More sweeps while the PUT is still arriving.
      await sleep(1500);
      expect(putting.sent()).toBeLessThan(data.length);

      expect(await putting.done).toMatchObject({ status: 204 });
      await expectStoredIntact(request, s.token, putImage.id, data, store);
      const head = await fetch(`${second.url}${tusPath}`, { method: "HEAD", headers: { ...TUS, ...s.h } });
      expect(head.headers.get("upload-offset")).toBe(String(half));
      expect((await patch(second.url, half, data.subarray(half))).status).toBe(204);
      await expectStoredIntact(request, s.token, tusImage.id, data, store);
      expect(fs.existsSync(path.join(stagingDir(), staged.id))).toBe(true);
      await importStaged(request, second.url, s.token, staged.id, store);
      await expectStoredIntact(request, s.token, staged.id, data, store);
      // The queued image's key is free for its upload.
      expect((await imageOf(request, s.token, queued.id)).status).toBe("queued");
      expect((await put(request, s.token, queued.id, data, { "x-image-meta-store": store })).status()).toBe(
        204,
      );
      await expectStoredIntact(request, s.token, queued.id, data, store);
    } finally {
      first.kill();
      await second?.stop();
    }
  });
