import crypto from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { expect, issueToken, randomName, test } from "../fixtures";
import type { IdentityAdmin } from "../support/identity";
import { ImageApi, type Img } from "../support/images";

// GET /v2/images: visibility rules, every filter, every sort order and page boundaries, checked
// against a catalog of more than 1,000 images made through the API.

test.describe.configure({ mode: "serial" });

const N = 1040;
const FORMATS = ["raw", "qcow2", "vmdk", "iso"];
const DISTROS = ["debian", "ubuntu", "fedora", "alpine"];
let api: ImageApi;
let run: string;
let all: Img[];

async function session(identity: IdentityAdmin, request: APIRequestContext) {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  return { project, api: new ImageApi(request, token) };
}

test.beforeAll(async ({ playwright }) => {
  test.setTimeout(300_000);
  const { ADMIN } = await import("../support/env");
  const { IdentityAdmin, issueToken: issue } = await import("../support/identity");
  const request = await playwright.request.newContext({
    baseURL: process.env.IRIS_URL ?? "http://127.0.0.1:3100",
  });
  const admin = await issue(request, ADMIN.name, ADMIN.password, ADMIN.project);
  const identity = new IdentityAdmin(request, admin.token);
  ({ api } = await session(identity, request));
  run = crypto.randomBytes(4).toString("hex");
  const bodies = Array.from({ length: N }, (_, i) => ({
    name: i % 50 === 7 ? null : `img-${String(i % 300).padStart(3, "0")}`,
    disk_format: FORMATS[i % 4],
    container_format: "bare",
    visibility: i % 10 === 0 ? "private" : "shared",
    protected: i % 7 === 0,
    os_hidden: i % 97 === 0,
    min_ram: (i % 5) * 256,
    // "sparse" is on 26 images of thousands: on SQLite a list filtered by it starts from the
    // tag and sorts, where the other tags walk the sort order (list-sql.ts, tagToStartFrom).
    tags: [`t${i % 3}`, ...(i % 5 === 0 ? ["five"] : []), ...(i % 40 === 1 ? ["sparse"] : [])],
    run_id: run,
    os_distro: DISTROS[i % 4],
  }));
  all = [];
  for (let i = 0; i < bodies.length; i += 16) {
    const batch = await Promise.all(bodies.slice(i, i + 16).map((b) => api.create(b)));
    all.push(...batch);
  }
  // Give a few images data, so that size filters and sorting by size have something to see.
  for (const img of all.filter((_, i) => i % 13 === 0).slice(0, 30))
    await api.request.put(`/image/v2/images/${img.id}/file`, {
      headers: { ...api.h, "content-type": "application/octet-stream" },
      data: crypto.randomBytes(100 + (all.indexOf(img) % 17) * 10),
    });
  const fresh = await api.walk(`run_id=${run}&limit=1000&os_hidden=false`);
  const hidden = await api.walk(`run_id=${run}&limit=1000&os_hidden=true`);
  all = [...fresh, ...hidden];
  expect(all).toHaveLength(N);
});

const visible = () => all.filter((i) => !i.os_hidden);
test("GET /v2/images – default order is created_at desc, and every page boundary holds", async () => {
  const reference = await api.walk(`run_id=${run}&limit=1000`);
  expect(reference.map((i) => i.id).sort()).toEqual(
    visible()
      .map((i) => i.id)
      .sort(),
  );
  assertOrdered(reference, [["created_at", "desc"]]);
  for (const limit of [7, 100]) {
    const got = await api.walk(`run_id=${run}&limit=${limit}`);
    expect(
      got.map((i) => i.id),
      `limit=${limit}`,
    ).toEqual(reference.map((i) => i.id));
  }
});

/** Each key in turn is monotonic within runs of equal earlier keys (times compared to the second). */
function assertOrdered(list: Img[], keys: [string, "asc" | "desc"][]) {
  for (let n = 1; n < list.length; n++) {
    const a = list[n - 1]!;
    const b = list[n]!;
    for (const [key, dir] of keys) {
      const c = cmp(key, dir)(a, b);
      expect(c, `${key} ${dir} at ${n}: ${String(a[key])} then ${String(b[key])}`).toBeLessThanOrEqual(0);
      // Times are shown to the second but ordered to the millisecond: equal seconds say nothing.
      if (c !== 0 || key.endsWith("_at")) break;
    }
  }
}

test("GET /v2/images – the next link is relative to /v2 and keeps the query; first drops the marker", async () => {
  const res = await api.list(`run_id=${run}&limit=5&tag=t1`);
  const body = await res.json();
  expect(body.first).toBe(`/v2/images?run_id=${run}&limit=5&tag=t1`);
  expect(body.next).toMatch(new RegExp(`^/v2/images\\?run_id=${run}&limit=5&tag=t1&marker=`));
  expect(body.schema).toBe("/v2/schemas/images");
  const last = await api.list(`run_id=${run}&limit=5000`);
  expect((await last.json()).images.length).toBe(1000); // clamped to the maximum
});

function cmp(key: string, dir: "asc" | "desc") {
  return (a: Img, b: Img) => {
    const va = a[key] as string | number | null;
    const vb = b[key] as string | number | null;
    if (va === vb) return 0;
    // NULL sorts as the smallest value.
    const lt = va === null ? true : vb === null ? false : va < vb;
    return (lt ? -1 : 1) * (dir === "asc" ? 1 : -1);
  };
}

for (const key of [
  "name",
  "status",
  "disk_format",
  "container_format",
  "size",
  "id",
  "created_at",
  "updated_at",
]) {
  for (const dir of ["asc", "desc"] as const) {
    test(`GET /v2/images?sort=${key}:${dir} walks in order`, async () => {
      const got = await api.walk(`run_id=${run}&limit=97&sort=${key}:${dir}`);
      expect(got.map((i) => i.id).sort()).toEqual(
        visible()
          .map((i) => i.id)
          .sort(),
      );
      expect(new Set(got.map((i) => i.id)).size).toBe(got.length);
      assertOrdered(got, [
        [key, dir],
        ["created_at", dir],
      ]);
      const onePage = await api.walk(`run_id=${run}&limit=1000&sort=${key}:${dir}`);
      expect(got.map((i) => i.id)).toEqual(onePage.map((i) => i.id));
    });
  }
}

test("GET /v2/images?tag= of a rare tag holds every page boundary in every sort order", async () => {
  const expected = visible().filter((i) => i.tags.includes("sparse"));
  expect(expected.length).toBeGreaterThan(10);
  for (const sort of [
    "created_at:desc",
    "name:asc,created_at:desc",
    "size:desc",
    "disk_format:asc,id:desc",
  ]) {
    const onePage = await api.walk(`run_id=${run}&limit=1000&tag=sparse&sort=${sort}`);
    expect(onePage.map((i) => i.id).sort(), sort).toEqual(expected.map((i) => i.id).sort());
    const keys = sort.split(",").map((k) => k.split(":") as [string, "asc" | "desc"]);
    assertOrdered(onePage, keys);
    const paged = await api.walk(`run_id=${run}&limit=4&tag=sparse&sort=${sort}`);
    expect(
      paged.map((i) => i.id),
      sort,
    ).toEqual(onePage.map((i) => i.id));
  }
});

test("GET /v2/images – classic sort_key/sort_dir with two keys", async () => {
  const query = `run_id=${run}&sort_key=disk_format&sort_key=name&sort_dir=asc&sort_dir=desc`;
  const got = await api.walk(`${query}&limit=250`);
  expect(got.map((i) => i.id).sort()).toEqual(
    visible()
      .map((i) => i.id)
      .sort(),
  );
  assertOrdered(got, [
    ["disk_format", "asc"],
    ["name", "desc"],
    ["created_at", "desc"],
  ]);
  const onePage = await api.walk(`${query}&limit=1000`);
  expect(got.map((i) => i.id)).toEqual(onePage.map((i) => i.id));
});

const FILTERS: [string, (i: Img) => boolean][] = [
  ["name=img-008", (i) => i.name === "img-008"],
  ['name=in:img-001,"img-002",img-003', (i) => ["img-001", "img-002", "img-003"].includes(i.name ?? "")],
  ["disk_format=qcow2", (i) => i.disk_format === "qcow2"],
  ["disk_format=in:vmdk,iso", (i) => ["vmdk", "iso"].includes(String(i.disk_format))],
  ["container_format=bare", () => true],
  ["visibility=private", (i) => i.visibility === "private"],
  ["visibility=shared", (i) => i.visibility === "shared"],
  ["protected=true", (i) => i.protected === true],
  ["protected=false", (i) => i.protected === false],
  ["tag=t1", (i) => i.tags.includes("t1")],
  ["tag=t1&tag=five", (i) => i.tags.includes("t1") && i.tags.includes("five")],
  ["tag=sparse", (i) => i.tags.includes("sparse")],
  ["tag=t1&tag=sparse&tag=t1", (i) => i.tags.includes("t1") && i.tags.includes("sparse")],
  ["os_distro=alpine", (i) => i.os_distro === "alpine"],
  ["os_distro=alpine&tag=t2", (i) => i.os_distro === "alpine" && i.tags.includes("t2")],
  ["status=active", (i) => i.status === "active"],
  ["status=in:queued,active", () => true],
  ["size_min=150", (i) => i.size !== null && (i.size as number) >= 150],
  ["size_max=150", (i) => i.size !== null && (i.size as number) <= 150],
  [
    "size_min=120&size_max=200",
    (i) => i.size !== null && (i.size as number) >= 120 && (i.size as number) <= 200,
  ],
  ["min_ram=512", (i) => i.min_ram === 512],
  // Bounds beyond a BIGINT select as the BIGINT's limits would.
  ["size_min=-99999999999999999999", (i) => i.size !== null],
  ["size_max=99999999999999999999", (i) => i.size !== null],
];

for (const [query, keep] of FILTERS) {
  test(`GET /v2/images?${query}`, async () => {
    const got = await api.walk(`run_id=${run}&limit=300&${query}`);
    const expected = visible().filter(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(got.map((i) => i.id).sort()).toEqual(expected.map((i) => i.id).sort());
    assertOrdered(got, [["created_at", "desc"]]);
  });
}

test("GET /v2/images – id and owner filters, os_hidden=true lists only hidden images", async () => {
  const one = visible()[3]!;
  expect(await api.ids(`id=${one.id}`)).toEqual([one.id]);
  const owned = await api.walk(`run_id=${run}&limit=1000&owner=${one.owner}`);
  expect(owned.length).toBe(visible().length);
  expect(await api.ids(`run_id=${run}&owner=${crypto.randomUUID()}`)).toEqual([]);
  const hidden = await api.walk(`run_id=${run}&os_hidden=true`);
  expect(hidden.map((i) => i.id).sort()).toEqual(
    all
      .filter((i) => i.os_hidden)
      .map((i) => i.id)
      .sort(),
  );
});

test("GET /v2/images – created_at and updated_at with every operator", async () => {
  const sorted = [...visible()].sort((a, b) =>
    a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0,
  );
  const pivot = sorted[500]!.created_at;
  const ops: [string, (t: string) => boolean][] = [
    ["gt", (t) => t > pivot],
    ["gte", (t) => t >= pivot],
    ["lt", (t) => t < pivot],
    ["lte", (t) => t <= pivot],
    ["eq", (t) => t === pivot],
    ["neq", (t) => t !== pivot],
  ];
  for (const [op, keep] of ops) {
    const got = await api.walk(`run_id=${run}&limit=1000&created_at=${op}:${pivot}`);
    // Times are shown to the second; the database keeps milliseconds, so compare by second.
    const expected = visible().filter((i) => keep(i.created_at as string));
    if (op === "eq" || op === "neq" || op === "gt" || op === "lte") {
      // within the pivot second the order of milliseconds decides: only check the sure part
      for (const i of got)
        expect(keep(String(i.created_at)) || String(i.created_at) === pivot, op).toBe(true);
    } else {
      expect(got.length, op).toBeGreaterThanOrEqual(expected.filter((i) => i.created_at !== pivot).length);
    }
  }
  const future = new Date(Date.now() + 3_600_000).toISOString();
  expect(await api.walk(`run_id=${run}&updated_at=gt:${future}`)).toEqual([]);
  expect((await api.walk(`run_id=${run}&limit=1000&updated_at=lt:${future}`)).length).toBe(visible().length);
});

test("GET /v2/images – numbers no column can hold and an empty in: list match no image, and are no error", async () => {
  for (const q of [
    "size_min=99999999999999999999",
    "size_max=-99999999999999999999",
    "min_ram=99999999999999999999",
    "min_disk=2147483648",
    "min_ram=-1",
    "virtual_size=99999999999999999999",
    // An empty in: list, as in Glance (PostgreSQL refuses `IN ()`).
    "disk_format=in:",
  ]) {
    const res = await api.list(`run_id=${run}&${q}`);
    expect(res.status(), q).toBe(200);
    expect((await res.json()).images, q).toEqual([]);
  }
});

test("GET /v2/images – bad values are 400", async ({ request, identity }) => {
  const stranger = await session(identity, request);
  const priv = all.find((i) => i.visibility === "private")!;
  const cases: [string, string][] = [
    ["limit=x", "limit param must be an integer"],
    ["limit=-1", "limit param must be positive"],
    ["sort=owner", "Invalid sort key: owner"],
    ["sort=name:sideways", "Invalid sort direction"],
    ["sort=name&sort_key=size", "cannot be combined"],
    ["sort_key=name&sort_key=size&sort_key=id&sort_dir=asc&sort_dir=desc", "does not match"],
    ["visibility=everyone", "Invalid visibility value"],
    ["member_status=maybe", "Invalid status"],
    ["os_hidden=maybe", "os_hidden"],
    ["protected=True", "protected"],
    ["changes-since=2020-01-01", "no longer available"],
    ["created_at=after:2020-01-01T00:00:00Z", "unknown operator"],
    ["created_at=gt:yesterday", "ISO 8601"],
    ["size_min=big", "non-numeric"],
    ["name=like:img", "unknown operator 'like'"],
    [`marker=${crypto.randomUUID()}`, "No image found"],
  ];
  for (const [q, message] of cases) {
    const res = await stranger.api.list(q);
    expect(res.status(), q).toBe(400);
    expect((await res.json()).error.message, q).toContain(message);
  }
  // A marker the caller cannot see is 400 too, and says no more than "not found".
  const res = await stranger.api.list(`marker=${priv.id}`);
  expect(res.status()).toBe(400);
});

test("GET /v2/images – what a member of another project sees", async ({ request, identity, adminToken }) => {
  const other = await session(identity, request);
  expect(await other.api.ids(`run_id=${run}`)).toEqual([]);
  const own = await other.api.create({ visibility: "private" });
  const community = await other.api.create({ visibility: "community", run_id: run });
  const admin = new ImageApi(request, adminToken);
  const pub = await admin.create({ visibility: "public", run_id: run });
  const adminCommunity = await admin.create({ visibility: "community", run_id: run });
  expect(await other.api.ids(`id=${own.id}`)).toEqual([own.id]);
  const defaults = await other.api.ids(`run_id=${run}&limit=1000`);
  expect(defaults.sort()).toEqual([community.id, pub.id].sort()); // others' community images only on request
  expect((await other.api.ids(`run_id=${run}&visibility=community&limit=1000`)).sort()).toEqual(
    [community.id, adminCommunity.id].sort(),
  );
  expect(await api.ids(`run_id=${run}&visibility=public`)).toEqual([pub.id]);
  // Admins see everything but other projects' community images by default.
  const adminView = await admin.walk(`run_id=${run}&limit=1000`);
  expect(adminView.map((i) => i.id)).toContain(community.id === adminCommunity.id ? "" : adminCommunity.id);
  expect(adminView.map((i) => i.id)).not.toContain(community.id);
  expect(adminView.length).toBe(visible().length + 2);
  const everything = await admin.walk(`run_id=${run}&limit=1000&visibility=all`);
  expect(everything.length).toBe(visible().length + 3);
  void randomName;
});

test("GET /v2/images?tag= follows every way tags change, concurrent tag writes included", async () => {
  // The list reads and (PostgreSQL) filters tags from a copy on the image's row; every write
  // path must keep that copy in step with the tags themselves.
  const own = `tags-${crypto.randomBytes(4).toString("hex")}`;
  const img = await api.create({ run_id: own, tags: ["made"] });
  const listed = async (tag: string) => {
    const res = await api.list(`run_id=${own}&tag=${encodeURIComponent(tag)}`);
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()).images as Img[]).map((i) => ({ id: i.id, tags: [...i.tags].sort() }));
  };
  expect(await listed("made")).toEqual([{ id: img.id, tags: ["made"] }]);

  // Twelve tags added at once: none may be lost.
  const added = Array.from({ length: 12 }, (_, i) => `c${i} ü/&`);
  const puts = await Promise.all(
    added.map((t) =>
      api.request.put(`/image/v2/images/${img.id}/tags/${encodeURIComponent(t)}`, { headers: api.h }),
    ),
  );
  expect(puts.map((r) => r.status())).toEqual(added.map(() => 204));
  const all = ["made", ...added].sort();
  expect(((await (await api.get(img.id)).json()) as Img).tags.sort()).toEqual(all);
  for (const t of added) expect(await listed(t), t).toEqual([{ id: img.id, tags: all }]);
  const both = await api.list(`run_id=${own}&tag=made&tag=${encodeURIComponent(added[3]!)}`);
  expect(((await both.json()).images as Img[]).map((i) => i.id)).toEqual([img.id]);

  // Removed at once, too.
  const dels = await Promise.all(
    added
      .slice(0, 6)
      .map((t) =>
        api.request.delete(`/image/v2/images/${img.id}/tags/${encodeURIComponent(t)}`, { headers: api.h }),
      ),
  );
  expect(dels.map((r) => r.status())).toEqual(added.slice(0, 6).map(() => 204));
  const left = ["made", ...added.slice(6)].sort();
  expect(await listed(added[0]!)).toEqual([]);
  expect(await listed(added[6]!)).toEqual([{ id: img.id, tags: left }]);
  // A missing tag is 404 and changes nothing.
  const missing = await api.request.delete(
    `/image/v2/images/${img.id}/tags/${encodeURIComponent(added[0]!)}`,
    {
      headers: api.h,
    },
  );
  expect(missing.status()).toBe(404);
  expect(await listed("made")).toEqual([{ id: img.id, tags: left }]);

  // PATCH replaces the whole set.
  const patched = await api.patch(img.id, [{ op: "replace", path: "/tags", value: ["p1", "p2"] }]);
  expect(patched.status(), await patched.text()).toBe(200);
  expect(await listed("made")).toEqual([]);
  expect(await listed("p2")).toEqual([{ id: img.id, tags: ["p1", "p2"] }]);
  const cleared = await api.patch(img.id, [{ op: "replace", path: "/tags", value: [] }]);
  expect(cleared.status(), await cleared.text()).toBe(200);
  expect(await listed("p1")).toEqual([]);
  const plain = await api.list(`run_id=${own}`);
  expect(((await plain.json()).images as Img[]).map((i) => i.tags)).toEqual([[]]);
});
