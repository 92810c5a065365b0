import { describe, expect, it } from "vitest";
import { type InspectionReport, judge, StreamInspector } from "./inspector";

const GiB = 1024 * 1024 * 1024;
const bare = (diskFormat: string | null) => ({ diskFormat, containerFormat: "bare" });

function report(over: Partial<InspectionReport>): InspectionReport {
  const format = over.format ?? "raw";
  return {
    format,
    matches: format === "raw" ? [] : [format],
    virtualSize: 0,
    actualSize: 5000,
    safetyFailures: [],
    details: {},
    ...over,
  };
}

function inspect(data: Uint8Array): InspectionReport {
  const i = new StreamInspector();
  i.push(data);
  return i.finish();
}

const qcow2 = report({ format: "qcow2", virtualSize: GiB, actualSize: 196624 });
const backing = report({
  format: "qcow2",
  virtualSize: GiB,
  safetyFailures: [
    {
      check: "backing_file",
      message:
        'the qcow2 image names a backing file ("/etc/passwd"). A backing file lets the image read files on the ' +
        "host; flatten it first with qemu-img convert.",
    },
  ],
  details: { backingFile: "/etc/passwd" },
});
const mbrFailure = {
  check: "mbr",
  message: "the disk's partition table is malformed: the MBR defines no partitions.",
};

describe("judge", () => {
  it("only inspects container_format bare", () => {
    for (const containerFormat of ["ova", "ovf", "docker", null]) {
      const v = judge(backing, { diskFormat: "qcow2", containerFormat });
      expect(v).toMatchObject({ ok: true, virtualSize: null });
      if (v.ok) expect(v.summary).toContain("Not inspected");
    }
  });

  it("accepts a match with the inspector's virtual size", () => {
    expect(judge(qcow2, bare("qcow2"))).toEqual({
      ok: true,
      detected: "qcow2",
      virtualSize: GiB,
      summary: `Detected qcow2, virtual size ${GiB} bytes.`,
    });
    // A size of 0 is left unset, as in Glance.
    expect(judge(report({ format: "vhdx", virtualSize: 0 }), bare("vhdx"))).toMatchObject({
      ok: true,
      virtualSize: null,
    });
  });

  it("refuses a mismatch, saying what was found", () => {
    expect(judge(qcow2, bare("vmdk"))).toEqual({
      ok: false,
      reason: "format_mismatch",
      detected: "qcow2",
      message: `The uploaded data is a qcow2 image (virtual size ${GiB} bytes), but the image's disk_format is vmdk.`,
    });
    const raw = judge(report({ actualSize: 12345 }), bare("qcow2"));
    expect(raw).toMatchObject({ ok: false, reason: "format_mismatch", detected: "raw" });
    if (!raw.ok)
      expect(raw.message).toContain("raw data (no known disk image format was recognised; 12345 bytes)");
    const iso = judge(report({ format: "iso", virtualSize: 376832 }), bare("qcow2"));
    if (!iso.ok) expect(iso.message).toContain("an iso image (virtual size 376832 bytes)");
    expect(judge(qcow2, bare(null))).toMatchObject({ ok: false, reason: "format_mismatch" });
  });

  it("explains a signature whose header was not acceptable", () => {
    const img = Buffer.alloc(4096);
    img.write("KDMV", 0, "latin1");
    img.writeUInt32LE(1, 4);
    img.writeBigUInt64LE(2n, 28);
    const v = judge(inspect(img), bare("vmdk"));
    expect(v).toMatchObject({ ok: false, reason: "format_mismatch", detected: "raw" });
    if (!v.ok) {
      expect(v.message).toContain("but the image's disk_format is vmdk.");
      expect(v.message).toContain(
        "It starts like a vmdk image, but its embedded descriptor is not at offset 512",
      );
    }
  });

  it("lets raw content through for formats it cannot inspect", () => {
    for (const f of ["ami", "ari", "aki", "ploop"]) {
      expect(judge(report({}), bare(f))).toMatchObject({ ok: true, detected: "raw", virtualSize: null });
    }
    // ... but not a recognised format declared as one of them.
    expect(judge(qcow2, bare("ami"))).toMatchObject({ ok: false, reason: "format_mismatch" });
  });

  it("declared raw: accepted with the byte count, unless the detected format is unsafe", () => {
    expect(judge(report({ actualSize: 777, virtualSize: 777 }), bare("raw"))).toEqual({
      ok: true,
      detected: "raw",
      virtualSize: 777,
      summary: "Detected raw, virtual size 777 bytes.",
    });
    expect(judge(qcow2, bare("raw"))).toMatchObject({ ok: true, detected: "qcow2", virtualSize: 196624 });
    expect(judge(backing, bare("raw"))).toMatchObject({ ok: false, reason: "unsafe", detected: "qcow2" });
    expect(judge(report({ format: "gpt", actualSize: 4096 }), bare("raw"))).toMatchObject({
      ok: true,
      detected: "gpt",
      virtualSize: 4096,
    });
  });

  it("refuses failed safety checks with the reasons", () => {
    expect(judge(backing, bare("qcow2"))).toEqual({
      ok: false,
      reason: "unsafe",
      detected: "qcow2",
      message:
        'Refused: the qcow2 image names a backing file ("/etc/passwd"). A backing file lets the image read ' +
        "files on the host; flatten it first with qemu-img convert.",
    });
    const two = judge(
      report({
        format: "qcow2",
        safetyFailures: [
          { check: "backing_file", message: "one." },
          { check: "data_file", message: "two." },
        ],
      }),
      bare("qcow2"),
    );
    if (!two.ok) expect(two.message).toBe("Refused: one. Also, two.");
  });

  it("tolerates gpt failures only when all are listed as non-fatal", () => {
    const gpt = report({ format: "gpt", safetyFailures: [mbrFailure] });
    expect(judge(gpt, bare("gpt"))).toMatchObject({ ok: false, reason: "unsafe" });
    expect(judge(gpt, bare("gpt"), { gptNonfatalChecks: ["mbr"] })).toMatchObject({
      ok: true,
      detected: "gpt",
    });
    expect(judge(gpt, bare("raw"), { gptNonfatalChecks: ["mbr"] })).toMatchObject({
      ok: true,
      virtualSize: 5000,
    });
    const both = report({ format: "gpt", safetyFailures: [mbrFailure, { check: "other", message: "x." }] });
    expect(judge(both, bare("gpt"), { gptNonfatalChecks: ["mbr"] })).toMatchObject({ ok: false });
    // Non-gpt formats cannot be relaxed this way.
    expect(judge(backing, bare("qcow2"), { gptNonfatalChecks: ["backing_file"] })).toMatchObject({
      ok: false,
    });
  });

  it("refuses several formats at once, except iso+gpt which is iso", () => {
    const ambiguous = report({ format: "qcow2", matches: ["qcow2", "iso"], virtualSize: GiB });
    const v = judge(ambiguous, bare("iso"));
    expect(v).toMatchObject({ ok: false, reason: "ambiguous", detected: null });
    if (!v.ok) expect(v.message).toContain("several disk image formats at once (qcow2, iso)");
    const isoGpt = report({ format: "iso", matches: ["iso", "gpt"], virtualSize: 376832 });
    expect(judge(isoGpt, bare("iso"))).toEqual({
      ok: true,
      detected: "iso",
      virtualSize: 376832,
      summary: "Detected iso (with a GPT/MBR boot record), virtual size 376832 bytes.",
    });
    expect(judge(isoGpt, bare("gpt"))).toMatchObject({
      ok: false,
      reason: "format_mismatch",
      detected: "iso",
    });
  });

  it("with requireFormatMatch false, mismatches, ambiguity and incomplete images pass without a size", () => {
    const opts = { requireFormatMatch: false };
    expect(judge(qcow2, bare("vmdk"), opts)).toMatchObject({
      ok: true,
      detected: "qcow2",
      virtualSize: null,
    });
    const ambiguous = report({ format: "qcow2", matches: ["qcow2", "iso"] });
    expect(judge(ambiguous, bare("qcow2"), opts)).toMatchObject({ ok: true, virtualSize: null });
    const incomplete = report({ format: "vhdx", safetyFailures: [{ check: "incomplete", message: "cut." }] });
    expect(judge(incomplete, bare("vhdx"))).toMatchObject({ ok: false, reason: "unsafe" });
    expect(judge(incomplete, bare("vhdx"), opts)).toMatchObject({ ok: true });
    // Safety checks still apply when the format matches — and (Iris, stricter than Glance) when it does not.
    expect(judge(backing, bare("qcow2"), opts)).toMatchObject({ ok: false, reason: "unsafe" });
    expect(judge(backing, bare("vmdk"), opts)).toMatchObject({ ok: false, reason: "unsafe" });
  });
});
