import { imageSchema, imagesSchema, memberSchema, membersSchema, type JsonSchema } from "@/lib/schemas/image";
import { ACCEPT_PATCH } from "./images/patch";
import { SORT_KEYS } from "@/lib/schemas/image";

// The OpenAPI 3.1 document of the Image API, built from the same JSON schemas the routes validate
// request bodies with and GET /v2/schemas serves.

/** JSON Schema 2020-12 form: Glance's `name`, `links` and `is_base` become x- extensions. */
function toOas(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(toOas);
  if (!s || typeof s !== "object") return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) {
    if (k === "name" || k === "links" || k === "is_base") out[`x-glance-${k}`] = v;
    else if (k === "properties" && v && typeof v === "object")
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, toOas(pv)]));
    else out[k] = toOas(v);
  }
  return out;
}

const writable = (schema: typeof imageSchema): JsonSchema => ({
  type: "object",
  properties: Object.fromEntries(
    Object.entries(schema.properties).filter(([, v]) => !(v as JsonSchema).readOnly),
  ),
  additionalProperties: { type: "string" },
});

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ "application/json": { schema } });
const err = (description: string) => ({ description, content: json(ref("Error")) });
const imageIdParam = {
  name: "image_id",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};
const storeHeader = {
  name: "X-Image-Meta-Store",
  in: "header",
  schema: { type: "string" },
  description: "The store to write to (GET /v2/info/stores); the default store if absent.",
};
const hashHeaders = [
  {
    name: "X-Image-Meta-Checksum",
    in: "header",
    schema: { type: "string", pattern: "^[0-9a-fA-F]{32}$" },
    description: "The MD5 the data must have; otherwise 400 and the image is queued again.",
  },
  {
    name: "X-Image-Meta-Os-Hash-Algo",
    in: "header",
    schema: { type: "string" },
    description: "The algorithm of X-Image-Meta-Os-Hash-Value: the site's os_hash_algo (sha512 by default).",
  },
  {
    name: "X-Image-Meta-Os-Hash-Value",
    in: "header",
    schema: { type: "string", pattern: "^[0-9a-fA-F]+$" },
    description: "The os_hash_value the data must have; otherwise 400 and the image is queued again.",
  },
];
const inspected =
  "The content is not the image's disk_format, matches several formats, or fails a safety check (qcow2 backing or data file, a VMDK extent outside the image, a VMDK createType not allowed, a broken GPT/MBR); the message says what was found. The image is queued again.";
const tagParam = { name: "tag", in: "path", required: true, schema: { type: "string", maxLength: 255 } };
const common = {
  "401": err("Missing, expired or revoked token; the body says which and how to get a new one."),
};
const notVisible = { "404": err("No such image, or one the caller may not see.") };

function listParams() {
  const q = (name: string, description: string, schema: unknown = { type: "string" }) => ({
    name,
    in: "query",
    description,
    schema,
  });
  return [
    q("limit", "Page size (default 25, at most the configured maximum, 1000 by default).", {
      type: "integer",
      minimum: 0,
    }),
    q("marker", "The id of the last image of the previous page."),
    q("name", 'Exact name, or `in:a,b,"c, d"`.'),
    q("id", "Exact id, or `in:` list."),
    q("status", "Exact status, or `in:` list."),
    q("owner", "Owner project id."),
    q("visibility", "public, private, shared, community or all.", {
      enum: ["public", "private", "shared", "community", "all"],
    }),
    q("member_status", "For images shared with the caller: accepted (default), pending, rejected or all.", {
      enum: ["accepted", "pending", "rejected", "all"],
    }),
    q("disk_format", "Exact disk format, or `in:` list."),
    q("container_format", "Exact container format, or `in:` list."),
    q("protected", "true or false.", { enum: ["true", "false"] }),
    q("os_hidden", "true lists only hidden images; false (default) only visible ones.", {
      enum: ["true", "false"],
    }),
    q("tag", "Repeatable; every tag must match.", { type: "array", items: { type: "string" } }),
    q("size_min", "Minimum size in bytes.", { type: "integer" }),
    q("size_max", "Maximum size in bytes.", { type: "integer" }),
    q("created_at", "`gt:`, `gte:`, `lt:`, `lte:`, `eq:` or `neq:` and an ISO 8601 time."),
    q("updated_at", "`gt:`, `gte:`, `lt:`, `lte:`, `eq:` or `neq:` and an ISO 8601 time."),
    q("sort", `key:dir,… with keys ${SORT_KEYS.join(", ")}; dir asc or desc (default desc).`),
    q("sort_key", "Classic syntax, repeatable.", { enum: [...SORT_KEYS] }),
    q("sort_dir", "Classic syntax, repeatable.", { enum: ["asc", "desc"] }),
  ];
}

export function imageOpenApi(publicUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Iris Image API (OpenStack Glance Image API v2)",
      version: "2.7",
      description:
        "Glance's Image API v2 as Iris serves it. Authenticate with X-Auth-Token (or Authorization: Bearer) from the Identity API at /identity/v3. Paths in bodies (self, file, schema, first, next) are relative to the API root. On every route, a URL with a NUL (%00) or a malformed percent escape, and a JSON body nested more than 32 levels deep or with a NUL (\\u0000) in a string, are 400; min_ram and min_disk are at most 2147483647 (400 beyond, as in Glance).",
    },
    servers: [{ url: `${publicUrl}/image`, description: "this Iris" }],
    security: [{ token: [] }],
    components: {
      securitySchemes: {
        token: { type: "apiKey", in: "header", name: "X-Auth-Token" },
        bearer: { type: "http", scheme: "bearer" },
      },
      schemas: {
        Image: toOas(imageSchema),
        Images: toOas(imagesSchema),
        ImageCreate: toOas(writable(imageSchema)),
        Member: toOas(memberSchema),
        Members: toOas(membersSchema),
        PatchOperation: {
          oneOf: [
            {
              description: "application/openstack-images-v2.1-json-patch",
              type: "object",
              required: ["op", "path"],
              properties: { op: { enum: ["add", "remove", "replace"] }, path: { type: "string" }, value: {} },
            },
            {
              description:
                "application/openstack-images-v2.0-json-patch (draft 4): exactly one of add, remove, replace",
              type: "object",
              properties: {
                add: { type: "string" },
                remove: { type: "string" },
                replace: { type: "string" },
                value: {},
              },
            },
          ],
        },
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "title", "message"],
              properties: {
                code: { type: "integer", examples: [404] },
                title: { type: "string", examples: ["Not Found"] },
                message: { type: "string", description: "What went wrong, in plain words." },
              },
            },
          },
        },
        Usage: {
          type: "object",
          properties: {
            usage: {
              type: "object",
              additionalProperties: {
                type: "object",
                properties: {
                  limit: { type: "integer", description: "-1: unlimited; sizes in MiB" },
                  usage: { type: "integer" },
                },
              },
            },
          },
        },
        Versions: {
          type: "object",
          properties: {
            versions: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: { type: "string" },
                  status: { enum: ["CURRENT", "SUPPORTED"] },
                  links: { type: "array" },
                },
              },
            },
          },
        },
        AuditEvents: {
          type: "object",
          properties: {
            audit_events: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  id: { type: "string" },
                  created_at: { type: "string", format: "date-time" },
                  action: { type: "string" },
                  outcome: { enum: ["success", "failure"] },
                  user_id: { type: ["string", "null"] },
                  user_name: { type: ["string", "null"] },
                  project_id: { type: ["string", "null"] },
                  target_type: { type: "string" },
                  target_id: { type: ["string", "null"] },
                  request_id: { type: ["string", "null"] },
                  remote_addr: { type: ["string", "null"] },
                  detail: { type: "object" },
                },
              },
            },
            next: { type: "string" },
          },
        },
      },
    },
    paths: {
      "/": {
        get: {
          summary: "Versions (300 Multiple Choices)",
          security: [],
          responses: { "300": { description: "versions", content: json(ref("Versions")) } },
        },
      },
      "/versions": {
        get: {
          summary: "Versions",
          security: [],
          responses: { "200": { description: "versions", content: json(ref("Versions")) } },
        },
      },
      "/v2/images": {
        get: {
          summary: "List images",
          parameters: listParams(),
          responses: {
            "200": { description: "a page of images", content: json(ref("Images")) },
            "400": err("A bad filter, sort key or marker."),
            ...common,
          },
        },
        post: {
          summary: "Create an image (status queued)",
          requestBody: { required: true, content: json(ref("ImageCreate")) },
          responses: {
            "201": { description: "created; Location names it", content: json(ref("Image")) },
            "400": err("Invalid value."),
            "403": err("Read-only or reserved attribute, or not allowed by policy."),
            "409": err("The id is taken (ids of deleted images are never reused)."),
            "413": err("Image count, property or tag quota exceeded."),
            ...common,
          },
        },
      },
      "/v2/images/{image_id}": {
        parameters: [imageIdParam],
        get: {
          summary: "Show an image",
          responses: {
            "200": { description: "the image", content: json(ref("Image")) },
            ...notVisible,
            ...common,
          },
        },
        patch: {
          summary: "Update an image with a JSON patch",
          requestBody: {
            required: true,
            content: {
              "application/openstack-images-v2.1-json-patch": {
                schema: { type: "array", items: ref("PatchOperation") },
              },
              "application/openstack-images-v2.0-json-patch": {
                schema: { type: "array", items: ref("PatchOperation") },
              },
            },
          },
          responses: {
            "200": { description: "the updated image", content: json(ref("Image")) },
            "400": err("Malformed patch or invalid value."),
            "403": err("Read-only, reserved or core property removal, or not allowed."),
            "409": err("Replace or remove of a custom property that does not exist."),
            "413": err("Property or tag quota exceeded."),
            "415": {
              description: `Other media type; Accept-Patch: ${ACCEPT_PATCH}`,
              content: json(ref("Error")),
            },
            ...notVisible,
            ...common,
          },
        },
        delete: {
          summary: "Delete an image and its data",
          responses: {
            "204": { description: "deleted" },
            "403": err("Protected, or not allowed."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/file": {
        parameters: [imageIdParam],
        put: {
          summary:
            "Upload image data (streamed; size, MD5 checksum, os_hash_value, format and virtual_size found on the way)",
          parameters: [
            {
              name: "x-openstack-image-size",
              in: "header",
              schema: { type: "integer" },
              description: "The size the body must have.",
            },
            storeHeader,
            ...hashHeaders,
          ],
          requestBody: {
            required: true,
            content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
          },
          responses: {
            "204": { description: "stored; the image is active" },
            "400": err(
              "Formats not set, size mismatch, the body ended early, or the data's hashes are not the expected ones; the image is queued again.",
            ),
            "403": err("Not allowed."),
            "409": err("The image is not queued (it has data, or another upload runs)."),
            "410": err("The image was deleted during the upload."),
            "413": err("Over the storage quota or the size cap."),
            "415": err(`The Content-Type is not application/octet-stream, or: ${inspected}`),
            "503": err(
              "The store failed to save the data (unreachable, refusing); the image is queued again.",
            ),
            ...notVisible,
            ...common,
          },
        },
        get: {
          summary: "Download image data (Range supported)",
          parameters: [
            { name: "Range", in: "header", schema: { type: "string", examples: ["bytes=0-1023"] } },
          ],
          responses: {
            "200": {
              description: "the data, with Content-Length and Content-MD5",
              content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
            },
            "204": { description: "the image has no data" },
            "206": { description: "the requested range, with Content-Range" },
            "403": err("Deactivated (non-admins), or not allowed."),
            "416": err("The range cannot be satisfied."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/members": {
        parameters: [imageIdParam],
        get: {
          summary: "List members (the owner sees all; a member project only itself)",
          responses: {
            "200": { description: "members", content: json(ref("Members")) },
            "403": err("Not a shared image."),
            ...notVisible,
            ...common,
          },
        },
        post: {
          summary: "Share with a project (status pending)",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["member"],
              properties: { member: { type: "string" } },
            }),
          },
          responses: {
            "200": { description: "the member", content: json(ref("Member")) },
            "400": err("No member given."),
            "403": err("Not a shared image, or not the owner."),
            "409": err("Already a member."),
            "413": err("Member quota."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/members/{member_id}": {
        parameters: [
          imageIdParam,
          { name: "member_id", in: "path", required: true, schema: { type: "string" } },
        ],
        get: {
          summary: "Show a member",
          responses: {
            "200": { description: "the member", content: json(ref("Member")) },
            ...notVisible,
            ...common,
          },
        },
        put: {
          summary: "The member project accepts, rejects or defers",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["status"],
              properties: { status: { enum: ["pending", "accepted", "rejected"] } },
            }),
          },
          responses: {
            "200": { description: "the member", content: json(ref("Member")) },
            "400": err("Bad status."),
            "403": err("Only the member project decides."),
            ...notVisible,
            ...common,
          },
        },
        delete: {
          summary: "Stop sharing with a project",
          responses: {
            "204": { description: "removed" },
            "403": err("Only the owner removes members."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/tags/{tag}": {
        parameters: [imageIdParam, tagParam],
        put: {
          summary: "Add a tag",
          responses: {
            "204": { description: "added" },
            "400": err("Bad tag."),
            "403": err("Not allowed."),
            "413": err("Tag quota."),
            ...notVisible,
            ...common,
          },
        },
        delete: {
          summary: "Remove a tag",
          responses: {
            "204": { description: "removed" },
            "403": err("Not allowed."),
            "404": err("No such image or tag."),
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/actions/deactivate": {
        parameters: [imageIdParam],
        post: {
          summary: "Deactivate (active → deactivated)",
          responses: {
            "204": { description: "done" },
            "403": err("Wrong status or not allowed."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/actions/reactivate": {
        parameters: [imageIdParam],
        post: {
          summary: "Reactivate (deactivated → active)",
          responses: {
            "204": { description: "done" },
            "403": err("Wrong status or not allowed."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/audit-events": {
        parameters: [imageIdParam],
        get: {
          summary: "An image's history (Iris extension; owner project or admin)",
          responses: {
            "200": { description: "events, newest first", content: json(ref("AuditEvents")) },
            "403": err("Not the owner."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/schemas/image": {
        get: {
          summary: "Image schema",
          responses: { "200": { description: "JSON schema", content: json({ type: "object" }) } },
        },
      },
      "/v2/schemas/images": {
        get: {
          summary: "Images schema",
          responses: { "200": { description: "JSON schema", content: json({ type: "object" }) } },
        },
      },
      "/v2/schemas/member": {
        get: {
          summary: "Member schema",
          responses: { "200": { description: "JSON schema", content: json({ type: "object" }) } },
        },
      },
      "/v2/schemas/members": {
        get: {
          summary: "Members schema",
          responses: { "200": { description: "JSON schema", content: json({ type: "object" }) } },
        },
      },
      "/v2/images/{image_id}/uploads": {
        parameters: [imageIdParam],
        post: {
          summary:
            "Create a resumable upload (tus 1.0 creation; Iris extension). The image must be queued and have its formats; it is `uploading` until the last byte arrives, then active.",
          parameters: [
            { name: "Tus-Resumable", in: "header", required: true, schema: { const: "1.0.0" } },
            { name: "Upload-Length", in: "header", required: true, schema: { type: "integer", minimum: 0 } },
            {
              name: "Upload-Metadata",
              in: "header",
              schema: { type: "string" },
              description:
                "tus metadata; `store` picks the store; `checksum` (MD5), `os_hash_algo` and `os_hash_value` are the hashes the whole upload must have",
            },
            storeHeader,
            ...hashHeaders,
          ],
          responses: {
            "201": { description: "created; Location is the upload URL (beneath this path)" },
            "400": err(
              "No Upload-Length (deferred lengths are refused), formats not set, unknown store, malformed expected hashes.",
            ),
            "403": err("Not allowed to upload to this image."),
            "409": err("The image is not queued."),
            "413": err("Over the storage quota or the size cap."),
            ...notVisible,
            ...common,
          },
        },
        options: {
          summary: "tus discovery: Tus-Version, Tus-Extension, Tus-Checksum-Algorithm, Tus-Max-Size",
          security: [],
          responses: { "204": { description: "capabilities" } },
        },
      },
      "/v2/images/{image_id}/uploads/{upload_id}": {
        parameters: [
          imageIdParam,
          { name: "upload_id", in: "path", required: true, schema: { type: "string" } },
        ],
        head: {
          summary: "The upload's offset (Upload-Offset, Upload-Length, Upload-Expires)",
          responses: {
            "200": { description: "offset" },
            "404": err("No such upload for this image."),
            ...common,
          },
        },
        patch: {
          summary:
            "Append bytes at Upload-Offset; with Upload-Checksum (sha1, sha256, sha512, md5) the chunk is verified before it is stored. The last chunk makes the image active.",
          requestBody: {
            required: true,
            content: { "application/offset+octet-stream": { schema: { type: "string", format: "binary" } } },
          },
          responses: {
            "204": { description: "stored; Upload-Offset is the new offset" },
            "400": err(
              "Unsupported checksum algorithm; or, on the last chunk, the upload's hashes are not the expected ones (the upload is discarded, the image queued again).",
            ),
            "404": err("No such upload for this image."),
            "409": err("Upload-Offset does not match the server's offset."),
            "410": err("The upload expired, or the image was deleted."),
            "413": err("Over the storage quota when the upload finished."),
            "415": err(`On the last chunk: ${inspected}`),
            "460": err("The checksum does not match; nothing was stored."),
            ...common,
          },
        },
        delete: {
          summary: "Cancel the upload (tus termination): its data goes, the image is queued again",
          responses: { "204": { description: "cancelled" }, "404": err("No such upload."), ...common },
        },
      },
      "/v2/inspect": {
        post: {
          summary:
            "What the start of a file is (Iris extension): send its first bytes (at most 4 MiB) before an upload; the answer is advice, the upload is inspected again in full",
          parameters: [
            { name: "disk_format", in: "query", schema: { type: "string" } },
            { name: "container_format", in: "query", schema: { type: "string", default: "bare" } },
          ],
          requestBody: {
            required: true,
            content: {
              "application/octet-stream": {
                schema: { type: "string", format: "binary", maxLength: 4194304 },
              },
            },
          },
          responses: {
            "200": {
              description: "the detected format, its virtual size, and the judgement for the given formats",
              content: json({
                type: "object",
                properties: {
                  format: { type: "string" },
                  matches: { type: "array", items: { type: "string" } },
                  virtual_size: { type: ["integer", "null"] },
                  inspected_bytes: { type: "integer" },
                  verdict: {
                    type: "object",
                    properties: {
                      ok: { type: "boolean" },
                      reason: { enum: [null, "format_mismatch", "unsafe", "ambiguous"] },
                      message: { type: "string" },
                    },
                  },
                },
              }),
            },
            "413": err("More than 4 MiB."),
            "415": err("The Content-Type is not application/octet-stream."),
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/stage": {
        parameters: [imageIdParam],
        put: {
          summary:
            "Stage data for a glance-direct import (the image becomes `uploading`); it is inspected as it arrives",
          parameters: hashHeaders,
          requestBody: {
            required: true,
            content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
          },
          responses: {
            "204": { description: "staged" },
            "400": err("Formats not set, the body ended early, or the hashes are not the expected ones."),
            "403": err("Not allowed (modify_image)."),
            "404": err("No such image, or glance-direct is not offered here."),
            "409": err("The image is not queued."),
            "413": err("Over the staging quota, the uploading-images quota or the size cap."),
            "415": err(`The Content-Type is not application/octet-stream, or: ${inspected}`),
            "503": err("The staging area failed to save the data (a disk error); the image is queued again."),
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/import": {
        parameters: [imageIdParam, storeHeader],
        post: {
          summary:
            "Import: glance-direct (staged data), web-download (method.uri) or copy-image (to more stores). 202; a task does the work and the image's os_glance_* properties show progress.",
          requestBody: {
            required: true,
            content: json({
              type: "object",
              required: ["method"],
              properties: {
                method: {
                  type: "object",
                  required: ["name"],
                  properties: {
                    name: { enum: ["glance-direct", "web-download", "copy-image"] },
                    uri: { type: "string", format: "uri" },
                  },
                },
                stores: { type: "array", items: { type: "string" } },
                all_stores: { type: "boolean" },
                all_stores_must_succeed: { type: "boolean", default: true },
                validation_data: {
                  type: "object",
                  additionalProperties: false,
                  description:
                    "Iris: the hashes the imported data must have (glance-direct, web-download), as in Glance's location API; a mismatch fails the task.",
                  properties: {
                    checksum: { type: "string" },
                    os_hash_algo: { type: "string" },
                    os_hash_value: { type: "string" },
                  },
                },
              },
            }),
          },
          responses: {
            "202": { description: "accepted; see GET /v2/images/{image_id}/tasks" },
            "400": err(
              "Bad body, unknown method, a URI that does not pass filtering, already in that store.",
            ),
            "403": err("Not allowed (modify_image; copy_image for copy-image)."),
            "409": err(
              "Wrong image status, formats not set, unknown store, or another import holds the lock.",
            ),
            "413": err("The project is at its storage quota."),
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/images/{image_id}/tasks": {
        parameters: [imageIdParam],
        get: {
          summary: "The image's import tasks, with status, message and request_id",
          responses: {
            "200": { description: "tasks", content: json({ type: "object" }) },
            ...notVisible,
            ...common,
          },
        },
      },
      "/v2/tasks/{task_id}": {
        parameters: [{ name: "task_id", in: "path", required: true, schema: { type: "string" } }],
        get: {
          summary: "One task (policy tasks_api_access: admins by default)",
          responses: {
            "200": { description: "task", content: json({ type: "object" }) },
            "403": err("Not allowed."),
            "404": err("No such task."),
            ...common,
          },
        },
      },
      "/v2/info/import": {
        get: {
          summary: "The import methods this site offers",
          responses: {
            "200": { description: "import methods", content: json({ type: "object" }) },
            ...common,
          },
        },
      },
      "/v2/info/stores": {
        get: {
          summary: "The stores data can be uploaded to, and the default",
          responses: { "200": { description: "stores", content: json({ type: "object" }) }, ...common },
        },
      },
      "/v2/info/stores/detail": {
        get: {
          summary:
            "Each store's type, settings and (Iris) usage: {images, bytes} of active copies (policy stores_info_detail: admins)",
          responses: {
            "200": { description: "stores", content: json({ type: "object" }) },
            "403": err("Not allowed."),
            ...common,
          },
        },
      },
      "/v2/stores/{store_id}/{image_id}": {
        parameters: [
          { name: "store_id", in: "path", required: true, schema: { type: "string" } },
          imageIdParam,
        ],
        delete: {
          summary: "Remove the image's data from one store (it must remain in another)",
          responses: {
            "204": { description: "removed from that store" },
            "403": err("Not allowed (delete_image_location), or the only store holding the data."),
            "404": err("No such image, one the caller may not see, or the image is not in that store."),
            "409": err("Unknown store, or the image is not active."),
            ...common,
          },
        },
      },
      "/v2/info/usage": {
        get: {
          summary: "Quota limits and usage of the caller's project (or, for admins, of project_id)",
          parameters: [
            {
              name: "project_id",
              in: "query",
              schema: { type: "string" },
              description: "Iris: another project's usage (policy get_project_usage: admins).",
            },
          ],
          responses: {
            "200": { description: "usage", content: json(ref("Usage")) },
            "403": err("Another project's usage without policy get_project_usage."),
            ...common,
          },
        },
      },
      "/v2/audit-events": {
        get: {
          summary: "The audit log (Iris extension; admins only)",
          parameters: [
            "action",
            "target_type",
            "target_id",
            "project_id",
            "user_id",
            "outcome",
            "since",
            "until",
            "limit",
            "marker",
          ].map((name) => ({ name, in: "query", schema: { type: "string" } })),
          responses: {
            "200": { description: "events, newest first", content: json(ref("AuditEvents")) },
            "403": err("Not an admin."),
            ...common,
          },
        },
      },
    },
  };
}
