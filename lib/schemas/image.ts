// Glance's image, images, member and members schemas (GET /v2/schemas/...), the same documents
// the routes validate request bodies with (lib/schemas/json-schema.ts) and the OpenAPI document
// is generated from. python-glanceclient validates against them before it creates or updates.

export const DISK_FORMATS = [
  "ami",
  "ari",
  "aki",
  "vhd",
  "vhdx",
  "vmdk",
  "raw",
  "qcow2",
  "vdi",
  "iso",
  "ploop",
] as const;
export const CONTAINER_FORMATS = ["ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"] as const;
export const IMAGE_STATUSES = [
  "queued",
  "saving",
  "active",
  "killed",
  "deleted",
  "uploading",
  "importing",
  "pending_delete",
  "deactivated",
] as const;
/** The largest min_ram and min_disk: 4-byte integer columns, as in Glance's database. */
export const MAX_DB_INT = 2 ** 31 - 1;

export const VISIBILITIES = ["community", "public", "private", "shared"] as const;
export const MEMBER_STATUSES = ["pending", "accepted", "rejected"] as const;

export type JsonSchema = {
  type?: string | string[];
  enum?: readonly (string | null)[];
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  readOnly?: boolean;
  writeOnly?: boolean;
  description?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  is_base?: boolean;
  [k: string]: unknown;
};

const UUID_PATTERN =
  "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";

/** Glance's base image properties (glance/api/v2/images.py get_base_properties). */
export const imageBaseProperties: Record<string, JsonSchema> = {
  id: { type: "string", description: "An identifier for the image", pattern: UUID_PATTERN },
  name: { type: ["null", "string"], description: "Descriptive name for the image", maxLength: 255 },
  status: {
    type: "string",
    readOnly: true,
    description: "Status of the image",
    enum: IMAGE_STATUSES,
  },
  visibility: { type: "string", description: "Scope of image accessibility", enum: VISIBILITIES },
  protected: { type: "boolean", description: "If true, image will not be deletable." },
  os_hidden: {
    type: "boolean",
    description: "If true, image will not appear in default image list response.",
  },
  checksum: {
    type: ["null", "string"],
    readOnly: true,
    description: "md5 hash of image contents.",
    maxLength: 32,
  },
  os_hash_algo: {
    type: ["null", "string"],
    readOnly: true,
    description: "Algorithm to calculate the os_hash_value",
    maxLength: 64,
  },
  os_hash_value: {
    type: ["null", "string"],
    readOnly: true,
    description: "Hexdigest of the image contents using the algorithm specified by the os_hash_algo",
    maxLength: 128,
  },
  owner: { type: ["null", "string"], description: "Owner of the image", maxLength: 255 },
  size: { type: ["null", "integer"], readOnly: true, description: "Size of image file in bytes" },
  virtual_size: { type: ["null", "integer"], readOnly: true, description: "Virtual size of image in bytes" },
  container_format: {
    type: ["null", "string"],
    description: "Format of the container",
    enum: [null, ...CONTAINER_FORMATS],
  },
  disk_format: { type: ["null", "string"], description: "Format of the disk", enum: [null, ...DISK_FORMATS] },
  created_at: { type: "string", readOnly: true, description: "Date and time of image registration" },
  updated_at: { type: "string", readOnly: true, description: "Date and time of the last image modification" },
  tags: {
    type: "array",
    description: "List of strings related to the image",
    items: { type: "string", maxLength: 255 },
  },
  direct_url: {
    type: "string",
    readOnly: true,
    description: "URL to access the image file kept in external store",
  },
  min_ram: { type: "integer", description: "Amount of ram (in MB) required to boot image." },
  min_disk: { type: "integer", description: "Amount of disk space (in GB) required to boot image." },
  self: { type: "string", readOnly: true, description: "An image self url" },
  file: { type: "string", readOnly: true, description: "An image file url" },
  stores: {
    type: "string",
    readOnly: true,
    description:
      "Store in which image data resides.  Only present when the operator has enabled multiple stores.  May be a comma-separated list of store identifiers.",
  },
  schema: { type: "string", readOnly: true, description: "An image schema url" },
  locations: {
    type: "array",
    items: {
      type: "object",
      properties: {
        url: { type: "string", maxLength: 255 },
        metadata: { type: "object" },
        validation_data: {
          description:
            "Values to be used to populate the corresponding image properties. If the image status is not 'queued', values must exactly match those already contained in the image properties.",
          type: "object",
          writeOnly: true,
          additionalProperties: false,
          properties: {
            checksum: { type: "string", minLength: 32, maxLength: 32 },
            os_hash_algo: { type: "string", maxLength: 64 },
            os_hash_value: { type: "string", maxLength: 128 },
          },
          required: ["os_hash_algo", "os_hash_value"],
        },
      },
      required: ["url", "metadata"],
    },
    description: "A set of URLs to access the image file kept in external store",
  },
};

/** Operator-visible extra properties Glance ships in etc/schema-image.json (is_base: false). */
export const imageExtraProperties: Record<string, JsonSchema> = {
  kernel_id: {
    type: ["null", "string"],
    pattern: UUID_PATTERN,
    description:
      "ID of image stored in Glance that should be used as the kernel when booting an AMI-style image.",
    is_base: false,
  },
  ramdisk_id: {
    type: ["null", "string"],
    pattern: UUID_PATTERN,
    description:
      "ID of image stored in Glance that should be used as the ramdisk when booting an AMI-style image.",
    is_base: false,
  },
  instance_uuid: {
    type: "string",
    description:
      "Metadata which can be used to record which instance this image is associated with. (Informational only, does not create an instance snapshot.)",
    is_base: false,
  },
  architecture: {
    description:
      "Operating system architecture as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html",
    type: "string",
    is_base: false,
  },
  os_distro: {
    description:
      "Common name of operating system distribution as specified in https://docs.openstack.org/python-glanceclient/latest/cli/property-keys.html",
    type: "string",
    is_base: false,
  },
  os_version: {
    description: "Operating system version as specified by the distributor.",
    type: "string",
    is_base: false,
  },
  description: {
    description: "A human-readable string describing this image.",
    type: "string",
    is_base: false,
  },
  cinder_encryption_key_id: {
    description:
      "Identifier in the OpenStack Key Management Service for the encryption key for the Block Storage Service to use when mounting a volume created from this image",
    type: "string",
    is_base: false,
  },
  cinder_encryption_key_deletion_policy: {
    description:
      "States the condition under which the Image Service will delete the object associated with the 'cinder_encryption_key_id' image property.  If this property is missing, the Image Service will take no action",
    type: "string",
    enum: ["on_image_deletion", "do_not_delete"],
    is_base: false,
  },
};

const imageLinks = [
  { rel: "self", href: "{self}" },
  { rel: "enclosure", href: "{file}" },
  { rel: "describedby", href: "{schema}" },
];

export const imageSchema = {
  name: "image",
  properties: { ...imageBaseProperties, ...imageExtraProperties },
  additionalProperties: { type: "string" },
  links: imageLinks,
} as const satisfies JsonSchema;

/** A collection schema as Glance builds it (glance/schema.py CollectionSchema). */
function collectionSchema(name: string, item: object) {
  return {
    name,
    properties: {
      [name]: { type: "array", items: item },
      first: { type: "string" },
      next: { type: "string" },
      schema: { type: "string" },
    },
    links: [
      { rel: "first", href: "{first}" },
      { rel: "next", href: "{next}" },
      { rel: "describedby", href: "{schema}" },
    ],
  };
}

export const imagesSchema = collectionSchema("images", imageSchema);

export const memberSchema = {
  name: "member",
  properties: {
    created_at: { type: "string", description: "Date and time of image member creation" },
    image_id: { type: "string", description: "An identifier for the image", pattern: UUID_PATTERN },
    member_id: { type: "string", description: "An identifier for the image member (tenantId)" },
    status: { type: "string", description: "The status of this image member", enum: MEMBER_STATUSES },
    updated_at: { type: "string", description: "Date and time of last modification of image member" },
    schema: { readOnly: true, type: "string" },
  },
  additionalProperties: false,
};

export const membersSchema = collectionSchema("members", memberSchema);

/** Create body keys Glance refuses as read-only (_disallowed_properties). */
export const DISALLOWED_ON_CREATE = ["direct_url", "self", "file", "schema", "stores"];
/** Keys no request may set (_readonly_properties). */
export const READONLY_PROPERTIES = [
  "created_at",
  "updated_at",
  "status",
  "checksum",
  "size",
  "virtual_size",
  "direct_url",
  "self",
  "file",
  "schema",
  "id",
  "os_hash_algo",
  "os_hash_value",
];
/** Reserved names (_reserved_properties, plus the domain's owner/locations for custom keys). */
export const RESERVED_PROPERTIES = ["location", "deleted", "deleted_at"];
export const RESERVED_NAMESPACE = "os_glance";
/** Base properties that are columns, not custom properties. */
export const CORE_PROPERTIES = [
  "checksum",
  "created_at",
  "container_format",
  "disk_format",
  "id",
  "min_disk",
  "min_ram",
  "name",
  "size",
  "virtual_size",
  "status",
  "tags",
  "owner",
  "updated_at",
  "visibility",
  "protected",
  "os_hidden",
  "os_hash_algo",
  "os_hash_value",
];
export const SORT_KEYS = [
  "name",
  "status",
  "container_format",
  "disk_format",
  "size",
  "id",
  "created_at",
  "updated_at",
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
