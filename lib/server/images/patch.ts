import { badRequest, unsupportedMediaType } from "../errors";

// Parsing of Glance's image PATCH bodies (pure; glance/api/v2/images.py RequestDeserializer.update).
//   application/openstack-images-v2.1-json-patch: RFC 6902 style {"op", "path", "value"}
//   application/openstack-images-v2.0-json-patch: draft 4 style {"replace": "/name", "value"}

export const PATCH_MEDIA_TYPES = {
  "application/openstack-images-v2.0-json-patch": 4,
  "application/openstack-images-v2.1-json-patch": 10,
} as const;

export const ACCEPT_PATCH = Object.keys(PATCH_MEDIA_TYPES).sort().join(", ");

export type PatchOp = "add" | "remove" | "replace";
const OPS: PatchOp[] = ["add", "remove", "replace"];

export interface PatchChange {
  op: PatchOp;
  path: string[];
  value?: unknown;
  draft: 4 | 10;
}

/** The JSON-patch draft selected by the Content-Type; 415 with Accept-Patch for anything else. */
export function patchDraft(contentType: string | null): 4 | 10 {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const draft = PATCH_MEDIA_TYPES[mediaType as keyof typeof PATCH_MEDIA_TYPES];
  if (!draft)
    throw unsupportedMediaType(`Image PATCH expects Content-Type one of: ${ACCEPT_PATCH}`, {
      "Accept-Patch": ACCEPT_PATCH,
    });
  return draft;
}

function validatePointer(pointer: string): void {
  if (!pointer.startsWith("/")) throw badRequest(`Pointer \`${pointer}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1))) throw badRequest(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith("/")) throw badRequest(`Pointer \`${pointer}\` end with "/".`);
  if (pointer.slice(1).trim() === "/")
    throw badRequest(`Pointer \`${pointer}\` does not contains valid token.`);
  if (/~[^01]/.test(pointer) || pointer.endsWith("~"))
    throw badRequest(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
}

export function decodePointer(pointer: string): string[] {
  validatePointer(pointer);
  return pointer
    .replace(/^\/+/, "")
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~").trim());
}

const PATH_DEPTH: Record<string, Partial<Record<PatchOp, number>>> = {
  locations: { add: 2, remove: 2, replace: 1 },
};

export function parsePatch(body: unknown, draft: 4 | 10): PatchChange[] {
  if (!Array.isArray(body)) throw badRequest("Request body must be a JSON array of operation objects.");
  return body.map((raw): PatchChange => {
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      throw badRequest("Operations must be JSON objects.");
    const change = raw as Record<string, unknown>;
    let op: PatchOp;
    let pointer: unknown;
    if (draft === 10) {
      if (change.op === undefined)
        throw badRequest(
          `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPS.join(", ")}.`,
        );
      if (!OPS.includes(change.op as PatchOp))
        throw badRequest(
          `Invalid operation: \`${String(change.op)}\`. It must be one of the following: ${OPS.join(", ")}.`,
        );
      op = change.op as PatchOp;
      if (!("path" in change)) throw badRequest("Unable to find 'path' in JSON Schema change");
      pointer = change.path;
    } else {
      const present = OPS.filter((o) => o in change);
      if (present.length > 1)
        throw badRequest(
          'Operation objects must contain only one member named "add", "remove", or "replace".',
        );
      if (present.length === 0)
        throw badRequest(
          'Operation objects must contain exactly one member named "add", "remove", or "replace".',
        );
      op = present[0]!;
      pointer = change[op];
    }
    if (typeof pointer !== "string")
      throw badRequest("The path of a change must be a string (a JSON pointer).");
    const path = decodePointer(pointer);
    const depth = PATH_DEPTH[path[0]!]?.[op] ?? 1;
    if (path.length !== depth)
      throw badRequest(`Invalid JSON pointer for this resource: '/${path.join("/")}'`);
    if (op === "remove") return { op, path, draft };
    if (!("value" in change)) throw badRequest(`Operation "${op}" requires a member named "value".`);
    return { op, path, value: change.value, draft };
  });
}
