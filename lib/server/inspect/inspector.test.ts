import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InspectionReport, type InspectorOptions, inspectFile, StreamInspector } from "./inspector";

// Real images are made with qemu-img, xorriso and sgdisk in a temporary directory; malicious ones are crafted
// here. Every image is fed with several chunkings, which must all give the same report.

const MiB = 1024 * 1024;
let dir: string;

function sh(cmd: string, ...args: string[]): string {
  return execFileSync(cmd, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
}

function qemuVirtualSize(file: string, format?: string): number {
  const args = ["info", "--output=json", ...(format ? ["-f", format] : []), file];
  return (JSON.parse(sh("qemu-img", ...args)) as { "virtual-size": number })["virtual-size"];
}

function path(name: string): string {
  return join(dir, name);
}

function read(name: string): Buffer {
  return readFileSync(path(name));
}

function inspect(data: Uint8Array, chunk: number, options?: InspectorOptions): InspectionReport {
  const inspector = new StreamInspector(options);
  for (let o = 0; o < data.length; o += chunk)
    inspector.push(data.subarray(o, Math.min(o + chunk, data.length)));
  return inspector.finish();
}

/** A tiny seeded PRNG so random chunkings are reproducible. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function inspectRandomChunks(data: Uint8Array, seed: number, options?: InspectorOptions): InspectionReport {
  const rnd = prng(seed);
  const inspector = new StreamInspector(options);
  let o = 0;
  while (o < data.length) {
    const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 600 : 70000));
    inspector.push(data.subarray(o, Math.min(o + n, data.length)));
    o += n;
  }
  return inspector.finish();
}

/** Inspects with 1-byte (small data only), 7-byte, 4 KiB, 1 MiB, whole and random chunks; all must agree. */
function inspectAll(data: Uint8Array, options?: InspectorOptions): InspectionReport {
  const reference = inspect(data, MiB, options);
  const sizes = [7, 4096, Math.max(1, data.length)];
  if (data.length <= 400 * 1024) sizes.push(1);
  for (const size of sizes) expect(inspect(data, size, options), `chunks of ${size}`).toEqual(reference);
  expect(inspectRandomChunks(data, data.length, options), "random chunks").toEqual(reference);
  return reference;
}

function inspectImage(name: string, options?: InspectorOptions): InspectionReport {
  return inspectAll(read(name), options);
}

// ---- crafted headers ----

function qcow2Header(opts: {
  version?: number;
  backing?: { offset: number; name: string };
  incompatible?: [number, number];
  total?: number;
}): Buffer {
  const b = Buffer.alloc(opts.total ?? 1024);
  b.write("QFI\xfb", 0, "latin1");
  b.writeUInt32BE(opts.version ?? 3, 4);
  if (opts.backing) {
    b.writeBigUInt64BE(BigInt(opts.backing.offset), 8);
    b.writeUInt32BE(opts.backing.name.length, 16);
    if (opts.backing.offset < b.length) b.write(opts.backing.name, opts.backing.offset, "latin1");
  }
  b.writeUInt32BE(16, 20);
  b.writeBigUInt64BE(BigInt(MiB), 24);
  if (opts.incompatible) {
    b.writeUInt32BE(opts.incompatible[0], 72);
    if (b.length >= 80) b.writeUInt32BE(opts.incompatible[1], 76);
  }
  if (b.length >= 104) b.writeUInt32BE(104, 100);
  return b;
}

function vmdkSparse(descriptor: string, opts: { capacity?: number; descSector?: number } = {}): Buffer {
  const b = Buffer.alloc(4096);
  b.write("KDMV", 0, "latin1");
  b.writeUInt32LE(1, 4);
  b.writeUInt32LE(3, 8);
  b.writeBigUInt64LE(BigInt(opts.capacity ?? 2048), 12);
  b.writeBigUInt64LE(128n, 20);
  b.writeBigUInt64LE(BigInt(opts.descSector ?? 1), 28);
  b.writeBigUInt64LE(1n, 36);
  b.writeUInt32LE(512, 44);
  b.writeBigUInt64LE(21n, 48);
  b.writeBigUInt64LE(22n, 56);
  b.write(descriptor, 512, "latin1");
  return b;
}

const descriptor = (extent: string, type = "monolithicSparse") =>
  `# Disk DescriptorFile\nversion=1\nCID=12345678\nparentCID=ffffffff\ncreateType="${type}"\n\n${extent}\n\nddb.adapterType = "ide"\n`;

function mbrEntry(
  b: Buffer,
  n: number,
  e: { boot?: number; type: number; chs?: [number, number, number]; lba?: number },
) {
  const o = 446 + 16 * n;
  b[o] = e.boot ?? 0;
  const [c, h, s] = e.chs ?? [0, 2, 0];
  b[o + 1] = c;
  b[o + 2] = h;
  b[o + 3] = s;
  b[o + 4] = e.type;
  b.writeUInt32LE(e.lba ?? 1, o + 8);
  b.writeUInt32LE(1000, o + 12);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "iris-inspect-"));
  writeFileSync(path("base.raw"), Buffer.alloc(MiB));
  const data = Buffer.alloc(3 * MiB);
  for (let i = 0; i < data.length; i += 4096) data.write(`block ${i} of some data`, i);
  writeFileSync(path("data.raw"), data);
  sh("qemu-img", "create", "-f", "qcow2", "plain.qcow2", "1G");
  sh("qemu-img", "create", "-f", "qcow2", "-o", "compat=0.10", "v2.qcow2", "64M");
  sh("qemu-img", "create", "-f", "qcow2", "-b", path("base.raw"), "-F", "raw", "backing.qcow2", "1M");
  sh("qemu-img", "create", "-f", "qcow2", "-o", `data_file=${path("ext.data")}`, "datafile.qcow2", "1M");
  sh("qemu-img", "create", "-f", "vmdk", "-o", "subformat=monolithicSparse", "sparse.vmdk", "7M");
  sh(
    "qemu-img",
    "convert",
    "-f",
    "raw",
    "-O",
    "vmdk",
    "-o",
    "subformat=streamOptimized",
    "data.raw",
    "stream.vmdk",
  );
  sh("qemu-img", "create", "-f", "vmdk", "-o", "subformat=monolithicFlat", "flat.vmdk", "5M");
  sh("qemu-img", "create", "-f", "vpc", "disk.vhd", "7M");
  sh("qemu-img", "create", "-f", "vpc", "-o", "force_size=on", "forced.vhd", "7M");
  sh("qemu-img", "create", "-f", "qcow2", "-o", "extended_l2=on", "l2.qcow2", "1M");
  sh("qemu-img", "create", "-f", "vhdx", "disk.vhdx", "129M");
  sh("qemu-img", "create", "-f", "vdi", "disk.vdi", "7M");
  sh("qemu-img", "create", "-f", "qed", "disk.qed", "7M");
  sh("qemu-img", "create", "-f", "raw", "disk.raw", "3M");
  mkdirSync(path("isodir"));
  writeFileSync(path("isodir/hello.txt"), "hello\n");
  sh("xorriso", "-as", "mkisofs", "-o", "disk.iso", "isodir/");
  sh("qemu-img", "create", "-f", "raw", "gpt.raw", "4M");
  sh("sgdisk", "-n", "1:2048:+1M", "-n", "2:0:0", "gpt.raw");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("images made by qemu-img, xorriso and sgdisk", () => {
  it.each([
    ["plain.qcow2", "qcow2"],
    ["v2.qcow2", "qcow2"],
    ["sparse.vmdk", "vmdk"],
    ["stream.vmdk", "vmdk"],
    ["disk.vhd", "vhd"],
    ["forced.vhd", "vhd"],
    ["disk.vhdx", "vhdx"],
    ["disk.vdi", "vdi"],
  ] as const)("%s is a safe %s with qemu-img's virtual size", (name, format) => {
    const r = inspectImage(name);
    expect(r.format).toBe(format);
    expect(r.matches).toEqual([format]);
    expect(r.safetyFailures).toEqual([]);
    expect(r.virtualSize).toBe(qemuVirtualSize(path(name)));
    expect(r.actualSize).toBe(read(name).length);
  });

  it("reads qcow2 versions and vmdk create types", () => {
    expect(inspectImage("plain.qcow2").details.qcow2Version).toBe(3);
    expect(inspectImage("v2.qcow2").details.qcow2Version).toBe(2);
    expect(inspectImage("sparse.vmdk").details.vmdkCreateType).toBe("monolithicSparse");
    const stream = inspectImage("stream.vmdk");
    expect(stream.details.vmdkCreateType).toBe("streamOptimized");
    expect(stream.details.extents).toContain("stream.vmdk");
  });

  it("qcow2 with a backing file fails backing_file and names the file", () => {
    const r = inspectImage("backing.qcow2");
    expect(r.format).toBe("qcow2");
    expect(r.virtualSize).toBe(MiB);
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["backing_file"]);
    expect(r.details.backingFile).toBe(path("base.raw"));
    expect(r.details.backingFormat).toBe("raw");
    expect(r.safetyFailures[0]?.message).toContain(`("${path("base.raw")}")`);
  });

  it("qcow2 with an external data file fails data_file and names the file", () => {
    const r = inspectImage("datafile.qcow2");
    expect(r.format).toBe("qcow2");
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["data_file"]);
    expect(r.details.dataFile).toBe(path("ext.data"));
    expect(r.safetyFailures[0]?.message).toContain("external data file");
  });

  it("qcow2 with extended L2 entries fails unknown_features, as in oslo (it only knows bits 0-3)", () => {
    const r = inspectImage("l2.qcow2");
    expect(r.format).toBe("qcow2");
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["unknown_features"]);
  });

  it("monolithicFlat (a text descriptor naming another file) is a vmdk that fails descriptor", () => {
    const r = inspectImage("flat.vmdk");
    expect(r.format).toBe("vmdk");
    expect(r.virtualSize).toBe(qemuVirtualSize(path("flat.vmdk")));
    expect(r.details.vmdkCreateType).toBe("monolithicFlat");
    expect(r.details.extents).toContain("flat-flat.vmdk");
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["descriptor"]);
    expect(r.safetyFailures[0]?.message).toContain('createType is "monolithicFlat", which is not accepted');
    // An operator may allow it; a bare file name in the same directory then passes, as in oslo.
    expect(inspectImage("flat.vmdk", { vmdkAllowedTypes: ["monolithicFlat"] }).safetyFailures).toEqual([]);
    // With no type allowed, even monolithicSparse fails.
    const none = inspectImage("sparse.vmdk", { vmdkAllowedTypes: [] });
    expect(none.safetyFailures[0]?.message).toContain("no VMDK subformat is accepted");
  });

  it("qed is detected and always refused (banned)", () => {
    const r = inspectImage("disk.qed");
    expect(r.format).toBe("qed");
    expect(r.virtualSize).toBe(qemuVirtualSize(path("disk.qed")));
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["banned"]);
  });

  it("raw data is raw with its size as virtual size", () => {
    for (const name of ["disk.raw", "data.raw"]) {
      const r = inspectImage(name);
      expect(r).toMatchObject({ format: "raw", matches: [], safetyFailures: [], details: {} });
      expect(r.virtualSize).toBe(read(name).length);
    }
    expect(inspectAll(new Uint8Array(0))).toMatchObject({ format: "raw", virtualSize: 0, actualSize: 0 });
  });

  it("an ISO made by xorriso is iso with its volume size", () => {
    const r = inspectImage("disk.iso");
    expect(r).toMatchObject({ format: "iso", matches: ["iso"], safetyFailures: [] });
    const pvd = read("disk.iso").subarray(32768);
    expect(r.virtualSize).toBe(pvd.readUInt32LE(80) * pvd.readUInt16LE(128));
    expect(r.virtualSize).toBe(read("disk.iso").length);
  });

  it("a GPT disk made by sgdisk is a safe gpt, sized by its bytes", () => {
    const r = inspectImage("gpt.raw");
    expect(r).toMatchObject({ format: "gpt", matches: ["gpt"], safetyFailures: [], virtualSize: 4 * MiB });
    expect(r.details.protectiveMbr).toBe(true);
  });

  it("inspectFile gives the same report as pushing the bytes", async () => {
    for (const name of ["backing.qcow2", "stream.vmdk", "disk.vhdx", "disk.iso", "flat.vmdk"]) {
      expect(await inspectFile(path(name))).toEqual(inspect(read(name), 4096));
    }
  });
});

describe("crafted and malicious headers", () => {
  it("qcow2 naming /etc/passwd as backing file, inside the header or far after it", () => {
    for (const offset of [0x200, 8192]) {
      const img = qcow2Header({ backing: { offset, name: "/etc/passwd" }, total: offset + 512 });
      const r = inspectAll(img);
      expect(r.format).toBe("qcow2");
      expect(r.details.backingFile).toBe("/etc/passwd");
      expect(r.safetyFailures).toEqual([
        {
          check: "backing_file",
          message:
            'the qcow2 image names a backing file ("/etc/passwd"). A backing file lets the image read files on ' +
            "the host; flatten it first with qemu-img convert.",
        },
      ]);
    }
    // A backing file offset whose name is never seen still fails.
    const r = inspectAll(qcow2Header({ backing: { offset: 5000, name: "x" }, total: 4200 }));
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["backing_file"]);
    expect(r.details.backingFile).toBe("(name at offset 5000)");
  });

  it("qcow2 unknown incompatible features and versions (oslo's unknown_features)", () => {
    const checks = (img: Buffer) => inspectAll(img).safetyFailures.map((f) => f.check);
    expect(checks(qcow2Header({ incompatible: [0, 0x1] }))).toEqual([]); // dirty bit is known
    expect(checks(qcow2Header({ incompatible: [0, 0x8] }))).toEqual([]); // compression type is known
    expect(checks(qcow2Header({ incompatible: [0x01000000, 0] }))).toEqual(["unknown_features"]);
    expect(checks(qcow2Header({ incompatible: [0, 0x80] }))).toEqual(["unknown_features"]);
    expect(checks(qcow2Header({ incompatible: [0, 0x10] }))).toEqual(["unknown_features"]); // oslo stops at bit 3
    expect(checks(qcow2Header({ incompatible: [0, 0x4] }))).toEqual(["data_file"]);
    const unknown = inspectAll(qcow2Header({ incompatible: [0, 0x20] })).safetyFailures[0]?.message;
    expect(unknown).toContain("incompatible feature bits this service does not know (0x20)");
    expect(checks(qcow2Header({ version: 1 }))).toEqual(["unknown_features"]);
    expect(checks(qcow2Header({ version: 4 }))).toEqual(["unknown_features"]);
    // Version 2 has no feature bits: bytes 72.. are not read as such.
    expect(checks(qcow2Header({ version: 2, incompatible: [0xff, 0xff] }))).toEqual([]);
    // A header cut short cannot be checked.
    expect(checks(qcow2Header({ total: 80 }))).toEqual(["incomplete"]);
  });

  it("vmdk sparse header whose embedded descriptor has an extent at /etc/passwd", () => {
    const img = vmdkSparse(descriptor('RW 2048 FLAT "/etc/passwd" 0'));
    const r = inspectAll(img);
    expect(r.format).toBe("vmdk");
    expect(r.virtualSize).toBe(2048 * 512);
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["descriptor"]);
    expect(r.safetyFailures[0]?.message).toContain("/etc/passwd");
    // The same with a harmless extent passes.
    expect(inspectAll(vmdkSparse(descriptor('RW 2048 SPARSE "x.vmdk"')))).toMatchObject({
      format: "vmdk",
      safetyFailures: [],
    });
  });

  it("vmdk descriptor lines oslo refuses: unknown lines, no extents, no createType, non-ASCII", () => {
    const fail = (desc: string) => inspectAll(vmdkSparse(desc)).safetyFailures.map((f) => f.message);
    expect(fail(descriptor('WRONLY 2048 SPARSE "x.vmdk"'))[0]).toContain("does not understand");
    expect(fail(descriptor("")).join()).toContain("lists no extents");
    expect(fail('RW 2048 SPARSE "x.vmdk"\n')[0]).toContain("no readable createType");
    expect(fail(descriptor('RW 2048 SPARSE "\xe9.vmdk"'))[0]).toContain("not ASCII");
  });

  it("vmdk with zero capacity would follow its extents: refused", () => {
    const r = inspectAll(vmdkSparse(descriptor('RW 2048 FLAT "other-image" 0'), { capacity: 0 }));
    expect(r.safetyFailures.map((f) => f.check)).toEqual(["descriptor"]);
    expect(r.safetyFailures[0]?.message).toContain("capacity of 0");
  });

  it("a text descriptor naming /etc/passwd is a vmdk, refused even when its type is allowed", () => {
    const text = Buffer.from(descriptor('RW 2048 FLAT "/etc/passwd" 0', "monolithicFlat"));
    const r = inspectAll(text, { vmdkAllowedTypes: ["monolithicFlat"] });
    expect(r).toMatchObject({ format: "vmdk", virtualSize: 2048 * 512 });
    expect(r.safetyFailures[0]?.message).toContain("/etc/passwd");
  });

  it("vmdk with the descriptor elsewhere is not taken as vmdk (oslo: wrong descriptor location)", () => {
    const img = read("sparse.vmdk");
    img.writeBigUInt64LE(2n, 0x1c);
    const r = inspectAll(img);
    expect(r.format).toBe("raw");
    expect(r.details.vmdkRejected).toContain("wrong descriptor location");
    const bad = Buffer.from(img);
    bad.writeUInt32LE(7, 4);
    expect(inspectAll(bad).details.vmdkRejected).toContain("version 7");
  });

  it("streamOptimized footer checks", () => {
    const original = read("stream.vmdk");
    const header = Buffer.from(original.subarray(0, 512));
    const img = Buffer.concat([original, Buffer.alloc(1536)]);
    img.writeBigUInt64LE(0xffffffffffffffffn, 56); // "grain directory at end": the footer rules
    const zeroFooter = inspectAll(img);
    expect(zeroFooter.details.vmdkFooter).toBe(true);
    expect(zeroFooter.safetyFailures.map((f) => f.check)).toEqual(["footer"]);

    const end = img.length;
    img.writeUInt32LE(3, end - 1536 + 12); // footer marker
    header.copy(img, end - 1024); // footer = header with a real grain directory offset
    expect(inspectAll(img).safetyFailures).toEqual([]);

    const cases: [(b: Buffer) => void, string][] = [
      [(b) => b.write("KDMX", end - 1024, "latin1"), "signature"],
      [(b) => b.writeUInt32LE(2, end - 1024 + 4), "version"],
      [(b) => b.writeBigUInt64LE(2n, end - 1024 + 28), "different descriptor"],
      [(b) => b.writeBigUInt64LE(0xffffffffffffffffn, end - 1024 + 56), "another footer"],
      [(b) => b.writeUInt32LE(7, end - 1536 + 12), "footer marker"],
      [(b) => (b[end - 1536 + 100] = 1), "footer marker"],
      [(b) => b.writeUInt32LE(1, end - 512 + 8), "end-of-stream marker"],
      [(b) => b.writeUInt32LE(3, end - 512 + 12), "end-of-stream marker"],
      [(b) => (b[end - 1] = 1), "end-of-stream marker"],
    ];
    for (const [spoil, what] of cases) {
      const b = Buffer.from(img);
      spoil(b);
      const r = inspect(b, 4096);
      expect(
        r.safetyFailures.map((f) => f.check),
        what,
      ).toEqual(["footer"]);
      expect(r.safetyFailures[0]?.message).toContain(what);
      expect(inspect(b, 7)).toEqual(r);
    }
  });

  it("a qcow2 header in an ISO's system area is ambiguous", () => {
    const iso = read("disk.iso");
    read("plain.qcow2").copy(iso, 0, 0, 32768);
    const r = inspectAll(iso);
    expect(r.matches).toEqual(["qcow2", "iso"]);
  });

  it("an ISO with a partition table in front (iso+gpt) counts as iso", () => {
    const iso = read("disk.iso");
    read("gpt.raw").copy(iso, 0, 0, 512);
    const r = inspectAll(iso);
    expect(r).toMatchObject({ format: "iso", matches: ["iso", "gpt"], safetyFailures: [] });
    expect(r.virtualSize).toBe(read("disk.iso").length);
  });

  it("gpt with a broken MBR fails mbr (oslo's checks)", () => {
    const base = read("gpt.raw");
    const mbrFailure = (edit: (b: Buffer) => void) => {
      const b = Buffer.from(base);
      edit(b);
      const r = inspectAll(b.subarray(0, 64 * 1024));
      expect(r.format).toBe("gpt");
      return r.safetyFailures.map((f) => `${f.check}: ${f.message}`).join();
    };
    expect(mbrFailure(() => undefined)).toBe("");
    expect(mbrFailure((b) => (b[446] = 0x12))).toContain("mbr: the disk's partition table is malformed");
    expect(mbrFailure((b) => (b[446] = 0x12))).toContain("invalid boot flag");
    expect(mbrFailure((b) => mbrEntry(b, 1, { type: 0x83 }))).toContain("exactly one partition");
    expect(mbrFailure((b) => mbrEntry(b, 0, { type: 0xee, chs: [0, 1, 0] }))).toContain("start CHS");
    expect(mbrFailure((b) => mbrEntry(b, 0, { type: 0xee, lba: 2 }))).toContain("sector 1");
    expect(mbrFailure((b) => b.fill(0, 446, 510))).toContain("no partitions");
    // A plain MBR with any partitions is fine.
    expect(
      mbrFailure((b) => {
        b.fill(0, 446, 510);
        mbrEntry(b, 0, { type: 0x83, boot: 0x80, chs: [1, 1, 1], lba: 2048 });
        mbrEntry(b, 1, { type: 0x82, lba: 4096 });
      }),
    ).toBe("");
  });

  it("a FAT boot sector is not a partition table", () => {
    const b = Buffer.alloc(4096);
    b.writeUInt16LE(0xaa55, 510);
    b[0x10] = 2;
    b[0x15] = 0xf8;
    expect(inspectAll(b).format).toBe("raw");
  });

  it("signatures in files too short for their headers", () => {
    expect(inspectAll(Buffer.from("QFI\xfb\0\0\0\x03", "latin1")).safetyFailures.map((f) => f.check)).toEqual(
      ["incomplete"],
    );
    expect(inspectAll(Buffer.from("KDMV\x01\0\0\0", "latin1"))).toMatchObject({ format: "vmdk" });
    expect(inspectAll(Buffer.from("vhdxfile", "latin1")).safetyFailures.map((f) => f.check)).toEqual([
      "incomplete",
    ]);
    expect(inspectAll(Buffer.alloc(33000)).format).toBe("raw"); // no complete ISO descriptor
  });

  it("vhdx with a broken region table is not taken as vhdx", () => {
    const img = read("disk.vhdx");
    img.write("xxxx", 192 * 1024, "latin1");
    const r = inspect(img, MiB);
    expect(r.format).toBe("raw");
    expect(r.details.vhdxRejected).toContain("region table");
    expect(inspect(img, 4096)).toEqual(r);
  });

  it("never throws on garbage behind each signature, and agrees across chunkings", () => {
    const rnd = prng(42);
    const prefixes = ["QFI\xfb", "QED\0", "conectix", "vhdxfile", "KDMV", "createType=", ""];
    for (const prefix of prefixes) {
      for (let round = 0; round < 4; round++) {
        const b = Buffer.alloc(40000 + Math.floor(rnd() * 300000));
        for (let i = 0; i < b.length; i++) b[i] = rnd() < 0.3 ? 0 : Math.floor(rnd() * 256);
        b.write(prefix, 0, "latin1");
        if (round === 1) b.writeUInt32LE(0xbeda107f, 0x40);
        if (round === 2) b.write("CD001", 32769, "latin1");
        if (round === 3) b.writeUInt16LE(0xaa55, 510);
        const r = inspect(b, MiB);
        expect(inspect(b, 7)).toEqual(r);
        expect(inspectRandomChunks(b, round)).toEqual(r);
      }
    }
  });
});

describe("streaming cost", () => {
  it("pushes 1 GiB of zeros in 1 MiB chunks with bounded memory", () => {
    const chunk = new Uint8Array(MiB);
    const inspector = new StreamInspector();
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 16; i++) inspector.push(chunk);
    const before = used();
    let peak = before;
    for (let i = 16; i < 1024; i++) {
      inspector.push(chunk);
      if (i % 64 === 0) peak = Math.max(peak, used());
    }
    const r = inspector.finish();
    expect(r).toMatchObject({ format: "raw", virtualSize: 1024 * MiB, actualSize: 1024 * MiB, matches: [] });
    expect(peak - before).toBeLessThan(16 * MiB);
  });

  it("ignores pushes after finish and returns the same report", () => {
    const inspector = new StreamInspector();
    inspector.push(read("plain.qcow2"));
    const r = inspector.finish();
    inspector.push(new Uint8Array(10));
    expect(inspector.finish()).toBe(r);
  });
});
