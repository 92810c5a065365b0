import { expect, issueToken, randomName, test } from "../fixtures";

// Identity administration in Keystone's shapes: projects, users, roles, role assignments,
// application credentials; who may do what.

test("POST/GET/PATCH/DELETE /identity/v3/projects – lifecycle, duplicates and not-found", async ({
  request,
  adminToken,
}) => {
  const h = { "x-auth-token": adminToken };
  const name = randomName("proj");
  const created = await request.post("/identity/v3/projects", {
    headers: h,
    data: { project: { name, description: "d" } },
  });
  expect(created.status()).toBe(201);
  const project = (await created.json()).project;
  expect(project).toMatchObject({
    name,
    domain_id: "default",
    enabled: true,
    is_domain: false,
    description: "d",
  });
  expect(
    (await request.post("/identity/v3/projects", { headers: h, data: { project: { name } } })).status(),
  ).toBe(409);
  const listed = await (await request.get(`/identity/v3/projects?name=${name}`, { headers: h })).json();
  expect(listed.projects.map((p: { id: string }) => p.id)).toEqual([project.id]);
  const patched = await request.patch(`/identity/v3/projects/${project.id}`, {
    headers: h,
    data: { project: { description: "changed", enabled: false } },
  });
  expect((await patched.json()).project).toMatchObject({ description: "changed", enabled: false });
  expect((await request.get(`/identity/v3/projects?name=${name}&enabled=false`, { headers: h })).ok()).toBe(
    true,
  );
  expect((await request.delete(`/identity/v3/projects/${project.id}`, { headers: h })).status()).toBe(204);
  const gone = await request.get(`/identity/v3/projects/${project.id}`, { headers: h });
  expect(gone.status()).toBe(404);
  expect((await gone.json()).error.message).toBe(`Could not find project: ${project.id}.`);
  expect(
    (await request.post("/identity/v3/projects", { headers: h, data: { project: { name: "" } } })).status(),
  ).toBe(400);
});

test("POST/GET/PATCH/DELETE /identity/v3/users – never returns a password, rejects short ones", async ({
  request,
  adminToken,
  identity,
}) => {
  const h = { "x-auth-token": adminToken };
  const project = await identity.createProject();
  const name = randomName("user");
  const created = await request.post("/identity/v3/users", {
    headers: h,
    data: {
      user: {
        name,
        password: "long-enough-pw",
        email: `${name}@example.org`,
        default_project_id: project.id,
      },
    },
  });
  expect(created.status()).toBe(201);
  const user = (await created.json()).user;
  expect(user).toMatchObject({ name, domain_id: "default", enabled: true, default_project_id: project.id });
  expect(JSON.stringify(user)).not.toContain("long-enough-pw");
  expect(user).not.toHaveProperty("password");
  expect(
    (
      await request.post("/identity/v3/users", {
        headers: h,
        data: { user: { name, password: "long-enough-pw" } },
      })
    ).status(),
  ).toBe(409);
  const short = await request.post("/identity/v3/users", {
    headers: h,
    data: { user: { name: randomName("u"), password: "short" } },
  });
  expect(short.status()).toBe(400);
  expect((await short.json()).error.message).toContain("at least 8 characters");
  const list = await (await request.get(`/identity/v3/users?name=${name}`, { headers: h })).json();
  expect(list.users).toHaveLength(1);
  expect(
    (
      await request.patch(`/identity/v3/users/${user.id}`, {
        headers: h,
        data: { user: { description: "x" } },
      })
    ).status(),
  ).toBe(200);
  expect((await request.delete(`/identity/v3/users/${user.id}`, { headers: h })).status()).toBe(204);
  expect((await request.get(`/identity/v3/users/${user.id}`, { headers: h })).status()).toBe(404);
});

test("role assignments: grant, check, list with names and effective roles, revoke", async ({
  request,
  adminToken,
  identity,
}) => {
  const h = { "x-auth-token": adminToken };
  const project = await identity.createProject();
  const user = await identity.createUser();
  const admin = await identity.roleId("admin");
  const url = `/identity/v3/projects/${project.id}/users/${user.id}/roles/${admin}`;
  expect((await request.head(url, { headers: h })).status()).toBe(404);
  expect((await request.put(url, { headers: h })).status()).toBe(204);
  expect((await request.put(url, { headers: h })).status()).toBe(204); // idempotent
  expect((await request.head(url, { headers: h })).status()).toBe(204);
  const direct = await (
    await request.get(`/identity/v3/role_assignments?scope.project.id=${project.id}&include_names=true`, {
      headers: h,
    })
  ).json();
  expect(direct.role_assignments).toHaveLength(1);
  expect(direct.role_assignments[0]).toMatchObject({
    role: { id: admin, name: "admin" },
    user: { id: user.id, name: user.name, domain: { id: "default", name: "Default" } },
    scope: { project: { id: project.id, name: project.name } },
  });
  const effective = await (
    await request.get(
      `/identity/v3/role_assignments?scope.project.id=${project.id}&effective&include_names`,
      { headers: h },
    )
  ).json();
  expect(effective.role_assignments.map((a: { role: { name: string } }) => a.role.name).sort()).toEqual([
    "admin",
    "member",
    "reader",
  ]);
  const roles = await (
    await request.get(`/identity/v3/projects/${project.id}/users/${user.id}/roles`, { headers: h })
  ).json();
  expect(roles.roles.map((r: { name: string }) => r.name)).toEqual(["admin"]);
  expect((await request.delete(url, { headers: h })).status()).toBe(204);
  expect((await request.delete(url, { headers: h })).status()).toBe(404);
  expect(
    (
      await request.put(`/identity/v3/projects/${project.id}/users/${user.id}/roles/nope`, { headers: h })
    ).status(),
  ).toBe(404);
});

test("roles: create and delete a custom role; built-in roles cannot be deleted", async ({
  request,
  adminToken,
  identity,
}) => {
  const h = { "x-auth-token": adminToken };
  const name = randomName("role");
  const created = await request.post("/identity/v3/roles", { headers: h, data: { role: { name } } });
  expect(created.status()).toBe(201);
  const id = (await created.json()).role.id;
  expect((await request.post("/identity/v3/roles", { headers: h, data: { role: { name } } })).status()).toBe(
    409,
  );
  expect((await request.delete(`/identity/v3/roles/${id}`, { headers: h })).status()).toBe(204);
  const member = await identity.roleId("member");
  expect((await request.delete(`/identity/v3/roles/${member}`, { headers: h })).status()).toBe(403);
});

test("a member may not administer identity (403) but may read itself and its projects", async ({
  request,
  identity,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const h = { "x-auth-token": token };
  for (const [method, url, data] of [
    ["get", "/identity/v3/users", undefined],
    ["get", "/identity/v3/projects", undefined],
    ["post", "/identity/v3/projects", { project: { name: randomName("p") } }],
    ["post", "/identity/v3/users", { user: { name: randomName("u"), password: "long-enough-pw" } }],
    ["post", "/identity/v3/roles", { role: { name: randomName("r") } }],
  ] as const) {
    const res = await request.fetch(url, { method, headers: h, data });
    expect(res.status(), `${method} ${url}`).toBe(403);
    expect((await res.json()).error.message).toContain("admin role");
  }
  expect((await request.get(`/identity/v3/users/${user.id}`, { headers: h })).status()).toBe(200);
  const mine = await (await request.get(`/identity/v3/users/${user.id}/projects`, { headers: h })).json();
  expect(mine.projects.map((p: { id: string }) => p.id)).toEqual([project.id]);
  const auth = await (await request.get("/identity/v3/auth/projects", { headers: h })).json();
  expect(auth.projects.map((p: { id: string }) => p.id)).toEqual([project.id]);
  expect((await request.get(`/identity/v3/projects/${project.id}`, { headers: h })).status()).toBe(200);
  const other = await identity.createProject();
  expect((await request.get(`/identity/v3/projects/${other.id}`, { headers: h })).status()).toBe(403);
  const someone = await identity.createUser();
  expect((await request.get(`/identity/v3/users/${someone.id}`, { headers: h })).status()).toBe(403);
  expect((await request.get("/identity/v3/users")).status()).toBe(401);
});

test("application credentials: the secret is shown once, authenticates by id and by name, and dies with the credential", async ({
  request,
  identity,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const h = { "x-auth-token": token };
  const name = randomName("ci");
  const created = await request.post(`/identity/v3/users/${user.id}/application_credentials`, {
    headers: h,
    data: { application_credential: { name } },
  });
  expect(created.status()).toBe(201);
  const cred = (await created.json()).application_credential;
  expect(cred.secret).toBeTruthy();
  expect(cred).toMatchObject({ name, project_id: project.id, user_id: user.id, unrestricted: false });
  expect(cred.roles.map((r: { name: string }) => r.name).sort()).toEqual(["member", "reader"]);
  // Never shown again.
  const shown = await (
    await request.get(`/identity/v3/users/${user.id}/application_credentials/${cred.id}`, { headers: h })
  ).json();
  expect(shown.application_credential).not.toHaveProperty("secret");
  const listed = await (
    await request.get(`/identity/v3/users/${user.id}/application_credentials`, { headers: h })
  ).json();
  expect(JSON.stringify(listed)).not.toContain(cred.secret);
  expect(
    (
      await request.post(`/identity/v3/users/${user.id}/application_credentials`, {
        headers: h,
        data: { application_credential: { name } },
      })
    ).status(),
  ).toBe(409);

  const byId = await request.post("/identity/v3/auth/tokens", {
    data: {
      auth: {
        identity: {
          methods: ["application_credential"],
          application_credential: { id: cred.id, secret: cred.secret },
        },
      },
    },
  });
  expect(byId.status()).toBe(201);
  const body = (await byId.json()).token;
  expect(body.project.id).toBe(project.id);
  expect(body.application_credential).toMatchObject({ id: cred.id, name, restricted: true });
  const byName = await request.post("/identity/v3/auth/tokens", {
    data: {
      auth: {
        identity: {
          methods: ["application_credential"],
          application_credential: {
            name,
            secret: cred.secret,
            user: { name: user.name, domain: { id: "default" } },
          },
        },
      },
    },
  });
  expect(byName.status()).toBe(201);
  const appToken = byId.headers()["x-subject-token"]!;
  expect((await request.get("/image/v2/images", { headers: { "x-auth-token": appToken } })).status()).toBe(
    200,
  );
  const wrong = await request.post("/identity/v3/auth/tokens", {
    data: {
      auth: {
        identity: {
          methods: ["application_credential"],
          application_credential: { id: cred.id, secret: "wrong" },
        },
      },
    },
  });
  expect(wrong.status()).toBe(401);
  // A reader-only credential carries only reader.
  const reader = await request.post(`/identity/v3/users/${user.id}/application_credentials`, {
    headers: h,
    data: { application_credential: { name: randomName("ro"), roles: [{ name: "reader" }] } },
  });
  expect((await reader.json()).application_credential.roles.map((r: { name: string }) => r.name)).toEqual([
    "reader",
  ]);
  const notMine = await request.post(`/identity/v3/users/${user.id}/application_credentials`, {
    headers: h,
    data: { application_credential: { name: randomName("x"), roles: [{ name: "admin" }] } },
  });
  expect(notMine.status()).toBe(403);
  // Deleting the credential ends its tokens.
  expect(
    (
      await request.delete(`/identity/v3/users/${user.id}/application_credentials/${cred.id}`, { headers: h })
    ).status(),
  ).toBe(204);
  expect((await request.get("/image/v2/images", { headers: { "x-auth-token": appToken } })).status()).toBe(
    401,
  );
  // Only for oneself.
  const other = await identity.createUser();
  expect(
    (
      await request.post(`/identity/v3/users/${other.id}/application_credentials`, {
        headers: h,
        data: { application_credential: { name: "x" } },
      })
    ).status(),
  ).toBe(403);
});
