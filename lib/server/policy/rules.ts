// oslo.policy's rule language, parsed and evaluated (pure): `role:NAME`, `KEY:%(target_attr)s`,
// `KEY:'literal'` / `'literal':%(attr)s`, `rule:OTHER`, `@` (always), `!` (never), `not`, `and`,
// `or`, parentheses, and "" (always). Precedence: not > and > or.

export type Credentials = { roles: string[]; project_id: string | null; user_id: string };
export type Target = Record<string, string | boolean | null | undefined>;

type Node =
  | { t: "true" }
  | { t: "false" }
  | { t: "not"; a: Node }
  | { t: "and"; a: Node[] }
  | { t: "or"; a: Node[] }
  | { t: "rule"; name: string }
  | { t: "check"; key: string; value: string };

export class PolicyError extends Error {}

/** Whitespace-separated words, with leading "(" and trailing ")" split off (as oslo.policy does),
 * so that %(attr)s keeps its own parentheses. */
function tokenize(src: string): string[] {
  const out: string[] = [];
  for (let word of src.split(/\s+/).filter(Boolean)) {
    while (word.startsWith("(")) {
      out.push("(");
      word = word.slice(1);
    }
    let closing = 0;
    while (word.endsWith(")") && !/%\([^)]*\)$/.test(word)) {
      closing++;
      word = word.slice(0, -1);
    }
    if (word) out.push(word);
    for (let i = 0; i < closing; i++) out.push(")");
  }
  return out;
}

export function parseRule(src: string): Node {
  const toks = tokenize(src.trim());
  if (toks.length === 0) return { t: "true" };
  let i = 0;
  const peek = () => toks[i];
  const orExpr = (): Node => {
    const parts = [andExpr()];
    while (peek()?.toLowerCase() === "or") {
      i++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? parts[0]! : { t: "or", a: parts };
  };
  const andExpr = (): Node => {
    const parts = [notExpr()];
    while (peek()?.toLowerCase() === "and") {
      i++;
      parts.push(notExpr());
    }
    return parts.length === 1 ? parts[0]! : { t: "and", a: parts };
  };
  const notExpr = (): Node => {
    if (peek()?.toLowerCase() === "not") {
      i++;
      return { t: "not", a: notExpr() };
    }
    return atom();
  };
  const atom = (): Node => {
    const tok = toks[i++];
    if (tok === undefined) throw new PolicyError(`unexpected end of rule "${src}"`);
    if (tok === "(") {
      const n = orExpr();
      if (toks[i++] !== ")") throw new PolicyError(`missing ")" in rule "${src}"`);
      return n;
    }
    if (tok === "@") return { t: "true" };
    if (tok === "!") return { t: "false" };
    const colon = tok.indexOf(":");
    if (colon <= 0) throw new PolicyError(`cannot understand "${tok}" in rule "${src}"`);
    const key = tok.slice(0, colon);
    const value = tok.slice(colon + 1);
    if (key === "rule") return { t: "rule", name: value };
    return { t: "check", key, value };
  };
  const node = orExpr();
  if (i !== toks.length) throw new PolicyError(`unexpected "${toks[i]}" in rule "${src}"`);
  return node;
}

const unquote = (s: string) => (/^'.*'$/.test(s) || /^".*"$/.test(s) ? s.slice(1, -1) : null);

/** A value of a check: %(attr)s from the target, a quoted literal, or a bare literal. */
function resolve(v: string, target: Target): string | null {
  const attr = /^%\((.+)\)s$/.exec(v);
  if (attr) {
    const x = target[attr[1]!];
    return x === null || x === undefined ? null : String(x);
  }
  return unquote(v) ?? v;
}

export class RuleSet {
  private readonly parsed = new Map<string, Node>();
  constructor(readonly rules: Record<string, string>) {
    for (const [name, src] of Object.entries(rules)) {
      try {
        this.parsed.set(name, parseRule(src));
      } catch (e) {
        throw new PolicyError(`policy rule "${name}": ${(e as Error).message}`);
      }
    }
    // Every rule:NAME must exist, and no rule may refer to itself through others.
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, from: string) => {
      if (done.has(name)) return;
      if (visiting.has(name))
        throw new PolicyError(`policy rule "${from}" refers to itself through "${name}"`);
      const node = this.parsed.get(name);
      if (!node) throw new PolicyError(`policy rule "${from}" refers to unknown rule "${name}"`);
      visiting.add(name);
      const walk = (n: Node): void => {
        if (n.t === "rule") visit(n.name, name);
        else if (n.t === "not") walk(n.a);
        else if (n.t === "and" || n.t === "or") n.a.forEach(walk);
      };
      walk(node);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of this.parsed.keys()) visit(name, name);
  }

  has(name: string): boolean {
    return this.parsed.has(name);
  }

  check(name: string, creds: Credentials, target: Target): boolean {
    const node = this.parsed.get(name) ?? this.parsed.get("default");
    return node ? this.eval(node, creds, target) : false;
  }

  private eval(n: Node, creds: Credentials, target: Target): boolean {
    switch (n.t) {
      case "true":
        return true;
      case "false":
        return false;
      case "not":
        return !this.eval(n.a, creds, target);
      case "and":
        return n.a.every((x) => this.eval(x, creds, target));
      case "or":
        return n.a.some((x) => this.eval(x, creds, target));
      case "rule":
        return this.eval(this.parsed.get(n.name)!, creds, target);
      case "check": {
        if (n.key === "role") {
          const role = resolve(n.value, target);
          return role !== null && creds.roles.map((r) => r.toLowerCase()).includes(role.toLowerCase());
        }
        const right = resolve(n.value, target);
        // 'literal':%(attr)s — a literal on the left compared with the target.
        const leftLiteral = unquote(n.key);
        if (leftLiteral !== null) return right !== null && leftLiteral === right;
        const cred = (creds as unknown as Record<string, unknown>)[n.key];
        if (cred === null || cred === undefined || right === null) return false;
        if (typeof cred === "boolean") return String(cred).toLowerCase() === right.toLowerCase();
        return String(cred) === right;
      }
    }
  }
}

/** Operator overrides: JSON {"name": "rule"} or oslo's flat YAML ("name": "rule" per line). */
export function parseOverrides(text: string, file: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (e) {
      throw new PolicyError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (!data || typeof data !== "object" || Array.isArray(data))
      throw new PolicyError(`${file}: expected an object of rules`);
    for (const [k, v] of Object.entries(data))
      if (typeof v !== "string") throw new PolicyError(`${file}: rule "${k}" must be a string`);
    return data as Record<string, string>;
  }
  const out: Record<string, string> = {};
  text.split("\n").forEach((raw, n) => {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#") || line === "---") return;
    const m = /^(?:"([^"]+)"|'([^']+)'|([^:\s]+))\s*:\s*(?:"(.*)"|'(.*)'|(.*))$/.exec(line);
    if (!m) throw new PolicyError(`${file} line ${n + 1}: expected "name": "rule"`);
    out[(m[1] ?? m[2] ?? m[3])!] = (m[4] ?? m[5] ?? m[6] ?? "").trim();
  });
  return out;
}
