import crypto from "node:crypto";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { expect, randomName, test } from "../fixtures";
import { PATCH_V21 } from "../support/images";

// The authorization matrix (issue 15): every image operation, called by every secure-RBAC persona
// on an image of every visibility, answers what Glance's default policies answer. The expected
// cells below are written from openstack/glance 25.1.0 with secure RBAC enforced
// ([DEFAULT] enforce_secure_rbac, [oslo_policy] enforce_new_defaults and enforce_scope all true;
// the rules are unchanged in 2025.1), never from what Iris does:
//   glance/policies/base.py, image.py, discovery.py, tasks.py   the default rules
//   glance/api/v2/policy.py    ImageAPIPolicy._enforce: a refused rule is 404 when get_image is
//                              refused too (the caller may not see the image), else 403;
//                              MemberAPIPolicy checks get_image first
//   glance/api/policy.py       ImageTarget: project_id is the image's owner; member_id is the
//                              caller's project for a shared image it does not own, else None
//   glance/db/sqlalchemy/api.py, glance/db/utils.py   is_image_visible (admin, owner, public,
//                              community, or a member of a shared image in any status) and the
//                              list query (_select_images_query, image_get_all)
//   glance/api/v2/images.py, image_data.py, image_members.py, image_actions.py, image_tags.py,
//   discovery.py, tasks.py     the order of the checks in each handler
// Glance's role:admin is not bound to a project: an admin of any project is a cloud admin.
// Roles imply each other as Keystone's defaults do (admin ⊃ member ⊃ reader).
// Checked against a real Glance 25.1 (Debian 2:25.1.0-2+deb12u5, /work/shared/openstack with
// those three settings) and Keystone 22: all 2,760 cells but the tus rows (Iris's own) as written.

const PERSONAS = [
  "cloud",
  "A-adm",
  "A-mem",
  "A-rdr",
  "B-adm",
  "B-mem",
  "B-rdr",
  "C-adm",
  "C-mem",
  "C-rdr",
] as const;
type Persona = (typeof PERSONAS)[number];

// Every image belongs to project A, except B-private (project B). The shared images have project B
// as a member in the given status; project C is a member of none.
const KINDS = [
  "private",
  "shared-pending",
  "shared-accepted",
  "shared-rejected",
  "community",
  "public",
  "B-private",
] as const;
type Kind = (typeof KINDS)[number];

const visibilityOf = (k: Kind) => (k.startsWith("shared") ? "shared" : k === "B-private" ? "private" : k);

// ---------------------------------------------------------------------------------------- tables
// A table: a header naming the personas, then one line per image kind (or per operation): a label
// and one cell per persona. A cell is a status code, `ok` (the row's success code), `+` (the image
// is in the list) or `-` (it is not): what Glance answers. A `*` after it marks a documented
// exception, where Iris deliberately answers otherwise (the row's `exception` says what and why).

type Table = Map<string, string[]>;

function table(src: string): Table {
  const lines = src
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const header = lines.shift()!.split(/\s+/);
  if (header.join(" ") !== PERSONAS.join(" ")) throw new Error(`table header is not the personas: ${header}`);
  const out: Table = new Map();
  for (const line of lines) {
    const words = line.split(/\s+/);
    const cells = words.slice(-PERSONAS.length);
    if (words.length <= PERSONAS.length || cells.some((c) => !/^(ok|[+-]|\d{3})\*?$/.test(c)))
      throw new Error(`bad table line: ${line}`);
    out.set(words.slice(0, -PERSONAS.length).join(" "), cells);
  }
  return out;
}

function imageTable(src: string): Table {
  const t = table(src);
  if ([...t.keys()].join(" ") !== KINDS.join(" "))
    throw new Error(`table rows are not the kinds: ${[...t.keys()]}`);
  return t;
}

// Visible images (get_image: "role:admin or (role:reader and (project_id:%(project_id)s or
// project_id:%(member_id)s or 'community':%(visibility)s or 'public':%(visibility)s or
// 'shared':%(visibility)s))", behind is_image_visible): 200, else 404.
const SEE = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            ok    ok    ok    ok    ok   404   404    ok   404   404
  shared-pending     ok    ok    ok    ok    ok    ok    ok    ok   404   404
  shared-accepted    ok    ok    ok    ok    ok    ok    ok    ok   404   404
  shared-rejected    ok    ok    ok    ok    ok    ok    ok    ok   404   404
  community          ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
  public             ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
  B-private          ok    ok   404   404    ok    ok    ok    ok   404   404
`);

// GET /v2/images?marker=<the image>: image_get_all looks the marker up with _image_get, which
// raises Forbidden for an image the caller may not see (a missing one is NotFound), and index
// answers Forbidden with 403 (NotFound: 400). The 403 tells that the image exists: Iris answers
// 400 as for a missing marker (documented exception, README "Image API").
const MARKER = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            ok    ok    ok    ok    ok   403*  403*   ok   403*  403*
  shared-pending     ok    ok    ok    ok    ok    ok    ok    ok   403*  403*
  shared-accepted    ok    ok    ok    ok    ok    ok    ok    ok   403*  403*
  shared-rejected    ok    ok    ok    ok    ok    ok    ok    ok   403*  403*
  community          ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
  public             ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
  B-private          ok    ok   403*  403*   ok    ok    ok    ok   403*  403*
`);

// Visible, but refused to everyone (PATCH of locations: set_image_location, then
// show_multiple_locations=False is 403 for all, images.py _do_add_locations).
const SEE_403 = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           403   403   403   403   403   404   404   403   404   404
  shared-pending    403   403   403   403   403   403   403   403   404   404
  shared-accepted   403   403   403   403   403   403   403   403   404   404
  shared-rejected   403   403   403   403   403   403   403   403   404   404
  community         403   403   403   403   403   403   403   403   403   403
  public            403   403   403   403   403   403   403   403   403   403
  B-private         403   403   404   404   403   403   403   403   404   404
`);

// download_image: "role:admin or (role:member and (project_id:%(project_id)s or
// project_id:%(member_id)s or 'community'… or 'public'… or 'shared'…))": any member of a project
// that sees the image; readers 403.
const DOWNLOAD = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            ok    ok    ok   403    ok   404   404    ok   404   404
  shared-pending     ok    ok    ok   403    ok    ok   403    ok   404   404
  shared-accepted    ok    ok    ok   403    ok    ok   403    ok   404   404
  shared-rejected    ok    ok    ok   403    ok    ok   403    ok   404   404
  community          ok    ok    ok   403    ok    ok   403    ok    ok   403
  public             ok    ok    ok   403    ok    ok   403    ok    ok   403
  B-private          ok    ok   404   404    ok    ok   403    ok   404   404
`);

// ADMIN_OR_PROJECT_MEMBER, "role:admin or (role:member and project_id:%(project_id)s)": admins and
// members of the owner project; a caller who sees the image otherwise 403.
const OWNER_MEMBER = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            ok    ok    ok   403    ok   404   404    ok   404   404
  shared-pending     ok    ok    ok   403    ok   403   403    ok   404   404
  shared-accepted    ok    ok    ok   403    ok   403   403    ok   404   404
  shared-rejected    ok    ok    ok   403    ok   403   403    ok   404   404
  community          ok    ok    ok   403    ok   403   403    ok   403   403
  public             ok    ok    ok   403    ok   403   403    ok   403   403
  B-private          ok    ok   404   404    ok    ok   403    ok   404   404
`);

// "role:admin" alone (publicize_image, copy_image, delete_image_location, stores_info_detail;
// also Glance's hard-coded admin checks): a caller who sees the image otherwise 403.
const ADMIN_ONLY = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            ok    ok   403   403    ok   404   404    ok   404   404
  shared-pending     ok    ok   403   403    ok   403   403    ok   404   404
  shared-accepted    ok    ok   403   403    ok   403   403    ok   404   404
  shared-rejected    ok    ok   403   403    ok   403   403    ok   404   404
  community          ok    ok   403   403    ok   403   403    ok   403   403
  public             ok    ok   403   403    ok   403   403    ok   403   403
  B-private          ok    ok   404   404    ok   403   403    ok   404   404
`);

// GET /v2/images/{id}/members/{B} (image_members.py show): get_member as get_members, and every
// refusal turned into 404 "to prevent information leakage".
const MEMBER_SHOW = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           404   404   404   404   404   404   404   404   404   404
  shared-pending     ok    ok    ok    ok    ok    ok    ok    ok   404   404
  shared-accepted    ok    ok    ok    ok    ok    ok    ok    ok   404   404
  shared-rejected    ok    ok    ok    ok    ok    ok    ok    ok   404   404
  community         404   404   404   404   404   404   404   404   404   404
  public            404   404   404   404   404   404   404   404   404   404
  B-private         404   404   404   404   404   404   404   404   404   404
`);

// POST /v2/images/{id}/members and DELETE …/members/{B}: "Only shared images have members." 403;
// then (delete: get_member to find B) add_member / delete_member, ADMIN_OR_PROJECT_MEMBER.
const MEMBER_OWNER = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           403   403   403   403   403   404   404   403   404   404
  shared-pending     ok    ok    ok   403    ok   403   403    ok   404   404
  shared-accepted    ok    ok    ok   403    ok   403   403    ok   404   404
  shared-rejected    ok    ok    ok   403    ok   403   403    ok   404   404
  community         403   403   403   403   403   403   403   403   403   403
  public            403   403   403   403   403   403   403   403   403   403
  B-private         403   403   404   404   403   403   403   403   404   404
`);

// PUT /v2/images/{id}/members/{B} {"status": "accepted"}: "Only shared images have members." 403;
// get_member; then modify_member, ADMIN_OR_SHARED_MEMBER, "role:admin or (role:member and
// project_id:%(member_id)s)": only the member project's members decide, not the owner.
const MEMBER_DECIDE = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           403   403   403   403   403   404   404   403   404   404
  shared-pending     ok    ok   403   403    ok    ok   403    ok   404   404
  shared-accepted    ok    ok   403   403    ok    ok   403    ok   404   404
  shared-rejected    ok    ok   403   403    ok    ok   403    ok   404   404
  community         403   403   403   403   403   403   403   403   403   403
  public            403   403   403   403   403   403   403   403   403   403
  B-private         403   403   404   404   403   403   403   403   404   404
`);

// GET /v2/images (get_images, then each image checked with get_image) without filters:
// _select_images_query gives a non-admin public and community images, its own, and shared images
// whose membership is accepted (member_status defaults to 'accepted'); an admin every image; then
// image_get_all keeps a community image only for its owner project when no visibility is asked
// for — so only A's own admin lists A's community image.
const LIST = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     +     +     +     -     -     +     -     -
  shared-pending     +     +     +     +     +     -     -     +     -     -
  shared-accepted    +     +     +     +     +     +     +     +     -     -
  shared-rejected    +     +     +     +     +     -     -     +     -     -
  community          -     +     +     +     -     -     -     -     -     -
  public             +     +     +     +     +     +     +     +     +     +
  B-private          +     +     -     -     +     +     +     +     -     -
`);

// GET /v2/images?visibility=<the image's>: only that visibility, community images included for all.
const LIST_VISIBILITY = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     +     +     +     -     -     +     -     -
  shared-pending     +     +     +     +     +     -     -     +     -     -
  shared-accepted    +     +     +     +     +     +     +     +     -     -
  shared-rejected    +     +     +     +     +     -     -     +     -     -
  community          +     +     +     +     +     +     +     +     +     +
  public             +     +     +     +     +     +     +     +     +     +
  B-private          +     +     -     -     +     +     +     +     -     -
`);

// GET /v2/images?member_status=all: a member project lists shared images in any status; an admin's
// query has no member filter; community as in LIST.
const LIST_ALL_MEMBERS = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     +     +     +     -     -     +     -     -
  shared-pending     +     +     +     +     +     +     +     +     -     -
  shared-accepted    +     +     +     +     +     +     +     +     -     -
  shared-rejected    +     +     +     +     +     +     +     +     -     -
  community          -     +     +     +     -     -     -     -     -     -
  public             +     +     +     +     +     +     +     +     +     +
  B-private          +     +     -     -     +     +     +     +     -     -
`);

// GET /v2/images?visibility=all: no visibility filter and no community filter; shared images
// still need an accepted membership.
const LIST_EVERY_VISIBILITY = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     +     +     +     -     -     +     -     -
  shared-pending     +     +     +     +     +     -     -     +     -     -
  shared-accepted    +     +     +     +     +     +     +     +     -     -
  shared-rejected    +     +     +     +     +     -     -     +     -     -
  community          +     +     +     +     +     +     +     +     +     +
  public             +     +     +     +     +     +     +     +     +     +
  B-private          +     +     -     -     +     +     +     +     -     -
`);

// GET /v2/images?member_status=pending: a member project lists only its pending shared images;
// an owner lists its own whatever their members' status; community as in LIST.
const LIST_PENDING = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     +     +     +     -     -     +     -     -
  shared-pending     +     +     +     +     +     +     +     +     -     -
  shared-accepted    +     +     +     +     +     -     -     +     -     -
  shared-rejected    +     +     +     +     +     -     -     +     -     -
  community          -     +     +     +     -     -     -     -     -     -
  public             +     +     +     +     +     +     +     +     +     +
  B-private          +     +     -     -     +     +     +     +     -     -
`);

// Each shared image also has project D (no persona) as a member. image_member_find gives a
// non-admin only the memberships of images it owns and its own (db/sqlalchemy/api.py
// _image_member_find), so project B does not learn of D: GET …/members/{D} is 404 for B, and so is
// PUT (the member is looked up before modify_member).
// GET /v2/images/{id}/members (image_members.py index): "Only shared images have members." is 403
// for an image one sees; then get_members, ADMIN_OR_PROJECT_READER_OR_SHARED_MEMBER, "role:admin or
// role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)"; + means D is listed.
const MEMBERS_LIST = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           403   403   403   403   403   404   404   403   404   404
  shared-pending     +     +     +     +     +     -     -     +    404   404
  shared-accepted    +     +     +     +     +     -     -     +    404   404
  shared-rejected    +     +     +     +     +     -     -     +    404   404
  community         403   403   403   403   403   403   403   403   403   403
  public            403   403   403   403   403   403   403   403   403   403
  B-private         403   403   404   404   403   403   403   403   404   404
`);

const MEMBER_SHOW_D = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           404   404   404   404   404   404   404   404   404   404
  shared-pending     ok    ok    ok    ok    ok   404   404    ok   404   404
  shared-accepted    ok    ok    ok    ok    ok   404   404    ok   404   404
  shared-rejected    ok    ok    ok    ok    ok   404   404    ok   404   404
  community         404   404   404   404   404   404   404   404   404   404
  public            404   404   404   404   404   404   404   404   404   404
  B-private         404   404   404   404   404   404   404   404   404   404
`);

const MEMBER_DECIDE_D = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private           403   403   403   403   403   404   404   403   404   404
  shared-pending     ok    ok   403   403    ok   404   404    ok   404   404
  shared-accepted    ok    ok   403   403    ok   404   404    ok   404   404
  shared-rejected    ok    ok   403   403    ok   404   404    ok   404   404
  community         403   403   403   403   403   403   403   403   403   403
  public            403   403   403   403   403   403   403   403   403   403
  B-private         403   403   404   404   403   403   403   403   404   404
`);

// GET /v2/images/{id}/tasks (images.py get_task_info): get_image, then tasks_get_by_image keeps
// the tasks _is_task_visible: an admin's, or those whose owner is the caller's project — a task's
// owner is the project that started the import (images.py import_image: owner=ctxt.owner), not the
// image's. Each image was imported by its owner project's member and then copied to the other
// store by the cloud admin; + means the task is listed.
const TASKS_OWNER = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     +     +     +    404   404    +    404   404
  shared-pending     +     +     +     +     +     -     -     +    404   404
  shared-accepted    +     +     +     +     +     -     -     +    404   404
  shared-rejected    +     +     +     +     +     -     -     +    404   404
  community          +     +     +     +     +     -     -     +     -     -
  public             +     +     +     +     +     -     -     +     -     -
  B-private          +     +    404   404    +     +     +     +    404   404
`);

const TASKS_ADMIN = imageTable(`
                   cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  private            +     +     -     -     +    404   404    +    404   404
  shared-pending     +     +     -     -     +     -     -     +    404   404
  shared-accepted    +     +     -     -     +     -     -     +    404   404
  shared-rejected    +     +     -     -     +     -     -     +    404   404
  community          +     +     -     -     +     -     -     +     -     -
  public             +     +     -     -     +     -     -     +     -     -
  B-private          +     +    404   404    +     -     -     +    404   404
`);

// Calls that name no image. Rules: get_images ADMIN_OR_PROJECT_READER (target project_id is the
// caller's own); /v2/info/import, /v2/info/stores and /v2/info/usage have no policy;
// stores_info_detail "role:admin"; GET /v2/tasks/{id}: tasks_api_access "role:admin" (before
// get_task "rule:default"); POST /v2/images: add_image ADMIN_OR_PROJECT_MEMBER_CREATE_IMAGE,
// "role:admin or (role:member and project_id:%(project_id)s and project_id:%(owner)s)", then
// publicize_image "role:admin" / communitize_image ADMIN_OR_PROJECT_MEMBER on the new visibility.
const GLOBAL = table(`
                                cloud A-adm A-mem A-rdr B-adm B-mem B-rdr C-adm C-mem C-rdr
  GET /v2/images                 200   200   200   200   200   200   200   200   200   200
  GET /v2/info/import            200   200   200   200   200   200   200   200   200   200
  GET /v2/info/stores            200   200   200   200   200   200   200   200   200   200
  GET /v2/info/stores/detail     200   200   403   403   200   403   403   200   403   403
  GET /v2/info/usage             200   200   200   200   200   200   200   200   200   200
  GET /v2/tasks/{id}             200   200   403   403   200   403   403   200   403   403
  POST /v2/images private        201   201   201   403   201   201   403   201   201   403
  POST /v2/images community      201   201   201   403   201   201   403   201   201   403
  POST /v2/images public         201   201   403   403   201   403   403   201   403   403
  POST /v2/images owner=A        201   201   201   403   201   403   403   201   403   403
`);

// ------------------------------------------------------------------------------------ fixtures

type State = "queued" | "active" | "deactivated" | "staged" | "tus";

interface World {
  request: APIRequestContext;
  tokens: Record<Persona, string>;
  projects: { A: string; B: string; C: string; D: string };
  stores: { default: string; other: string };
  runTag: string;
  created: string[];
  /** The read fixtures' tasks: the owner's import and the cloud admin's copy. */
  tasks: Record<Kind, { owner: string; admin: string }>;
  /** The tus upload (its path) of each image made in state "tus". */
  uploads: Map<string, string>;
}

const DATA = Buffer.from("authz matrix image data\n");
const TUS = { "tus-resumable": "1.0.0" };
/** The path of a tus upload from its creation's Location. */
const uploadPath = (res: APIResponse) => new URL(res.headers()["location"]!, "http://iris").pathname;
const h = (w: World, p: Persona) => ({ "x-auth-token": w.tokens[p] });
const ownerMemberOf = (k: Kind): Persona => (k === "B-private" ? "B-mem" : "A-mem");

async function must(res: APIResponse, status: number, what: string): Promise<APIResponse> {
  if (res.status() !== status) throw new Error(`${what}: ${res.status()} ${await res.text()}`);
  return res;
}

interface Fixture {
  state: State;
  tags?: string[];
  /** Project D is a member of a shared image too. */
  memberD?: boolean;
}

/** A shared image's member B, in the status its kind says. */
async function addMemberB(w: World, kind: Kind, id: string): Promise<void> {
  if (!kind.startsWith("shared")) return;
  const at = `/image/v2/images/${id}/members`;
  const add = await w.request.post(at, {
    headers: h(w, ownerMemberOf(kind)),
    data: { member: w.projects.B },
  });
  await must(add, 200, "add member B");
  const status = kind.slice("shared-".length);
  if (status !== "pending")
    await must(
      await w.request.put(`${at}/${w.projects.B}`, { headers: h(w, "B-mem"), data: { status } }),
      200,
      `member B ${status}`,
    );
}

/** An image of `kind`, made by its owner project's member (public: by the cloud admin, owner A). */
async function makeImage(w: World, kind: Kind, f: Fixture): Promise<string> {
  const owner = ownerMemberOf(kind);
  const res = await w.request.post("/image/v2/images", {
    headers: h(w, kind === "public" ? "cloud" : owner),
    data: {
      name: randomName(`authz-${kind}`),
      disk_format: "raw",
      container_format: "bare",
      visibility: visibilityOf(kind),
      tags: f.tags ?? [],
      ...(kind === "public" ? { owner: w.projects.A } : {}),
    },
  });
  const id = (await (await must(res, 201, `create ${kind}`)).json()).id as string;
  w.created.push(id);
  const at = `/image/v2/images/${id}`;
  await addMemberB(w, kind, id);
  if (f.memberD && kind.startsWith("shared"))
    await must(
      await w.request.post(`${at}/members`, { headers: h(w, owner), data: { member: w.projects.D } }),
      200,
      "add member D",
    );
  const octets = { ...h(w, owner), "content-type": "application/octet-stream" };
  if (f.state === "staged")
    await must(await w.request.put(`${at}/stage`, { headers: octets, data: DATA }), 204, "stage");
  if (f.state === "active" || f.state === "deactivated")
    await must(await w.request.put(`${at}/file`, { headers: octets, data: DATA }), 204, "upload");
  if (f.state === "deactivated")
    await must(await w.request.post(`${at}/actions/deactivate`, { headers: h(w, owner) }), 204, "deactivate");
  if (f.state === "tus") {
    const res = await w.request.post(`${at}/uploads`, {
      headers: { ...h(w, owner), ...TUS, "upload-length": String(DATA.length) },
    });
    w.uploads.set(id, uploadPath(await must(res, 201, "tus upload")));
  }
  return id;
}

async function importAndWait(w: World, p: Persona, id: string, body: unknown): Promise<string> {
  const at = `/image/v2/images/${id}`;
  await must(await w.request.post(`${at}/import`, { headers: h(w, p), data: body }), 202, "import");
  let tasks: { id: string; status: string; owner: string }[] = [];
  await expect
    .poll(
      async () => {
        tasks = (await (await w.request.get(`${at}/tasks`, { headers: h(w, "cloud") })).json()).tasks;
        return tasks.at(-1)?.status;
      },
      { timeout: 30_000 },
    )
    .toBe("success");
  return tasks.at(-1)!.id;
}

/** The read fixtures: active through an import by the owner, copied to the other store by an admin. */
async function readFixture(w: World, kind: Kind): Promise<string> {
  const id = await makeImage(w, kind, { ...SETS.read, tags: [w.runTag] });
  const owner = await importAndWait(w, ownerMemberOf(kind), id, { method: { name: "glance-direct" } });
  const admin = await importAndWait(w, "cloud", id, {
    method: { name: "copy-image" },
    stores: [w.stores.other],
  });
  w.tasks[kind] = { owner, admin };
  return id;
}

async function eachKind<T>(fn: (k: Kind) => Promise<T>): Promise<Record<Kind, T>> {
  const values = await Promise.all(KINDS.map(fn));
  return Object.fromEntries(KINDS.map((k, i) => [k, values[i]])) as Record<Kind, T>;
}

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/**
 * The images rows act on, one per kind in each set. Rows that share a set leave its images as
 * they were, as long as Iris answers as Glance: a row whose success changes an image puts it back
 * (undo), has a set of its own, or gives each cell expected to succeed a new image (fresh); the
 * rows that would change a shared set if Iris let a refused caller through come last.
 */
const SETS = {
  /** Active through an import by the owner, copied to the other store by an admin (readFixture). */
  read: { state: "staged", memberD: true },
  deactivated: { state: "deactivated" },
  queued: { state: "queued", tags: PERSONAS.map((p) => `tag-of-${p}`), memberD: true },
  /** PUT …/members/{B} changes B's status. */
  decide: { state: "queued" },
  /** Deactivated by the first caller allowed to. */
  active: { state: "active" },
  /** Reactivated by the first caller allowed to. */
  reactivate: { state: "deactivated" },
  staged: { state: "staged" },
  /** With a resumable upload made by the owner's member. */
  tus: { state: "tus" },
} satisfies Record<string, Fixture>;
type SetName = keyof typeof SETS;

// --------------------------------------------------------------------------------------- rows

interface Call {
  w: World;
  persona: Persona;
  kind: Kind;
  id: string;
}

interface ImageRow {
  name: string;
  /** The Glance rule (and code path) the row's table comes from. */
  rule: string;
  table: Table;
  /** What `ok` stands for in the table. */
  ok?: number;
  /** What Iris answers instead of Glance in the cells marked `*`, and why. */
  exception?: Exception;
  /** The set of images (one per kind) the row's cells act on (SETS). */
  image: SetName;
  /**
   * Where success changes the image for good: a new image (in the set's state) for every cell
   * expected to succeed, or (reuses) the one an earlier row's cell of the same persona left.
   */
  fresh?: boolean;
  reuses?: string;
  call(c: Call): Promise<APIResponse>;
  /** Puts the set's image back as it was after a call that succeeded. */
  undo?(c: Call, res: APIResponse): Promise<unknown>;
  /** For rows of + and -: whether a 200's body holds what the row looks for. */
  present?(c: Call, body: Record<string, unknown[]>): boolean;
}

const img = (c: Call, sub = "") => `/image/v2/images/${c.id}${sub}`;
const get = (c: Call, sub = "") => c.w.request.get(img(c, sub), { headers: h(c.w, c.persona) });
const patch = (c: Call, ops: unknown[]) =>
  c.w.request.patch(img(c), {
    headers: { ...h(c.w, c.persona), "content-type": PATCH_V21 },
    data: Buffer.from(JSON.stringify(ops)),
  });
const putData = (c: Call, sub: string) =>
  c.w.request.put(img(c, sub), {
    headers: { ...h(c.w, c.persona), "content-type": "application/octet-stream" },
    data: DATA,
  });
const post = (c: Call, sub: string, data?: unknown) =>
  c.w.request.post(img(c, sub), { headers: h(c.w, c.persona), data });
const restoreVisibility = async (c: Call) =>
  must(
    await c.w.request.patch(img(c), {
      headers: { ...h(c.w, "cloud"), "content-type": PATCH_V21 },
      data: Buffer.from(
        JSON.stringify([{ op: "replace", path: "/visibility", value: visibilityOf(c.kind) }]),
      ),
    }),
    200,
    "visibility back",
  );
const ownerOf = (c: Call) => (c.kind === "B-private" ? c.w.projects.B : c.w.projects.A);
const listed =
  (key: string, field: string, want: (c: Call) => string) => (c: Call, body: Record<string, unknown[]>) =>
    (body[key] as Record<string, string>[]).some((x) => x[field] === want(c));

const IMAGE_ROWS: ImageRow[] = [
  {
    name: "GET /v2/images/{id}",
    rule: "get_image (images.py show)",
    table: SEE,
    ok: 200,
    image: "read",
    call: (c) => get(c),
  },
  {
    name: "GET /v2/images?marker={id}",
    rule: "get_images, then the marker looked up as the caller (db/sqlalchemy/api.py image_get_all, _image_get)",
    table: MARKER,
    ok: 200,
    exception: {
      iris: "400",
      why: "Glance's 403 for an image one may not see tells that it exists; Iris answers as for a missing marker",
    },
    image: "read",
    call: (c) =>
      c.w.request.get(`/image/v2/images?tag=${c.w.runTag}&marker=${c.id}`, { headers: h(c.w, c.persona) }),
  },
  {
    name: "GET /v2/images/{id}/tasks: the owner's import",
    rule: "get_image, then _is_task_visible (images.py get_task_info, tasks_get_by_image)",
    table: TASKS_OWNER,
    image: "read",
    call: (c) => get(c, "/tasks"),
    present: listed("tasks", "id", (c) => c.w.tasks[c.kind].owner),
  },
  {
    name: "GET /v2/images/{id}/tasks: the admin's copy",
    rule: "get_image, then _is_task_visible (images.py get_task_info, tasks_get_by_image)",
    table: TASKS_ADMIN,
    image: "read",
    call: (c) => get(c, "/tasks"),
    present: listed("tasks", "id", (c) => c.w.tasks[c.kind].admin),
  },
  {
    name: "GET /v2/images/{id}/file",
    rule: "download_image (image_data.py download)",
    table: DOWNLOAD,
    ok: 200,
    image: "read",
    call: (c) => get(c, "/file"),
  },
  {
    name: "GET /v2/images/{id}/file (deactivated)",
    rule: "image_data.py download: a deactivated image's data is 403 unless context.is_admin, before download_image",
    table: ADMIN_ONLY,
    ok: 200,
    image: "deactivated",
    call: (c) => get(c, "/file"),
  },
  {
    name: "GET /v2/images/{id}/members: is D listed",
    rule: "shared only, get_members, _image_member_find (image_members.py index)",
    table: MEMBERS_LIST,
    image: "read",
    call: (c) => get(c, "/members"),
    present: listed("members", "member_id", (c) => c.w.projects.D),
  },
  {
    name: "GET /v2/images/{id}/members/{B}",
    rule: "shared only, get_member, all refusals 404 (image_members.py show)",
    table: MEMBER_SHOW,
    ok: 200,
    image: "read",
    call: (c) => get(c, `/members/${c.w.projects.B}`),
  },
  {
    name: "GET /v2/images/{id}/members/{D}",
    rule: "shared only, get_member, _image_member_find, all refusals 404 (image_members.py show)",
    table: MEMBER_SHOW_D,
    ok: 200,
    image: "read",
    call: (c) => get(c, `/members/${c.w.projects.D}`),
  },
  {
    name: "POST /v2/images/{id}/members {B} (already a member)",
    rule: "shared only, add_member ADMIN_OR_PROJECT_MEMBER, then the duplicate: 409 (image_members.py create)",
    table: MEMBER_OWNER,
    ok: 409,
    image: "read",
    call: (c) => post(c, "/members", { member: c.w.projects.B }),
  },
  {
    name: "PUT /v2/images/{id}/file (active image)",
    rule: "upload_image, then the status transition active → saving: 409 (image_data.py upload)",
    table: OWNER_MEMBER,
    ok: 409,
    image: "read",
    call: (c) => putData(c, "/file"),
  },
  {
    name: "POST /v2/images/{id}/import glance-direct (active image)",
    rule: "images.py import_image checks the image's status (409) before the policy: everyone who sees it",
    table: SEE,
    ok: 409,
    image: "read",
    call: (c) => post(c, "/import", { method: { name: "glance-direct" } }),
  },
  {
    name: "PUT /v2/images/{id}/stage (active image)",
    rule: "modify_image, then the status transition active → uploading: 409 (image_data.py stage)",
    table: OWNER_MEMBER,
    ok: 409,
    image: "read",
    call: (c) => putData(c, "/stage"),
  },
  {
    name: "POST /v2/images/{id}/import copy-image (store it is in)",
    rule: 'copy_image (role:admin), then "Image is already present at store": 400 (images.py import_image)',
    table: ADMIN_ONLY,
    ok: 400,
    image: "read",
    call: (c) => post(c, "/import", { method: { name: "copy-image" }, stores: [c.w.stores.default] }),
  },
  {
    name: "DELETE /v2/stores/{store}/{id} (deactivated)",
    rule: "get_image_location ADMIN_OR_PROJECT_READER, delete_image_location (role:admin), then not active: 409 (images.py delete_from_store)",
    table: ADMIN_ONLY,
    ok: 409,
    image: "deactivated",
    call: (c) =>
      c.w.request.delete(`/image/v2/stores/${c.w.stores.default}/${c.id}`, { headers: h(c.w, c.persona) }),
  },
  {
    name: "PATCH /v2/images/{id} replace name",
    rule: "modify_image (images.py update → ImageAPIPolicy.update_property)",
    table: OWNER_MEMBER,
    ok: 200,
    image: "queued",
    call: (c) => patch(c, [{ op: "replace", path: "/name", value: `renamed-by-${c.persona}` }]),
  },
  {
    name: "PATCH /v2/images/{id} replace owner (unchanged)",
    rule: 'images.py _do_replace: "Owner can\'t be updated by non admin." (403), then modify_image',
    table: ADMIN_ONLY,
    ok: 200,
    image: "queued",
    call: (c) => patch(c, [{ op: "replace", path: "/owner", value: ownerOf(c) }]),
  },
  {
    name: "PATCH /v2/images/{id} visibility=public",
    rule: "publicize_image (role:admin), then modify_image (ImageAPIPolicy.update_property)",
    table: ADMIN_ONLY,
    ok: 200,
    image: "queued",
    call: (c) => patch(c, [{ op: "replace", path: "/visibility", value: "public" }]),
    undo: (c) => restoreVisibility(c),
  },
  {
    name: "PATCH /v2/images/{id} visibility=community",
    rule: "communitize_image ADMIN_OR_PROJECT_MEMBER, then modify_image",
    table: OWNER_MEMBER,
    ok: 200,
    image: "queued",
    call: (c) => patch(c, [{ op: "replace", path: "/visibility", value: "community" }]),
    undo: (c) => restoreVisibility(c),
  },
  {
    name: "PATCH /v2/images/{id} add /locations/-",
    rule: "set_image_location, then show_multiple_locations=False: 403 (images.py _do_add_locations)",
    table: SEE_403,
    image: "queued",
    call: (c) =>
      patch(c, [{ op: "add", path: "/locations/-", value: { url: "http://127.0.0.1:1/x", metadata: {} } }]),
  },
  {
    name: "PUT /v2/images/{id}/tags/{tag}",
    rule: "modify_image (image_tags.py update)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "queued",
    call: (c) => c.w.request.put(img(c, `/tags/added-by-${c.persona}`), { headers: h(c.w, c.persona) }),
  },
  {
    name: "DELETE /v2/images/{id}/tags/{tag}",
    rule: "modify_image before the tag is looked up (image_tags.py delete)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "queued",
    call: (c) => c.w.request.delete(img(c, `/tags/tag-of-${c.persona}`), { headers: h(c.w, c.persona) }),
  },
  {
    name: "POST /v2/images/{id}/members {new project}",
    rule: "shared only, then add_member ADMIN_OR_PROJECT_MEMBER (image_members.py create)",
    table: MEMBER_OWNER,
    ok: 200,
    image: "queued",
    call: (c) => post(c, "/members", { member: crypto.randomBytes(16).toString("hex") }),
  },
  {
    name: "PUT /v2/images/{id}/members/{B} accepted",
    rule: "shared only, get_member, then modify_member ADMIN_OR_SHARED_MEMBER (image_members.py update)",
    table: MEMBER_DECIDE,
    ok: 200,
    image: "decide",
    call: (c) =>
      c.w.request.put(img(c, `/members/${c.w.projects.B}`), {
        headers: h(c.w, c.persona),
        data: { status: "accepted" },
      }),
  },
  {
    name: "PUT /v2/images/{id}/members/{D} accepted",
    rule: "shared only, get_member and _image_member_find, then modify_member (image_members.py update)",
    table: MEMBER_DECIDE_D,
    ok: 200,
    image: "queued",
    call: (c) =>
      c.w.request.put(img(c, `/members/${c.w.projects.D}`), {
        headers: h(c.w, c.persona),
        data: { status: "accepted" },
      }),
  },
  {
    name: "DELETE /v2/images/{id}/members/{B}",
    rule: "shared only, get_member, then delete_member ADMIN_OR_PROJECT_MEMBER (image_members.py delete)",
    table: MEMBER_OWNER,
    ok: 204,
    image: "queued",
    call: (c) => c.w.request.delete(img(c, `/members/${c.w.projects.B}`), { headers: h(c.w, c.persona) }),
    undo: (c) => addMemberB(c.w, c.kind, c.id),
  },
  {
    name: "POST /v2/images/{id}/actions/deactivate",
    rule: "deactivate ADMIN_OR_PROJECT_MEMBER; deactivating a deactivated image is a no-op (image_actions.py)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "active",
    call: (c) => post(c, "/actions/deactivate"),
  },
  {
    name: "POST /v2/images/{id}/actions/reactivate",
    rule: "reactivate ADMIN_OR_PROJECT_MEMBER; reactivating an active image is a no-op (image_actions.py)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "reactivate",
    call: (c) => post(c, "/actions/reactivate"),
  },
  {
    name: "PUT /v2/images/{id}/file",
    rule: "upload_image ADMIN_OR_PROJECT_MEMBER (image_data.py upload)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "queued",
    fresh: true,
    call: (c) => putData(c, "/file"),
  },
  {
    name: "POST /v2/images/{id}/uploads (tus, Iris)",
    rule: "Iris's resumable upload is authorized as PUT …/file: upload_image (README, Resumable uploads)",
    table: OWNER_MEMBER,
    ok: 201,
    image: "queued",
    call: (c) =>
      c.w.request.post(img(c, "/uploads"), {
        headers: { ...h(c.w, c.persona), ...TUS, "upload-length": String(DATA.length) },
      }),
    // tus termination: the upload goes and the image is queued again.
    undo: async (c, res) =>
      must(
        await c.w.request.delete(uploadPath(res), { headers: { ...h(c.w, c.persona), ...TUS } }),
        204,
        "tus termination",
      ),
  },
  {
    name: "HEAD /v2/images/{id}/uploads/{upload} (tus, Iris)",
    rule: "Iris: every tus request is authorized as PUT …/file, upload_image (README, Resumable uploads)",
    table: OWNER_MEMBER,
    ok: 200,
    image: "tus",
    call: (c) => c.w.request.head(c.w.uploads.get(c.id)!, { headers: { ...h(c.w, c.persona), ...TUS } }),
  },
  {
    name: "PUT /v2/images/{id}/stage",
    rule: "no policy of its own: modify_image (image_data.py stage)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "queued",
    fresh: true,
    call: (c) => putData(c, "/stage"),
  },
  {
    name: "POST /v2/images/{id}/import glance-direct",
    rule: "modify_image for every method but copy-image (images.py import_image)",
    table: OWNER_MEMBER,
    ok: 202,
    image: "staged",
    reuses: "PUT /v2/images/{id}/stage",
    call: (c) => post(c, "/import", { method: { name: "glance-direct" } }),
  },
  {
    name: "POST /v2/images/{id}/import web-download (URI refused)",
    rule: "modify_image, then the URI filter (port 1 is not allowed): 400 (images.py import_image)",
    table: OWNER_MEMBER,
    ok: 400,
    image: "queued",
    call: (c) => post(c, "/import", { method: { name: "web-download", uri: "http://127.0.0.1:1/authz" } }),
  },
  {
    name: "DELETE /v2/images/{id}",
    rule: "delete_image ADMIN_OR_PROJECT_MEMBER (images.py delete)",
    table: OWNER_MEMBER,
    ok: 204,
    image: "queued",
    reuses: "PUT /v2/images/{id}/file",
    call: (c) => c.w.request.delete(img(c), { headers: h(c.w, c.persona) }),
  },
];

interface ListRow {
  name: string;
  rule: string;
  table: Table;
  query(kind: Kind): string;
}

const LIST_ROWS: ListRow[] = [
  { name: "GET /v2/images", rule: "get_images, the list query, get_image", table: LIST, query: () => "" },
  {
    name: "GET /v2/images?visibility=…",
    rule: "get_images, the list query with the image's visibility, get_image",
    table: LIST_VISIBILITY,
    query: (k) => `&visibility=${visibilityOf(k)}`,
  },
  {
    name: "GET /v2/images?visibility=all",
    rule: "get_images, the list query with visibility=all, get_image",
    table: LIST_EVERY_VISIBILITY,
    query: () => "&visibility=all",
  },
  {
    name: "GET /v2/images?member_status=all",
    rule: "get_images, the list query with member_status=all, get_image",
    table: LIST_ALL_MEMBERS,
    query: () => "&member_status=all",
  },
  {
    name: "GET /v2/images?member_status=pending",
    rule: "get_images, the list query with member_status=pending, get_image",
    table: LIST_PENDING,
    query: () => "&member_status=pending",
  },
];

const GLOBAL_CALLS: Record<string, (w: World, p: Persona) => Promise<APIResponse>> = {
  "GET /v2/images": (w, p) => w.request.get(`/image/v2/images?tag=${w.runTag}`, { headers: h(w, p) }),
  "GET /v2/info/import": (w, p) => w.request.get("/image/v2/info/import", { headers: h(w, p) }),
  "GET /v2/info/stores": (w, p) => w.request.get("/image/v2/info/stores", { headers: h(w, p) }),
  "GET /v2/info/stores/detail": (w, p) => w.request.get("/image/v2/info/stores/detail", { headers: h(w, p) }),
  "GET /v2/info/usage": (w, p) => w.request.get("/image/v2/info/usage", { headers: h(w, p) }),
  "GET /v2/tasks/{id}": (w, p) =>
    w.request.get(`/image/v2/tasks/${w.tasks.private.owner}`, { headers: h(w, p) }),
  "POST /v2/images private": (w, p) => createAs(w, p, { visibility: "private" }),
  "POST /v2/images community": (w, p) => createAs(w, p, { visibility: "community" }),
  "POST /v2/images public": (w, p) => createAs(w, p, { visibility: "public" }),
  "POST /v2/images owner=A": (w, p) => createAs(w, p, { owner: w.projects.A }),
};

async function createAs(w: World, p: Persona, extra: Record<string, unknown>) {
  const res = await w.request.post("/image/v2/images", {
    headers: h(w, p),
    data: { name: randomName("authz-create"), disk_format: "raw", container_format: "bare", ...extra },
  });
  if (res.status() === 201) w.created.push((await res.json()).id);
  return res;
}

// ------------------------------------------------------------------------------------- running

interface Cell {
  row: string;
  rule: string;
  label: string;
  persona: Persona;
  /** What Glance answers. */
  glance: string;
  /** What Iris must answer: Glance's answer, or a documented exception's. */
  expected: string;
  got: string;
  detail: string;
}

interface Exception {
  /** What Iris answers instead. */
  iris: string;
  /** Why, and where README.md says so. */
  why: string;
}

/** What Glance answers for a table cell, and what Iris must answer (the same, or the exception's). */
function expectedOf(token: string, ok?: number, exception?: Exception) {
  const bare = token.replace(/\*$/, "");
  const glance = bare === "ok" ? String(ok) : bare;
  if (bare === token) return { glance, expected: glance };
  if (!exception) throw new Error(`cell ${token} is marked as an exception, but its row names none`);
  return { glance, expected: exception.iris };
}

/** A cell's answer: the status, or + / - for a 200 of a row that looks for something. */
async function answer(res: APIResponse, present?: (body: Record<string, unknown[]>) => boolean) {
  const status = String(res.status());
  if (res.ok()) {
    if (!present) return { got: status, detail: "" };
    return { got: present(await res.json()) ? "+" : "-", detail: "" };
  }
  const text = await res.text().catch(() => "");
  let detail = text;
  try {
    detail = JSON.parse(text)?.error?.message ?? text;
  } catch {
    // not JSON
  }
  return { got: status, detail: detail.slice(0, 160) };
}

type Images = { each: Record<Kind, string>; fresh: Map<string, string> };

/** Every image the rows act on, made up front, a few at a time. */
async function prepareRows(w: World) {
  const sets = {} as Record<SetName, Record<Kind, string>>;
  const fresh = new Map<ImageRow, Map<string, string>>();
  const jobs: (() => Promise<void>)[] = [];
  for (const name of Object.keys(SETS) as SetName[]) {
    sets[name] = {} as Record<Kind, string>;
    if (name !== "read")
      for (const kind of KINDS)
        jobs.push(async () => void (sets[name][kind] = await makeImage(w, kind, SETS[name])));
  }
  for (const row of IMAGE_ROWS.filter((r) => r.fresh)) {
    const images = new Map<string, string>();
    fresh.set(row, images);
    for (const kind of KINDS)
      PERSONAS.forEach((persona, i) => {
        if (expectedOf(row.table.get(kind)![i]!, row.ok, row.exception).expected.startsWith("2"))
          jobs.push(
            async () =>
              void images.set(
                `${kind} ${persona}`,
                await makeImage(w, kind, { state: SETS[row.image].state }),
              ),
          );
      });
  }
  for (const row of IMAGE_ROWS.filter((r) => r.reuses)) {
    const from = IMAGE_ROWS.find((r) => r.name === row.reuses && r.fresh);
    if (!from) throw new Error(`${row.name} reuses no row's fresh images`);
    fresh.set(row, fresh.get(from)!);
  }
  // The read fixtures' imports mostly wait: the other images are made meanwhile.
  [sets.read] = await Promise.all([eachKind((k) => readFixture(w, k)), pool(jobs, 8, (job) => job())]);
  return {
    read: sets.read,
    of: (row: ImageRow): Images => ({ each: sets[row.image], fresh: fresh.get(row) ?? new Map() }),
  };
}

async function runImageRow(w: World, row: ImageRow, images: Images) {
  const cells: Cell[] = [];
  // Kinds run side by side; the personas of one kind one after another, as they share an image.
  await eachKind(async (kind) => {
    for (const [i, persona] of PERSONAS.entries()) {
      const { glance, expected } = expectedOf(row.table.get(kind)![i]!, row.ok, row.exception);
      const id = (expected.startsWith("2") && images.fresh.get(`${kind} ${persona}`)) || images.each[kind];
      const c: Call = { w, persona, kind, id };
      const res = await row.call(c);
      const { got, detail } = await answer(res, row.present && ((b) => row.present!(c, b)));
      if (res.ok() && row.undo) await row.undo(c, res);
      cells.push({ row: row.name, rule: row.rule, label: kind, persona, glance, expected, got, detail });
    }
  });
  return cells;
}

async function runListRow(w: World, row: ListRow, read: Record<Kind, string>) {
  const cells: Cell[] = [];
  await pool([...PERSONAS], 4, async (persona) => {
    const answers = new Map<string, Set<string> | string>();
    for (const kind of KINDS) {
      const q = row.query(kind);
      if (!answers.has(q)) {
        const res = await w.request.get(`/image/v2/images?tag=${w.runTag}&limit=1000${q}`, {
          headers: h(w, persona),
        });
        answers.set(
          q,
          res.ok()
            ? new Set(((await res.json()).images as { id: string }[]).map((i) => i.id))
            : String(res.status()),
        );
      }
      const ids = answers.get(q)!;
      const got = typeof ids === "string" ? ids : ids.has(read[kind]) ? "+" : "-";
      const { glance, expected } = expectedOf(row.table.get(kind)![PERSONAS.indexOf(persona)]!);
      cells.push({ row: row.name, rule: row.rule, label: kind, persona, glance, expected, got, detail: "" });
    }
  });
  return cells;
}

async function runGlobalRows(w: World) {
  const cells: Cell[] = [];
  for (const [name, expectedCells] of GLOBAL) {
    const call = GLOBAL_CALLS[name];
    if (!call) throw new Error(`no call for ${name}`);
    await pool([...PERSONAS], 4, async (persona) => {
      const { got, detail } = await answer(await call(w, persona));
      const { glance, expected } = expectedOf(expectedCells[PERSONAS.indexOf(persona)]!);
      cells.push({ row: name, rule: "see GLOBAL", label: "-", persona, glance, expected, got, detail });
    });
  }
  return cells;
}

/** The mismatching cells, grouped by row: what Glance answers, what Iris answered, and why. */
function diff(cells: Cell[]): string {
  const rows = new Map<string, Cell[]>();
  for (const c of cells.filter((x) => x.expected !== x.got)) rows.set(c.row, [...(rows.get(c.row) ?? []), c]);
  const out: string[] = [];
  for (const [row, list] of rows) {
    out.push(`${row}   [${list[0]!.rule}]`);
    list.sort((a, b) => KINDS.indexOf(a.label as Kind) - KINDS.indexOf(b.label as Kind));
    for (const c of list) {
      const want = c.glance === c.expected ? c.glance : `${c.glance} (exception: ${c.expected})`;
      out.push(
        `    ${c.label.padEnd(16)} ${c.persona.padEnd(6)} Glance ${want.padEnd(4)} Iris ${c.got.padEnd(4)} ${c.detail}`,
      );
    }
  }
  return out.join("\n");
}

test.describe("authz matrix", () => {
  test("every image operation × secure-RBAC persona × visibility answers as Glance's default policies", async ({
    request,
    identity,
    adminToken,
  }) => {
    test.setTimeout(240_000);
    const started = Date.now();
    const lap = (what: string) => console.log(`  ${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const w: World = {
      request,
      tokens: { cloud: adminToken } as Record<Persona, string>,
      projects: { A: "", B: "", C: "", D: crypto.randomBytes(16).toString("hex") },
      stores: { default: "", other: "" },
      runTag: randomName("authz"),
      created: [],
      tasks: {} as World["tasks"],
      uploads: new Map(),
    };
    const cells: Cell[] = [];

    await test.step("personas: projects A, B, C with an admin, a member and a reader each", async () => {
      const roles = { adm: "admin", mem: "member", rdr: "reader" } as const;
      await Promise.all(
        (["A", "B", "C"] as const).map(async (p) => {
          const project = await identity.createProject(randomName(`authz-${p}`));
          w.projects[p] = project.id;
          for (const [short, role] of Object.entries(roles))
            w.tokens[`${p}-${short}` as Persona] = await identity.tokenOn(project, role);
        }),
      );
      const stores = (await (await request.get("/image/v2/info/stores", { headers: h(w, "cloud") })).json())
        .stores as { id: string; default?: string }[];
      w.stores.default = stores.find((s) => s.default)!.id;
      w.stores.other = stores.find((s) => !s.default)!.id;
      lap("personas");
    });

    const images = await test.step("fixtures", async () => {
      const prepared = await prepareRows(w);
      lap(`fixtures (${w.created.length} images)`);
      return prepared;
    });

    await test.step("lists", async () => {
      for (const row of LIST_ROWS) cells.push(...(await runListRow(w, row, images.read)));
    });
    await test.step("image operations", async () => {
      for (const row of IMAGE_ROWS) cells.push(...(await runImageRow(w, row, images.of(row))));
    });
    await test.step("calls that name no image", async () => {
      cells.push(...(await runGlobalRows(w)));
      lap("cells");
    });

    await test.step("clean up", async () => {
      await pool([...w.created], 6, async (id) => {
        await request.delete(`/image/v2/images/${id}`, { headers: h(w, "cloud") });
      });
    });

    const matching = cells.filter((c) => c.expected === c.got).length;
    const exceptions = cells.filter((c) => c.glance !== c.expected);
    console.log(`authz matrix: ${cells.length} cells, ${matching} match`);
    console.log(
      `  of which ${exceptions.length} are documented exceptions (${[...new Set(exceptions.map((c) => c.row))].join("; ")}); ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(matching, `cells where Iris differs from Glance's defaults:\n${diff(cells)}`).toBe(cells.length);
  });
});
