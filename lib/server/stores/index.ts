import "server-only";
import { storeSettings } from "../env";
import { badRequest } from "../errors";
import { FilesystemStore } from "./filesystem";
import { S3Store } from "./s3";
import type { ImageStore } from "./types";

// The configured stores (IRIS_STORES, IRIS_DEFAULT_STORE). Without configuration there is one
// filesystem store named "file" in the data folder.

let stores: Map<string, ImageStore> | undefined;
let defaultName = "file";

function load(): Map<string, ImageStore> {
  if (!stores) {
    const settings = storeSettings();
    const loaded = new Map<string, ImageStore>();
    for (const s of settings.stores) {
      const store =
        s.type === "file"
          ? new FilesystemStore(s.name, s.directory, s.description)
          : new S3Store(s.name, s, s.description);
      loaded.set(s.name, store);
    }
    defaultName = settings.defaultStore;
    stores = loaded;
  }
  return stores;
}

export function listStores(): ImageStore[] {
  return [...load().values()];
}

export function defaultStore(): ImageStore {
  return load().get(defaultName)!;
}

export function defaultStoreName(): string {
  load();
  return defaultName;
}

/** A store named by a client (X-Image-Meta-Store, import's stores): 400 for an unknown name. */
export function getStore(name: string): ImageStore {
  const s = load().get(name);
  if (!s) throw badRequest(`Unknown store '${name}'. Available stores: ${[...load().keys()].join(", ")}.`);
  return s;
}

export function findStore(name: string): ImageStore | undefined {
  return load().get(name);
}
