import net from "node:net";

// Which IP addresses Iris may connect to when it fetches a URL for a user (web-download now;
// locations and glance-download later). Pure functions: no I/O, no configuration.
//
// An IPv6 address can carry an IPv4 one: IPv4-mapped (::ffff:127.0.0.1, also written ::ffff:7f00:1
// or 0:0:0:0:0:ffff:127.0.0.1), IPv4-compatible (::127.0.0.1), IPv4-translated (::ffff:0:a.b.c.d),
// NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo (2001::/32, server and obfuscated client).
// Every such address is judged by the IPv4 address inside it as well as by its own range, so no
// spelling of a loopback, private or link-local address gets through.

type Range = readonly [base: string, bits: number, why: string];

const BLOCKED_V4: readonly Range[] = [
  ["0.0.0.0", 8, "an unspecified address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata services live here)"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.0.2.0", 24, "a documentation address"],
  ["192.88.99.0", 24, "a 6to4 relay address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["198.51.100.0", 24, "a documentation address"],
  ["203.0.113.0", 24, "a documentation address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

const BLOCKED_V6: readonly Range[] = [
  ["::", 128, "an unspecified address"],
  ["::1", 128, "a loopback address"],
  // Whatever IPv4 address they carry, these are never a public server's address.
  ["::", 96, "an IPv4-compatible address (deprecated)"],
  ["::ffff:0:0:0", 96, "an IPv4-translated address"],
  ["64:ff9b:1::", 48, "a local-use NAT64 address"],
  ["100::", 64, "a discard address"],
  ["2001:10::", 28, "an ORCHID address"],
  ["2001:20::", 28, "an ORCHID address"],
  ["2001:db8::", 32, "a documentation address"],
  ["3fff::", 20, "a documentation address"],
  ["5f00::", 16, "a segment-routing address"],
  ["fc00::", 7, "a private (unique local) address"],
  ["fe80::", 10, "a link-local address"],
  ["fec0::", 10, "a site-local address (deprecated)"],
  ["ff00::", 8, "a multicast address"],
];

function blockList(ranges: readonly Range[], family: "ipv4" | "ipv6") {
  return ranges.map(([base, bits, why]) => {
    const list = new net.BlockList();
    list.addSubnet(base, bits, family);
    return { list, why };
  });
}

const V4 = blockList(BLOCKED_V4, "ipv4");
const V6 = blockList(BLOCKED_V6, "ipv6");

/** The eight 16-bit groups of an IPv6 address (any spelling net.isIPv6 accepts), or null. */
export function ipv6Groups(address: string): number[] | null {
  if (!net.isIPv6(address)) return null;
  let text = address.toLowerCase();
  // A trailing dotted quad is two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = part(head);
  const back = tail === undefined ? [] : part(tail);
  const zeros = 8 - front.length - back.length;
  if (tail === undefined ? zeros !== 0 : zeros < 1) return null;
  return [...front, ...new Array<number>(zeros).fill(0), ...back];
}

const quadOf = (hi: number, lo: number): string => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 addresses an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo). */
export function embeddedIPv4(groups: number[]): string[] {
  const g = groups;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const out: string[] = [];
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) out.push(quadOf(g[6]!, g[7]!)); // ::ffff:a.b.c.d, ::a.b.c.d
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) out.push(quadOf(g[6]!, g[7]!)); // ::ffff:0:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) out.push(quadOf(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x2002) out.push(quadOf(g[1]!, g[2]!)); // 6to4
  if (g[0] === 0x2001 && g[1] === 0) {
    // Teredo: the server's address, and the client's with every bit flipped.
    out.push(quadOf(g[2]!, g[3]!));
    out.push(quadOf(~g[6]! & 0xffff, ~g[7]! & 0xffff));
  }
  return out;
}

function v4Reason(address: string): string | null {
  for (const { list, why } of V4) if (list.check(address, "ipv4")) return why;
  return null;
}

/**
 * The address as it is compared and shown: an IPv4-mapped IPv6 address is its IPv4 address;
 * other IPv6 addresses in their shortest form; null for anything that is not an IP address.
 */
export function canonicalAddress(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  if (net.isIPv4(bare)) return bare;
  const g = ipv6Groups(bare);
  if (!g) return null;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return quadOf(g[6]!, g[7]!);
  return new URL(`http://[${bare}]/`).hostname.replace(/^\[|\]$/g, "");
}

/** Why Iris may not connect to this address on a user's behalf, or null if it may. */
export function blockedReason(address: string): string | null {
  const canonical = canonicalAddress(address);
  if (!canonical) return "not an IP address";
  if (net.isIPv4(canonical)) return v4Reason(canonical);
  for (const { list, why } of V6) if (list.check(canonical, "ipv6")) return why;
  for (const v4 of embeddedIPv4(ipv6Groups(canonical)!)) {
    const why = v4Reason(v4);
    if (why) return `${why} (${v4}) carried in an IPv6 address`;
  }
  return null;
}

/** Whether `address` lies in `cidr` ("10.0.0.0/8", "fd00::/8") or is that address. */
export function inCidr(address: string, cidr: string): boolean {
  const canonical = canonicalAddress(address);
  const [base = "", bits] = cidr.split("/");
  const entry = canonicalAddress(base);
  if (!canonical || !entry) return false;
  const family = net.isIPv4(entry) ? "ipv4" : "ipv6";
  if (family !== (net.isIPv4(canonical) ? "ipv4" : "ipv6")) return false;
  if (bits === undefined) return canonical === entry;
  const n = Number(bits);
  if (!Number.isInteger(n) || n < 0 || n > (family === "ipv4" ? 32 : 128)) return false;
  const list = new net.BlockList();
  list.addSubnet(entry, n, family);
  return list.check(canonical, family);
}
