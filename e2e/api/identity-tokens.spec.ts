import { expect, fakeAddress, issueToken, passwordAuthBody, randomName, test } from "../fixtures";
import { ADMIN } from "../support/env";
import { startExtraServer } from "../support/server";

// POST/GET/HEAD/DELETE /identity/v3/auth/tokens and what a token lets a client do.

const auth = (body: object, address = fakeAddress()) => ({
  data: body,
  headers: { "x-forwarded-for": address },
});

test("GET /identity and /identity/v3 – version discovery", async ({ request }) => {
  const root = await request.get("/identity");
  expect(root.status()).toBe(300);
  expect((await root.json()).versions.values[0]).toMatchObject({ id: "v3.14", status: "stable" });
  const v3 = await request.get("/identity/v3");
  expect(v3.status()).toBe(200);
  expect((await v3.json()).version.links[0].href).toMatch(/\/identity\/v3\/$/);
});

test("POST /auth/tokens – the password method with every scope form", async ({ request, identity }) => {
  const { project, user } = await identity.projectWithUser("member");
  const forms: [string, object | undefined][] = [
    ["project by id", { project: { id: project.id } }],
    ["project by name and domain id", { project: { name: project.name, domain: { id: "default" } } }],
    ["project by name and domain name", { project: { name: project.name, domain: { name: "Default" } } }],
  ];
  for (const [label, scope] of forms) {
    const body = passwordAuthBody(user.name, user.password);
    (body.auth as Record<string, unknown>).scope = scope;
    const res = await request.post("/identity/v3/auth/tokens", auth(body));
    expect(res.status(), label).toBe(201);
    const token = (await res.json()).token;
    expect(res.headers()["x-subject-token"], label).toBeTruthy();
    expect(token.project.id, label).toBe(project.id);
    expect(token.roles.map((r: { name: string }) => r.name).sort(), label).toEqual(["member", "reader"]);
    expect(token.user.name).toBe(user.name);
    expect(new Date(token.expires_at).getTime()).toBeGreaterThan(Date.now());
    const image = token.catalog.find((s: { type: string }) => s.type === "image");
    expect(image.endpoints.map((e: { interface: string }) => e.interface).sort()).toEqual([
      "admin",
      "internal",
      "public",
    ]);
    for (const e of image.endpoints) {
      expect(e.url).toMatch(/\/image$/);
      expect(e.region).toBe("RegionOne");
    }
  }
  // Unscoped: no project, no catalog.
  const unscoped = await request.post(
    "/identity/v3/auth/tokens",
    auth({ auth: { ...passwordAuthBody(user.name, user.password).auth, scope: "unscoped" } }),
  );
  expect(unscoped.status()).toBe(201);
  expect((await unscoped.json()).token.project).toBeUndefined();
  // No scope: the user's default project (set by projectWithUser? no) — admin has one.
  const admin = await request.post(
    "/identity/v3/auth/tokens",
    auth(passwordAuthBody(ADMIN.name, ADMIN.password)),
  );
  expect((await admin.json()).token.project.name).toBe("admin");
});

test("POST /auth/tokens – wrong credentials are 401 and do not reveal whether the user exists", async ({
  request,
  identity,
}) => {
  const user = await identity.createUser();
  const wrong = await request.post(
    "/identity/v3/auth/tokens",
    auth(passwordAuthBody(user.name, "not-the-password")),
  );
  const unknown = await request.post(
    "/identity/v3/auth/tokens",
    auth(passwordAuthBody(randomName("ghost"), "whatever-pass")),
  );
  expect(wrong.status()).toBe(401);
  expect(unknown.status()).toBe(401);
  expect((await wrong.json()).error.message).toBe("The username or password is incorrect.");
  expect((await unknown.json()).error.message).toBe("The username or password is incorrect.");
});

test("POST /auth/tokens – another project's scope is refused", async ({ request, identity }) => {
  const mine = await identity.projectWithUser("member");
  const other = await identity.createProject();
  const res = await request.post(
    "/identity/v3/auth/tokens",
    auth(passwordAuthBody(mine.user.name, mine.user.password, other.name)),
  );
  expect(res.status()).toBe(401);
  expect((await res.json()).error.message).toContain("no role on project");
});

test("POST /auth/tokens – bad bodies are 400, unknown methods 401", async ({ request }) => {
  const bad = await request.post("/identity/v3/auth/tokens", {
    headers: { "content-type": "application/json" },
    data: Buffer.from("{not json"),
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("Malformed JSON");
  expect((await request.post("/identity/v3/auth/tokens", { data: { auth: {} } })).status()).toBe(400);
  const totp = await request.post("/identity/v3/auth/tokens", {
    data: { auth: { identity: { methods: ["totp"], totp: {} } } },
  });
  expect(totp.status()).toBe(401);
});

test("a disabled user cannot get a token, and loses the ones it had", async ({
  request,
  identity,
  adminToken,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const off = await request.patch(`/identity/v3/users/${user.id}`, {
    headers: { "x-auth-token": adminToken },
    data: { user: { enabled: false } },
  });
  expect(off.status()).toBe(200);
  expect(
    (
      await request.post(
        "/identity/v3/auth/tokens",
        auth(passwordAuthBody(user.name, user.password, project.name)),
      )
    ).status(),
  ).toBe(401);
  expect((await request.get("/image/v2/images", { headers: { "x-auth-token": token } })).status()).toBe(401);
});

test("GET/HEAD/DELETE /auth/tokens – validate, check and revoke", async ({
  request,
  identity,
  adminToken,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const own = { "x-auth-token": token, "x-subject-token": token };
  const v = await request.get("/identity/v3/auth/tokens", { headers: own });
  expect(v.status()).toBe(200);
  expect((await v.json()).token.user.id).toBe(user.id);
  expect((await request.head("/identity/v3/auth/tokens", { headers: own })).status()).toBe(200);
  // Another (non-admin) user may not look at this token; an admin may.
  const other = await identity.projectWithUser("member");
  const otherToken = (await issueToken(request, other.user.name, other.user.password, other.project.name))
    .token;
  expect(
    (
      await request.get("/identity/v3/auth/tokens", {
        headers: { "x-auth-token": otherToken, "x-subject-token": token },
      })
    ).status(),
  ).toBe(403);
  expect(
    (
      await request.get("/identity/v3/auth/tokens", {
        headers: { "x-auth-token": adminToken, "x-subject-token": token },
      })
    ).status(),
  ).toBe(200);
  // Revoke: the token is gone for validation and for every API.
  expect(
    (
      await request.delete("/identity/v3/auth/tokens", {
        headers: { "x-auth-token": adminToken, "x-subject-token": token },
      })
    ).status(),
  ).toBe(204);
  expect(
    (
      await request.get("/identity/v3/auth/tokens", {
        headers: { "x-auth-token": adminToken, "x-subject-token": token },
      })
    ).status(),
  ).toBe(404);
  const after = await request.get("/image/v2/images", { headers: { "x-auth-token": token } });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.message).toContain("revoked");
});

test("a missing or bad token is 401 with a body that says what to check and WWW-Authenticate", async ({
  request,
}) => {
  const cases: Record<string, string>[] = [
    {},
    { "x-auth-token": "nonsense" },
    { authorization: "Bearer nonsense" },
  ];
  for (const headers of cases) {
    const res = await request.get("/image/v2/images", { headers });
    expect(res.status()).toBe(401);
    expect(res.headers()["www-authenticate"]).toMatch(/^Keystone uri=".*\/identity\/v3"$/);
    const message = (await res.json()).error.message as string;
    expect(message).toContain("X-Auth-Token");
    expect(message).toContain("openstack token issue");
  }
});

test("Authorization: Bearer works like X-Auth-Token", async ({ request, adminToken }) => {
  expect(
    (await request.get("/image/v2/images", { headers: { authorization: `Bearer ${adminToken}` } })).status(),
  ).toBe(200);
});

test("tokens expire", async ({ request, identity }) => {
  const server = await startExtraServer({ IRIS_TOKEN_TTL: "2" });
  try {
    const { project, user } = await identity.projectWithUser("member");
    const res = await request.post(
      `${server.url}/identity/v3/auth/tokens`,
      auth(passwordAuthBody(user.name, user.password, project.name)),
    );
    expect(res.status()).toBe(201);
    const token = res.headers()["x-subject-token"]!;
    const expires = new Date((await res.json()).token.expires_at).getTime();
    expect(expires - Date.now()).toBeLessThanOrEqual(2500);
    expect(
      (await request.get(`${server.url}/image/v2/images`, { headers: { "x-auth-token": token } })).status(),
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 2500));
    const later = await request.get(`${server.url}/image/v2/images`, { headers: { "x-auth-token": token } });
    expect(later.status()).toBe(401);
    expect((await later.json()).error.message).toContain("expired");
  } finally {
    await server.stop();
  }
});

test("changing a password ends the user's tokens", async ({ request, identity }) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const second = (await issueToken(request, user.name, user.password, project.name)).token;
  const change = await request.post(`/identity/v3/users/${user.id}/password`, {
    headers: { "x-auth-token": token },
    data: { user: { original_password: user.password, password: "a-brand-new-password" } },
  });
  expect(change.status()).toBe(204);
  for (const t of [token, second]) {
    const res = await request.get("/image/v2/images", { headers: { "x-auth-token": t } });
    expect(res.status()).toBe(401);
  }
  expect(
    (
      await request.post(
        "/identity/v3/auth/tokens",
        auth(passwordAuthBody(user.name, user.password, project.name)),
      )
    ).status(),
  ).toBe(401);
  await issueToken(request, user.name, "a-brand-new-password", project.name);
});

test("an admin resetting a password ends the user's tokens too", async ({
  request,
  identity,
  adminToken,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const res = await request.patch(`/identity/v3/users/${user.id}`, {
    headers: { "x-auth-token": adminToken },
    data: { user: { password: "reset-by-admin-1" } },
  });
  expect(res.status()).toBe(200);
  expect((await request.get("/image/v2/images", { headers: { "x-auth-token": token } })).status()).toBe(401);
});

test("removing a role ends the user's tokens on that project only", async ({ request, identity }) => {
  const a = await identity.projectWithUser("member");
  const b = await identity.createProject();
  await identity.grant(b.id, a.user.id, "member");
  const tokenA = (await issueToken(request, a.user.name, a.user.password, a.project.name)).token;
  const tokenB = (await issueToken(request, a.user.name, a.user.password, b.name)).token;
  await identity.revoke(a.project.id, a.user.id, "member");
  expect((await request.get("/image/v2/images", { headers: { "x-auth-token": tokenA } })).status()).toBe(401);
  expect((await request.get("/image/v2/images", { headers: { "x-auth-token": tokenB } })).status()).toBe(200);
});

test("sign-in throttling per account: the right password is refused once locked, for unknown accounts too", async ({
  request,
  identity,
}) => {
  const user = await identity.createUser();
  const project = await identity.createProject();
  await identity.grant(project.id, user.id, "member");
  for (let i = 0; i < 5; i++)
    expect(
      (
        await request.post("/identity/v3/auth/tokens", auth(passwordAuthBody(user.name, "wrong-password")))
      ).status(),
    ).toBe(401);
  const locked = await request.post(
    "/identity/v3/auth/tokens",
    auth(passwordAuthBody(user.name, user.password, project.name)),
  );
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await locked.json()).error.message).toContain("Too many failed sign-in attempts");
  const ghost = randomName("ghost");
  for (let i = 0; i < 5; i++)
    await request.post("/identity/v3/auth/tokens", auth(passwordAuthBody(ghost, "x-password")));
  expect(
    (await request.post("/identity/v3/auth/tokens", auth(passwordAuthBody(ghost, "x-password")))).status(),
  ).toBe(429);
});

test("sign-in throttling per address", async ({ request, identity }) => {
  const address = fakeAddress();
  for (let i = 0; i < 20; i++)
    await request.post(
      "/identity/v3/auth/tokens",
      auth(passwordAuthBody(randomName("nobody"), "x-password"), address),
    );
  const { project, user } = await identity.projectWithUser("member");
  const res = await request.post(
    "/identity/v3/auth/tokens",
    auth(passwordAuthBody(user.name, user.password, project.name), address),
  );
  expect(res.status()).toBe(429);
  // The same account from another address is fine.
  expect(
    (
      await request.post(
        "/identity/v3/auth/tokens",
        auth(passwordAuthBody(user.name, user.password, project.name)),
      )
    ).status(),
  ).toBe(201);
});
