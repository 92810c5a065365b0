import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures";
import { createImage, expectStoredIntact, memberSession, put } from "../support/data";
import { stagingDir } from "../support/env";
import { startExtraServer, SWEEP_QUICKLY, type ExtraServer } from "../support/server";

// The crash sweep (lib/server/images/sweep.ts) against the states kills leave behind: data no
// image needs any more goes, data of uploads in progress stays. Each test starts uploads on a
// server, lays out what a kill at an unlucky moment leaves (a real kill cannot hit those moments
// every time; crash-loop.spec.ts kills at random), kills the server and starts the next one,
// which sweeps every second with a 3-second stale time.

const MiB = 1024 * 1024;

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
