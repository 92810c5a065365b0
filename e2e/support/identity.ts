import { expect, type APIRequestContext } from "@playwright/test";
import crypto from "node:crypto";

// Helpers that drive the Identity API over HTTP, for test set-up and assertions.

export const randomName = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString("hex")}`;

/** A distinct fake client address, so sign-in throttling per address does not spill between tests. */
export const fakeAddress = () =>
  `10.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 254)}`;

export interface Scope {
  project?: { id?: string; name?: string; domain?: { id?: string; name?: string } };
}

export function passwordAuthBody(user: string, password: string, project?: string | null) {
  const auth: Record<string, unknown> = {
    identity: {
      methods: ["password"],
      password: { user: { name: user, domain: { id: "default" }, password } },
    },
  };
  if (project) auth.scope = { project: { name: project, domain: { id: "default" } } };
  return { auth };
}

/** Issues a token; returns it with the response body. Fails the test unless 201. */
export async function issueToken(
  request: APIRequestContext,
  user: string,
  password: string,
  project?: string | null,
): Promise<{ token: string; body: { token: Record<string, unknown> } }> {
  const res = await request.post("/identity/v3/auth/tokens", {
    data: passwordAuthBody(user, password, project),
    headers: { "x-forwarded-for": fakeAddress() },
  });
  expect(res.status(), await res.text()).toBe(201);
  return { token: res.headers()["x-subject-token"]!, body: await res.json() };
}

/** An admin-side helper: create projects and users and grant roles through the API. */
export class IdentityAdmin {
  constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
  ) {}

  private h() {
    return { "x-auth-token": this.token };
  }

  async createProject(name = randomName("proj")): Promise<{ id: string; name: string }> {
    const res = await this.request.post("/identity/v3/projects", {
      headers: this.h(),
      data: { project: { name, domain_id: "default", enabled: true } },
    });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()).project;
  }

  async createUser(
    name = randomName("user"),
    password = `pw-${crypto.randomBytes(6).toString("hex")}`,
    extra: Record<string, unknown> = {},
  ): Promise<{ id: string; name: string; password: string }> {
    const res = await this.request.post("/identity/v3/users", {
      headers: this.h(),
      data: { user: { name, password, domain_id: "default", enabled: true, ...extra } },
    });
    expect(res.status(), await res.text()).toBe(201);
    return { ...(await res.json()).user, password };
  }

  async roleId(name: string): Promise<string> {
    const res = await this.request.get(`/identity/v3/roles?name=${encodeURIComponent(name)}`, {
      headers: this.h(),
    });
    expect(res.status()).toBe(200);
    const roles = (await res.json()).roles as { id: string; name: string }[];
    return roles.find((r) => r.name === name)!.id;
  }

  async grant(projectId: string, userId: string, role: string): Promise<void> {
    const rid = await this.roleId(role);
    const res = await this.request.put(`/identity/v3/projects/${projectId}/users/${userId}/roles/${rid}`, {
      headers: this.h(),
    });
    expect(res.status(), await res.text()).toBe(204);
  }

  async revoke(projectId: string, userId: string, role: string): Promise<void> {
    const rid = await this.roleId(role);
    const res = await this.request.delete(`/identity/v3/projects/${projectId}/users/${userId}/roles/${rid}`, {
      headers: this.h(),
    });
    expect(res.status(), await res.text()).toBe(204);
  }

  /** A token of a new user holding `role` on the existing `project`. */
  async tokenOn(project: { id: string; name: string }, role: string): Promise<string> {
    const user = await this.createUser();
    await this.grant(project.id, user.id, role);
    return (await issueToken(this.request, user.name, user.password, project.name)).token;
  }

  /** A new project with a new user holding `role` on it. */
  async projectWithUser(role = "member") {
    const project = await this.createProject();
    const user = await this.createUser();
    await this.grant(project.id, user.id, role);
    return { project, user };
  }
}
