// Checks on JSON request bodies that JSON.parse does not make: how deep the text nests (JSON.parse
// accepts any depth; code that then walks the value recursively does not), and strings no column
// can hold: NUL (PostgreSQL's text and jsonb refuse it) and lone UTF-16 surrogates ("\ud800" is
// valid JSON but no UTF-8 text; Prisma's engine refuses to encode it).

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

const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with a string, if anything: "nul" or "surrogate". */
function badString(s: string): "nul" | "surrogate" | null {
  if (s.includes("\u0000")) return "nul";
  return LONE_SURROGATE.test(s) ? "surrogate" : null;
}

/** The first bad string or key anywhere in `value` (which nests at most 32 deep), or null. */
export function findBadString(value: unknown): "nul" | "surrogate" | null {
  if (typeof value === "string") return badString(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const bad = findBadString(v);
      if (bad) return bad;
    }
    return null;
  }
  if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      const bad = badString(k) ?? findBadString(v);
      if (bad) return bad;
    }
  return null;
}
