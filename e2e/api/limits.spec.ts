import crypto from "node:crypto";
import { expect, test } from "../fixtures";
import { createImage, memberSession, put } from "../support/data";

// Per-project quotas as Keystone unified limits (/identity/v3/limits, registered_limits,
// services), which is how Glance's quotas are set; the usage and store-usage views admins read.

const MiB = 1024 * 1024;

async function imageServiceId(request: import("@playwright/test").APIRequestContext, token: string) {
  const r = await request.get("/identity/v3/services?type=image", { headers: { "x-auth-token": token } });
  expect(r.status()).toBe(200);
  const services = (await r.json()).services as { id: string; name: string; type: string }[];
  expect(services).toHaveLength(1);
  expect(services[0]).toMatchObject({ name: "glance", type: "image", enabled: true });
  return services[0]!.id;
}

test("services: the catalog's identity and image services, by id, name and type", async ({
  request,
  adminToken,
}) => {
  const h = { "x-auth-token": adminToken };
  const all = (await (await request.get("/identity/v3/services", { headers: h })).json()).services;
  expect(all.map((s: { type: string }) => s.type).sort()).toEqual(["identity", "image"]);
  const id = await imageServiceId(request, adminToken);
  expect((await (await request.get(`/identity/v3/services/${id}`, { headers: h })).json()).service.name).toBe(
    "glance",
  );
  expect((await request.get("/identity/v3/services/nope", { headers: h })).status()).toBe(404);
  expect((await request.get("/identity/v3/services")).status()).toBe(401);
});

test("registered limits are the configured defaults, read-only", async ({ request, adminToken }) => {
  const h = { "x-auth-token": adminToken };
  const service = await imageServiceId(request, adminToken);
  const r = await request.get(`/identity/v3/registered_limits?service_id=${service}`, { headers: h });
  const limits = (await r.json()).registered_limits as {
    id: string;
    resource_name: string;
    default_limit: number;
  }[];
  expect(limits.map((l) => l.resource_name).sort()).toEqual([
    "image_count_total",
    "image_count_uploading",
    "image_size_total",
    "image_stage_total",
  ]);
  const one = limits[0]!;
  const shown = await request.get(`/identity/v3/registered_limits/${one.id}`, { headers: h });
  expect((await shown.json()).registered_limit).toMatchObject({ id: one.id, service_id: service });
  const refused = await request.post("/identity/v3/registered_limits", {
    headers: h,
    data: {
      registered_limits: [{ service_id: service, resource_name: "image_count_total", default_limit: 1 }],
    },
  });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain("IRIS_QUOTA_IMAGE_COUNT_TOTAL");
  const patched = await request.patch(`/identity/v3/registered_limits/${one.id}`, {
    headers: h,
    data: { registered_limit: { default_limit: 5 } },
  });
  expect(patched.status()).toBe(403);
  expect((await request.delete(`/identity/v3/registered_limits/${one.id}`, { headers: h })).status()).toBe(
    403,
  );
  expect((await request.get("/identity/v3/registered_limits/nope", { headers: h })).status()).toBe(404);
});

test("project limits: an admin sets a project's quota, it is enforced, and removing it restores the default", async ({
  request,
  adminToken,
  identity,
}) => {
  const h = { "x-auth-token": adminToken };
  const service = await imageServiceId(request, adminToken);
  const s = await memberSession(identity, request);
  const created = await request.post("/identity/v3/limits", {
    headers: h,
    data: {
      limits: [
        {
          service_id: service,
          project_id: s.project.id,
          resource_name: "image_count_total",
          resource_limit: 2,
        },
        {
          service_id: service,
          project_id: s.project.id,
          resource_name: "image_size_total",
          resource_limit: 1,
          description: "one MiB",
        },
      ],
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const [count, size] = (await created.json()).limits as { id: string; resource_limit: number }[];
  expect(size).toMatchObject({ resource_limit: 1, description: "one MiB", project_id: s.project.id });
  // The same again: 409, nothing created.
  const dup = await request.post("/identity/v3/limits", {
    headers: h,
    data: {
      limits: [
        {
          service_id: service,
          project_id: s.project.id,
          resource_name: "image_count_total",
          resource_limit: 3,
        },
      ],
    },
  });
  expect(dup.status()).toBe(409);

  // Enforced by the Image API, and visible in /v2/info/usage (sizes in MiB).
  const usage = await (await request.get("/image/v2/info/usage", { headers: s.h })).json();
  expect(usage.usage.image_count_total.limit).toBe(2);
  expect(usage.usage.image_size_total.limit).toBe(1);
  const img = await createImage(request, s.token);
  expect((await put(request, s.token, img.id, crypto.randomBytes(2 * MiB))).status()).toBe(413);
  await createImage(request, s.token);
  const third = await request.post("/image/v2/images", {
    headers: s.h,
    data: { name: "over", disk_format: "raw", container_format: "bare" },
  });
  expect(third.status()).toBe(413);

  // The member sees its own project's limits, may not change them, and sees no other project's.
  const mine = await (await request.get("/identity/v3/limits", { headers: s.h })).json();
  expect(mine.limits).toHaveLength(2);
  const patchDenied = await request.patch(`/identity/v3/limits/${count!.id}`, {
    headers: s.h,
    data: { limit: { resource_limit: 100 } },
  });
  expect(patchDenied.status()).toBe(403);
  const other = await memberSession(identity, request);
  expect((await request.get(`/identity/v3/limits/${count!.id}`, { headers: other.h })).status()).toBe(404);

  // An admin raises the limit; then removes it (back to the unlimited default).
  const patched = await request.patch(`/identity/v3/limits/${count!.id}`, {
    headers: h,
    data: { limit: { resource_limit: 3 } },
  });
  expect((await patched.json()).limit.resource_limit).toBe(3);
  expect((await request.delete(`/identity/v3/limits/${count!.id}`, { headers: h })).status()).toBe(204);
  expect((await request.get(`/identity/v3/limits/${count!.id}`, { headers: h })).status()).toBe(404);
  const after = await (await request.get("/image/v2/info/usage", { headers: s.h })).json();
  expect(after.usage.image_count_total.limit).toBe(-1);

  // Bad input.
  for (const [limit, words] of [
    [
      { service_id: "x", project_id: s.project.id, resource_name: "image_count_total", resource_limit: 1 },
      "service_id",
    ],
    [
      { service_id: service, project_id: "nope", resource_name: "image_count_total", resource_limit: 1 },
      "project",
    ],
    [
      { service_id: service, project_id: s.project.id, resource_name: "cores", resource_limit: 1 },
      "resource_name",
    ],
    [
      {
        service_id: service,
        project_id: s.project.id,
        resource_name: "image_count_total",
        resource_limit: -2,
      },
      "resource_limit",
    ],
  ] as const) {
    const r = await request.post("/identity/v3/limits", { headers: h, data: { limits: [limit] } });
    expect(r.status()).toBe(400);
    expect((await r.json()).error.message).toContain(words);
  }
  expect((await (await request.get("/identity/v3/limits/model", { headers: h })).json()).model.name).toBe(
    "flat",
  );
});

test("usage of another project is for admins; store detail shows what each store holds", async ({
  request,
  adminToken,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const img = await createImage(request, s.token);
  expect((await put(request, s.token, img.id, crypto.randomBytes(3 * MiB))).status()).toBe(204);
  const h = { "x-auth-token": adminToken };
  const theirs = await (
    await request.get(`/image/v2/info/usage?project_id=${s.project.id}`, { headers: h })
  ).json();
  expect(theirs.usage.image_count_total.usage).toBe(1);
  expect(theirs.usage.image_size_total.usage).toBe(3);
  const other = await memberSession(identity, request);
  const denied = await request.get(`/image/v2/info/usage?project_id=${s.project.id}`, { headers: other.h });
  expect(denied.status()).toBe(403);
  const detail = await (await request.get("/image/v2/info/stores/detail", { headers: h })).json();
  for (const store of detail.stores as { usage: { images: number; bytes: number } }[]) {
    expect(store.usage.images).toBeGreaterThanOrEqual(0);
  }
  const total = (detail.stores as { usage: { images: number; bytes: number } }[]).reduce(
    (a, st) => a + st.usage.bytes,
    0,
  );
  expect(total).toBeGreaterThanOrEqual(3 * MiB);
});

test("project search for sharing: by name prefix (case-insensitive) or id, at most 10, signed-in callers only", async ({
  request,
  identity,
}) => {
  const s = await memberSession(identity, request);
  const target = await identity.createProject();
  const prefix = target.name.slice(0, -1).toUpperCase();
  const r = await request.get(`/api/dashboard/projects?q=${encodeURIComponent(prefix)}`, { headers: s.h });
  expect(r.status()).toBe(200);
  const found = (await r.json()).projects as { id: string; name: string }[];
  expect(found.map((p) => p.id)).toContain(target.id);
  expect(found.length).toBeLessThanOrEqual(10);
  const byId = await (await request.get(`/api/dashboard/projects?q=${target.id}`, { headers: s.h })).json();
  expect(byId.projects).toEqual([expect.objectContaining({ id: target.id, name: target.name })]);
  expect((await request.get("/api/dashboard/projects?q=a", { headers: s.h })).status()).toBe(400);
  expect((await request.get(`/api/dashboard/projects?q=${prefix}`)).status()).toBe(401);
});
