import "server-only";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { badRequest, conflict, forbidden } from "../errors";
import { assertAllowed } from "../policy";
import { imageBaseProperties, imageSchema } from "@/lib/schemas/image";
import { propertySchema, validateValue } from "@/lib/schemas/json-schema";
import { getVisibleImage, imageNotFound, isAdmin, policyCaller, type ImageCaller } from "./access";
import type { PatchChange } from "./patch";
import {
  assertCustomKey,
  assertMinRequirement,
  assertPropertyQuota,
  assertTagQuota,
  assertWritableKey,
  isCore,
  normalizeTags,
} from "./rules";
import { FORMAT_EDITABLE } from "./status";
import { tagSetOf } from "./tag-set";
import { imageInclude, type ImageRecord } from "./types";

// PATCH /v2/images/{id}: apply JSON-patch changes with Glance's rules, then save in one write.

/** The writable core fields, by wire name, with their column names. */
const CORE_FIELDS = {
  name: "name",
  visibility: "visibility",
  protected: "protected",
  os_hidden: "osHidden",
  disk_format: "diskFormat",
  container_format: "containerFormat",
  min_ram: "minRam",
  min_disk: "minDisk",
  owner: "owner",
} as const;
type CoreWire = keyof typeof CORE_FIELDS;
const isCoreField = (k: string): k is CoreWire => Object.hasOwn(CORE_FIELDS, k);

export async function updateImage(
  ctx: RequestContext,
  caller: ImageCaller,
  id: string,
  changes: PatchChange[],
): Promise<ImageRecord> {
  const { image, target } = await getVisibleImage(ctx, caller, id);
  const pc = policyCaller(caller);

  // Validate every change before applying any (Glance's deserializer does this per request).
  for (const c of changes) {
    const root = c.path[0]!;
    assertWritableKey(root);
    if (c.op === "remove" || root === "locations") continue;
    const schema = propertySchema(imageSchema, root) ?? imageSchema.additionalProperties;
    const problem = validateValue(c.value, schema, root);
    if (problem) throw badRequest(`Provided object does not match schema 'image': ${problem} (in '${root}')`);
  }

  const core: Record<string, unknown> = {};
  const props = new Map(image.properties.map((p) => [p.name, p.value]));
  let tags = image.tags.map((t) => t.value);
  let tagsChanged = false;
  const touched = new Set<string>();

  for (const c of changes) {
    const root = c.path[0]!;
    if (root === "locations") {
      // Iris never exposes or accepts store locations from users (OSSN-0065, OSSA-2014-041).
      if (c.op === "replace" && Array.isArray(c.value) && c.value.length === 0)
        throw forbidden("Cannot set locations to empty list.");
      throw forbidden("It's not allowed to update locations if locations are invisible.");
    }
    assertAllowed(
      "modify_image",
      pc,
      target,
      "You are not authorized to modify this image (policy modify_image).",
    );
    const isCoreKey = isCore(root);
    if (c.op === "remove") {
      if (isCoreKey) throw forbidden(`Property ${root} may not be removed.`);
      if (!props.has(root)) throw conflict(`Property ${root} does not exist.`);
      props.delete(root);
      touched.add(root);
      continue;
    }
    if (c.op === "add" && c.draft === 4) {
      const present = root === "tags" || (isCoreKey ? true : props.has(root));
      if (present) throw conflict(`Property ${root} already present.`);
    }
    if (root === "tags") {
      tags = normalizeTags(c.value as string[]);
      tagsChanged = true;
      continue;
    }
    if (isCoreField(root)) {
      const value = c.value;
      if (root === "owner" && !isAdmin(caller)) throw forbidden("Owner can't be updated by non admin.");
      if (root === "visibility" && value === "public")
        assertAllowed(
          "publicize_image",
          pc,
          target,
          "You are not authorized to make images public (policy publicize_image).",
        );
      if (root === "visibility" && value === "community")
        assertAllowed(
          "communitize_image",
          pc,
          target,
          "You are not authorized to make images community (policy communitize_image).",
        );
      if ((root === "disk_format" || root === "container_format") && !FORMAT_EDITABLE.includes(image.status))
        throw forbidden(`Attribute ${root} can be only replaced for a queued image.`);
      if (root === "min_ram" || root === "min_disk") assertMinRequirement(root, value as number);
      if (root === "visibility" && value === null) throw badRequest("Visibility may not be null.");
      core[CORE_FIELDS[root]] = value;
      continue;
    }
    if (isCoreKey || Object.hasOwn(imageBaseProperties, root))
      throw forbidden(`Attribute '${root}' is read-only.`);
    assertCustomKey(root);
    if (c.op === "replace" && !props.has(root)) throw conflict(`Property ${root} does not exist.`);
    props.set(root, c.value as string);
    touched.add(root);
  }

  if (changes.length === 0) return image;
  assertPropertyQuota(props.size);
  if (tagsChanged) assertTagQuota(tags.length);

  const updated = await db.$transaction(async (tx) => {
    // Compare-and-swap on updatedAt: a concurrent change makes this one retry-able, not lost.
    const res = await tx.image.updateMany({
      where: { id: image.id, updatedAt: image.updatedAt, deleted: false },
      data: { ...core, ...(tagsChanged ? { tagSet: tagSetOf(tags) } : {}), updatedAt: new Date() },
    });
    if (res.count === 0) {
      const still = await tx.image.findUnique({ where: { id: image.id }, select: { deleted: true } });
      if (!still || still.deleted) throw imageNotFound(image.id);
      throw conflict("The image was changed by another request at the same time; retry.");
    }
    for (const name of touched) {
      if (props.has(name))
        await tx.imageProperty.upsert({
          where: { imageId_name: { imageId: image.id, name } },
          create: { imageId: image.id, name, value: props.get(name)! },
          update: { value: props.get(name)! },
        });
      else await tx.imageProperty.deleteMany({ where: { imageId: image.id, name } });
    }
    if (tagsChanged) {
      await tx.imageTag.deleteMany({ where: { imageId: image.id } });
      if (tags.length)
        await tx.imageTag.createMany({ data: tags.map((value) => ({ imageId: image.id, value })) });
    }
    return tx.image.findUniqueOrThrow({ where: { id: image.id }, include: imageInclude });
  });
  await audit(ctx, {
    action: "image.update",
    targetType: "image",
    targetId: image.id,
    detail: { changes: changes.map((c) => ({ op: c.op, path: `/${c.path.join("/")}` })) },
  });
  return updated;
}
