import crypto from "node:crypto";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { expect, test } from "../fixtures";
import {
  createImage,
  expectStoredIntact,
  memberSession,
  put,
  rawUpload,
  waitForStatus,
} from "../support/data";
import { bucket, env, objectExists, openMultipartUploads, prefix, s3 } from "../support/s3";

// Several stores at once (Glance multi-store): the test runner gives every server a filesystem
// store "file" and a Ceph RGW store "ceph" (S3), with a different default per database.

const DEFAULT_STORE = process.env.IRIS_DEFAULT_STORE ?? "file";
test.beforeAll(() => {
  expect(bucket, "the runner sets IRIS_STORE_CEPH_* for the API suite").toBeTruthy();
});

test("GET /v2/info/stores lists the stores and marks the default", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const res = await request.get("/image/v2/info/stores", { headers: s.h });
  expect(res.status()).toBe(200);
  const { stores } = (await res.json()) as {
    stores: { id: string; description: string; default?: string }[];
  };
  expect(stores.map((x) => x.id).sort()).toEqual(["ceph", "file"]);
  expect(stores.find((x) => x.id === DEFAULT_STORE)?.default).toBe("true");
  expect(stores.filter((x) => x.default)).toHaveLength(1);
  expect(stores.find((x) => x.id === "ceph")?.description).toBe("Ceph RGW (S3)");
  expect((await request.get("/image/v2/info/stores")).status()).toBe(401);
});

test("GET /v2/info/stores/detail is for admins and shows each store's type and settings", async ({
  request,
  identity,
  adminToken,
}) => {
  const s = await memberSession(identity, request);
  expect((await request.get("/image/v2/info/stores/detail", { headers: s.h })).status()).toBe(403);
  const res = await request.get("/image/v2/info/stores/detail", { headers: { "x-auth-token": adminToken } });
  expect(res.status()).toBe(200);
  const { stores } = (await res.json()) as {
    stores: { id: string; type: string; properties: Record<string, unknown> }[];
  };
  const byId = Object.fromEntries(stores.map((x) => [x.id, x]));
  expect(byId.file).toMatchObject({ type: "file", properties: { data_dir: expect.any(String) } });
  expect(byId.ceph).toMatchObject({
    type: "s3",
    properties: { bucket, s3_store_large_object_chunk_size: 8 },
  });
  expect(JSON.stringify(stores)).not.toContain(env("SECRET_KEY")!);
});

for (const store of ["file", "ceph"]) {
  test(`X-Image-Meta-Store: ${store} – upload, stores field, whole and ranged download`, async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    // Over two 8 MiB parts on Ceph: a multipart upload with a short last part.
    const data = crypto.randomBytes(17 * 1024 * 1024 + 321);
    const res = await put(request, s.token, img.id, data, { "x-image-meta-store": store });
    expect(res.status(), await res.text()).toBe(204);
    await expectStoredIntact(request, s.token, img.id, data, store);
    if (store === "ceph") expect(await objectExists(img.id)).toBe(true);
    const at = 8 * 1024 * 1024 - 10; // across the first part boundary
    const part = await request.get(`/image/v2/images/${img.id}/file`, {
      headers: { ...s.h, range: `bytes=${at}-${at + 99}` },
    });
    expect(part.status()).toBe(206);
    expect(Buffer.compare(await part.body(), data.subarray(at, at + 100))).toBe(0);

    // Deleting the image removes its data from the store.
    expect((await request.delete(`/image/v2/images/${img.id}`, { headers: s.h })).status()).toBe(204);
    if (store === "ceph") expect(await objectExists(img.id)).toBe(false);
  });
}

test("ceph – an upload of many more parts than are in flight arrives intact", async ({
  request,
  identity,
}) => {
  // 13 parts of 8 MiB with 4 in flight: the S3 writer fills part buffers again once their
  // upload is answered, so a buffer reused too early would corrupt a part.
  test.setTimeout(120_000);
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(97 * 1024 * 1024 + 4099);
  const res = await put(request, s.token, img.id, data, { "x-image-meta-store": "ceph" });
  expect(res.status(), await res.text()).toBe(204);
  await expectStoredIntact(request, s.token, img.id, data, "ceph");
  expect((await request.delete(`/image/v2/images/${img.id}`, { headers: s.h })).status()).toBe(204);
});

test("without X-Image-Meta-Store the data goes to the default store", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  expect((await put(request, s.token, img.id, Buffer.from("default store"))).status()).toBe(204);
  const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
  expect(got.stores).toBe(DEFAULT_STORE);
});

test("an unknown X-Image-Meta-Store is 400 and the image stays queued", async ({ request, identity }) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const res = await put(request, s.token, img.id, Buffer.from("x"), { "x-image-meta-store": "nowhere" });
  expect(res.status()).toBe(400);
  expect((await res.json()).error.message).toContain("nowhere");
  const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
  expect(got.status).toBe("queued");
  expect(got.stores).toBeUndefined();
});

test("an upload to Ceph cut off half-way leaves no object and no open multipart upload", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const chunk = crypto.randomBytes(1024 * 1024);
  const r = await rawUpload(img.id, s.token, {
    contentLength: 40 * chunk.length,
    chunks: Array.from({ length: 40 }, () => chunk),
    abortAfter: 20 * chunk.length,
    headers: { "x-image-meta-store": "ceph" },
  });
  expect(r).toBe("aborted");
  await waitForStatus(request, s.token, img.id, "queued");
  await expect.poll(() => openMultipartUploads(img.id), { timeout: 15_000 }).toBe(0);
  expect(await objectExists(img.id)).toBe(false);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + img.id }));
  expect(listed.KeyCount ?? 0).toBe(0);
  // …and the upload can be retried.
  const data = crypto.randomBytes(1000);
  const again = await put(request, s.token, img.id, data, { "x-image-meta-store": "ceph" });
  expect(again.status(), await again.text()).toBe(204);
});

test.describe("DELETE /v2/stores/{store}/{image}", () => {
  test("refuses an unknown store (409), callers without the policy (403), the only copy (403), an inactive image (409)", async ({
    request,
    identity,
    adminToken,
  }) => {
    const admin = { "x-auth-token": adminToken };
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    // queued: no data anywhere
    let res = await request.delete(`/image/v2/stores/file/${img.id}`, { headers: admin });
    expect(res.status()).toBe(409);
    expect((await res.json()).error.message).toContain("not 'active'");
    expect(
      (
        await put(request, s.token, img.id, Buffer.from("only copy"), { "x-image-meta-store": "file" })
      ).status(),
    ).toBe(204);
    res = await request.delete(`/image/v2/stores/nowhere/${img.id}`, { headers: admin });
    expect(res.status()).toBe(409);
    expect((await res.json()).error.message).toContain("nowhere");
    res = await request.delete(`/image/v2/stores/file/${img.id}`, { headers: s.h });
    expect(res.status()).toBe(403);
    res = await request.delete(`/image/v2/stores/file/${img.id}`, { headers: admin });
    expect(res.status()).toBe(403);
    expect((await res.json()).error.message).toContain("only store");
    const other = await memberSession(identity, request);
    res = await request.delete(`/image/v2/stores/file/${img.id}`, { headers: other.h });
    expect(res.status()).toBe(404);
    const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
    expect(got).toMatchObject({ status: "active", stores: "file" });
  });
});
