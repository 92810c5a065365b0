import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { badRequest, conflict, forbidden } from "../errors";
import { newUuid } from "../ids";
import { assertAllowed } from "../policy";
import { enforceImageCount } from "../quotas";
import { DISALLOWED_ON_CREATE, imageSchema } from "@/lib/schemas/image";
import { validateObject } from "@/lib/schemas/json-schema";
import { isAdmin, policyCaller, type ImageCaller } from "./access";
import {
  assertCustomKey,
  assertMinRequirement,
  assertPropertyQuota,
  assertTagQuota,
  isCore,
  normalizeTags,
} from "./rules";
import { tagSetOf } from "./tag-set";
import { imageInclude, type ImageRecord } from "./types";

// POST /v2/images: a new image record in status `queued`.

const READONLY_ON_CREATE = [
  "created_at",
  "updated_at",
  "status",
  "checksum",
  "size",
  "virtual_size",
  "os_hash_algo",
  "os_hash_value",
];

export async function createImage(
  ctx: RequestContext,
  caller: ImageCaller,
  body: unknown,
): Promise<ImageRecord> {
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw badRequest("Body expected in request: a JSON object.");
  const input = { ...(body as Record<string, unknown>) };
  for (const key of DISALLOWED_ON_CREATE)
    if (Object.hasOwn(input, key)) throw forbidden(`Attribute '${key}' is read-only.`);
  const problem = validateObject(input, imageSchema);
  if (problem) throw badRequest(problem);
  for (const key of READONLY_ON_CREATE)
    if (Object.hasOwn(input, key)) throw forbidden(`Attribute '${key}' is read-only.`);

  const tags = normalizeTags((input.tags as string[] | undefined) ?? []);
  delete input.tags;
  // A property may be named "__proto__": a map without a prototype keeps it as a name.
  const custom: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(input)) {
    if (isCore(k)) continue;
    assertCustomKey(k);
    custom[k] = v as string;
  }
  assertPropertyQuota(Object.keys(custom).length);
  assertTagQuota(tags.length);

  const owner = Object.hasOwn(input, "owner") ? (input.owner as string | null) : caller.projectId;
  const visibility = (input.visibility as string | undefined) ?? "shared";
  const pc = policyCaller(caller);
  const target = { owner: owner ?? "", visibility, project_id: caller.projectId };
  if (owner !== caller.projectId && !isAdmin(caller))
    throw forbidden(`You are not permitted to create images owned by '${owner}'.`);
  assertAllowed("add_image", pc, target, "You are not authorized to create images in this project.");
  if (visibility === "public")
    assertAllowed(
      "publicize_image",
      pc,
      target,
      "You are not authorized to make images public (policy publicize_image).",
    );
  if (visibility === "community")
    assertAllowed(
      "communitize_image",
      pc,
      target,
      "You are not authorized to make images community (policy communitize_image).",
    );

  const minRam = (input.min_ram as number | undefined) ?? 0;
  const minDisk = (input.min_disk as number | undefined) ?? 0;
  assertMinRequirement("min_ram", minRam);
  assertMinRequirement("min_disk", minDisk);

  if (owner) await enforceImageCount(owner);
  const id = (input.id as string | undefined)?.toLowerCase() ?? newUuid();
  // A deleted image keeps its row, so its id is never handed out again (Glance, OSSN-0075).
  if (await db.image.findUnique({ where: { id }, select: { id: true } }))
    throw conflict(`Image with identifier ${id} already exists!`);

  let image: ImageRecord;
  try {
    image = await db.image.create({
      data: {
        id,
        name: (input.name as string | null | undefined) ?? null,
        visibility,
        protected: (input.protected as boolean | undefined) ?? false,
        osHidden: (input.os_hidden as boolean | undefined) ?? false,
        diskFormat: (input.disk_format as string | null | undefined) ?? null,
        containerFormat: (input.container_format as string | null | undefined) ?? null,
        minRam,
        minDisk,
        owner,
        status: "queued",
        properties: { create: Object.entries(custom).map(([name, value]) => ({ name, value })) },
        tags: { create: tags.map((value) => ({ value })) },
        tagSet: tagSetOf(tags),
      },
      include: imageInclude,
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002")
      throw conflict(`Image with identifier ${id} already exists!`);
    throw e;
  }
  await audit(ctx, {
    action: "image.create",
    targetType: "image",
    targetId: image.id,
    detail: { name: image.name, visibility, owner },
  });
  return image;
}
