import crypto from "node:crypto";
import { expect, test } from "../fixtures";
import { IRIS_URL } from "../support/env";
import { startExtraServer } from "../support/server";
import { createImage, md5, memberSession, put, rawUpload, sha512, waitForStatus } from "../support/data";

// PUT and GET /v2/images/{id}/file: streaming upload with hashes and quotas, download with ranges.

test.describe("PUT /v2/images/{id}/file", () => {
  test("streams the data, computes size, MD5 and SHA-512, and activates the image", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(3 * 1024 * 1024 + 1234);
    const res = await put(request, s.token, img.id, data);
    expect(res.status(), await res.text()).toBe(204);
    const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
    expect(got).toMatchObject({
      status: "active",
      size: data.length,
      checksum: md5(data),
      os_hash_algo: "sha512",
      os_hash_value: sha512(data),
    });
  });

  test("a second upload to an image with data is 409", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await put(request, s.token, img.id, Buffer.from("first"))).status()).toBe(204);
    const again = await put(request, s.token, img.id, Buffer.from("second"));
    expect(again.status()).toBe(409);
    const dl = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect((await dl.body()).toString()).toBe("first");
  });

  for (const [label, contentType] of [
    ["no Content-Type", undefined],
    ["application/json", "application/json"],
    ["text/plain", "text/plain"],
  ] as const) {
    test(`refuses ${label} with 415`, async ({ request, identity }) => {
      const s = await memberSession(identity, request);
      const img = await createImage(request, s.token);
      // fetch sends no Content-Type for a byte array unless told to (Playwright would add one).
      const headers: Record<string, string> = { "x-auth-token": s.token };
      if (contentType) headers["content-type"] = contentType;
      const res = await fetch(`${IRIS_URL}/image/v2/images/${img.id}/file`, {
        method: "PUT",
        headers,
        body: new Uint8Array([1, 2, 3]),
      });
      expect(res.status).toBe(415);
      expect((await res.json()).error.message).toContain("application/octet-stream");
      const after = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
      expect(after.status).toBe("queued");
    });
  }

  test("an empty body makes an active image of size 0", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await put(request, s.token, img.id, Buffer.alloc(0))).status()).toBe(204);
    const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
    expect(got).toMatchObject({ status: "active", size: 0, checksum: md5(Buffer.alloc(0)) });
  });

  test("needs disk_format and container_format first (400)", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token, { disk_format: null, container_format: null });
    const res = await put(request, s.token, img.id, Buffer.from("x"));
    expect(res.status()).toBe(400);
    expect((await res.json()).error.message).toContain("disk_format, container_format must be set");
  });

  test("x-openstack-image-size that does not match is 400 and leaves the image queued and retryable", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(4096);
    const res = await put(request, s.token, img.id, data, { "x-openstack-image-size": "5000" });
    expect(res.status()).toBe(400);
    await waitForStatus(request, s.token, img.id, "queued");
    expect((await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h })).status()).toBe(204);
    expect((await put(request, s.token, img.id, data, { "x-openstack-image-size": "4096" })).status()).toBe(
      204,
    );
  });

  test("a client that disconnects mid-upload leaves the image queued with no data", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const chunk = crypto.randomBytes(1024 * 1024);
    const r = await rawUpload(img.id, s.token, {
      contentLength: 8 * chunk.length,
      chunks: [chunk, chunk, chunk],
      abortAfter: 2 * chunk.length,
    });
    expect(r === "aborted" || (typeof r === "object" && r.status >= 400)).toBe(true);
    await waitForStatus(request, s.token, img.id, "queued");
    const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
    expect(got.size).toBeNull();
    expect((await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h })).status()).toBe(204);
    // and the upload can be retried
    expect((await put(request, s.token, img.id, chunk)).status()).toBe(204);
  });

  test("a chunked upload (no Content-Length) works", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const parts = [crypto.randomBytes(700_000), crypto.randomBytes(900_000), crypto.randomBytes(5)];
    const r = await rawUpload(img.id, s.token, { chunks: parts });
    expect(r).toMatchObject({ status: 204 });
    const got = await (await request.get(`/image/v2/images/${img.id}`, { headers: s.h })).json();
    expect(got.os_hash_value).toBe(sha512(Buffer.concat(parts)));
  });

  test("two concurrent uploads: exactly one wins, the other gets 409, the data is the winner's", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const a = crypto.randomBytes(6 * 1024 * 1024);
    const b = crypto.randomBytes(6 * 1024 * 1024);
    const [ra, rb] = await Promise.all([put(request, s.token, img.id, a), put(request, s.token, img.id, b)]);
    const statuses = [ra.status(), rb.status()].sort();
    expect(statuses).toEqual([204, 409]);
    const winner = ra.status() === 204 ? a : b;
    const dl = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect(sha512(await dl.body())).toBe(sha512(winner));
  });

  test("the storage quota is enforced while streaming (413) and partial data is removed", async ({
    request,
    identity,
  }) => {
    const server = await startExtraServer({ IRIS_QUOTA_IMAGE_SIZE_TOTAL: "1" }); // 1 MiB per project
    try {
      const s = await memberSession(identity, request);
      const img = await createImage(request, s.token);
      const url = `${server.url}/image/v2/images/${img.id}/file`;
      // Announced size over the quota: refused before any byte is stored.
      const declared = await request.put(url, {
        headers: { ...s.h, "content-type": "application/octet-stream" },
        data: crypto.randomBytes(2 * 1024 * 1024),
      });
      expect(declared.status()).toBe(413);
      expect((await declared.json()).error.message).toContain("storage quota");
      // Chunked, so the server only finds out while streaming.
      const chunk = crypto.randomBytes(512 * 1024);
      const res = await fetch(url, {
        method: "PUT",
        headers: { ...s.h, "content-type": "application/octet-stream" },
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < 4; i++) c.enqueue(chunk);
            c.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      const got = await (
        await request.get(`${server.url}/image/v2/images/${img.id}`, { headers: s.h })
      ).json();
      expect(got.status).toBe("queued");
      const usage = await (await request.get(`${server.url}/image/v2/info/usage`, { headers: s.h })).json();
      expect(usage.usage.image_size_total).toEqual({ limit: 1, usage: 0 });
      // Within the quota it works, and the usage shows it.
      expect(
        (
          await request.put(url, {
            headers: { ...s.h, "content-type": "application/octet-stream" },
            data: chunk,
          })
        ).status(),
      ).toBe(204);
      const after = await (await request.get(`${server.url}/image/v2/info/usage`, { headers: s.h })).json();
      expect(after.usage.image_size_total).toEqual({ limit: 1, usage: 1 });
    } finally {
      await server.stop();
    }
  });

  test("another project's private image is 404; a reader may not upload (403)", async ({
    request,
    identity,
  }) => {
    const owner = await memberSession(identity, request);
    const stranger = await memberSession(identity, request);
    const img = await createImage(request, owner.token, { visibility: "private" });
    expect((await put(request, stranger.token, img.id, Buffer.from("x"))).status()).toBe(404);
    const reader = await identity.tokenOn(owner.project, "reader");
    const res = await put(request, reader, img.id, Buffer.from("x"));
    expect(res.status()).toBe(403);
  });

  test("upload to a deactivated image is refused (409) and to a deleted one 404", async ({
    request,
    identity,
    adminToken,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await put(request, s.token, img.id, Buffer.from("data"))).status()).toBe(204);
    expect(
      (await request.post(`/image/v2/images/${img.id}/actions/deactivate`, { headers: s.h })).status(),
    ).toBe(204);
    expect((await put(request, s.token, img.id, Buffer.from("more"))).status()).toBe(409);
    expect(
      (
        await request.delete(`/image/v2/images/${img.id}`, { headers: { "x-auth-token": adminToken } })
      ).status(),
    ).toBe(204);
    expect((await put(request, s.token, img.id, Buffer.from("more"))).status()).toBe(404);
  });
});

test.describe("GET /v2/images/{id}/file", () => {
  test("streams the data with Content-Length, Content-MD5 and Content-Type", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(2 * 1024 * 1024 + 7);
    expect((await put(request, s.token, img.id, data)).status()).toBe(204);
    const res = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-length"]).toBe(String(data.length));
    expect(res.headers()["content-md5"]).toBe(md5(data));
    expect(res.headers()["content-type"]).toBe("application/octet-stream");
    expect(sha512(await res.body())).toBe(sha512(data));
  });

  test("serves byte ranges (206) and refuses unsatisfiable ones (416)", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    const data = crypto.randomBytes(10_000);
    expect((await put(request, s.token, img.id, data)).status()).toBe(204);
    const cases: [string, number, number][] = [
      ["bytes=0-99", 0, 99],
      ["bytes=9990-", 9990, 9999],
      ["bytes=-10", 9990, 9999],
      ["bytes=5000-20000", 5000, 9999],
    ];
    for (const [range, start, end] of cases) {
      const res = await request.get(`/image/v2/images/${img.id}/file`, { headers: { ...s.h, range } });
      expect(res.status(), range).toBe(206);
      expect(res.headers()["content-range"]).toBe(`bytes ${start}-${end}/10000`);
      expect((await res.body()).equals(data.subarray(start, end + 1))).toBe(true);
    }
    for (const range of ["bytes=10000-", "bytes=20-10", "items=0-1", "bytes=-0"]) {
      const res = await request.get(`/image/v2/images/${img.id}/file`, { headers: { ...s.h, range } });
      expect(res.status(), range).toBe(416);
    }
  });

  test("an image without data answers 204", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h })).status()).toBe(204);
  });

  test("a deactivated image: 403 for non-admins, data for admins", async ({
    request,
    identity,
    adminToken,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await put(request, s.token, img.id, Buffer.from("secret"))).status()).toBe(204);
    expect(
      (await request.post(`/image/v2/images/${img.id}/actions/deactivate`, { headers: s.h })).status(),
    ).toBe(204);
    const denied = await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h });
    expect(denied.status()).toBe(403);
    expect((await denied.json()).error.message).toContain("deactivated");
    const admin = await request.get(`/image/v2/images/${img.id}/file`, {
      headers: { "x-auth-token": adminToken },
    });
    expect(admin.status()).toBe(200);
    expect(await admin.text()).toBe("secret");
  });

  test("a deleted image is 404 and its data is gone", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token);
    expect((await put(request, s.token, img.id, Buffer.from("bye"))).status()).toBe(204);
    expect((await request.delete(`/image/v2/images/${img.id}`, { headers: s.h })).status()).toBe(204);
    expect((await request.get(`/image/v2/images/${img.id}/file`, { headers: s.h })).status()).toBe(404);
  });

  test("another project's private image is 404", async ({ request, identity }) => {
    const owner = await memberSession(identity, request);
    const stranger = await memberSession(identity, request);
    const img = await createImage(request, owner.token, { visibility: "private" });
    expect((await put(request, owner.token, img.id, Buffer.from("mine"))).status()).toBe(204);
    expect((await request.get(`/image/v2/images/${img.id}/file`, { headers: stranger.h })).status()).toBe(
      404,
    );
  });
});
