import "server-only";
import { env } from "../env";
import { badRequest, forbidden, tooLarge } from "../errors";
import {
  CORE_PROPERTIES,
  MAX_DB_INT,
  READONLY_PROPERTIES,
  RESERVED_NAMESPACE,
  RESERVED_PROPERTIES,
} from "@/lib/schemas/image";

// Property rules shared by create and PATCH (Glance's RequestDeserializer and domain checks).

export const isCore = (key: string) => CORE_PROPERTIES.includes(key);

/** 403 for read-only keys, reserved keys and the os_glance namespace. */
export function assertWritableKey(key: string): void {
  if (READONLY_PROPERTIES.includes(key)) throw forbidden(`Attribute '${key}' is read-only.`);
  if (RESERVED_PROPERTIES.includes(key) || key.startsWith(RESERVED_NAMESPACE))
    throw forbidden(`Attribute '${key}' is reserved.`);
}

export function assertCustomKey(key: string): void {
  if ([...key].length > 255) throw badRequest("Custom property should not be greater than 255 characters.");
  if (key.length === 0) throw badRequest("Custom property names may not be empty.");
  if (key === "owner" || key === "locations") throw forbidden(`Attribute '${key}' is reserved.`);
  assertWritableKey(key);
}

/** min_ram and min_disk: not negative and, as Glance checks before writing, within an INT. */
export function assertMinRequirement(param: "min_ram" | "min_disk", value: number): void {
  if (value < 0)
    throw badRequest(`Invalid value '${value}' for parameter '${param}': Cannot be a negative value.`);
  if (value > MAX_DB_INT) throw badRequest(`'${param}' value out of range, must not exceed ${MAX_DB_INT}.`);
}

export function assertPropertyQuota(count: number): void {
  const max = env().IRIS_IMAGE_PROPERTY_QUOTA;
  if (count > max) throw tooLarge(`Maximum number of image properties exceeded: ${count} of ${max} allowed.`);
}

export function assertTagQuota(count: number): void {
  const max = env().IRIS_IMAGE_TAG_QUOTA;
  if (count > max) throw tooLarge(`Maximum number of tags exceeded: ${count} of ${max} allowed.`);
}

export function normalizeTags(tags: string[]): string[] {
  return [...new Set(tags)];
}
