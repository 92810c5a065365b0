import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "../fixtures";
import { createImage, md5, memberSession, put, sha512 } from "../support/data";
import { DiskImages, qemuSame, read, type DiskImage } from "../support/disk-images";
import { startExtraServer, type ExtraServer } from "../support/server";
import { sourceServer } from "../support/source-server";

// Image safety: the format of what arrives is inspected in the stream (PUT …/file, tus, stage,
// web-download), virtual_size is recorded, content that is not its disk_format or that could
// reach host files is refused (415, Glance's code), expected hashes are verified, and imports can
// convert with qemu-img. Images are made at test time by qemu-img, xorriso and sgdisk.

const MiB = 1024 * 1024;
const TUS = { "tus-resumable": "1.0.0" };
const disks = new DiskImages();
test.afterAll(() => disks.remove());

type Session = Awaited<ReturnType<typeof memberSession>>;

async function imageOf(request: APIRequestContext, token: string, id: string, base = "") {
  const r = await request.get(`${base}/image/v2/images/${id}`, { headers: { "x-auth-token": token } });
  expect(r.status()).toBe(200);
  return (await r.json()) as Record<string, unknown>;
}

async function upload(request: APIRequestContext, s: Session, diskFormat: string, d: DiskImage) {
  const img = await createImage(request, s.token, { disk_format: diskFormat });
  const res = await put(request, s.token, img.id, read(d));
  return { img, res };
}

async function expectRefused(
  request: APIRequestContext,
  s: Session,
  diskFormat: string,
  d: DiskImage,
  words: RegExp,
) {
  const { img, res } = await upload(request, s, diskFormat, d);
  expect(res.status(), await res.text()).toBe(415);
  const message = (await res.json()).error.message as string;
  expect(message).toMatch(words);
  // Nothing was kept: the image is queued again, without size, and can take the right data.
  expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "queued", size: null });
  return { img, message };
}

test.describe("every format is recognised and its virtual size recorded", () => {
  const cases: [string, string, () => DiskImage][] = [
    ["raw", "raw", () => disks.raw()],
    ["qcow2", "qcow2", () => disks.converted("qcow2")],
    ["qcow2 (compat 0.10)", "qcow2", () => disks.converted("qcow2", "compat=0.10")],
    ["vmdk monolithicSparse", "vmdk", () => disks.converted("vmdk", "subformat=monolithicSparse")],
    ["vmdk streamOptimized", "vmdk", () => disks.converted("vmdk", "subformat=streamOptimized")],
    ["vhd", "vhd", () => disks.converted("vpc")],
    ["vhdx", "vhdx", () => disks.converted("vhdx")],
    ["vdi", "vdi", () => disks.converted("vdi")],
    ["iso", "iso", () => disks.iso()],
    ["gpt (as raw)", "raw", () => disks.gpt()],
  ];
  for (const [name, diskFormat, make] of cases)
    test(`${name}: PUT …/file is accepted with virtual_size`, async ({ request, identity }) => {
      const d = make();
      const s = await memberSession(identity, request);
      const { img, res } = await upload(request, s, diskFormat, d);
      expect(res.status(), await res.text()).toBe(204);
      const data = read(d);
      expect(await imageOf(request, s.token, img.id)).toMatchObject({
        status: "active",
        disk_format: diskFormat,
        size: data.length,
        virtual_size: d.virtualSize,
        os_hash_value: sha512(data),
      });
    });
});

test("content that is not the declared disk_format is refused with what was found; the right data then goes in", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const qcow2 = disks.converted("qcow2");
  const { img, message } = await expectRefused(request, s, "vmdk", qcow2, /qcow2.*vmdk|vmdk.*qcow2/);
  expect(message).toContain("disk_format");
  // Random bytes are raw, not qcow2.
  await expectRefused(request, s, "qcow2", disks.raw(), /raw/);
  // A qed image is no qcow2 either (and qed is not a disk_format Glance accepts).
  await expectRefused(request, s, "qcow2", disks.converted("qed"), /qed/);
  // The refused image takes the right data afterwards.
  const patched = await request.patch(`/image/v2/images/${img.id}`, {
    headers: { ...s.h, "content-type": "application/openstack-images-v2.1-json-patch" },
    data: [{ op: "replace", path: "/disk_format", value: "qcow2" }],
  });
  expect(patched.status()).toBe(200);
  const ok = await put(request, s.token, img.id, read(qcow2));
  expect(ok.status(), await ok.text()).toBe(204);
  expect(await imageOf(request, s.token, img.id)).toMatchObject({
    status: "active",
    virtual_size: qcow2.virtualSize,
  });
});

test("raw accepts any content (as Glance does) but records only its size as virtual_size", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const qcow2 = disks.converted("qcow2");
  const { img, res } = await upload(request, s, "raw", qcow2);
  expect(res.status(), await res.text()).toBe(204);
  const size = fs.statSync(qcow2.file).size;
  expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "active", virtual_size: size });
  // Formats Iris cannot inspect (ami) take content that matches no format.
  const ami = await createImage(request, s.token, { disk_format: "ami", container_format: "ami" });
  const r = await put(request, s.token, ami.id, crypto.randomBytes(64 * 1024));
  expect(r.status()).toBe(204);
  expect((await imageOf(request, s.token, ami.id)).virtual_size).toBeNull();
});

test("images that could make a hypervisor read host files are refused, whatever disk_format says", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  // qcow2 with a backing file: refused as qcow2 and as raw.
  const backed = disks.qcow2WithBackingFile("/etc/passwd");
  const a = await expectRefused(request, s, "qcow2", backed, /backing file/i);
  expect(a.message).toContain("/etc/passwd");
  await expectRefused(request, s, "raw", backed, /backing file/i);
  // qcow2 with an external data file.
  await expectRefused(request, s, "qcow2", disks.qcow2WithDataFile(), /data file/i);
  // A VMDK descriptor whose extent is another file, and a sparse VMDK whose extent is rewritten
  // to a host path.
  await expectRefused(request, s, "vmdk", disks.vmdkFlatDescriptor(), /monolithicFlat|createType|extent/i);
  const evil = await expectRefused(request, s, "vmdk", disks.vmdkExtentToHostFile(), /extent|descriptor/i);
  expect(evil.message).toMatch(/passwd|extent/);
  // Content that is two formats at once (a qcow2 header on an ISO).
  await expectRefused(request, s, "iso", disks.isoWithQcow2Header(), /qcow2/);
});

test("expected hashes: a mismatch refuses the data and leaves the image retryable", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(MiB + 3);
  const wrongMd5 = await put(request, s.token, img.id, data, {
    "x-image-meta-checksum": md5(Buffer.from("x")),
  });
  expect(wrongMd5.status()).toBe(400);
  expect((await wrongMd5.json()).error.message).toContain(md5(data));
  expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "queued", checksum: null });
  const wrongSha = await put(request, s.token, img.id, data, {
    "x-image-meta-os-hash-value": sha512(Buffer.from("x")),
  });
  expect(wrongSha.status()).toBe(400);
  expect((await wrongSha.json()).error.message).toContain("os_hash_value");
  // Malformed expectations are 400 before any byte is stored.
  for (const [h, v, words] of [
    ["x-image-meta-checksum", "nothex", "MD5"],
    ["x-image-meta-os-hash-value", "abc", "hexadecimal"],
    ["x-image-meta-os-hash-value", "ab".repeat(10), "correct size"],
  ] as const) {
    const r = await put(request, s.token, img.id, data, { [h]: v });
    expect(r.status()).toBe(400);
    expect((await r.json()).error.message).toContain(words);
  }
  const otherAlgo = await put(request, s.token, img.id, data, {
    "x-image-meta-os-hash-algo": "sha256",
    "x-image-meta-os-hash-value": crypto.createHash("sha256").update(data).digest("hex"),
  });
  expect(otherAlgo.status()).toBe(400);
  expect((await otherAlgo.json()).error.message).toContain("sha512");
  // The right hashes: accepted.
  const ok = await put(request, s.token, img.id, data, {
    "x-image-meta-checksum": md5(data),
    "x-image-meta-os-hash-algo": "sha512",
    "x-image-meta-os-hash-value": sha512(data),
  });
  expect(ok.status(), await ok.text()).toBe(204);
  expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "active", checksum: md5(data) });
});

/** One tus upload of `data` in a single PATCH; returns the PATCH response. */
async function tusUpload(base: string, s: Session, imageId: string, data: Buffer, metadata = "") {
  const created = await fetch(`${base}/image/v2/images/${imageId}/uploads`, {
    method: "POST",
    headers: {
      ...TUS,
      ...s.h,
      "upload-length": String(data.length),
      ...(metadata ? { "upload-metadata": metadata } : {}),
    },
  });
  expect(created.status, await created.clone().text()).toBe(201);
  const url = new URL(created.headers.get("location")!, base).toString();
  return fetch(url, {
    method: "PATCH",
    headers: {
      ...TUS,
      ...s.h,
      "upload-offset": "0",
      "content-type": "application/offset+octet-stream",
    },
    body: new Blob([data as BlobPart]),
  });
}

test("tus: the upload is inspected as it arrives; a refused one leaves the image queued", async ({
  request,
  identity,
  baseURL,
}) => {
  const s = await memberSession(identity, request);
  const vhdx = disks.converted("vhdx");
  const good = await createImage(request, s.token, { disk_format: "vhdx" });
  const r = await tusUpload(baseURL!, s, good.id, read(vhdx));
  expect(r.status, await r.clone().text()).toBe(204);
  expect(await imageOf(request, s.token, good.id)).toMatchObject({
    status: "active",
    virtual_size: vhdx.virtualSize,
  });

  const bad = await createImage(request, s.token, { disk_format: "qcow2" });
  const refused = await tusUpload(baseURL!, s, bad.id, read(disks.qcow2WithBackingFile()));
  expect(refused.status).toBe(415);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/backing file/i);
  expect(await imageOf(request, s.token, bad.id)).toMatchObject({ status: "queued", size: null });

  // The whole upload's expected hash, in Upload-Metadata (what a browser's tus client can send).
  const data = crypto.randomBytes(300 * 1024);
  const hashed = await createImage(request, s.token);
  const b64 = (v: string) => Buffer.from(v).toString("base64");
  const wrong = await tusUpload(baseURL!, s, hashed.id, data, `checksum ${b64(md5(Buffer.from("y")))}`);
  expect(wrong.status).toBe(400);
  expect(await imageOf(request, s.token, hashed.id)).toMatchObject({ status: "queued" });
  // A malformed expectation is refused when the upload is created, before any byte.
  const malformed = await fetch(`${baseURL}/image/v2/images/${hashed.id}/uploads`, {
    method: "POST",
    headers: {
      ...TUS,
      ...s.h,
      "upload-length": String(data.length),
      "upload-metadata": `checksum ${b64("xyz")}`,
    },
  });
  expect(malformed.status).toBe(400);
  expect(((await malformed.json()) as { error: { message: string } }).error.message).toContain("MD5");
  const right = await tusUpload(baseURL!, s, hashed.id, data, `os_hash_value ${b64(sha512(data))}`);
  expect(right.status, await right.clone().text()).toBe(204);
});

async function lastTask(request: APIRequestContext, token: string, id: string, base = "") {
  let task: { status: string; message: string } | undefined;
  await expect
    .poll(
      async () => {
        const r = await request.get(`${base}/image/v2/images/${id}/tasks`, {
          headers: { "x-auth-token": token },
        });
        task = ((await r.json()).tasks as { status: string; message: string }[]).at(-1);
        return task?.status;
      },
      { timeout: 60_000 },
    )
    .toMatch(/success|failure/);
  return task!;
}

function stage(request: APIRequestContext, s: Session, id: string, data: Buffer, base = "") {
  return request.put(`${base}/image/v2/images/${id}/stage`, {
    headers: { ...s.h, "content-type": "application/octet-stream" },
    data,
  });
}

test("stage refuses unsafe data at once; glance-direct records virtual_size and says what it found", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const bad = await createImage(request, s.token, { disk_format: "qcow2" });
  const refused = await stage(request, s, bad.id, read(disks.qcow2WithDataFile()));
  expect(refused.status()).toBe(415);
  expect((await refused.json()).error.message).toMatch(/data file/i);
  expect(await imageOf(request, s.token, bad.id)).toMatchObject({ status: "queued" });

  const vdi = disks.converted("vdi");
  const img = await createImage(request, s.token, { disk_format: "vdi" });
  expect((await stage(request, s, img.id, read(vdi))).status()).toBe(204);
  const imported = await request.post(`/image/v2/images/${img.id}/import`, {
    headers: s.h,
    data: { method: { name: "glance-direct" }, validation_data: { os_hash_value: sha512(read(vdi)) } },
  });
  expect(imported.status(), await imported.text()).toBe(202);
  const task = await lastTask(request, s.token, img.id);
  expect(task).toMatchObject({ status: "success" });
  expect(task.message).toContain("vdi");
  expect(await imageOf(request, s.token, img.id)).toMatchObject({
    status: "active",
    virtual_size: vdi.virtualSize,
  });
});

test("import validation_data: a hash mismatch fails the task and the image can be imported again", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  const data = crypto.randomBytes(200 * 1024);
  expect((await stage(request, s, img.id, data)).status()).toBe(204);
  const badBody = await request.post(`/image/v2/images/${img.id}/import`, {
    headers: s.h,
    data: { method: { name: "glance-direct" }, validation_data: { os_hash_value: "zz" } },
  });
  expect(badBody.status()).toBe(400);
  const r = await request.post(`/image/v2/images/${img.id}/import`, {
    headers: s.h,
    data: { method: { name: "glance-direct" }, validation_data: { checksum: md5(Buffer.from("z")) } },
  });
  expect(r.status()).toBe(202);
  const task = await lastTask(request, s.token, img.id);
  expect(task.status).toBe("failure");
  expect(task.message).toContain("checksum");
  expect(await imageOf(request, s.token, img.id)).toMatchObject({ status: "queued" });
});

test.describe("conversion on import (IRIS_IMPORT_CONVERSION_FORMAT=raw)", () => {
  let server: ExtraServer;
  let source: Awaited<ReturnType<typeof sourceServer>>;
  let unsafe: Awaited<ReturnType<typeof sourceServer>>;
  test.beforeAll(async () => {
    source = await sourceServer(read(disks.converted("vmdk", "subformat=streamOptimized")));
    unsafe = await sourceServer(read(disks.qcow2WithBackingFile()));
    server = await startExtraServer({
      IRIS_IMPORT_CONVERSION_FORMAT: "raw",
      IRIS_QUOTA_IMAGE_STAGE_TOTAL: "40",
      IRIS_WEB_DOWNLOAD_ALLOW: "127.0.0.1",
      IRIS_WEB_DOWNLOAD_ALLOWED_PORTS: `${source.port},${unsafe.port}`,
    });
  });
  test.afterAll(async () => {
    await server?.stop();
    await source?.close();
    await unsafe?.close();
  });

  test("web-download of a streamOptimized vmdk: inspected, converted to raw, identical to the guest", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const vmdk = disks.converted("vmdk", "subformat=streamOptimized");
    const img = await createImage(request, s.token, { disk_format: "vmdk" });
    const r = await request.post(`${server.url}/image/v2/images/${img.id}/import`, {
      headers: s.h,
      data: { method: { name: "web-download", uri: `${source.url}/image` } },
    });
    expect(r.status(), await r.text()).toBe(202);
    const task = await lastTask(request, s.token, img.id, server.url);
    expect(task.status, task.message).toBe("success");
    expect(task.message).toMatch(/vmdk to raw/);
    const got = await imageOf(request, s.token, img.id, server.url);
    expect(got).toMatchObject({ disk_format: "raw", size: vmdk.virtualSize, virtual_size: vmdk.virtualSize });
    const out = path.join(disks.dir, `converted-${img.id}.raw`);
    fs.writeFileSync(
      out,
      await (await request.get(`${server.url}/image/v2/images/${img.id}/file`, { headers: s.h })).body(),
    );
    expect(qemuSame(vmdk.file, "vmdk", out, "raw")).toBe(true);
  });

  test("web-download of an unsafe image fails the task with the reason; nothing is kept", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const img = await createImage(request, s.token, { disk_format: "qcow2" });
    const r = await request.post(`${server.url}/image/v2/images/${img.id}/import`, {
      headers: s.h,
      data: { method: { name: "web-download", uri: `${unsafe.url}/image` } },
    });
    expect(r.status()).toBe(202);
    const task = await lastTask(request, s.token, img.id, server.url);
    expect(task.status).toBe("failure");
    expect(task.message).toMatch(/backing file/i);
    expect(await imageOf(request, s.token, img.id, server.url)).toMatchObject({
      status: "queued",
      size: null,
    });
  });

  test("a qcow2 is converted to raw: disk_format, size, virtual_size and hashes are the raw's; qemu-img compare agrees", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    const qcow2 = disks.converted("qcow2");
    const img = await createImage(request, s.token, { disk_format: "qcow2" });
    expect((await stage(request, s, img.id, read(qcow2), server.url)).status()).toBe(204);
    const r = await request.post(`${server.url}/image/v2/images/${img.id}/import`, {
      headers: s.h,
      data: { method: { name: "glance-direct" } },
    });
    expect(r.status(), await r.text()).toBe(202);
    const task = await lastTask(request, s.token, img.id, server.url);
    expect(task.status, task.message).toBe("success");
    expect(task.message).toMatch(/qcow2 to raw/);
    const got = await imageOf(request, s.token, img.id, server.url);
    expect(got).toMatchObject({
      status: "active",
      disk_format: "raw",
      container_format: "bare",
      size: qcow2.virtualSize,
      virtual_size: qcow2.virtualSize,
    });
    const file = await request.get(`${server.url}/image/v2/images/${img.id}/file`, { headers: s.h });
    const body = await file.body();
    expect(sha512(body)).toBe(got.os_hash_value);
    const out = path.join(disks.dir, `converted-${img.id}.raw`);
    fs.writeFileSync(out, body);
    expect(qemuSame(qcow2.file, "qcow2", out, "raw")).toBe(true);
  });

  test("a conversion larger than the staging quota fails the task and leaves nothing staged", async ({
    request,
    identity,
  }) => {
    const s = await memberSession(identity, request);
    // 64 MiB virtual, a few KiB as qcow2: its raw form does not fit the 40 MiB staging quota.
    const small = path.join(disks.dir, "big-virtual.qcow2");
    const { execFileSync } = await import("node:child_process");
    execFileSync("qemu-img", ["create", "-f", "qcow2", small, "64M"]);
    const img = await createImage(request, s.token, { disk_format: "qcow2" });
    expect((await stage(request, s, img.id, fs.readFileSync(small), server.url)).status()).toBe(204);
    const r = await request.post(`${server.url}/image/v2/images/${img.id}/import`, {
      headers: s.h,
      data: { method: { name: "glance-direct" } },
    });
    expect(r.status()).toBe(202);
    const task = await lastTask(request, s.token, img.id, server.url);
    expect(task.status).toBe("failure");
    expect(task.message).toContain("staging quota");
    expect(await imageOf(request, s.token, img.id, server.url)).toMatchObject({ status: "queued" });
  });

  test("an ISO is kept as it is", async ({ request, identity }) => {
    const s = await memberSession(identity, request);
    const iso = await createImage(request, s.token, { disk_format: "iso" });
    expect((await stage(request, s, iso.id, read(disks.iso()), server.url)).status()).toBe(204);
    await request.post(`${server.url}/image/v2/images/${iso.id}/import`, {
      headers: s.h,
      data: { method: { name: "glance-direct" } },
    });
    expect((await lastTask(request, s.token, iso.id, server.url)).status).toBe("success");
    expect(await imageOf(request, s.token, iso.id, server.url)).toMatchObject({ disk_format: "iso" });
  });
});

test("POST /v2/inspect tells what the start of a file is, before an upload", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const inspect = (data: Buffer, query: string, headers: Record<string, string> = {}) =>
    request.post(`/image/v2/inspect?${query}`, {
      headers: { ...s.h, "content-type": "application/octet-stream", ...headers },
      data,
    });
  const qcow2 = disks.converted("qcow2");
  const head = read(qcow2).subarray(0, MiB);
  const ok = await inspect(head, "disk_format=qcow2&container_format=bare");
  expect(ok.status(), await ok.text()).toBe(200);
  expect(await ok.json()).toMatchObject({
    format: "qcow2",
    matches: ["qcow2"],
    virtual_size: qcow2.virtualSize,
    inspected_bytes: MiB,
    verdict: { ok: true, reason: null },
  });
  const mismatch = await (await inspect(head, "disk_format=vmdk")).json();
  expect(mismatch.verdict).toMatchObject({ ok: false, reason: "format_mismatch" });
  expect(mismatch.verdict.message).toContain("qcow2");
  // A backing file shows in the first bytes already.
  const backed = await (await inspect(read(disks.qcow2WithBackingFile()), "disk_format=qcow2")).json();
  expect(backed.verdict).toMatchObject({ ok: false, reason: "unsafe" });
  // The start of a streamOptimized VMDK is fine: its footer is at the end, not judged on a prefix.
  const vmdk = read(disks.converted("vmdk", "subformat=streamOptimized")).subarray(0, 256 * 1024);
  expect((await (await inspect(vmdk, "disk_format=vmdk")).json()).verdict.ok).toBe(true);
  // Limits and errors.
  expect((await inspect(Buffer.alloc(4 * MiB + 1), "disk_format=raw")).status()).toBe(413);
  expect((await inspect(head, "disk_format=raw", { "content-type": "text/plain" })).status()).toBe(415);
  const anonymous = await request.post("/image/v2/inspect", {
    headers: { "content-type": "application/octet-stream" },
    data: head,
  });
  expect(anonymous.status()).toBe(401);
});
