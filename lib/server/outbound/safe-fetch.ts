import "server-only";
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { Readable } from "node:stream";
import { blockedReason, canonicalAddress, inCidr } from "./ip";

// The one HTTP client for URLs that users give Iris (web-download; locations and glance-download
// will use it too). It fetches only http and https URLs on allowed ports and refuses loopback,
// private, link-local (cloud metadata at 169.254.169.254 among them), shared, multicast,
// documentation and unspecified addresses in every spelling (ip.ts), unless an operator's
// allow-list (hosts, addresses or CIDR ranges) lets them through.
//
// The host is resolved here, every address DNS returns is checked, and the socket connects to
// the checked address itself (Host header and TLS server name still name the host): there is no
// second lookup that could answer differently. Each redirect is checked the same way, and the
// connected socket's peer address is checked once more before a byte is sent.

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

export { blockedReason };

const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

function allowListed(host: string, address: string, allowList: string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return allowList.some((entry) =>
    entry.includes("/") || net.isIP(entry.replace(/^\[|\]$/g, ""))
      ? inCidr(address, entry.replace(/^\[|\]$/g, ""))
      : entry.toLowerCase().replace(/\.$/, "") === name,
  );
}

function checkAddress(host: string, address: string, policy: FetchPolicy): void {
  const why = blockedReason(address);
  if (!why || allowListed(host, address, policy.allowList)) return;
  const canonical = canonicalAddress(address) ?? address;
  const said = net.isIP(host) ? `${host} is ${canonical}` : `${host} resolves to ${canonical}`;
  throw new FetchRefused(`${said}, ${why}; web-download does not fetch from it.`);
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

/** What can be checked without the network: a URL, its scheme, port and a literal address. */
export function precheck(target: string, policy: FetchPolicy): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new FetchRefused(`'${target}' is not a URL.`);
  }
  checkUrl(url, policy);
  const host = bareHost(url);
  if (net.isIP(host)) checkAddress(host, host, policy);
  return url;
}

/** The address to connect to for `url`: the literal one, or the first DNS answer, all checked. */
async function resolveChecked(url: URL, policy: FetchPolicy): Promise<string> {
  const host = bareHost(url);
  if (net.isIP(host)) {
    checkAddress(host, host, policy);
    return canonicalAddress(host) ?? host;
  }
  let addresses: { address: string }[];
  try {
    // "localhost." is the fully qualified "localhost"; the system resolver knows only the latter.
    addresses = await dns.lookup(host.replace(/\.$/, ""), { all: true, verbatim: true });
  } catch (e) {
    throw new FetchRefused(`${host} could not be resolved (${(e as NodeJS.ErrnoException).code ?? e}).`);
  }
  if (addresses.length === 0) throw new FetchRefused(`${host} has no address.`);
  for (const a of addresses) checkAddress(host, a.address, policy);
  return canonicalAddress(addresses[0]!.address) ?? addresses[0]!.address;
}

/** A lookup that never answers: the request names an address, so none may happen. */
const noLookup: net.LookupFunction = (hostname, _options, callback) =>
  callback(new FetchRefused(`Refusing a second lookup of ${hostname}.`) as NodeJS.ErrnoException, "", 0);

export interface FetchedBody {
  url: string;
  /** Content-Length if the server sent one. */
  length: number | null;
  body: ReadableStream<Uint8Array>;
}

function get(url: URL, address: string, policy: FetchPolicy, signal?: AbortSignal) {
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const tls = url.protocol === "https:";
    const host = bareHost(url);
    const req = (tls ? https : http).request(
      {
        host: address,
        port: url.port || (tls ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: "GET",
        // Certificates are checked against the host name, not the address connected to.
        ...(tls && !net.isIP(host) ? { servername: host } : {}),
        lookup: noLookup,
        agent: false,
        signal,
        headers: { host: url.host, "user-agent": "Iris web-download" },
      },
      resolve,
    );
    req.on("socket", (socket) =>
      socket.once("connect", () => {
        const peer = socket.remoteAddress ?? "";
        if (canonicalAddress(peer) !== address) {
          req.destroy(new FetchRefused(`Connected to ${peer}, not to the checked address ${address}.`));
          return;
        }
        try {
          checkAddress(host, peer, policy);
        } catch (e) {
          req.destroy(e as Error);
        }
      }),
    );
    req.setTimeout(policy.idleTimeoutMs, () =>
      req.destroy(new Error(`No answer from ${url.host} in ${policy.idleTimeoutMs / 1000} s.`)),
    );
    req.on("error", reject);
    req.end();
  });
}

/** GET `target`, following redirects (each one checked), and return the body as a stream. */
export async function safeFetch(
  target: string,
  policy: FetchPolicy,
  signal?: AbortSignal,
): Promise<FetchedBody> {
  let url = precheck(target, policy);
  for (let hop = 0; ; hop++) {
    const address = await resolveChecked(url, policy);
    const res = await get(url, address, policy, signal);
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status)) {
      res.resume();
      const location = res.headers.location;
      if (!location) throw new FetchRefused(`${url.href} answered ${status} without a Location.`);
      if (hop >= policy.maxRedirects) throw new FetchRefused(`More than ${policy.maxRedirects} redirects.`);
      let next: string;
      try {
        next = new URL(location, url).href;
      } catch {
        throw new FetchRefused(`${url.href} redirected to '${location}', which is not a URL.`);
      }
      url = precheck(next, policy);
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
