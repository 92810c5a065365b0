import { describe, expect, it } from "vitest";
import { formatBytes, formatQuotaValue, formatUsage, parseLimitInput } from "./admin-format";

describe("formatBytes", () => {
  it("is exact below 1 KiB and binary above", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5 MiB");
    expect(formatBytes(150 * 1024 ** 3)).toBe("150 GiB");
  });
});

describe("formatQuotaValue", () => {
  it("says unlimited for -1 and reads sizes as MiB", () => {
    expect(formatQuotaValue("image_count_total", -1)).toBe("unlimited");
    expect(formatQuotaValue("image_count_total", 12000)).toBe("12,000");
    expect(formatQuotaValue("image_size_total", 2048)).toBe("2 GiB");
  });
});

describe("parseLimitInput", () => {
  it.each([
    ["10", 10],
    [" 0 ", 0],
    ["-1", -1],
    ["+5", 5],
  ])("accepts %j", (raw, value) => expect(parseLimitInput(raw)).toEqual({ ok: true, value }));
  it.each([
    ["", "Enter a limit"],
    ["abc", "not a whole number"],
    ["1.5", "not a whole number"],
    ["-2", "below -1"],
    ["99999999999999999999", "too large"],
  ])("refuses %j with a message", (raw, message) => {
    const r = parseLimitInput(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

describe("parseLimitInput for sizes", () => {
  it.each([
    ["2048", 2048],
    ["2 GiB", 2048],
    ["2G", 2048],
    ["2 GB", 2048],
    ["500 MiB", 500],
    ["1.5 TiB", 1.5 * 1024 * 1024],
    ["1024 KiB", 1],
  ])("accepts %j as %d MiB", (raw, value) =>
    expect(parseLimitInput(raw, { size: true })).toEqual({ ok: true, value }),
  );
  it.each([
    ["1 KiB", "not a whole number of MiB"],
    ["lots", "not a size"],
    ["-2", "below -1"],
  ])("refuses %j", (raw, message) => {
    const r = parseLimitInput(raw, { size: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
  it("takes no unit for counts", () => expect(parseLimitInput("2G").ok).toBe(false));
});

describe("formatUsage", () => {
  it("reads use against a limit in words", () => {
    expect(formatUsage("image_count_total", 3, 10)).toBe("3 of 10 images");
    expect(formatUsage("image_count_total", 1, -1)).toBe("1 image, no limit");
    expect(formatUsage("image_count_uploading", 0, 1)).toBe("0 of 1 upload");
    expect(formatUsage("image_size_total", 3, 10)).toBe("3 MiB of 10 MiB");
    expect(formatUsage("image_stage_total", 0, -1)).toBe("0 bytes, no limit");
  });
});
