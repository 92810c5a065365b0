// Checks on JSON request bodies that JSON.parse does not make: how deep the text nests (JSON.parse
// accepts any depth; code that then walks the value recursively does not), and NUL characters in
// strings (PostgreSQL's text and jsonb cannot hold them).

/** Deeper than any body the APIs take (Keystone's auth request, the deepest, has 6 levels). */
export const MAX_JSON_DEPTH = 32;

/** Whether `text` nests arrays and objects deeper than `limit` (brackets in strings aside). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character; a quote ends the string.
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Whether a string or key anywhere in `value` holds U+0000 (`value` nests at most 32 deep). */
export function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === "object")
    return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v));
  return false;
}
