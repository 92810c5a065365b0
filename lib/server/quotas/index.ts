import "server-only";
import { db } from "../db";
import { env } from "../env";
import { forbidden, tooLarge } from "../errors";
import { can, type PolicyCaller } from "../policy";

// Per-project quotas in Glance's unified-limit names. A project without its own row gets the
// configured default; -1 means unlimited. Sizes are kept in bytes and reported in MiB, as Glance does.

import { isSizeResource, QUOTA_RESOURCES, type QuotaResource } from "@/lib/schemas/quota";

export { QUOTA_RESOURCES, type QuotaResource };

const MiB = 1024n * 1024n;

/** The default (registered) limit: bytes for sizes, -1 = unlimited. */
export function defaultLimit(resource: QuotaResource): bigint {
  const e = env();
  switch (resource) {
    case "image_count_total":
      return BigInt(e.IRIS_QUOTA_IMAGE_COUNT_TOTAL);
    case "image_count_uploading":
      return BigInt(e.IRIS_QUOTA_IMAGE_COUNT_UPLOADING);
    case "image_size_total":
      return e.IRIS_QUOTA_IMAGE_SIZE_TOTAL < 0 ? -1n : BigInt(e.IRIS_QUOTA_IMAGE_SIZE_TOTAL) * MiB;
    case "image_stage_total":
      return e.IRIS_QUOTA_IMAGE_STAGE_TOTAL < 0 ? -1n : BigInt(e.IRIS_QUOTA_IMAGE_STAGE_TOTAL) * MiB;
  }
}

/** The limit in force for a project (bytes for sizes, a count otherwise; -1 = unlimited). */
export async function quotaLimit(projectId: string, resource: QuotaResource): Promise<bigint> {
  const row = await db.quota.findUnique({ where: { projectId_resource: { projectId, resource } } });
  return row ? row.limit : defaultLimit(resource);
}

export async function quotaLimits(projectId: string): Promise<Record<QuotaResource, bigint>> {
  const rows = await db.quota.findMany({ where: { projectId } });
  const out = {} as Record<QuotaResource, bigint>;
  for (const r of QUOTA_RESOURCES) out[r] = rows.find((x) => x.resource === r)?.limit ?? defaultLimit(r);
  return out;
}

export async function usage(projectId: string): Promise<Record<QuotaResource, bigint>> {
  const live = { owner: projectId, deleted: false };
  const [count, uploading, size, staged] = await Promise.all([
    db.image.count({ where: live }),
    db.image.count({ where: { ...live, status: { in: ["saving", "uploading", "importing"] } } }),
    db.image.aggregate({
      where: { ...live, status: { notIn: ["killed", "deleted", "pending_delete"] } },
      _sum: { size: true },
    }),
    db.image.aggregate({
      where: { ...live, status: { in: ["uploading", "importing"] } },
      _sum: { size: true },
    }),
  ]);
  return {
    image_count_total: BigInt(count),
    image_count_uploading: BigInt(uploading),
    image_size_total: size._sum.size ?? 0n,
    image_stage_total: staged._sum.size ?? 0n,
  };
}

/** GET /v2/info/usage: {"usage": {resource: {"limit", "usage"}}}; sizes in MiB. */
export async function usageReport(projectId: string) {
  const [limits, used] = await Promise.all([quotaLimits(projectId), usage(projectId)]);
  const out: Record<string, { limit: number; usage: number }> = {};
  for (const r of QUOTA_RESOURCES) {
    const isSize = isSizeResource(r);
    const limit = limits[r];
    out[r] = {
      limit: limit < 0n ? -1 : Number(isSize ? limit / MiB : limit),
      usage: Number(isSize ? (used[r] + MiB - 1n) / MiB : used[r]),
    };
  }
  return { usage: out };
}

/** 413 when one more image would exceed the project's image_count_total. */
export async function enforceImageCount(projectId: string): Promise<void> {
  const limit = await quotaLimit(projectId, "image_count_total");
  if (limit < 0n) return;
  const count = await db.image.count({ where: { owner: projectId, deleted: false } });
  if (BigInt(count) + 1n > limit)
    throw tooLarge(
      `Quota exceeded for image_count_total: the project may own ${limit} image${limit === 1n ? "" : "s"} and owns ${count}. Delete images or ask an administrator to raise the quota.`,
    );
}

/** GET /v2/info/usage for the caller's project, or (policy get_project_usage, admins) another one. */
export async function usageReportFor(
  caller: PolicyCaller & { projectId: string },
  projectId?: string | null,
) {
  const target = projectId ?? caller.projectId;
  if (target !== caller.projectId && !can("get_project_usage", caller))
    throw forbidden("You are not authorized to view another project's usage (policy get_project_usage).");
  return usageReport(target);
}
