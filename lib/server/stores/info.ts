import "server-only";
import { defaultStoreName, listStores } from ".";
import { db } from "../db";
import { forbidden } from "../errors";
import { can, type PolicyCaller } from "../policy";
import { FilesystemStore } from "./filesystem";
import { S3Store } from "./s3";
import type { ImageStore } from "./types";

// GET /v2/info/stores and /v2/info/stores/detail, as Glance's discovery controller answers them.

interface StoreInfo {
  id: string;
  description: string;
  default?: "true";
  type?: string;
  properties?: Record<string, unknown>;
  weight?: number;
  /** Iris: what the store holds (active copies of image data). */
  usage?: { images: number; bytes: number };
}

function basic(s: ImageStore): StoreInfo {
  const info: StoreInfo = { id: s.name, description: s.description };
  if (s.name === defaultStoreName()) info.default = "true";
  return info;
}

function properties(s: ImageStore): Record<string, unknown> {
  if (s instanceof FilesystemStore)
    return { data_dir: s.directory, chunk_size: 2 * 1024 * 1024, thin_provisioning: false };
  if (s instanceof S3Store)
    return {
      s3_store_large_object_size: s.partSize / (1024 * 1024),
      s3_store_large_object_chunk_size: s.partSize / (1024 * 1024),
      s3_store_thread_pools: s.queueSize,
      bucket: s.bucket,
      endpoint: s.config.endpoint ?? null,
    };
  return {};
}

export function storesInfo(): { stores: StoreInfo[] } {
  return { stores: listStores().map(basic) };
}

/** Active copies per store: how many images and how many bytes. */
async function storeUsage(): Promise<Map<string, { images: number; bytes: number }>> {
  const rows = await db.imageLocation.groupBy({
    by: ["store"],
    where: { status: "active", image: { deleted: false } },
    _count: { _all: true },
    _sum: { size: true },
  });
  return new Map(rows.map((r) => [r.store, { images: r._count._all, bytes: Number(r._sum.size ?? 0n) }]));
}

export async function storesDetail(caller: PolicyCaller): Promise<{ stores: StoreInfo[] }> {
  if (!can("stores_info_detail", caller))
    throw forbidden("You are not authorized to view store details (policy stores_info_detail).");
  const usage = await storeUsage();
  return {
    stores: listStores().map((s) => ({
      ...basic(s),
      type: s.type,
      properties: properties(s),
      weight: 0,
      usage: usage.get(s.name) ?? { images: 0, bytes: 0 },
    })),
  };
}
