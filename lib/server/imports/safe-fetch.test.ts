import { describe, expect, it } from "vitest";
import { blockedReason, FetchRefused, precheck } from "./safe-fetch";

const policy = { allowedPorts: [80, 443], allowList: [], maxRedirects: 5, idleTimeoutMs: 1000 };

describe("blockedReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["100.64.0.1", "shared"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00::1", "private"],
    ["fd00:ec2::254", "private"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
  ])("refuses %s (%s)", (addr, why) => {
    expect(blockedReason(addr)).toContain(why);
  });

  it.each(["8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700::1111"])("allows %s", (addr) => {
    expect(blockedReason(addr)).toBeNull();
  });
});

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

  it("lets an allow-listed address or range through", () => {
    expect(precheck("http://127.0.0.1/x", { ...policy, allowList: ["127.0.0.1"] }).href).toBe(
      "http://127.0.0.1/x",
    );
    expect(precheck("http://10.1.2.3/x", { ...policy, allowList: ["10.0.0.0/8"] }).hostname).toBe("10.1.2.3");
    expect(() => precheck("http://10.1.2.3/x", { ...policy, allowList: ["192.168.0.0/16"] })).toThrow(
      /private/,
    );
    expect(precheck("https://example.com/x", policy).hostname).toBe("example.com");
  });
});
