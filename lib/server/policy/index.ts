import "server-only";
import { forbidden } from "../errors";

// Interim policy module (Glance's new default rules as functions) until the rule engine lands.

export type PolicyCaller = { projectId: string | null; roles: string[]; userId: string };
export type PolicyTarget = Record<string, string | boolean | null | undefined>;

const has = (c: PolicyCaller, r: string) => c.roles.includes(r);
const admin = (c: PolicyCaller) => has(c, "admin");
const proj = (c: PolicyCaller, v: unknown) => !!c.projectId && c.projectId === v;
const visibleKinds = (t: PolicyTarget) => ["community", "public", "shared"].includes(String(t.visibility));

const RULES: Record<string, (c: PolicyCaller, t: PolicyTarget) => boolean> = {
  add_image: (c, t) => admin(c) || (has(c, "member") && proj(c, t.owner)),
  delete_image: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  get_image: (c, t) =>
    admin(c) || (has(c, "reader") && (proj(c, t.project_id) || proj(c, t.member_id) || visibleKinds(t))),
  get_images: (c, t) => admin(c) || (has(c, "reader") && proj(c, t.project_id)),
  modify_image: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  publicize_image: (c) => admin(c),
  communitize_image: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  download_image: (c, t) =>
    admin(c) || (has(c, "member") && (proj(c, t.project_id) || proj(c, t.member_id) || visibleKinds(t))),
  upload_image: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  deactivate: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  reactivate: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  add_member: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  delete_member: (c, t) => admin(c) || (has(c, "member") && proj(c, t.project_id)),
  get_member: (c, t) => admin(c) || (has(c, "reader") && (proj(c, t.project_id) || proj(c, t.member_id))),
  get_members: (c, t) => admin(c) || (has(c, "reader") && (proj(c, t.project_id) || proj(c, t.member_id))),
  modify_member: (c, t) => admin(c) || (has(c, "member") && proj(c, t.member_id)),
};

export function can(action: string, caller: PolicyCaller, target: PolicyTarget = {}): boolean {
  const rule = RULES[action];
  return rule ? rule(caller, { project_id: caller.projectId, ...target }) : admin(caller);
}

export function assertAllowed(
  action: string,
  caller: PolicyCaller,
  target: PolicyTarget = {},
  message?: string,
): void {
  if (!can(action, caller, target))
    throw forbidden(message ?? `You are not authorized to complete ${action} action.`);
}

export function imageTarget(
  image: { owner: string | null; visibility: string },
  memberStatus?: string | null,
  memberId?: string | null,
): PolicyTarget {
  return {
    owner: image.owner,
    project_id: image.owner,
    visibility: image.visibility,
    member_status: memberStatus ?? null,
    member_id: memberId ?? null,
  };
}
