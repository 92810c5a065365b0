import "server-only";
import { audit } from "../audit";
import type { Caller, RequestContext } from "../context";
import { db } from "../db";
import { badRequest, conflict, forbidden, notFound } from "../errors";
import { sha256Hex } from "../ids";
import { isSizeResource, QUOTA_RESOURCES, type QuotaResource } from "@/lib/schemas/quota";
import { defaultLimit } from "../quotas";
import { assertIdentityAdmin, isIdentityAdmin } from "./policy";
import { imageServiceId } from "./serialize";

// Keystone's unified limits for the image service, which is how Glance's per-project quotas are
// set (oslo.limit; `openstack limit create --service glance --project P --resource-limit N
// image_size_total`). Registered limits are the defaults, from Iris's configuration (IRIS_QUOTA_*);
// project limits are the quotas table. Sizes are MiB on the wire, as Glance's limits are, and bytes
// inside Iris.

const MiB = 1024n * 1024n;
const toWire = (r: QuotaResource, v: bigint) => Number(v < 0n ? -1n : isSizeResource(r) ? v / MiB : v);
const fromWire = (r: QuotaResource, n: number) => (n < 0 ? -1n : BigInt(n) * (isSizeResource(r) ? MiB : 1n));

const DESCRIPTIONS: Record<QuotaResource, string> = {
  image_count_total: "Images a project may have",
  image_count_uploading: "Images a project may upload at once",
  image_size_total: "MiB of image data a project may store",
  image_stage_total: "MiB of image data a project may stage for import",
};

export const limitId = (projectId: string, resource: string) =>
  sha256Hex(`limit:${projectId}:${resource}`).slice(0, 32);
export const registeredLimitId = (resource: string) => sha256Hex(`registered_limit:${resource}`).slice(0, 32);

const base = (publicUrl: string) => `${publicUrl}/identity/v3`;

function asResource(name: unknown): QuotaResource {
  if (typeof name !== "string" || !(QUOTA_RESOURCES as readonly string[]).includes(name))
    throw badRequest(
      `No registered limit for resource_name ${JSON.stringify(name)} of the image service; the resources are ${QUOTA_RESOURCES.join(", ")}.`,
    );
  return name as QuotaResource;
}

function assertService(serviceId: unknown): void {
  if (serviceId !== imageServiceId())
    throw badRequest(
      `service_id must be the image service's id (${imageServiceId()}); only its limits are kept.`,
    );
}

// ── Registered limits (defaults; read-only) ──

export function registeredLimits(publicUrl: string, f: { serviceId?: string; resourceName?: string }) {
  if (f.serviceId !== undefined && f.serviceId !== imageServiceId()) return [];
  return QUOTA_RESOURCES.filter((r) => f.resourceName === undefined || r === f.resourceName).map((r) =>
    registeredLimitView(r, publicUrl),
  );
}

export function registeredLimit(id: string, publicUrl: string) {
  const r = QUOTA_RESOURCES.find((x) => registeredLimitId(x) === id);
  if (!r) throw notFound(`Could not find registered limit: ${id}.`);
  return registeredLimitView(r, publicUrl);
}

function registeredLimitView(r: QuotaResource, publicUrl: string) {
  const id = registeredLimitId(r);
  return {
    id,
    service_id: imageServiceId(),
    region_id: null,
    resource_name: r,
    default_limit: toWire(r, defaultLimit(r)),
    description: `${DESCRIPTIONS[r]} (default; set with IRIS_QUOTA_${r.toUpperCase()})`,
    links: { self: `${base(publicUrl)}/registered_limits/${id}` },
  };
}

export function refuseRegisteredLimitChange(): never {
  throw forbidden(
    "Registered limits (the defaults) come from Iris's configuration (IRIS_QUOTA_IMAGE_COUNT_TOTAL, IRIS_QUOTA_IMAGE_COUNT_UPLOADING, IRIS_QUOTA_IMAGE_SIZE_TOTAL, IRIS_QUOTA_IMAGE_STAGE_TOTAL); set per-project limits with /v3/limits.",
  );
}

// ── Project limits ──

type QuotaRow = { projectId: string; resource: string; limit: bigint; description: string | null };

function limitView(q: QuotaRow, publicUrl: string) {
  const r = q.resource as QuotaResource;
  const id = limitId(q.projectId, q.resource);
  return {
    id,
    project_id: q.projectId,
    domain_id: null,
    service_id: imageServiceId(),
    region_id: null,
    resource_name: q.resource,
    resource_limit: toWire(r, q.limit),
    description: q.description,
    links: { self: `${base(publicUrl)}/limits/${id}` },
  };
}

/** Limits the caller may see: all for admins, their token's project's otherwise (Keystone's policy). */
export async function listLimits(
  caller: Caller,
  publicUrl: string,
  f: { projectId?: string; serviceId?: string; resourceName?: string },
) {
  if (f.serviceId !== undefined && f.serviceId !== imageServiceId()) return [];
  const projectId = isIdentityAdmin(caller) ? f.projectId : caller.projectId;
  if (!isIdentityAdmin(caller) && f.projectId !== undefined && f.projectId !== caller.projectId) return [];
  const rows = await db.quota.findMany({
    where: {
      ...(projectId !== undefined && projectId !== null ? { projectId } : {}),
      ...(f.resourceName !== undefined ? { resource: f.resourceName } : {}),
    },
    orderBy: [{ projectId: "asc" }, { resource: "asc" }],
  });
  return rows.map((q) => limitView(q, publicUrl));
}

async function findLimit(caller: Caller, id: string): Promise<QuotaRow> {
  // Ids are derived from (project, resource): look among the quotas of the projects concerned.
  const rows = await db.quota.findMany({
    where: isIdentityAdmin(caller) ? {} : { projectId: caller.projectId ?? "" },
  });
  const row = rows.find((q) => limitId(q.projectId, q.resource) === id);
  if (!row) throw notFound(`Could not find limit for ${id}.`);
  return row;
}

export async function getLimit(caller: Caller, id: string, publicUrl: string) {
  return limitView(await findLimit(caller, id), publicUrl);
}

export interface LimitInput {
  service_id?: unknown;
  project_id?: unknown;
  resource_name?: unknown;
  resource_limit?: unknown;
  description?: unknown;
  region_id?: unknown;
  domain_id?: unknown;
}

function asLimitValue(v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < -1)
    throw badRequest("resource_limit must be an integer, -1 (unlimited) or more.");
  return v;
}

function asDescription(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || v.length > 255)
    throw badRequest("description must be a string of at most 255 characters.");
  return v;
}

/** POST /v3/limits: several at once, all or none; a limit that exists already is 409. */
export async function createLimits(
  ctx: RequestContext,
  caller: Caller,
  items: LimitInput[],
  publicUrl: string,
) {
  assertIdentityAdmin(caller, "create_limits");
  if (!Array.isArray(items) || items.length === 0) throw badRequest("limits must be a non-empty list.");
  const rows: QuotaRow[] = [];
  for (const it of items) {
    assertService(it.service_id);
    if (it.domain_id !== undefined && it.domain_id !== null)
      throw badRequest("Domain limits are not supported; give project_id.");
    if (it.region_id !== undefined && it.region_id !== null)
      throw badRequest("Iris has one region; leave region_id out.");
    if (typeof it.project_id !== "string" || !(await db.project.findUnique({ where: { id: it.project_id } })))
      throw badRequest(`Could not find project: ${String(it.project_id)}.`);
    const r = asResource(it.resource_name);
    rows.push({
      projectId: it.project_id,
      resource: r,
      limit: fromWire(r, asLimitValue(it.resource_limit)),
      description: asDescription(it.description),
    });
  }
  try {
    await db.$transaction(rows.map((q) => db.quota.create({ data: q })));
  } catch (e) {
    if ((e as { code?: string }).code === "P2002")
      throw conflict("Duplicate entry: a limit for that project and resource exists already.");
    throw e;
  }
  for (const q of rows)
    await audit(ctx, {
      action: "limit.create",
      targetType: "project",
      targetId: q.projectId,
      detail: { resource: q.resource, limit: q.limit.toString() },
    });
  return rows.map((q) => limitView(q, publicUrl));
}

/** PATCH /v3/limits/{id}: resource_limit and description. */
export async function updateLimit(
  ctx: RequestContext,
  caller: Caller,
  id: string,
  patch: { resource_limit?: unknown; description?: unknown },
  publicUrl: string,
) {
  assertIdentityAdmin(caller, "update_limit");
  const row = await findLimit(caller, id);
  const r = row.resource as QuotaResource;
  const data: { limit?: bigint; description?: string | null } = {};
  if (patch.resource_limit !== undefined) data.limit = fromWire(r, asLimitValue(patch.resource_limit));
  if (patch.description !== undefined) data.description = asDescription(patch.description);
  const updated = await db.quota.update({
    where: { projectId_resource: { projectId: row.projectId, resource: row.resource } },
    data,
  });
  await audit(ctx, {
    action: "limit.update",
    targetType: "project",
    targetId: row.projectId,
    detail: { resource: row.resource, limit: updated.limit.toString() },
  });
  return limitView(updated, publicUrl);
}

export async function deleteLimit(ctx: RequestContext, caller: Caller, id: string) {
  assertIdentityAdmin(caller, "delete_limit");
  const row = await findLimit(caller, id);
  await db.quota.delete({
    where: { projectId_resource: { projectId: row.projectId, resource: row.resource } },
  });
  await audit(ctx, {
    action: "limit.delete",
    targetType: "project",
    targetId: row.projectId,
    detail: { resource: row.resource },
  });
}

export const limitsModel = () => ({
  model: {
    name: "flat",
    description: "Limit enforcement and validation does not take project hierarchy into consideration.",
  },
});
