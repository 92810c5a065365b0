import { describe, expect, it } from "vitest";
import { blockedReason, canonicalAddress, embeddedIPv4, inCidr, ipv6Groups } from "./ip";

// Pure classification: no connection is made, so any address may appear here.

describe("ipv6Groups", () => {
  it.each([
    ["::", [0, 0, 0, 0, 0, 0, 0, 0]],
    ["::1", [0, 0, 0, 0, 0, 0, 0, 1]],
    ["::ffff:127.0.0.1", [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ["0:0:0:0:0:ffff:127.0.0.1", [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ["::FFFF:7F00:1", [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]],
    ["2001:db8::8:800:200c:417a", [0x2001, 0xdb8, 0, 0, 8, 0x800, 0x200c, 0x417a]],
    ["fe80::", [0xfe80, 0, 0, 0, 0, 0, 0, 0]],
    ["1:2:3:4:5:6:7:8", [1, 2, 3, 4, 5, 6, 7, 8]],
  ])("%s", (a, groups) => expect(ipv6Groups(a)).toEqual(groups));

  it("is null for what is not IPv6", () => {
    for (const a of ["127.0.0.1", "localhost", ":::", "1::2::3", "[::1]", ""])
      expect(ipv6Groups(a)).toBeNull();
  });
});

describe("embeddedIPv4", () => {
  it("finds the IPv4 address in mapped, compatible, translated, NAT64, 6to4 and Teredo forms", () => {
    const of = (a: string) => embeddedIPv4(ipv6Groups(a)!);
    expect(of("::ffff:7f00:1")).toEqual(["127.0.0.1"]);
    expect(of("::7f00:1")).toEqual(["127.0.0.1"]);
    expect(of("::ffff:0:a00:1")).toEqual(["10.0.0.1"]);
    expect(of("64:ff9b::a9fe:a9fe")).toEqual(["169.254.169.254"]);
    expect(of("2002:c0a8:101::1")).toEqual(["192.168.1.1"]);
    // Teredo: server 65.54.227.120, client 192.168.1.1 stored with every bit flipped.
    expect(of("2001:0:4136:e378:8000:63bf:3f57:fefe")).toEqual(["65.54.227.120", "192.168.1.1"]);
    expect(of("2606:4700::1111")).toEqual([]);
  });
});

describe("canonicalAddress", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["[::ffff:7f00:1]", "127.0.0.1"],
    ["0:0:0:0:0:ffff:127.0.0.1", "127.0.0.1"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["FE80:0:0::1", "fe80::1"],
    ["64:ff9b::127.0.0.1", "64:ff9b::7f00:1"],
  ])("%s is %s", (a, c) => expect(canonicalAddress(a)).toBe(c));

  it("is null for names", () => expect(canonicalAddress("localhost")).toBeNull());
});

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
    ["255.255.255.255", "reserved"],
    ["192.0.2.1", "documentation"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["febf:ffff::1", "link-local"],
    ["fec0::1", "site-local"],
    ["fd00::1", "private"],
    ["fc00::1", "private"],
    ["fd00:ec2::254", "private"],
    ["ff02::1", "multicast"],
    ["100::1", "discard"],
    ["2001:db8::1", "documentation"],
    // IPv4-mapped, in each spelling: the IPv4 address decides.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::FFFF:7F00:0001", "loopback"],
    ["0:0:0:0:0:ffff:127.0.0.1", "loopback"],
    ["0000:0000:0000:0000:0000:ffff:7f00:0001", "loopback"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:0.0.0.0", "unspecified"],
    // IPv4-compatible and IPv4-translated: never a public server.
    ["::127.0.0.1", "IPv4-compatible"],
    ["::8.8.8.8", "IPv4-compatible"],
    ["::ffff:0:127.0.0.1", "IPv4-translated"],
    // NAT64, 6to4 and Teredo carrying an internal IPv4 address.
    ["64:ff9b::127.0.0.1", "a loopback address (127.0.0.1) carried in an IPv6 address"],
    ["64:ff9b::a9fe:a9fe", "link-local"],
    ["64:ff9b:1::a00:1", "local-use NAT64"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["2002:c0a8:0101::1", "private"],
    ["2001:0:4136:e378:8000:63bf:3f57:fefe", "private address (192.168.1.1)"],
    ["2001:0:7f00:1::", "loopback"],
    ["localhost", "not an IP address"],
  ])("refuses %s (%s)", (addr, why) => {
    expect(blockedReason(addr)).toContain(why);
  });

  it.each([
    "8.8.8.8",
    "172.32.0.1",
    "93.184.216.34",
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "2001:4860:4860::8888",
  ])("allows %s", (addr) => {
    expect(blockedReason(addr)).toBeNull();
  });
});

describe("inCidr", () => {
  it("matches addresses and ranges in any spelling", () => {
    expect(inCidr("127.0.0.2", "127.0.0.2")).toBe(true);
    expect(inCidr("::ffff:127.0.0.2", "127.0.0.2")).toBe(true);
    expect(inCidr("::ffff:7f00:2", "127.0.0.0/8")).toBe(true);
    expect(inCidr("127.0.0.1", "127.0.0.2")).toBe(false);
    expect(inCidr("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(inCidr("10.1.2.3", "192.168.0.0/16")).toBe(false);
    expect(inCidr("fd00::5", "fd00::/8")).toBe(true);
    expect(inCidr("0:0::1", "::1")).toBe(true);
    expect(inCidr("10.1.2.3", "fd00::/8")).toBe(false);
    expect(inCidr("10.1.2.3", "10.0.0.0/99")).toBe(false);
    expect(inCidr("10.1.2.3", "nonsense/8")).toBe(false);
  });
});
