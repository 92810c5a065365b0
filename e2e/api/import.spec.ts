import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures";
import { createImage, memberSession, put, sha512, streamWithCrash, waitForStatus } from "../support/data";
import { fileStoreDir, IRIS_URL, stagingDir } from "../support/env";
import { openMultipartUploads } from "../support/s3";
import { startExtraServer, SWEEP_QUICKLY, type ExtraServer } from "../support/server";
import { sourceServer } from "../support/source-server";

// Interoperable image import: PUT …/stage, POST …/import (glance-direct, web-download,
// copy-image), the import lock, os_glance_* progress properties and tasks.

const DEFAULT_STORE = process.env.IRIS_DEFAULT_STORE ?? "file";
const OTHER_STORE = DEFAULT_STORE === "file" ? "ceph" : "file";
const MiB = 1024 * 1024;

function importImage(
  request: APIRequestContext,
  base: string,
  token: string,
  id: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return request.post(`${base}/image/v2/images/${id}/import`, {
    headers: { "x-auth-token": token, ...headers },
    data: body,
  });
}

async function tasksOf(request: APIRequestContext, token: string, id: string) {
  const r = await request.get(`/image/v2/images/${id}/tasks`, { headers: { "x-auth-token": token } });
  expect(r.status()).toBe(200);
  return (await r.json()).tasks as { id: string; status: string; message: string; request_id: string }[];
}

async function lastTask(
  request: APIRequestContext,
  token: string,
  id: string,
  status: "success" | "failure",
) {
  await expect
    .poll(async () => (await tasksOf(request, token, id)).at(-1)?.status, { timeout: 30_000 })
    .toBe(status);
  return (await tasksOf(request, token, id)).at(-1)!;
}

async function imageOf(request: APIRequestContext, token: string, id: string) {
  return (await request.get(`/image/v2/images/${id}`, { headers: { "x-auth-token": token } })).json();
}

test("GET /v2/info/import lists the import methods", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const r = await request.get("/image/v2/info/import", { headers: s.h });
  expect(r.status()).toBe(200);
  expect((await r.json())["import-methods"]).toEqual({
    description: "Import methods available.",
    type: "array",
    value: ["glance-direct", "web-download", "copy-image"],
  });
  // Creating an image tells the client the same (openstacksdk's `--import` reads it).
  const created = await request.post("/image/v2/images", {
    headers: s.h,
    data: { name: "import-headers", disk_format: "raw", container_format: "bare" },
  });
  expect(created.status()).toBe(201);
  expect(created.headers()["openstack-image-import-methods"]).toBe("glance-direct,web-download,copy-image");
  expect(created.headers()["openstack-image-store-ids"]).toBe("file,ceph");
});

test("glance-direct: stage, import, active with hashes; the task says so", async ({
  request,
  identity,
  adminToken,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(5 * MiB + 77);
  const staged = await request.put(`/image/v2/images/${img.id}/stage`, {
    headers: { ...s.h, "content-type": "application/octet-stream" },
    data,
  });
  expect(staged.status(), await staged.text()).toBe(204);
  expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "uploading", size: data.length });
  // staged twice: 409
  const again = await request.put(`/image/v2/images/${img.id}/stage`, {
    headers: { ...s.h, "content-type": "application/octet-stream" },
    data,
  });
  expect(again.status()).toBe(409);

  const r = await importImage(request, IRIS_URL, s.token, img.id, { method: { name: "glance-direct" } });
  expect(r.status(), await r.text()).toBe(202);
  const task = await lastTask(request, s.token, img.id, "success");
  expect(task.request_id).toBe(r.headers()["x-openstack-request-id"]);
  expect(task.message).toContain("Imported 5 MiB");
  const got = await imageOf(request, s.token, img.id);
  expect(got).toMatchObject({
    status: "active",
    size: data.length,
    stores: DEFAULT_STORE,
    os_hash_value: sha512(data),
  });
  expect(got).not.toHaveProperty("os_glance_import_task");
  expect(got.os_glance_importing_to_stores ?? "").toBe("");
  const dl = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
  expect(sha512(await dl.body())).toBe(sha512(data));
  // GET /v2/tasks/{id}: admins (Glance's tasks_api_access)
  expect((await request.get(`/image/v2/tasks/${task.id}`, { headers: s.h })).status()).toBe(403);
  const t = await request.get(`/image/v2/tasks/${task.id}`, { headers: { "x-auth-token": adminToken } });
  expect(t.status()).toBe(200);
  expect(await t.json()).toMatchObject({
    id: task.id,
    type: "api_image_import",
    status: "success",
    image_id: img.id,
    result: { image_id: img.id },
    self: `/v2/tasks/${task.id}`,
  });
});

test("quotas: staging over image_stage_total is 413; import while at image_size_total is 413", async ({
  request,
  identity,
}) => {
  const server = await startExtraServer({
    IRIS_QUOTA_IMAGE_STAGE_TOTAL: "1",
    IRIS_QUOTA_IMAGE_SIZE_TOTAL: "1",
  });
  try {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const staged = await request.put(`${server.url}/image/v2/images/${img.id}/stage`, {
      headers: { ...s.h, "content-type": "application/octet-stream" },
      data: crypto.randomBytes(2 * MiB),
    });
    expect(staged.status()).toBe(413);
    expect((await staged.json()).error.message).toContain("staging quota");
    expect((await imageOf(request, s.token, img.id)).status).toBe("queued");
    // Exactly at the storage quota (1 MiB stored): an import is refused before it starts.
    const full = await createImage(request, s.token);
    expect((await put(request, s.token, full.id, crypto.randomBytes(MiB))).status()).toBe(204);
    const r = await importImage(request, server.url, s.token, img.id, {
      method: { name: "web-download", uri: "http://example.com/disk.img" },
    });
    expect(r.status()).toBe(413);
    expect((await r.json()).error.message).toContain("storage quota");
    expect(await tasksOf(request, s.token, img.id)).toEqual([]);
  } finally {
    await server.stop();
  }
});

test("bad import requests get Glance's codes", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const cases: [unknown, number, string][] = [
    [{}, 400, "requires a 'method' field"],
    [{ method: {} }, 400, "requires a 'name' field"],
    [{ method: { name: "magic" } }, 400, "Unknown import method name 'magic'"],
    [{ method: { name: "glance-direct" }, all_stores: "yes" }, 400, "'all_stores' must be boolean"],
    [{ method: { name: "glance-direct" }, all_stores_must_succeed: 1 }, 400, "must be boolean"],
    [{ method: { name: "glance-direct" } }, 409, "needs to be staged"],
    [{ method: { name: "copy-image" } }, 409, "Only images with status active"],
    [{ method: { name: "web-download" } }, 400, "'uri' needs to be set"],
    [{ method: { name: "web-download", uri: "ftp://example.com/x" } }, 400, "does not pass filtering"],
    [{ method: { name: "web-download", uri: "http://example.com:8081/x" } }, 400, "does not pass filtering"],
    [{ method: { name: "web-download", uri: "http://example.com/x" }, stores: ["nowhere"] }, 409, "nowhere"],
  ];
  for (const [body, status, text] of cases) {
    const r = await importImage(request, IRIS_URL, s.token, img.id, body);
    expect(r.status(), JSON.stringify(body)).toBe(status);
    expect((await r.json()).error.message).toContain(text);
  }
  const both = await importImage(
    request,
    IRIS_URL,
    s.token,
    img.id,
    { method: { name: "web-download", uri: "http://example.com/x" }, all_stores: true },
    { "x-image-meta-store": "file" },
  );
  expect(both.status()).toBe(400);
  // stage: 415 for another content type; another project's image is 404
  const wrongType = await request.put(`/image/v2/images/${img.id}/stage`, {
    headers: { ...s.h, "content-type": "application/json" },
    data: Buffer.from("{}"),
  });
  expect(wrongType.status()).toBe(415);
  const other = await memberSession(identity, request);
  expect(
    (
      await importImage(request, IRIS_URL, other.token, img.id, { method: { name: "glance-direct" } })
    ).status(),
  ).toBe(404);
  expect((await imageOf(request, s.token, img.id)).status).toBe("queued");
});

test.describe("web-download", () => {
  let source: Awaited<ReturnType<typeof sourceServer>>;
  let server: ExtraServer;
  const data = crypto.randomBytes(3 * MiB + 5);

  test.beforeAll(async () => {
    source = await sourceServer(data);
    // Loopback is refused unless allow-listed: this server allows 127.0.0.1 and the source's port.
    server = await startExtraServer({
      IRIS_WEB_DOWNLOAD_ALLOW: "127.0.0.1",
      IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: `80,443,${source.port}`,
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await source?.close();
  });

  test("fetches an allow-listed URL into the chosen store", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const r = await importImage(request, server.url, s.token, img.id, {
      method: { name: "web-download", uri: `${source.url}/image` },
      stores: [OTHER_STORE],
    });
    expect(r.status(), await r.text()).toBe(202);
    await lastTask(request, s.token, img.id, "success");
    expect(await imageOf(request, s.token, img.id)).toMatchObject({
      status: "active",
      size: data.length,
      stores: OTHER_STORE,
      os_hash_value: sha512(data),
    });
  });

  test("refuses loopback without the allow-list, after DNS resolution", async ({ request, identity }) => {
    const strict = await startExtraServer({ IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: `80,${source.port}` });
    try {
      const s = await memberSession(identity, request);
      // A literal loopback address: refused before any task runs.
      let img = await createImage(request, s.token);
      let r = await importImage(request, strict.url, s.token, img.id, {
        method: { name: "web-download", uri: `${source.url}/image` },
      });
      expect(r.status()).toBe(400);
      expect((await r.json()).error.message).toContain("loopback");
      // A name that resolves to loopback: the task fails and says why; the image is queued again.
      img = await createImage(request, s.token);
      r = await importImage(request, strict.url, s.token, img.id, {
        method: { name: "web-download", uri: `http://localhost:${source.port}/image` },
      });
      expect(r.status()).toBe(202);
      const task = await lastTask(request, s.token, img.id, "failure");
      expect(task.message).toMatch(/resolves to (127\.0\.0\.1|::1), a loopback address/);
      const got = await imageOf(request, s.token, img.id);
      expect(got.status).toBe("queued");
      expect(got.os_glance_failed_import).toBe(DEFAULT_STORE);
      // Every other spelling of loopback, and redirects to it: ssrf.spec.ts. Link-local (cloud
      // metadata), private and other ranges: the unit tests of lib/server/outbound/ip.ts, which
      // connect nowhere.
    } finally {
      await strict.stop();
    }
  });

  test("a download over the staging quota fails the task and leaves the image queued", async ({
    request,
    identity,
  }) => {
    const small = await startExtraServer({
      IRIS_WEB_DOWNLOAD_ALLOW: "127.0.0.1",
      IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: String(source.port),
      IRIS_QUOTA_IMAGE_STAGE_TOTAL: "1",
    });
    try {
      const s = await memberSession(identity, request);
      const img = await createImage(request, s.token);
      const r = await importImage(request, small.url, s.token, img.id, {
        method: { name: "web-download", uri: `${source.url}/image` },
      });
      expect(r.status()).toBe(202);
      const task = await lastTask(request, s.token, img.id, "failure");
      expect(task.message).toContain("staging quota");
      expect((await imageOf(request, s.token, img.id)).status).toBe("queued");
    } finally {
      await small.stop();
    }
  });

  test("kill -9 during the download: the task fails on the next start and the import can be retried", async ({
    request,
    identity,
  }) => {
    // Two server starts and a crash: more time than the default.
    test.slow();
    const env = {
      IRIS_WEB_DOWNLOAD_ALLOW: "127.0.0.1",
      IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: String(source.port),
      IRIS_UPLOAD_STALE_SECONDS: "3",
      IRIS_SWEEP_INTERVAL_SECONDS: "1",
    };
    const first = await startExtraServer(env);
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const r = await importImage(request, first.url, s.token, img.id, {
      method: { name: "web-download", uri: `${source.url}/slow` },
    });
    expect(r.status()).toBe(202);
    await expect.poll(async () => (await imageOf(request, s.token, img.id)).status).toBe("importing");
    first.kill();
    await first.stop();
    const second = await startExtraServer(env);
    try {
      const task = await lastTask(request, s.token, img.id, "failure");
      expect(task.message).toContain("interrupted");
      await waitForStatus(request, s.token, img.id, "queued");
      expect(await imageOf(request, s.token, img.id)).not.toHaveProperty("os_glance_import_task");
      const retry = await importImage(request, second.url, s.token, img.id, {
        method: { name: "web-download", uri: `${source.url}/image` },
      });
      expect(retry.status(), await retry.text()).toBe(202);
      await lastTask(request, s.token, img.id, "success");
      expect((await imageOf(request, s.token, img.id)).os_hash_value).toBe(sha512(data));
    } finally {
      await second.stop();
    }
  });
});

test.describe("copy-image", () => {
  test("copies to another store (admins), keeps the image active, and DELETE /v2/stores removes one copy", async ({
    request,
    identity,
    adminToken,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(2 * MiB + 9);
    expect((await put(request, s.token, img.id, data)).status()).toBe(204);
    // copy_image is admin-only by default
    let r = await importImage(request, IRIS_URL, s.token, img.id, {
      method: { name: "copy-image" },
      stores: [OTHER_STORE],
    });
    expect(r.status()).toBe(403);
    r = await importImage(request, IRIS_URL, adminToken, img.id, {
      method: { name: "copy-image" },
      stores: [DEFAULT_STORE],
    });
    expect(r.status()).toBe(400);
    expect((await r.json()).error.message).toContain("already present");
    r = await importImage(request, IRIS_URL, adminToken, img.id, {
      method: { name: "copy-image" },
      stores: [OTHER_STORE],
    });
    expect(r.status(), await r.text()).toBe(202);
    // The task is the admin's project's (Glance: owner=ctxt.owner): the owner's members do not see it.
    await lastTask(request, adminToken, img.id, "success");
    expect(await tasksOf(request, s.token, img.id)).toEqual([]);
    const got = await imageOf(request, s.token, img.id);
    expect(got.status).toBe("active");
    expect(got.stores.split(",").sort()).toEqual(["ceph", "file"]);
    // all_stores: nothing left to copy → 202 and no new task
    const before = (await tasksOf(request, adminToken, img.id)).length;
    r = await importImage(request, IRIS_URL, adminToken, img.id, {
      method: { name: "copy-image" },
      all_stores: true,
    });
    expect(r.status()).toBe(202);
    expect((await tasksOf(request, adminToken, img.id)).length).toBe(before);
    // remove the default store's copy; the data is still served from the other one
    const del = await request.delete(`/image/v2/stores/${DEFAULT_STORE}/${img.id}`, {
      headers: { "x-auth-token": adminToken },
    });
    expect(del.status(), await del.text()).toBe(204);
    expect((await imageOf(request, s.token, img.id)).stores).toBe(OTHER_STORE);
    const dl = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect(sha512(await dl.body())).toBe(sha512(data));
    // not there any more: 404 (and the last copy: 403)
    expect(
      (
        await request.delete(`/image/v2/stores/${DEFAULT_STORE}/${img.id}`, {
          headers: { "x-auth-token": adminToken },
        })
      ).status(),
    ).toBe(403);
  });

  test("a copy whose bytes no longer match the image's checksum fails, and the image keeps only its good copy", async ({
    request,
    identity,
    adminToken,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(MiB + 5);
    // In the filesystem store, whose file the test can reach, then damaged there (same size).
    expect((await put(request, s.token, img.id, data, { "x-image-meta-store": "file" })).status()).toBe(204);
    const file = path.join(fileStoreDir(), img.id);
    const damaged = Buffer.from(data);
    damaged[1000] = damaged[1000]! ^ 0xff;
    fs.writeFileSync(file, damaged);
    const r = await importImage(request, IRIS_URL, adminToken, img.id, {
      method: { name: "copy-image" },
      stores: ["ceph"],
    });
    expect(r.status(), await r.text()).toBe(202);
    const task = await lastTask(request, adminToken, img.id, "failure");
    expect(task.message).toContain("does not match the image's checksum");
    const got = await imageOf(request, s.token, img.id);
    expect(got).toMatchObject({ status: "active", stores: "file" });
    expect(got.os_glance_failed_import).toBe("ceph");
  });

  test("all_stores_must_succeed: false keeps the stores that worked; true undoes the import; PUT to a broken store is 503", async ({
    request,
    identity,
  }) => {
    // A third store whose endpoint refuses connections.
    const server = await startExtraServer({
      IRIS_STORES: "file:file,ceph:s3,broken:s3",
      IRIS_STORE_BROKEN_ENDPOINT: "http://127.0.0.1:9",
      IRIS_STORE_BROKEN_BUCKET: "nowhere",
      IRIS_STORE_BROKEN_ACCESS_KEY: "x",
      IRIS_STORE_BROKEN_SECRET_KEY: "y",
    });
    try {
      const s = await memberSession(identity, request);
      const data = crypto.randomBytes(MiB + 1);
      for (const mustSucceed of [false, true]) {
        const img = await createImage(request, s.token);
        const staged = await request.put(`${server.url}/image/v2/images/${img.id}/stage`, {
          headers: { ...s.h, "content-type": "application/octet-stream" },
          data,
        });
        expect(staged.status()).toBe(204);
        const r = await importImage(request, server.url, s.token, img.id, {
          method: { name: "glance-direct" },
          stores: ["file", "broken"],
          all_stores_must_succeed: mustSucceed,
        });
        expect(r.status(), await r.text()).toBe(202);
        const task = await lastTask(request, s.token, img.id, mustSucceed ? "failure" : "success");
        const got = await imageOf(request, s.token, img.id);
        expect(got.os_glance_failed_import).toBe("broken");
        if (mustSucceed) {
          // The task names the store that failed, not its endpoint.
          expect(task.message).toContain("Store broken could not save the data");
          expect(task.message).not.toContain("127.0.0.1");
          expect(got).toMatchObject({ status: "queued" });
          expect(got.stores ?? "").toBe("");
        } else {
          expect(task.status).toBe("success");
          expect(got).toMatchObject({ status: "active", stores: "file", os_hash_value: sha512(data) });
        }
      }
      // PUT …/file to the broken store: the store's failure, not the client's, so 503; the image
      // is queued again, and the message names the store but not its endpoint. Small data fails
      // at the single PutObject on commit, large data at the multipart start.
      for (const bytes of [MiB, 20 * MiB]) {
        const img = await createImage(request, s.token);
        const res = await request.put(`${server.url}/image/v2/images/${img.id}/file`, {
          headers: { ...s.h, "content-type": "application/octet-stream", "x-image-meta-store": "broken" },
          data: crypto.randomBytes(bytes),
        });
        expect(res.status(), await res.text()).toBe(503);
        const message = (await res.json()).error.message as string;
        expect(message).toContain("Store broken could not save the data");
        expect(message).not.toContain("127.0.0.1");
        expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "queued" });
        const retry = await request.put(`${server.url}/image/v2/images/${img.id}/file`, {
          headers: { ...s.h, "content-type": "application/octet-stream", "x-image-meta-store": "file" },
          data,
        });
        expect(retry.status(), await retry.text()).toBe(204);
      }
    } finally {
      await server.stop();
    }
  });

  test("the import lock: a second import while one runs is 409", async ({
    request,
    identity,
    adminToken,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await put(request, s.token, img.id, crypto.randomBytes(48 * MiB))).status()).toBe(204);
    const first = importImage(request, IRIS_URL, adminToken, img.id, {
      method: { name: "copy-image" },
      stores: [OTHER_STORE],
    });
    const r1 = await first;
    expect(r1.status()).toBe(202);
    const r2 = await importImage(request, IRIS_URL, adminToken, img.id, {
      method: { name: "copy-image" },
      all_stores: true,
    });
    expect(r2.status()).toBe(409);
    expect((await r2.json()).error.message).toContain("import in progress");
    const during = await imageOf(request, s.token, img.id);
    expect(during.os_glance_import_task).toBeTruthy();
    await lastTask(request, adminToken, img.id, "success");
    expect(await imageOf(request, s.token, img.id)).not.toHaveProperty("os_glance_import_task");
  });
});

for (const endpoint of ["file", "stage"] as const)
  test(`kill -9 during PUT …/${endpoint}: the next start's sweep puts the image back to queued, with no bytes left behind`, async ({
    request,
    identity,
  }) => {
    // Two server starts and a crash: more time than the default.
    test.slow();
    const env = { IRIS_UPLOAD_STALE_SECONDS: "3", IRIS_SWEEP_INTERVAL_SECONDS: "1" };
    const first = await startExtraServer(env);
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(16 * MiB);
    const busy = endpoint === "file" ? "saving" : "uploading";
    await streamWithCrash(
      `${first.url}/image/v2/images/${img.id}/${endpoint}`,
      "PUT",
      { ...s.h, "content-type": "application/octet-stream" },
      data,
      10 * MiB,
      async () => {
        // Once the server is well into the upload (more than one S3 part), it dies.
        await expect.poll(async () => (await imageOf(request, s.token, img.id)).status).toBe(busy);
        first.kill();
      },
    );
    await first.stop();
    expect((await imageOf(request, s.token, img.id)).status).toBe(busy);
    const second = await startExtraServer(env);
    try {
      await waitForStatus(request, s.token, img.id, "queued");
      const got = await imageOf(request, s.token, img.id);
      expect(got.size).toBeNull();
      expect(got.stores).toBeUndefined();
      // No orphaned bytes: the half-written file, or the S3 multipart upload, is gone too.
      const dir = endpoint === "stage" ? stagingDir() : DEFAULT_STORE === "file" ? fileStoreDir() : null;
      if (dir)
        await expect
          .poll(() => fs.readdirSync(dir).filter((f) => f.includes(img.id)).length, { timeout: 15_000 })
          .toBe(0);
      else await expect.poll(() => openMultipartUploads(img.id), { timeout: 15_000 }).toBe(0);
      // and the data can be sent again
      expect((await put(request, s.token, img.id, data)).status()).toBe(204);
      expect((await imageOf(request, s.token, img.id)).os_hash_value).toBe(sha512(data));
    } finally {
      await second.stop();
    }
  });

test("kill -9 during an import to two stores, after the first: the next start's sweep undoes the first copy too, and the image can be imported again", async ({
  request,
  identity,
}) => {
  // With all_stores_must_succeed the image becomes active only after the last store; the copy
  // in the first store is recorded before. An interrupted import must not leave it behind on an
  // image that has no data (its `stores` would list it, and nothing would remove it).
  test.slow();
  const first = await startExtraServer(SWEEP_QUICKLY);
  let second: ExtraServer | undefined;
  try {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(64 * MiB + 3);
    const staged = await request.put(`${first.url}/image/v2/images/${img.id}/stage`, {
      headers: { ...s.h, "content-type": "application/octet-stream" },
      data,
    });
    expect(staged.status()).toBe(204);
    const body = { method: { name: "glance-direct" }, stores: ["file", "ceph"] };
    expect((await importImage(request, first.url, s.token, img.id, body)).status()).toBe(202);
    // The file store is done, ceph is being written.
    await expect
      .poll(async () => (await imageOf(request, s.token, img.id)).os_glance_importing_to_stores, {
        intervals: [20],
      })
      .toBe("ceph");
    first.kill();
    await first.stop();
    expect((await imageOf(request, s.token, img.id)).stores).toBe("file");

    second = await startExtraServer(SWEEP_QUICKLY);
    expect((await lastTask(request, s.token, img.id, "failure")).message).toContain("interrupted");
    const got = await imageOf(request, s.token, img.id);
    expect(got.status).toBe("uploading");
    expect(got.stores).toBeUndefined();
    expect(fs.existsSync(path.join(fileStoreDir(), img.id))).toBe(false);
    expect((await importImage(request, second.url, s.token, img.id, body)).status()).toBe(202);
    await lastTask(request, s.token, img.id, "success");
    const done = await imageOf(request, s.token, img.id);
    expect(done).toMatchObject({ status: "active", size: data.length, os_hash_value: sha512(data) });
    expect(done.stores.split(",").sort()).toEqual(["ceph", "file"]);
    const dl = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect(sha512(await dl.body())).toBe(sha512(data));
  } finally {
    first.kill();
    await second?.stop();
  }
});

test("a staging area that fails (before the first byte or mid-stream) is 503 without its path, fails a web-download's task, and the image can be staged again", async ({
  request,
  identity,
}) => {
  test.slow();
  // A staging folder of its own beside the suite's (on the same disk: chattr needs a filesystem
  // with attributes, which a tmpfs /tmp may not be), made immutable (chattr +i: even root may not
  // create or write there) to stand for a disk that refuses writes.
  const dir = fs.mkdtempSync(path.join(path.dirname(stagingDir()), "failing-staging-"));
  const chattr = (flag: "+i" | "-i", file: string) => execFileSync("chattr", [flag, file]);
  const source = await sourceServer(crypto.randomBytes(MiB));
  const server = await startExtraServer({
    IRIS_STAGING_DIR: dir,
    IRIS_WEB_DOWNLOAD_ALLOW: "127.0.0.1",
    IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: String(source.port),
  });
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const url = `${server.url}/image/v2/images/${img.id}/stage`;
  const h = { ...s.h, "content-type": "application/octet-stream" };
  const stage = (body: Buffer) => fetch(url, { method: "PUT", headers: h, body: new Uint8Array(body) });
  let partial: string | null = null;
  try {
    // The folder refuses the partial file: nothing is written.
    chattr("+i", dir);
    const refused = await stage(crypto.randomBytes(MiB));
    // A web-download lands in the staging area too: its task says so, without the folder.
    const downloaded = await createImage(request, s.token);
    const r = await importImage(request, server.url, s.token, downloaded.id, {
      method: { name: "web-download", uri: `${source.url}/image` },
    });
    expect(r.status(), await r.text()).toBe(202);
    expect((await lastTask(request, s.token, downloaded.id, "failure")).message).toBe(
      "The staging area could not save the data.",
    );
    expect((await imageOf(request, s.token, downloaded.id)).status).toBe("queued");
    chattr("-i", dir);
    expect(refused.status).toBe(503);
    const message = (await refused.json()).error.message as string;
    expect(message).toBe(
      "Store staging could not save the data; the image is queued again and can be staged again.",
    );
    expect(message).not.toContain(dir);
    expect((await imageOf(request, s.token, img.id)).status).toBe("queued");

    // The partial file refuses writes once 6 MiB of 16 are out.
    const data = crypto.randomBytes(16 * MiB);
    const status = await streamWithCrash(url, "PUT", h, data, 6 * MiB, async () => {
      await expect
        .poll(() => (partial = fs.readdirSync(dir).find((f) => f.includes(img.id)) ?? null))
        .not.toBeNull();
      chattr("+i", path.join(dir, partial!));
    });
    expect(status).toBe(503);
    expect((await imageOf(request, s.token, img.id)).status).toBe("queued");

    // Writable again: the same image is staged and imported.
    chattr("-i", path.join(dir, partial!));
    expect((await stage(data)).status).toBe(204);
    expect(
      (
        await importImage(request, server.url, s.token, img.id, { method: { name: "glance-direct" } })
      ).status(),
    ).toBe(202);
    await waitForStatus(request, s.token, img.id, "active");
    expect((await imageOf(request, s.token, img.id)).os_hash_value).toBe(sha512(data));
  } finally {
    await server.stop();
    await source.close();
    execFileSync("chattr", ["-R", "-i", dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
