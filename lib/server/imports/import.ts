import "server-only";
import { z } from "zod";
import { audit } from "../audit";
import type { RequestContext } from "../context";
import { db } from "../db";
import { importMethods, webDownloadPolicy, type ImportMethod } from "../env";
import { AppError, badRequest, conflict, forbidden, tooLarge } from "../errors";
import { log } from "../log";
import { can } from "../policy";
import { quotaLimit, usage } from "../quotas";
import { defaultStoreName, findStore, listStores } from "../stores";
import { pump } from "../stores/pump";
import { beginWrite, StoreWriteError, type ImageStore, type StoreWriter } from "../stores/types";
import { getVisibleImage, policyCaller, type ImageCaller } from "../images/access";
import {
  assertHashes,
  checkInspection,
  newInspector,
  validateExpected,
  type ExpectedHashes,
} from "../images/data-checks";
import { storageRoom } from "../images/data-rules";
import { activateImage, recordLocation } from "../images/data-record";
import { deleteLocation } from "../images/data-removal";
import { heartbeat } from "../images/heartbeat";
import { FetchRefused, precheck, safeFetch } from "../outbound/safe-fetch";
import { ConversionRefused, convertStaged, type Conversion } from "./convert";
import { stagedInspection, stagingStore, STAGING_STORE, type StagedInspection } from "./staging";
import { createTask, updateTask } from "./tasks";

// POST /v2/images/{id}/import: glance-direct (staged data), web-download (a URL) and copy-image
// (to more stores), with Glance's checks, its import lock (os_glance_import_task) and progress
// properties (os_glance_importing_to_stores, os_glance_failed_import). The work runs after the
// 202 as a task whose status and message tell how it went.

export const LOCK = "os_glance_import_task";
export const IMPORTING = "os_glance_importing_to_stores";
export const FAILED = "os_glance_failed_import";
const LOCK_EXPIRY_MS = 60 * 60_000;

const bodySchema = z.object({
  method: z.object({ name: z.string(), uri: z.string().optional() }).passthrough(),
  stores: z.array(z.string()).optional(),
  all_stores: z.boolean().optional(),
  all_stores_must_succeed: z.boolean().optional(),
  // Iris: Glance's validation_data (of its location API) for the data an import brings in.
  validation_data: z
    .object({
      checksum: z.string().optional(),
      os_hash_algo: z.string().optional(),
      os_hash_value: z.string().optional(),
    })
    .strict()
    .optional(),
});

interface ImportRequest {
  method: ImportMethod;
  uri?: string;
  stores: string[];
  allStoresMustSucceed: boolean;
  diskFormat: string;
  containerFormat: string;
  expected?: ExpectedHashes;
}

/** Glance's _validate_import_body, message for message. */
function parseBody(body: unknown): z.infer<typeof bodySchema> {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== "object" || Array.isArray(b))
    throw badRequest("Import request body must be a JSON object.");
  const method = b.method as Record<string, unknown> | undefined;
  if (!method || typeof method !== "object") throw badRequest("Import request requires a 'method' field.");
  if (method.name === undefined) throw badRequest("Import request requires a 'name' field.");
  if (typeof method.name !== "string" || !(importMethods() as string[]).includes(method.name))
    throw badRequest(`Unknown import method name '${String(method.name)}'.`);
  if (b.all_stores_must_succeed !== undefined && typeof b.all_stores_must_succeed !== "boolean")
    throw badRequest("'all_stores_must_succeed' must be boolean value only");
  if (b.all_stores !== undefined && typeof b.all_stores !== "boolean")
    throw badRequest("'all_stores' must be boolean value only");
  const parsed = bodySchema.safeParse(b);
  if (!parsed.success)
    throw badRequest(`Invalid import request: ${parsed.error.issues[0]?.message ?? "bad body"}`);
  return parsed.data;
}

/** Glance's get_stores_from_request: all_stores, the stores list, X-Image-Meta-Store or the default. */
function storesFromRequest(body: z.infer<typeof bodySchema>, header: string | null): string[] {
  let stores: string[];
  if (body.all_stores) {
    if (body.stores !== undefined || header !== null)
      throw badRequest(
        "All_stores parameter can't be used with x-image-meta-store header or stores parameter",
      );
    stores = listStores().map((s) => s.name);
  } else if (body.stores !== undefined) {
    if (header !== null)
      throw badRequest("Stores parameter and x-image-meta-store header can't be both specified");
    stores = body.stores;
  } else stores = [header ?? defaultStoreName()];
  for (const s of stores) if (!findStore(s)) throw conflict(`Unknown store '${s}'.`);
  return [...new Set(stores)];
}

async function setProperty(imageId: string, name: string, value: string | null): Promise<void> {
  if (value === null || value === "") await db.imageProperty.deleteMany({ where: { imageId, name } });
  else
    await db.imageProperty.upsert({
      where: { imageId_name: { imageId, name } },
      create: { imageId, name, value },
      update: { value },
    });
}

async function getProperty(imageId: string, name: string): Promise<string | null> {
  return (await db.imageProperty.findUnique({ where: { imageId_name: { imageId, name } } }))?.value ?? null;
}

async function editList(imageId: string, name: string, add: string[], remove: string[]): Promise<void> {
  const now = (await getProperty(imageId, name))?.split(",").filter(Boolean) ?? [];
  const next = [...now.filter((s) => !remove.includes(s)), ...add.filter((s) => !now.includes(s))];
  await setProperty(imageId, name, next.join(","));
}

/** Glance's _enforce_import_lock: a lock held by a live task is 409; a stale one is taken over. */
async function takeOverStaleLock(imageId: string): Promise<void> {
  const holder = await getProperty(imageId, LOCK);
  if (!holder) return;
  const task = await db.task.findUnique({ where: { id: holder } });
  const age = task ? Date.now() - task.updatedAt.getTime() : Infinity;
  const expiry = task?.status === "pending" ? 2 * LOCK_EXPIRY_MS : LOCK_EXPIRY_MS;
  const ended = task && (task.status === "success" || task.status === "failure");
  if (!task || ended || age >= expiry) {
    if (task && !ended) await updateTask(task.id, { status: "failure", message: "Expired lock preempted" });
    await db.imageProperty.deleteMany({ where: { imageId, name: LOCK, value: holder } });
    return;
  }
  throw conflict(
    `Image ${imageId} has an import in progress (task ${holder}, ${task.status}); try again later.`,
  );
}

export async function startImport(
  ctx: RequestContext,
  caller: ImageCaller,
  imageId: string,
  rawBody: unknown,
  storeHeader: string | null,
): Promise<void> {
  const body = parseBody(rawBody);
  const method = body.method.name as ImportMethod;
  const { image, target } = await getVisibleImage(ctx, caller, imageId);
  // Glance: no import while the owner is at or over its storage quota.
  const owner = image.owner ?? caller.projectId;
  const limit = await quotaLimit(owner, "image_size_total");
  if (limit >= 0n && (await usage(owner)).image_size_total >= limit)
    throw tooLarge("Image exceeds the storage quota: the project stores as much as its quota allows.");
  if (image.status === "active" && method !== "copy-image")
    throw conflict("Image with status active cannot be target for import");
  if (image.status !== "active" && method === "copy-image")
    throw conflict("Only images with status active can be targeted for copying");
  if (image.status !== "queued" && method === "web-download")
    throw conflict(`Image needs to be in 'queued' state to use '${method}' method`);
  if (image.status !== "uploading" && method === "glance-direct")
    throw conflict("Image needs to be staged before 'glance-direct' method can be used");
  if (!image.containerFormat) throw conflict("'container_format' needs to be set before import");
  if (!image.diskFormat) throw conflict("'disk_format' needs to be set before import");
  const pc = policyCaller(caller);
  if (method === "copy-image") {
    if (!can("copy_image", pc, target))
      throw forbidden("You are not authorized to copy this image (policy copy_image).");
  } else if (!can("modify_image", pc, target))
    throw forbidden("You are not authorized to import data to this image.");
  if (
    method === "glance-direct" &&
    !(await db.upload.findFirst({ where: { imageId: image.id, kind: "stage" } }))
  )
    throw conflict("Image needs to be staged before 'glance-direct' method can be used");

  await takeOverStaleLock(image.id);
  let stores = storesFromRequest(body, storeHeader);
  const have = (image.locations ?? []).filter((l) => l.status === "active").map((l) => l.store);
  if (method === "copy-image") {
    if (body.all_stores) {
      stores = stores.filter((s) => !have.includes(s));
      if (stores.length === 0) return; // already in every store
    } else {
      const present = stores.find((s) => have.includes(s));
      if (present) throw badRequest(`Image is already present at store '${present}'`);
    }
  }
  if (method === "web-download") {
    const uri = body.method.uri;
    if (!uri) throw badRequest("'uri' needs to be set for web-download import method");
    try {
      precheck(uri, webDownloadPolicy());
    } catch (e) {
      if (e instanceof FetchRefused)
        throw badRequest(`URI for web-download does not pass filtering: ${uri} (${e.message})`);
      throw e;
    }
  }
  const expected = body.validation_data
    ? validateExpected({
        checksum: body.validation_data.checksum,
        osHashAlgo: body.validation_data.os_hash_algo,
        osHashValue: body.validation_data.os_hash_value,
      })
    : undefined;
  if (expected && method === "copy-image")
    throw badRequest("validation_data applies to glance-direct and web-download, not to copy-image.");
  const request: ImportRequest = {
    method,
    uri: body.method.uri,
    stores,
    allStoresMustSucceed: body.all_stores_must_succeed ?? true,
    diskFormat: image.diskFormat,
    containerFormat: image.containerFormat,
    expected,
  };
  const task = await createTask({
    imageId: image.id,
    input: { image_id: image.id, import_req: rawBody, backend: stores },
    // Glance: the task belongs to the project that started the import (owner=ctxt.owner), which
    // is not the image's owner when an admin copies another project's image.
    owner: caller.projectId,
    userId: caller.userId,
    requestId: ctx.requestId,
  });
  try {
    await db.imageProperty.create({ data: { imageId: image.id, name: LOCK, value: task.id } });
  } catch {
    await updateTask(task.id, { status: "failure", message: "Another import holds the lock." });
    throw conflict(
      `New operation on image '${image.id}' is not permitted as prior operation is still in progress`,
    );
  }
  if (method !== "copy-image")
    await db.image.updateMany({
      where: { id: image.id, status: image.status },
      data: { status: "importing" },
    });
  await editList(image.id, IMPORTING, stores, []);
  await editList(image.id, FAILED, [], stores);
  await audit(ctx, {
    action: "image.import",
    targetType: "image",
    targetId: image.id,
    detail: { method, stores: stores.join(","), task: task.id },
  });
  void runImport(task.id, image.id, owner, request).catch((e) =>
    log.error("import task crashed", { taskId: task.id, error: String(e) }),
  );
}

class ImportFailure extends Error {}

const MiB = 1024 * 1024;

/** The import itself, after the 202. Never throws: the task records what happened. */
async function runImport(taskId: string, imageId: string, owner: string, req: ImportRequest): Promise<void> {
  await updateTask(taskId, { status: "processing" });
  const stopHeartbeat = heartbeat(() =>
    db.task.updateMany({ where: { id: taskId, status: "processing" }, data: { updatedAt: new Date() } }),
  );
  const written: { store: ImageStore; key: string }[] = [];
  let succeeded = 0;
  try {
    const staging = stagingStore();
    let source: { store: ImageStore; key: string };
    // What the data is (from the inspection while it was staged) and what it becomes.
    let learnt: { virtualSize: bigint | null; notes: string[]; converted?: Conversion } = {
      virtualSize: null,
      notes: [],
    };
    if (req.method === "web-download" || req.method === "glance-direct") {
      if (req.method === "web-download") await downloadToStaging(taskId, imageId, owner, req);
      learnt = await checkStaged(imageId, req);
      const converted = await convertStaged(
        imageId,
        req.diskFormat,
        await storageRoom(owner, "image_stage_total"),
      );
      if (converted) {
        learnt = {
          virtualSize: converted.virtualSize,
          notes: [...learnt.notes, converted.summary],
          converted,
        };
        await db.upload.updateMany({ where: { imageId, kind: "stage" }, data: { size: converted.size } });
        await updateTask(taskId, { message: learnt.notes.join(" ") });
      }
      source = { store: staging, key: imageId };
    } else {
      const loc = await db.imageLocation.findFirst({
        where: { imageId, status: "active" },
        orderBy: { createdAt: "asc" },
      });
      const store = loc ? findStore(loc.store) : undefined;
      if (!loc || !store)
        throw new ImportFailure("The image has no data in any configured store to copy from.");
      source = { store, key: loc.key };
    }
    const expected = await db.image.findUnique({ where: { id: imageId }, select: { checksum: true } });
    let copied = 0n;
    for (const name of req.stores) {
      const store = findStore(name)!;
      let writer: StoreWriter | null = null;
      try {
        writer = await beginWrite(store, imageId);
        const room = req.method === "copy-image" ? null : await storageRoom(owner);
        const result = await pump(await source.store.read(source.key), writer, {
          onProgress: (n) => room?.check(n, false),
        });
        if (req.method === "copy-image" && expected?.checksum && result.md5 !== expected.checksum)
          throw new ImportFailure(
            `The copy read from ${source.store.name} does not match the image's checksum.`,
          );
        await writer.commit();
        writer = null;
        written.push({ store, key: imageId });
        await recordLocation(db, imageId, name, imageId, result.size);
        copied = result.size;
        succeeded++;
        await editList(imageId, IMPORTING, [], [name]);
        const last = name === req.stores[req.stores.length - 1];
        if (req.method !== "copy-image" && (!req.allStoresMustSucceed || last)) {
          const activated = await activateImage(db, imageId, "importing", {
            size: result.size,
            md5: result.md5,
            algo: result.algo,
            hash: result.hash,
            virtualSize: learnt.virtualSize,
            ...(learnt.converted
              ? { converted: { diskFormat: learnt.converted.to, containerFormat: "bare" } }
              : {}),
          });
          if (!activated && succeeded === 1) {
            const now = await db.image.findUnique({
              where: { id: imageId },
              select: { deleted: true, status: true },
            });
            if (!now || now.deleted) throw new ImportFailure("The image was deleted during the import.");
          }
        }
      } catch (e) {
        if (writer) await writer.abort();
        await editList(imageId, IMPORTING, [], [name]);
        await editList(imageId, FAILED, [name], []);
        log.warn("import to a store failed", { taskId, imageId, store: name, error: String(e) });
        if (req.allStoresMustSucceed || e instanceof ImportFailure)
          // The task names the store; the store's own error (endpoints, buckets) stays in the log.
          throw e instanceof StoreWriteError
            ? new ImportFailure(`Store ${name} could not save the data.`)
            : e;
      }
    }
    if (succeeded === 0) throw new ImportFailure("None of the uploads finished!");
    const image = await db.image.findUnique({ where: { id: imageId }, select: { deleted: true } });
    if (!image || image.deleted) throw new ImportFailure("The image was deleted during the import.");
    if (req.method !== "copy-image") await dropStaged(imageId);
    await updateTask(taskId, {
      status: "success",
      result: { image_id: imageId },
      message:
        req.method === "copy-image"
          ? `Copied ${Number(copied) / MiB < 1 ? 0 : Math.floor(Number(copied) / MiB)} MiB to ${req.stores.join(", ")}`
          : [
              `Imported ${Math.floor(Number(copied) / MiB)} MiB to ${req.stores.join(", ")}.`,
              ...learnt.notes,
            ].join(" "),
    });
  } catch (e) {
    // Revert: what this import wrote goes; the image is queued again (copy-image: stays active).
    for (const w of written) {
      await w.store.delete(w.key).catch(() => undefined);
      await db.imageLocation.deleteMany({ where: { imageId, store: w.store.name } });
    }
    await editList(imageId, IMPORTING, [], req.stores);
    // Every store the data did not reach is a failed one (a download that failed reached none).
    await editList(
      imageId,
      FAILED,
      req.stores.filter((n) => !written.some((w) => w.store.name === n)),
      [],
    );
    if (req.method !== "copy-image") {
      await dropStaged(imageId);
      await db.image.updateMany({
        where: { id: imageId, status: { in: ["importing", "active"] }, deleted: false },
        data: { status: "queued", size: null, checksum: null, osHashAlgo: null, osHashValue: null },
      });
    }
    const message =
      e instanceof ImportFailure ||
      e instanceof FetchRefused ||
      e instanceof AppError ||
      e instanceof ConversionRefused
        ? e.message
        : `Import failed: ${e instanceof Error ? e.message : String(e)}`;
    await updateTask(taskId, { status: "failure", message });
  } finally {
    stopHeartbeat();
    await db.imageProperty.deleteMany({ where: { imageId, name: LOCK, value: taskId } });
    // A deleted image's data must not outlive it.
    const image = await db.image.findUnique({ where: { id: imageId }, select: { deleted: true } });
    if (image?.deleted) for (const w of written) await w.store.delete(w.key).catch(() => undefined);
  }
}

/**
 * The staged data as the stage (or download) found it: its hashes must be the ones the import
 * request expects, and its inspection gives the virtual size and the task's first words.
 */
async function checkStaged(
  imageId: string,
  req: ImportRequest,
): Promise<{ virtualSize: bigint | null; notes: string[] }> {
  const row = await db.upload.findFirst({ where: { imageId, kind: "stage" } });
  let meta: { md5?: string; hash?: string; algo?: string } & StagedInspection = {};
  try {
    meta = row?.metadata ? (JSON.parse(row.metadata) as typeof meta) : {};
  } catch {
    meta = {};
  }
  if (req.expected) {
    if (!meta.md5 || !meta.hash || !meta.algo)
      throw new ImportFailure(
        "The staged data's hashes are unknown; stage it again to verify validation_data.",
      );
    try {
      assertHashes(req.expected, { md5: meta.md5, algo: meta.algo, hash: meta.hash });
    } catch (e) {
      throw new ImportFailure((e as Error).message);
    }
  }
  return {
    virtualSize: meta.virtualSize ? BigInt(meta.virtualSize) : null,
    notes: meta.summary ? [meta.summary] : [],
  };
}

async function dropStaged(imageId: string): Promise<void> {
  await stagingStore()
    .delete(imageId)
    .catch(() => undefined);
  await db.upload.deleteMany({ where: { imageId, kind: "stage" } });
}

/** web-download: the URL's body goes to the staging store first, bounded in size and time. */
async function downloadToStaging(
  taskId: string,
  imageId: string,
  owner: string,
  req: ImportRequest,
): Promise<void> {
  const uri = req.uri!;
  const policy = webDownloadPolicy();
  const ctrl = new AbortController();
  const timer = setTimeout(
    () => ctrl.abort(new Error(`The download took longer than ${policy.totalTimeoutMs / 1000} s.`)),
    policy.totalTimeoutMs,
  );
  const room = await storageRoom(owner, "image_stage_total");
  let writer: StoreWriter | null = null;
  try {
    const fetched = await safeFetch(uri, policy, ctrl.signal);
    if (fetched.length !== null) room.check(BigInt(fetched.length));
    writer = await beginWrite(stagingStore(), imageId);
    let lastReport = 0;
    const result = await pump(fetched.body, writer, {
      inspector: newInspector(),
      onProgress: (n) => {
        room.check(n, false);
        if (Number(n) - lastReport >= 64 * MiB) {
          lastReport = Number(n);
          void updateTask(taskId, { message: `Downloaded ${Math.floor(lastReport / MiB)} MiB` });
        }
      },
    });
    if (fetched.length !== null && result.size !== BigInt(fetched.length))
      throw new ImportFailure(`The download ended after ${result.size} of ${fetched.length} bytes.`);
    const inspected = checkInspection(result.inspection, {
      diskFormat: req.diskFormat,
      containerFormat: req.containerFormat,
    });
    await writer.commit();
    writer = null;
    const metadata = JSON.stringify({
      md5: result.md5,
      hash: result.hash,
      algo: result.algo,
      ...stagedInspection(inspected),
    });
    await db.upload.upsert({
      where: { id: imageId },
      create: {
        id: imageId,
        imageId,
        kind: "stage",
        store: STAGING_STORE,
        key: imageId,
        size: result.size,
        offset: result.size,
        metadata,
        expiresAt: new Date(Date.now() + 24 * 3600_000),
      },
      update: { size: result.size, offset: result.size, metadata },
    });
  } catch (e) {
    if (writer) await writer.abort();
    if (ctrl.signal.aborted)
      throw new ImportFailure(String((ctrl.signal.reason as Error)?.message ?? "The download timed out."));
    if (e instanceof StoreWriteError) {
      // The task is read by the image's owner: the folder and the disk's error stay in the log.
      log.warn("web-download: the staging area failed", { taskId, imageId, error: String(e) });
      throw new ImportFailure("The staging area could not save the data.");
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** After a crash: tasks that stopped without ending fail, and their images can be imported again. */
export async function sweepInterruptedImports(staleMs: number): Promise<number> {
  const cutoff = new Date(Date.now() - staleMs);
  const stale = await db.task.findMany({
    where: { type: "api_image_import", status: { in: ["pending", "processing"] }, updatedAt: { lt: cutoff } },
  });
  for (const t of stale) {
    await updateTask(t.id, {
      status: "failure",
      message: "The import was interrupted (the server stopped); the image can be imported again.",
    });
    if (!t.imageId) continue;
    const input = JSON.parse(t.input) as { import_req?: { method?: { name?: string } }; backend?: string[] };
    const method = input.import_req?.method?.name;
    await db.imageProperty.deleteMany({ where: { imageId: t.imageId, name: LOCK, value: t.id } });
    await editList(t.imageId, IMPORTING, [], input.backend ?? []);
    if (method !== "copy-image") {
      // Data staged by PUT …/stage is still there: the image is `uploading` again, ready for a
      // new glance-direct import; otherwise it is queued.
      const staged =
        method === "glance-direct" &&
        (await db.upload.findFirst({ where: { imageId: t.imageId, kind: "stage" } }));
      if (!staged) await dropStaged(t.imageId);
      const back = await db.image.updateMany({
        where: { id: t.imageId, status: { in: ["importing", "uploading"] } },
        data: staged ? { status: "uploading" } : { status: "queued", size: null },
      });
      // What the import had copied and recorded before it stopped goes with it, as when an
      // import fails (the image had no data before).
      if (back.count)
        for (const loc of await db.imageLocation.findMany({ where: { imageId: t.imageId } }))
          await deleteLocation(loc);
    }
  }
  return stale.length;
}
