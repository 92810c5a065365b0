// Glance's default image policy (new defaults, project scope), from openstack/glance
// glance/policies/base.py and glance/policies/image.py: admin, member and reader personas; the
// owner project; publicizing admin-only; members of a shared image as member_id.

const ADMIN = "rule:context_is_admin";
const PROJECT_MEMBER = "role:member and project_id:%(project_id)s";
const ADMIN_OR_PROJECT_MEMBER = `${ADMIN} or (${PROJECT_MEMBER})`;
const ADMIN_OR_PROJECT_READER = `${ADMIN} or (role:reader and project_id:%(project_id)s)`;
const VISIBLE =
  "project_id:%(project_id)s or project_id:%(member_id)s or 'community':%(visibility)s or 'public':%(visibility)s or 'shared':%(visibility)s";

export const DEFAULT_RULES: Record<string, string> = {
  default: "",
  context_is_admin: "role:admin",
  admin_or_project_member: ADMIN_OR_PROJECT_MEMBER,
  admin_or_project_reader: ADMIN_OR_PROJECT_READER,

  add_image: `${ADMIN} or (role:member and project_id:%(owner)s)`,
  delete_image: ADMIN_OR_PROJECT_MEMBER,
  get_image: `${ADMIN} or (role:reader and (${VISIBLE}))`,
  get_images: ADMIN_OR_PROJECT_READER,
  modify_image: ADMIN_OR_PROJECT_MEMBER,
  publicize_image: "role:admin",
  communitize_image: ADMIN_OR_PROJECT_MEMBER,
  download_image: `${ADMIN} or (role:member and (${VISIBLE}))`,
  upload_image: ADMIN_OR_PROJECT_MEMBER,
  deactivate: ADMIN_OR_PROJECT_MEMBER,
  reactivate: ADMIN_OR_PROJECT_MEMBER,
  copy_image: "role:admin",

  get_image_location: ADMIN_OR_PROJECT_READER,
  set_image_location: ADMIN_OR_PROJECT_MEMBER,
  delete_image_location: "role:admin",

  add_member: ADMIN_OR_PROJECT_MEMBER,
  delete_member: ADMIN_OR_PROJECT_MEMBER,
  get_member: `${ADMIN} or (role:reader and (project_id:%(project_id)s or project_id:%(member_id)s))`,
  get_members: `${ADMIN} or (role:reader and (project_id:%(project_id)s or project_id:%(member_id)s))`,
  modify_member: `${ADMIN} or (role:member and project_id:%(member_id)s)`,

  stores_info_detail: "role:admin",
  // Iris: GET /v2/info/usage?project_id=… for a project other than the caller's.
  get_project_usage: "role:admin",
  get_task: "role:admin",
  get_tasks: "role:admin",
  tasks_api_access: "role:admin",
};
