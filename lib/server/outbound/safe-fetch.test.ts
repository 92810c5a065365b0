import { describe, expect, it } from "vitest";
import { FetchRefused, precheck } from "./safe-fetch";

// precheck makes no connection; the fetches themselves are tested against a canary server on
// loopback (e2e/api/ssrf.spec.ts).

const policy = { allowedPorts: [80, 443], allowList: [], maxRedirects: 5, idleTimeoutMs: 1000 };

describe("precheck", () => {
  it("refuses other schemes, ports, credentials and literal internal addresses", () => {
    expect(() => precheck("file:///etc/passwd", policy)).toThrow(FetchRefused);
    expect(() => precheck("gopher://example.com/", policy)).toThrow(/http and https/);
    expect(() => precheck("http://example.com:22/", policy)).toThrow(/Port 22/);
    expect(() => precheck("http://user:pw@example.com/", policy)).toThrow(/credentials/);
    expect(() => precheck("http://127.0.0.1/", policy)).toThrow(/loopback/);
    expect(() => precheck("http://[::1]/", policy)).toThrow(/loopback/);
    expect(() => precheck("http://169.254.169.254/latest/meta-data", policy)).toThrow(/link-local/);
    expect(() => precheck("not a url", policy)).toThrow(/not a URL/);
  });

  it.each([
    "http://127.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://0/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]/",
    "http://[::FFFF:127.0.0.1]/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[2002:7f00:1::1]/",
    "http://[fe80::1]/",
    "http://[fd12:3456::1]/",
    "http://[::ffff:169.254.169.254]/",
  ])("refuses %s before connecting", (url) => {
    expect(() => precheck(url, policy)).toThrow(FetchRefused);
  });

  it("names the address a mapped spelling stands for", () => {
    expect(() => precheck("http://[::ffff:7f00:1]/", policy)).toThrow(
      "::ffff:7f00:1 is 127.0.0.1, a loopback address; web-download does not fetch from it.",
    );
  });

  it("lets an allow-listed address or range through, in any spelling", () => {
    expect(precheck("http://127.0.0.1/x", { ...policy, allowList: ["127.0.0.1"] }).href).toBe(
      "http://127.0.0.1/x",
    );
    expect(precheck("http://[::ffff:127.0.0.1]/x", { ...policy, allowList: ["127.0.0.1"] }).hostname).toBe(
      "[::ffff:7f00:1]",
    );
    expect(precheck("http://10.1.2.3/x", { ...policy, allowList: ["10.0.0.0/8"] }).hostname).toBe("10.1.2.3");
    expect(() => precheck("http://10.1.2.3/x", { ...policy, allowList: ["192.168.0.0/16"] })).toThrow(
      /private/,
    );
    expect(() => precheck("http://127.0.0.1/x", { ...policy, allowList: ["127.0.0.2"] })).toThrow(/loopback/);
    expect(precheck("https://example.com/x", policy).hostname).toBe("example.com");
  });
});
