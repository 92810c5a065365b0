import { apiFetch } from "./client";

// The Identity API (Keystone shapes) as the dashboard uses it, with the session cookie.

export interface Project {
  id: string;
  name: string;
  description: string;
  enabled: boolean;
  domain_id: string;
}
export interface User {
  id: string;
  name: string;
  email?: string;
  description: string;
  enabled: boolean;
  default_project_id?: string;
}
export interface Role {
  id: string;
  name: string;
}
export interface Assignment {
  role: { id: string; name: string };
  user: { id: string; name: string };
  scope: { project: { id: string; name: string } };
}
export interface AppCredential {
  id: string;
  name: string;
  description: string;
  project_id: string;
  roles: Role[];
  expires_at: string | null;
  secret?: string;
}

const V3 = "/identity/v3";

export const identityApi = {
  /** The projects the signed-in user may scope to (any user may ask). */
  myProjects: () => apiFetch<{ projects: Project[] }>(`${V3}/auth/projects`).then((r) => r.projects),
  projects: () => apiFetch<{ projects: Project[] }>(`${V3}/projects`).then((r) => r.projects),
  project: (id: string) => apiFetch<{ project: Project }>(`${V3}/projects/${id}`).then((r) => r.project),
  createProject: (p: { name: string; description?: string }) =>
    apiFetch<{ project: Project }>(`${V3}/projects`, { method: "POST", body: { project: p } }).then(
      (r) => r.project,
    ),
  updateProject: (id: string, p: Partial<Pick<Project, "name" | "description" | "enabled">>) =>
    apiFetch<{ project: Project }>(`${V3}/projects/${id}`, { method: "PATCH", body: { project: p } }).then(
      (r) => r.project,
    ),
  deleteProject: (id: string) => apiFetch<void>(`${V3}/projects/${id}`, { method: "DELETE" }),

  users: () => apiFetch<{ users: User[] }>(`${V3}/users`).then((r) => r.users),
  user: (id: string) => apiFetch<{ user: User }>(`${V3}/users/${id}`).then((r) => r.user),
  createUser: (u: { name: string; password: string; email?: string; default_project_id?: string }) =>
    apiFetch<{ user: User }>(`${V3}/users`, { method: "POST", body: { user: u } }).then((r) => r.user),
  updateUser: (
    id: string,
    u: Partial<{ enabled: boolean; password: string; email: string; description: string }>,
  ) =>
    apiFetch<{ user: User }>(`${V3}/users/${id}`, { method: "PATCH", body: { user: u } }).then((r) => r.user),
  deleteUser: (id: string) => apiFetch<void>(`${V3}/users/${id}`, { method: "DELETE" }),
  changePassword: (id: string, original: string, password: string) =>
    apiFetch<void>(`${V3}/users/${id}/password`, {
      method: "POST",
      body: { user: { original_password: original, password } },
    }),

  roles: () => apiFetch<{ roles: Role[] }>(`${V3}/roles`).then((r) => r.roles),
  assignments: (f: { projectId?: string; userId?: string }) => {
    const q = new URLSearchParams({ include_names: "true" });
    if (f.projectId) q.set("scope.project.id", f.projectId);
    if (f.userId) q.set("user.id", f.userId);
    return apiFetch<{ role_assignments: Assignment[] }>(`${V3}/role_assignments?${q}`).then(
      (r) => r.role_assignments,
    );
  },
  grant: (projectId: string, userId: string, roleId: string) =>
    apiFetch<void>(`${V3}/projects/${projectId}/users/${userId}/roles/${roleId}`, { method: "PUT" }),
  revoke: (projectId: string, userId: string, roleId: string) =>
    apiFetch<void>(`${V3}/projects/${projectId}/users/${userId}/roles/${roleId}`, { method: "DELETE" }),

  appCredentials: (userId: string) =>
    apiFetch<{ application_credentials: AppCredential[] }>(
      `${V3}/users/${userId}/application_credentials`,
    ).then((r) => r.application_credentials),
  createAppCredential: (userId: string, c: { name: string; description?: string }) =>
    apiFetch<{ application_credential: AppCredential }>(`${V3}/users/${userId}/application_credentials`, {
      method: "POST",
      body: { application_credential: c },
    }).then((r) => r.application_credential),
  deleteAppCredential: (userId: string, id: string) =>
    apiFetch<void>(`${V3}/users/${userId}/application_credentials/${id}`, { method: "DELETE" }),
};
