import "server-only";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { Readable } from "node:stream";

// web-download's HTTP client. It fetches only http and https URLs on allowed ports, and refuses
// loopback, private, link-local (cloud metadata at 169.254.169.254 among them), shared, multicast
// and unspecified addresses — checked on the addresses DNS returns, which are the ones the
// connection then uses (no second lookup to rebind), and again for every redirect. An operator's
// allow-list (hosts or CIDR ranges) lets chosen addresses through.

export interface FetchPolicy {
  allowedPorts: number[];
  /** Host names, IP addresses or CIDR ranges allowed even though they are internal. */
  allowList: string[];
  maxRedirects: number;
  /** Milliseconds without a byte before giving up. */
  idleTimeoutMs: number;
}

export class FetchRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FetchRefused";
  }
}

const BLOCKED_V4: [string, number, string][] = [
  ["0.0.0.0", 8, "an unspecified address"],
  ["10.0.0.0", 8, "a private address"],
  ["100.64.0.0", 10, "a shared (carrier-grade NAT) address"],
  ["127.0.0.0", 8, "a loopback address"],
  ["169.254.0.0", 16, "a link-local address (cloud metadata services live here)"],
  ["172.16.0.0", 12, "a private address"],
  ["192.0.0.0", 24, "an IETF protocol address"],
  ["192.168.0.0", 16, "a private address"],
  ["198.18.0.0", 15, "a benchmarking address"],
  ["224.0.0.0", 4, "a multicast address"],
  ["240.0.0.0", 4, "a reserved address"],
];

const BLOCKED_V6: [string, number, string][] = [
  ["::", 128, "an unspecified address"],
  ["::1", 128, "a loopback address"],
  ["fc00::", 7, "a private (unique local) address"],
  ["fe80::", 10, "a link-local address"],
  ["ff00::", 8, "a multicast address"],
  ["fd00:ec2::254", 128, "a cloud metadata address"],
];

function inRange(address: string, base: string, bits: number, family: "ipv4" | "ipv6"): boolean {
  const list = new net.BlockList();
  list.addSubnet(base, bits, family);
  return list.check(address, family);
}

/** Why an address may not be fetched from, or null if it may. */
export function blockedReason(address: string): string | null {
  let addr = address;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (mapped) addr = mapped[1]!;
  const family = net.isIPv4(addr) ? "ipv4" : net.isIPv6(addr) ? "ipv6" : null;
  if (!family) return "not an IP address";
  for (const [base, bits, why] of family === "ipv4" ? BLOCKED_V4 : BLOCKED_V6)
    if (inRange(addr, base, bits, family)) return why;
  return null;
}

function allowListed(host: string, address: string, allowList: string[]): boolean {
  for (const entry of allowList) {
    const [base, bits] = entry.split("/");
    if (!base) continue;
    if (bits === undefined) {
      if (base.toLowerCase() === host.toLowerCase() || base === address) return true;
      continue;
    }
    const family = net.isIPv4(base) ? "ipv4" : net.isIPv6(base) ? "ipv6" : null;
    const fam = net.isIPv4(address) ? "ipv4" : "ipv6";
    if (family && family === fam && inRange(address, base, Number(bits), family)) return true;
  }
  return false;
}

function checkAddress(host: string, address: string, policy: FetchPolicy): void {
  const why = blockedReason(address);
  if (why && !allowListed(host, address, policy.allowList))
    throw new FetchRefused(`${host} resolves to ${address}, ${why}; web-download does not fetch from it.`);
}

function checkUrl(url: URL, policy: FetchPolicy): void {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new FetchRefused(`Only http and https URLs can be imported; got ${url.protocol.replace(":", "")}.`);
  if (url.username || url.password) throw new FetchRefused("URLs with credentials are not accepted.");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  if (!policy.allowedPorts.includes(port))
    throw new FetchRefused(
      `Port ${port} is not allowed for web-download (allowed: ${policy.allowedPorts.join(", ")}).`,
    );
}

/** A DNS lookup that refuses blocked addresses, so the socket connects only to checked ones. */
function guardedLookup(policy: FetchPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, "", 0);
      try {
        if (addresses.length === 0) throw new FetchRefused(`${hostname} has no address.`);
        for (const a of addresses) checkAddress(hostname, a.address, policy);
      } catch (e) {
        return callback(e as NodeJS.ErrnoException, "", 0);
      }
      const wanted = (options as dns.LookupOptions).family;
      const pick = addresses.find((a) => !wanted || a.family === wanted) ?? addresses[0]!;
      if ((options as dns.LookupOptions).all)
        (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, [pick]);
      else callback(null, pick.address, pick.family);
    });
  };
}

export interface FetchedBody {
  url: string;
  /** Content-Length if the server sent one. */
  length: number | null;
  body: ReadableStream<Uint8Array>;
}

/** What can be checked without the network: a URL, its scheme, port and a literal address. */
export function precheck(target: string, policy: FetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new FetchRefused(`'${target}' is not a URL.`);
  }
  checkUrl(url, policy);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(host)) checkAddress(host, host, policy);
  return url;
}

/** GET `target`, following redirects (each one checked), and return the body as a stream. */
export async function safeFetch(
  target: string,
  policy: FetchPolicy,
  signal?: AbortSignal,
): Promise<FetchedBody> {
  let url = new URL(target);
  for (let hop = 0; ; hop++) {
    precheck(url.href, policy);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const mod = url.protocol === "https:" ? https : http;
      const req = mod.request(
        url,
        {
          method: "GET",
          lookup: guardedLookup(policy),
          signal,
          headers: { "user-agent": "Iris web-download" },
        },
        resolve,
      );
      req.setTimeout(policy.idleTimeoutMs, () =>
        req.destroy(new Error(`No answer from ${url.host} in ${policy.idleTimeoutMs / 1000} s.`)),
      );
      req.on("error", reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new FetchRefused(`${url.href} answered ${status} without a Location.`);
      if (hop >= policy.maxRedirects) throw new FetchRefused(`More than ${policy.maxRedirects} redirects.`);
      url = new URL(location, url);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new FetchRefused(`${url.href} answered HTTP ${status}.`);
    }
    res.setTimeout(policy.idleTimeoutMs, () =>
      res.destroy(new Error(`No data from ${url.host} for ${policy.idleTimeoutMs / 1000} s.`)),
    );
    const len = res.headers["content-length"];
    return {
      url: url.href,
      length: len && /^\d+$/.test(len) ? Number(len) : null,
      body: Readable.toWeb(res) as ReadableStream<Uint8Array>,
    };
  }
}
