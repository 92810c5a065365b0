import type { JsonSchema } from "./image";

// A small JSON Schema (draft 4 subset) validator: the keywords Glance's schemas use —
// type (with unions), enum, maxLength, minLength, pattern, items, properties,
// additionalProperties, required. Returns the first problem in Glance's wording, or null.

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function matchesType(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  if (t === "number") return actual === "number" || actual === "integer";
  return actual === t;
}

const show = (v: unknown) => (typeof v === "string" ? `'${v}'` : JSON.stringify(v));

export function validateValue(value: unknown, schema: JsonSchema, path: string): string | null {
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => matchesType(value, t))) {
      const expected = types.map((t) => `'${t}'`).join(", ");
      return `${show(value)} is not of type ${types.length > 1 ? `[${expected}]` : expected}`;
    }
  }
  if (schema.enum && !schema.enum.includes(value as string | null)) {
    return `${show(value)} is not one of ${JSON.stringify(schema.enum).replace(/"/g, "'")}`;
  }
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      return `${show(value)} is too long (maximum ${schema.maxLength} characters)`;
    if (schema.minLength !== undefined && [...value].length < schema.minLength)
      return `${show(value)} is too short (minimum ${schema.minLength} characters)`;
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      return `${show(value)} does not match '${schema.pattern}'`;
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) {
      const p = validateValue(value[i], schema.items, `${path}/${i}`);
      if (p) return p;
    }
  }
  if (
    value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    (schema.properties || schema.additionalProperties !== undefined)
  ) {
    return validateObject(value as Record<string, unknown>, schema);
  }
  return null;
}

/** The schema of property `k`, if the object schema names it ("constructor" is a name like any other). */
export function propertySchema(schema: JsonSchema, k: string): JsonSchema | undefined {
  return schema.properties && Object.hasOwn(schema.properties, k) ? schema.properties[k] : undefined;
}

export function validateObject(obj: Record<string, unknown>, schema: JsonSchema): string | null {
  for (const r of schema.required ?? []) if (!Object.hasOwn(obj, r)) return `'${r}' is a required property`;
  for (const [k, v] of Object.entries(obj)) {
    const prop = propertySchema(schema, k);
    if (prop) {
      const p = validateValue(v, prop, k);
      if (p) return `Provided object does not match schema '${k}': ${p}`;
    } else if (schema.additionalProperties === false) {
      return `Additional properties are not allowed ('${k}' was unexpected)`;
    } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      const p = validateValue(v, schema.additionalProperties, k);
      if (p) return `Provided object does not match schema '${k}': ${p}`;
    }
  }
  return null;
}
