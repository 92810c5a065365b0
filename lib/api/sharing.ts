import { apiFetch } from "./client";
import type { Image, ImageMember } from "./images";

// Sharing as the dashboard uses it: Glance's member API (/image/v2/images/{id}/members) for every
// change, and the dashboard's read-only views (/api/dashboard/...) for names and the inbox.

export type MemberStatus = "pending" | "accepted" | "rejected";

export interface ProjectRef {
  id: string;
  name: string;
  domain: string;
}

export interface UserRef {
  id: string;
  name: string | null;
}

/** A member of an image as its owner sees it on the dashboard. */
export interface MemberDetail {
  member_id: string;
  project_name: string | null;
  project_domain: string | null;
  status: MemberStatus;
  created_at: string;
  updated_at: string;
  shared_by: UserRef | null;
  decided_by: UserRef | null;
  decided_at: string | null;
}

/** An image offered to the current project, with its owner project and the offer's state. */
export interface InboxItem {
  image: Image;
  member: { status: MemberStatus; shared_at: string; updated_at: string; decided_at: string | null };
  owner: { id: string | null; name: string | null };
}

export type InboxCounts = Record<MemberStatus, number>;

const img = (id: string) => `/image/v2/images/${encodeURIComponent(id)}`;

export const sharingApi = {
  /** Projects whose name starts with `q` (or whose id is `q`); at least 2 characters. */
  searchProjects: (q: string, signal?: AbortSignal) =>
    apiFetch<{ projects: ProjectRef[] }>(`/api/dashboard/projects?q=${encodeURIComponent(q)}`, {
      signal,
    }).then((r) => r.projects),
  members: (imageId: string, signal?: AbortSignal) =>
    apiFetch<{ members: MemberDetail[] }>(`/api/dashboard/images/${encodeURIComponent(imageId)}/members`, {
      signal,
    }).then((r) => r.members),
  addMember: (imageId: string, projectId: string) =>
    apiFetch<ImageMember>(`${img(imageId)}/members`, { method: "POST", body: { member: projectId } }),
  removeMember: (imageId: string, projectId: string) =>
    apiFetch<void>(`${img(imageId)}/members/${encodeURIComponent(projectId)}`, { method: "DELETE" }),
  /** The member project's decision on an offered image. */
  decide: (imageId: string, projectId: string, status: MemberStatus) =>
    apiFetch<ImageMember>(`${img(imageId)}/members/${encodeURIComponent(projectId)}`, {
      method: "PUT",
      body: { status },
    }),
  inbox: (status: MemberStatus, signal?: AbortSignal) =>
    apiFetch<{ images: InboxItem[]; counts: InboxCounts }>(
      `/api/dashboard/shared-images?member_status=${status}`,
      { signal },
    ),
  counts: (signal?: AbortSignal) =>
    apiFetch<{ counts: InboxCounts }>(`/api/dashboard/shared-images?count_only=true`, { signal }).then(
      (r) => r.counts,
    ),
};
