import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { expect, issueToken, randomName, test } from "../fixtures";
import type { IdentityAdmin } from "../support/identity";
import { ImageApi, PATCH_V20 } from "../support/images";
import { startExtraServer } from "../support/server";
import type { APIRequestContext } from "@playwright/test";

// The catalog half of Glance's Image API v2: versions, create, show, update, delete, tags,
// deactivate/reactivate, schemas, usage, audit, OpenAPI.

async function as(identity: IdentityAdmin, request: APIRequestContext, role = "member") {
  const { project, user } = await identity.projectWithUser(role);
  const { token } = await issueToken(request, user.name, user.password, project.name);
  return { project, user, api: new ImageApi(request, token) };
}

test("GET /image and /image/versions – versions with one CURRENT", async ({ request }) => {
  const multiple = await request.get("/image");
  expect(multiple.status()).toBe(300);
  const ok = await request.get("/image/versions");
  expect(ok.status()).toBe(200);
  const { versions } = await ok.json();
  expect(versions.filter((v: { status: string }) => v.status === "CURRENT")).toHaveLength(1);
  for (const v of versions) expect(v.links[0].href).toMatch(/\/image\/v2\/$/);
  expect(versions.map((v: { id: string }) => v.id)).toContain("v2.0");
});

test("POST /v2/images – every writable field, custom properties, a chosen id, Location", async ({
  request,
  identity,
}) => {
  const { project, api } = await as(identity, request);
  const id = crypto.randomUUID();
  const res = await api.post({
    id,
    name: "full",
    visibility: "private",
    protected: false,
    os_hidden: true,
    disk_format: "qcow2",
    container_format: "bare",
    min_ram: 512,
    min_disk: 3,
    tags: ["a", "b", "a"],
    os_distro: "debian",
    "owner_specified.openstack.md5": "",
  });
  expect(res.status()).toBe(201);
  expect(res.headers()["location"]).toMatch(new RegExp(`/image/v2/images/${id}$`));
  const img = await res.json();
  expect(img).toMatchObject({
    id,
    name: "full",
    status: "queued",
    visibility: "private",
    os_hidden: true,
    disk_format: "qcow2",
    container_format: "bare",
    min_ram: 512,
    min_disk: 3,
    owner: project.id,
    os_distro: "debian",
    "owner_specified.openstack.md5": "",
    size: null,
    virtual_size: null,
    checksum: null,
    os_hash_algo: null,
    os_hash_value: null,
    self: `/v2/images/${id}`,
    file: `/v2/images/${id}/file`,
    schema: "/v2/schemas/image",
  });
  expect(img.tags.sort()).toEqual(["a", "b"]);
  expect(img.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  // The same id again is a conflict, also after the image is deleted (ids are never reused).
  expect((await api.post({ id })).status()).toBe(409);
  expect((await api.delete(id)).status()).toBe(204);
  expect((await api.post({ id })).status()).toBe(409);
});

test("POST /v2/images – defaults: shared visibility, the caller's project as owner", async ({
  request,
  identity,
}) => {
  const { project, api } = await as(identity, request);
  const res = await api.post({});
  expect(res.status()).toBe(201);
  expect(await res.json()).toMatchObject({
    visibility: "shared",
    owner: project.id,
    name: null,
    protected: false,
    os_hidden: false,
    min_ram: 0,
  });
});

test("POST /v2/images – bad input", async ({ request, identity }) => {
  const { api } = await as(identity, request);
  const cases: [Record<string, unknown>, number, string][] = [
    [{ status: "active" }, 403, "Attribute 'status' is read-only."],
    [{ checksum: "x" }, 403, "read-only"],
    [{ size: 5 }, 403, "read-only"],
    [{ os_hash_value: "x" }, 403, "read-only"],
    [{ self: "/x" }, 403, "Attribute 'self' is read-only."],
    [{ file: "/x" }, 403, "read-only"],
    [{ schema: "/x" }, 403, "read-only"],
    [{ stores: "x" }, 403, "read-only"],
    [{ location: "http://x" }, 403, "Attribute 'location' is reserved."],
    [{ deleted: "true" }, 403, "reserved"],
    [{ os_glance_import_task: "x" }, 403, "reserved"],
    [{ disk_format: "exe" }, 400, "disk_format"],
    [{ container_format: "zip" }, 400, "container_format"],
    [{ visibility: "everyone" }, 400, "visibility"],
    [{ min_ram: "big" }, 400, "min_ram"],
    [{ min_ram: -1 }, 400, "Cannot be a negative value"],
    // The columns are 4-byte integers, as in Glance, which refuses larger values with this message.
    [{ min_ram: 2 ** 31 }, 400, "'min_ram' value out of range, must not exceed 2147483647."],
    [{ min_disk: 1e30 }, 400, "'min_disk' value out of range, must not exceed 2147483647."],
    [{ name: "n".repeat(256) }, 400, "name"],
    [{ id: "not-a-uuid" }, 400, "id"],
    [{ custom: 5 }, 400, "custom"],
    [{ ["k".repeat(256)]: "v" }, 400, "255"],
  ];
  for (const [body, status, message] of cases) {
    const res = await api.post(body);
    expect(res.status(), JSON.stringify(body).slice(0, 60)).toBe(status);
    expect((await res.json()).error.message).toContain(message);
  }
  const notJson = await api.request.post("/image/v2/images", {
    headers: { ...api.h, "content-type": "application/json" },
    data: Buffer.from("{"),
  });
  expect(notJson.status()).toBe(400);
  const array = await api.post([1, 2]);
  expect(array.status()).toBe(400);
  // JSON.parse takes any depth, the code walking the value would not: a clear 400, not a 500.
  const deep = await api.request.post("/image/v2/images", {
    headers: { ...api.h, "content-type": "application/json" },
    data: Buffer.from(`{"name":"deep","x":${"[".repeat(5000)}${"]".repeat(5000)}}`),
  });
  expect(deep.status()).toBe(400);
  expect((await deep.json()).error.message).toBe(
    "Malformed JSON in request body: nested more than 32 levels deep.",
  );
  // The largest values the columns hold are taken and read back as sent.
  const largest = await api.post({ name: "largest", min_ram: 2 ** 31 - 1, min_disk: 2 ** 31 - 1 });
  expect(largest.status()).toBe(201);
  expect(await largest.json()).toMatchObject({ min_ram: 2 ** 31 - 1, min_disk: 2 ** 31 - 1 });
});

test("NUL characters in a URL or a JSON body are 400 on every route family, never a database error", async ({
  request,
  identity,
  adminToken,
}) => {
  // PostgreSQL's text and jsonb cannot hold U+0000: without this check these were 500s there.
  const { api } = await as(identity, request);
  const img = await (await api.post({ name: "nul" })).json();
  const admin = { "x-auth-token": adminToken };
  for (const url of [
    "/image/v2/images/%00",
    `/image/v2/images/${img.id}/members/%00`,
    "/image/v2/images?owner=%00",
    "/image/v2/images?tag=a%00b",
    "/image/v2/tasks/%00",
    "/identity/v3/users/%00",
  ]) {
    const res = await request.get(url, { headers: admin });
    expect(res.status(), url).toBe(400);
    expect((await res.json()).error.message, url).toBe("The URL may not contain NUL (%00) characters.");
  }
  const put = await request.put(`/image/v2/images/${img.id}/tags/%00`, { headers: api.h });
  expect(put.status()).toBe(400);
  const bodies: [string, string, Record<string, unknown> | unknown[]][] = [
    ["POST", "/image/v2/images", { name: "a\u0000b" }],
    ["POST", "/image/v2/images", { ["k\u0000"]: "v" }],
    ["PATCH", `/image/v2/images/${img.id}`, [{ op: "add", path: "/os_distro", value: "\u0000" }]],
  ];
  for (const [method, url, body] of bodies) {
    const res = await request.fetch(url, {
      method,
      headers: {
        ...api.h,
        "content-type":
          method === "PATCH" ? "application/openstack-images-v2.1-json-patch" : "application/json",
      },
      data: Buffer.from(JSON.stringify(body)),
    });
    expect(res.status(), `${method} ${url}`).toBe(400);
    expect((await res.json()).error.message).toBe(
      "Malformed JSON in request body: strings may not contain NUL (\\u0000) characters.",
    );
  }
  // Nothing was written: the image is as it was.
  const after = await (await api.get(img.id)).json();
  expect(after.tags).toEqual([]);
  expect(after).not.toHaveProperty("os_distro");
});

test("a malformed percent escape in a path is 400 in the error body, not the framework's 500", async ({
  request,
  adminToken,
}) => {
  const admin = { "x-auth-token": adminToken };
  const message = "The URL holds a malformed percent escape (% not followed by UTF-8 in hex).";
  for (const url of ["/image/v2/images/%ZZ", "/image/v2/images/%E0%A4%A/members", "/identity/v3/users/%ZZ"]) {
    const res = await request.get(url, { headers: admin });
    expect(res.status(), url).toBe(400);
    expect(await res.json(), url).toEqual({ error: { code: 400, title: "Bad Request", message } });
  }
  const page = await request.get("/images/%ZZ");
  expect(page.status()).toBe(400);
  expect(await page.text()).toBe(`Bad Request: ${message}\n`);
  // Well-formed escapes go on to the route: ü is an image id that does not exist.
  const ok = await request.get("/image/v2/images/%C3%BC", { headers: admin });
  expect(ok.status()).toBe(404);
  expect((await ok.json()).error.message).toBe("No image found with ID ü");
});

test("POST /v2/images – who may create what", async ({ request, identity, adminToken }) => {
  const member = await as(identity, request);
  const other = await identity.createProject();
  const res = await member.api.post({ owner: other.id });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain("not permitted to create images owned by");
  expect((await member.api.post({ visibility: "public" })).status()).toBe(403);
  expect((await member.api.post({ visibility: "community" })).status()).toBe(201);
  const admin = new ImageApi(request, adminToken);
  expect((await admin.post({ visibility: "public", name: randomName("pub") })).status()).toBe(201);
  expect((await admin.post({ owner: other.id, name: randomName("for-other") })).status()).toBe(201);
  const reader = await as(identity, request, "reader");
  expect((await reader.api.post({})).status()).toBe(403);
  expect((await request.post("/image/v2/images", { data: {} })).status()).toBe(401);
});

test("GET /v2/images/{id} – visibility: 404 for others' private and unshared images, 200 for public and community", async ({
  request,
  identity,
  adminToken,
}) => {
  const owner = await as(identity, request);
  const stranger = await as(identity, request);
  const admin = new ImageApi(request, adminToken);
  const priv = await owner.api.create({ visibility: "private" });
  const shared = await owner.api.create({ visibility: "shared" });
  const community = await owner.api.create({ visibility: "community" });
  const pub = await admin.create({ visibility: "public" });
  expect((await stranger.api.get(priv.id)).status()).toBe(404);
  expect((await stranger.api.get(shared.id)).status()).toBe(404);
  expect((await stranger.api.get(community.id)).status()).toBe(200);
  expect((await stranger.api.get(pub.id)).status()).toBe(200);
  expect((await admin.get(priv.id)).status()).toBe(200);
  const missing = await stranger.api.get(crypto.randomUUID());
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.message).toContain("No image found with ID");
  // And every other route hides it the same way.
  expect((await stranger.api.patch(priv.id, [{ op: "replace", path: "/name", value: "x" }])).status()).toBe(
    404,
  );
  expect((await stranger.api.delete(priv.id)).status()).toBe(404);
  expect(
    (await request.put(`/image/v2/images/${priv.id}/tags/t`, { headers: stranger.api.h })).status(),
  ).toBe(404);
  expect(
    (
      await request.post(`/image/v2/images/${priv.id}/actions/deactivate`, { headers: stranger.api.h })
    ).status(),
  ).toBe(404);
  // Visible but not theirs: 403.
  expect(
    (await stranger.api.patch(community.id, [{ op: "replace", path: "/name", value: "x" }])).status(),
  ).toBe(403);
  expect((await stranger.api.delete(pub.id)).status()).toBe(403);
});

test("PATCH /v2/images/{id} – both media types and Glance's rules", async ({ request, identity }) => {
  const { api } = await as(identity, request);
  const img = await api.create({ os_distro: "debian" });
  const ok = await api.patch(img.id, [
    { op: "replace", path: "/name", value: "renamed" },
    { op: "add", path: "/os_version", value: "12" },
    { op: "replace", path: "/os_distro", value: "ubuntu" },
    { op: "replace", path: "/min_ram", value: 1024 },
    { op: "replace", path: "/disk_format", value: "qcow2" },
    { op: "replace", path: "/tags", value: ["x", "y"] },
  ]);
  expect(ok.status(), await ok.text()).toBe(200);
  expect(await ok.json()).toMatchObject({
    name: "renamed",
    os_version: "12",
    os_distro: "ubuntu",
    min_ram: 1024,
    disk_format: "qcow2",
    tags: ["x", "y"],
  });
  const removed = await api.patch(img.id, [{ op: "remove", path: "/os_version" }]);
  expect(await removed.json()).not.toHaveProperty("os_version");
  // The v2.0 draft media type.
  const draft = await api.patch(img.id, [{ replace: "/name", value: "draft" }], PATCH_V20);
  expect((await draft.json()).name).toBe("draft");
  expect((await api.patch(img.id, [{ add: "/os_distro", value: "x" }], PATCH_V20)).status()).toBe(409);

  const cases: [unknown, number, string][] = [
    [[{ op: "replace", path: "/status", value: "active" }], 403, "read-only"],
    [[{ op: "replace", path: "/id", value: crypto.randomUUID() }], 403, "read-only"],
    [[{ op: "replace", path: "/checksum", value: "x" }], 403, "read-only"],
    [[{ op: "add", path: "/os_glance_foo", value: "x" }], 403, "reserved"],
    [[{ op: "remove", path: "/name" }], 403, "may not be removed"],
    [[{ op: "replace", path: "/missing_prop", value: "x" }], 409, "does not exist"],
    [[{ op: "remove", path: "/missing_prop" }], 409, "does not exist"],
    [[{ op: "replace", path: "/min_ram", value: -5 }], 400, "negative"],
    [[{ op: "replace", path: "/min_disk", value: 1e40 }], 400, "'min_disk' value out of range"],
    [[{ op: "replace", path: "/visibility", value: "nope" }], 400, "visibility"],
    [[{ op: "move", path: "/name" }], 400, "Invalid operation"],
    [[{ op: "replace", path: "name", value: "x" }], 400, "does not start with"],
    [[{ op: "replace", path: "/a/b", value: "x" }], 400, "Invalid JSON pointer"],
    [[{ op: "replace", path: "/name" }], 400, 'requires a member named "value"'],
    [{ op: "replace" }, 400, "JSON array"],
    [[{ op: "replace", path: "/visibility", value: "public" }], 403, "publicize_image"],
    [[{ op: "replace", path: "/owner", value: "someone" }], 403, "Owner can't be updated by non admin."],
  ];
  for (const [ops, status, message] of cases) {
    const res = await api.patch(img.id, ops);
    expect(res.status(), JSON.stringify(ops)).toBe(status);
    expect((await res.json()).error.message, JSON.stringify(ops)).toContain(message);
  }
  const wrongType = await request.patch(`/image/v2/images/${img.id}`, {
    headers: api.h,
    data: [{ op: "replace", path: "/name", value: "x" }],
  });
  expect(wrongType.status()).toBe(415);
  expect(wrongType.headers()["accept-patch"]).toBe(
    "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch",
  );
});

test("PATCH – disk_format can change only while queued; a reader may not patch", async ({
  request,
  identity,
}) => {
  const owner = await as(identity, request);
  const img = await owner.api.create();
  expect(
    (
      await request.put(`/image/v2/images/${img.id}/file`, {
        headers: { ...owner.api.h, "content-type": "application/octet-stream" },
        data: Buffer.from("x"),
      })
    ).status(),
  ).toBe(204);
  const res = await owner.api.patch(img.id, [{ op: "replace", path: "/disk_format", value: "qcow2" }]);
  expect(res.status()).toBe(403);
  expect((await res.json()).error.message).toContain("can be only replaced for a queued image");
  const readerApi = new ImageApi(request, await identity.tokenOn(owner.project, "reader"));
  expect((await readerApi.get(img.id)).status()).toBe(200);
  expect((await readerApi.patch(img.id, [{ op: "replace", path: "/name", value: "x" }])).status()).toBe(403);
  expect((await readerApi.delete(img.id)).status()).toBe(403);
});

test("DELETE /v2/images/{id} – protected images cannot be deleted", async ({ request, identity }) => {
  const { api } = await as(identity, request);
  const img = await api.create({ protected: true });
  const refused = await api.delete(img.id);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain("is protected and cannot be deleted");
  expect((await api.get(img.id)).status()).toBe(200);
  expect((await api.patch(img.id, [{ op: "replace", path: "/protected", value: false }])).status()).toBe(200);
  expect((await api.delete(img.id)).status()).toBe(204);
  expect((await api.get(img.id)).status()).toBe(404);
  expect((await api.delete(img.id)).status()).toBe(404);
});

test("PUT/DELETE /v2/images/{id}/tags/{tag}", async ({ request, identity }) => {
  const { api } = await as(identity, request);
  const img = await api.create();
  const url = (t: string) => `/image/v2/images/${img.id}/tags/${encodeURIComponent(t)}`;
  expect((await request.put(url("gpu"), { headers: api.h })).status()).toBe(204);
  expect((await request.put(url("gpu"), { headers: api.h })).status()).toBe(204);
  expect((await request.put(url("with space"), { headers: api.h })).status()).toBe(204);
  expect(((await (await api.get(img.id)).json()).tags as string[]).sort()).toEqual(["gpu", "with space"]);
  expect((await request.put(url("t".repeat(256)), { headers: api.h })).status()).toBe(400);
  expect((await request.delete(url("gpu"), { headers: api.h })).status()).toBe(204);
  expect((await request.delete(url("gpu"), { headers: api.h })).status()).toBe(404);
});

test("tag and property quotas are 413", async ({ request, identity }) => {
  const server = await startExtraServer({ IRIS_IMAGE_TAG_QUOTA: "2", IRIS_IMAGE_PROPERTY_QUOTA: "2" });
  try {
    const { project, user } = await identity.projectWithUser("member");
    const { token } = await issueToken(request, user.name, user.password, project.name);
    const h = { "x-auth-token": token };
    const tooMany = await request.post(`${server.url}/image/v2/images`, {
      headers: h,
      data: { tags: ["a", "b", "c"] },
    });
    expect(tooMany.status()).toBe(413);
    expect(
      (
        await request.post(`${server.url}/image/v2/images`, { headers: h, data: { a: "1", b: "2", c: "3" } })
      ).status(),
    ).toBe(413);
    const img = await (
      await request.post(`${server.url}/image/v2/images`, { headers: h, data: { tags: ["a", "b"], p1: "1" } })
    ).json();
    expect(
      (await request.put(`${server.url}/image/v2/images/${img.id}/tags/c`, { headers: h })).status(),
    ).toBe(413);
    const patch = await request.patch(`${server.url}/image/v2/images/${img.id}`, {
      headers: { ...h, "content-type": "application/openstack-images-v2.1-json-patch" },
      data: Buffer.from(
        JSON.stringify([
          { op: "add", path: "/p2", value: "2" },
          { op: "add", path: "/p3", value: "3" },
        ]),
      ),
    });
    expect(patch.status()).toBe(413);
  } finally {
    await server.stop();
  }
});

test("image count quota is 413 and GET /v2/info/usage reports it", async ({ request, identity }) => {
  const server = await startExtraServer({ IRIS_QUOTA_IMAGE_COUNT_TOTAL: "2" });
  try {
    const { project, user } = await identity.projectWithUser("member");
    const { token } = await issueToken(request, user.name, user.password, project.name);
    const h = { "x-auth-token": token };
    for (let i = 0; i < 2; i++)
      expect((await request.post(`${server.url}/image/v2/images`, { headers: h, data: {} })).status()).toBe(
        201,
      );
    const third = await request.post(`${server.url}/image/v2/images`, { headers: h, data: {} });
    expect(third.status()).toBe(413);
    expect((await third.json()).error.message).toContain("image_count_total");
    const usage = await (await request.get(`${server.url}/image/v2/info/usage`, { headers: h })).json();
    expect(usage.usage.image_count_total).toEqual({ limit: 2, usage: 2 });
  } finally {
    await server.stop();
  }
});

test("POST /v2/images/{id}/actions/deactivate|reactivate – Glance's status rules", async ({
  request,
  identity,
  adminToken,
}) => {
  const { api } = await as(identity, request);
  const img = await api.create();
  const act = (a: string, h = api.h) =>
    request.post(`/image/v2/images/${img.id}/actions/${a}`, { headers: h });
  const queued = await act("deactivate");
  expect(queued.status()).toBe(403);
  expect((await queued.json()).error.message).toBe("Not allowed to deactivate image in status 'queued'");
  expect((await act("reactivate")).status()).toBe(403);
  await request.put(`/image/v2/images/${img.id}/file`, {
    headers: { ...api.h, "content-type": "application/octet-stream" },
    data: Buffer.from("data"),
  });
  expect((await act("deactivate")).status()).toBe(204);
  expect((await act("deactivate")).status()).toBe(204); // no-op
  expect((await (await api.get(img.id)).json()).status).toBe("deactivated");
  expect((await act("reactivate")).status()).toBe(204);
  expect((await act("reactivate")).status()).toBe(204);
  expect((await (await api.get(img.id)).json()).status).toBe("active");
  const pub = await new ImageApi(request, adminToken).create({ visibility: "public" });
  expect(
    (await request.post(`/image/v2/images/${pub.id}/actions/deactivate`, { headers: api.h })).status(),
  ).toBe(403);
});

test("GET /v2/schemas/* – Glance's schemas", async ({ request, adminToken }) => {
  const h = { "x-auth-token": adminToken };
  const image = await (await request.get("/image/v2/schemas/image", { headers: h })).json();
  expect(image.name).toBe("image");
  expect(image.additionalProperties).toEqual({ type: "string" });
  expect(image.properties.disk_format.enum).toEqual([
    null,
    "ami",
    "ari",
    "aki",
    "vhd",
    "vhdx",
    "vmdk",
    "raw",
    "qcow2",
    "vdi",
    "iso",
    "ploop",
  ]);
  expect(image.properties.container_format.enum).toContain("bare");
  expect(image.properties.status.readOnly).toBe(true);
  expect(image.properties.os_distro.is_base).toBe(false);
  expect(image.links.map((l: { rel: string }) => l.rel)).toEqual(["self", "enclosure", "describedby"]);
  const images = await (await request.get("/image/v2/schemas/images", { headers: h })).json();
  expect(images.properties.images.items.name).toBe("image");
  const member = await (await request.get("/image/v2/schemas/member", { headers: h })).json();
  expect(member.properties.status.enum).toEqual(["pending", "accepted", "rejected"]);
  expect(member.additionalProperties).toBe(false);
  const members = await (await request.get("/image/v2/schemas/members", { headers: h })).json();
  expect(members.properties.members.items.name).toBe("member");
});

test("audit: who did what, when and from where; admins only for the whole log", async ({
  request,
  identity,
  adminToken,
}) => {
  const { user, project, api } = await as(identity, request);
  const img = await api.create();
  await api.patch(img.id, [{ op: "replace", path: "/name", value: "audited" }]);
  await api.delete(img.id);
  const res = await request.get(`/image/v2/audit-events?target_id=${img.id}`, {
    headers: { "x-auth-token": adminToken, "x-forwarded-for": "203.0.113.9" },
  });
  expect(res.status()).toBe(200);
  const events = (await res.json()).audit_events as {
    action: string;
    user_name: string;
    project_id: string;
    request_id: string;
    remote_addr: string;
    created_at: string;
  }[];
  expect(events.map((e) => e.action)).toEqual(["image.delete", "image.update", "image.create"]);
  for (const e of events) {
    expect(e).toMatchObject({ user_name: user.name, project_id: project.id });
    expect(e.request_id).toMatch(/^req-/);
    expect(e.remote_addr).toBeTruthy();
    expect(Date.parse(e.created_at)).not.toBeNaN();
  }
  expect((await request.get("/image/v2/audit-events", { headers: api.h })).status()).toBe(403);
  const own = await api.create();
  const history = await (
    await request.get(`/image/v2/images/${own.id}/audit-events`, { headers: api.h })
  ).json();
  expect(history.audit_events.map((e: { action: string }) => e.action)).toEqual(["image.create"]);
});

test("GET /image/openapi.json – an OpenAPI 3.1 document of every route, with Glance's image schema", async ({
  request,
  adminToken,
}) => {
  const doc = await (await request.get("/image/openapi.json")).json();
  expect(doc.openapi).toBe("3.1.0");
  // The rules that hold on every route are stated once, in the document's description.
  expect(doc.info.description).toContain("nested more than 32 levels deep");
  expect(doc.info.description).toContain("at most 2147483647");
  // Every route under app/image/v2 is documented ([imageId] → {image_id}).
  const routes: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        const seg = e.name.replace(
          /^\[(\w+)\]$/,
          (_m, n: string) => `{${n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}}`,
        );
        walk(path.join(dir, e.name), `${rel}/${seg}`);
      } else if (e.name === "route.ts") routes.push(rel);
    }
  };
  walk(path.join(process.cwd(), "app", "image", "v2"), "/v2");
  expect(routes.length).toBeGreaterThan(15);
  for (const p of routes) expect(doc.paths, p).toHaveProperty([p]);
  const served = await (
    await request.get("/image/v2/schemas/image", { headers: { "x-auth-token": adminToken } })
  ).json();
  expect(Object.keys(doc.components.schemas.Image.properties).sort()).toEqual(
    Object.keys(served.properties).sort(),
  );
});
