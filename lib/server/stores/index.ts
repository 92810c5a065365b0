import "server-only";
import path from "node:path";
import { dataDir } from "../env";
import { badRequest } from "../errors";
import { FilesystemStore } from "./filesystem";
import type { ImageStore } from "./types";

// The configured stores. The default is a filesystem store named "file" in the data folder.

let stores: Map<string, ImageStore> | undefined;
let defaultName = "file";

function load(): Map<string, ImageStore> {
  if (!stores) {
    stores = new Map();
    const fsStore = new FilesystemStore(
      "file",
      path.join(dataDir(), "images"),
      "Filesystem store in the data folder",
    );
    stores.set(fsStore.name, fsStore);
    defaultName = fsStore.name;
  }
  return stores;
}

export function listStores(): ImageStore[] {
  return [...load().values()];
}

export function defaultStore(): ImageStore {
  return load().get(defaultName)!;
}

export function getStore(name: string): ImageStore {
  const s = load().get(name);
  if (!s) throw badRequest(`Unknown store '${name}'. Available stores: ${[...load().keys()].join(", ")}.`);
  return s;
}

export function findStore(name: string): ImageStore | undefined {
  return load().get(name);
}
