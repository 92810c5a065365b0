import crypto from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Real disk images for the format-inspection suites, made at test time with Debian's tools
// (qemu-img from qemu-utils, xorriso, sgdisk from gdisk), and crafted ones with dangerous headers.

const MiB = 1024 * 1024;

export interface DiskImage {
  file: string;
  /** What qemu-img (or the tool that made it) says the guest sees. */
  virtualSize: number;
}

function qemuImg(args: string[]): string {
  return execFileSync("qemu-img", args, { encoding: "utf8" });
}

export function qemuVirtualSize(file: string, format: string): number {
  return (JSON.parse(qemuImg(["info", "-f", format, "--output=json", file])) as { "virtual-size": number })[
    "virtual-size"
  ];
}

/** `qemu-img compare` of two images: true when the guest sees the same bytes. */
export function qemuSame(a: string, aFormat: string, b: string, bFormat: string): boolean {
  try {
    execFileSync("qemu-img", ["compare", "-f", aFormat, "-F", bFormat, a, b], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

export class DiskImages {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "iris-disk-"));
  private readonly made = new Map<string, DiskImage>();

  private p(name: string) {
    return path.join(this.dir, name);
  }

  private once(name: string, make: () => DiskImage): DiskImage {
    let d = this.made.get(name);
    if (!d) {
      d = make();
      this.made.set(name, d);
    }
    return d;
  }

  /** 4 MiB of random data on a 16 MiB disk (the rest zero): a raw image. */
  raw(): DiskImage {
    return this.once("raw", () => {
      const f = this.p("disk.raw");
      const fd = fs.openSync(f, "w");
      fs.writeSync(fd, crypto.randomBytes(4 * MiB), 0, 4 * MiB, 0);
      fs.ftruncateSync(fd, 16 * MiB);
      fs.closeSync(fd);
      return { file: f, virtualSize: 16 * MiB };
    });
  }

  /** The raw disk converted to `format` (qemu-img's name: vpc for vhd), with -o options. */
  converted(format: "qcow2" | "vmdk" | "vpc" | "vhdx" | "vdi" | "qed", options = ""): DiskImage {
    return this.once(`${format}:${options}`, () => {
      const f = this.p(`disk-${format}-${options.replace(/\W/g, "_") || "plain"}.img`);
      qemuImg([
        "convert",
        "-f",
        "raw",
        "-O",
        format,
        ...(options ? ["-o", options] : []),
        this.raw().file,
        f,
      ]);
      return { file: f, virtualSize: qemuVirtualSize(f, format) };
    });
  }

  /** A qcow2 whose reads fall through to a backing file. */
  qcow2WithBackingFile(backing = this.raw().file): DiskImage {
    return this.once(`backing:${backing}`, () => {
      const f = this.p(`backed-${crypto.randomBytes(3).toString("hex")}.qcow2`);
      qemuImg(["create", "-f", "qcow2", "-b", backing, "-F", "raw", f]);
      return { file: f, virtualSize: qemuVirtualSize(f, "qcow2") };
    });
  }

  /** A qcow2 whose data lives in an external data file. */
  qcow2WithDataFile(): DiskImage {
    return this.once("datafile", () => {
      const f = this.p("external.qcow2");
      qemuImg(["create", "-f", "qcow2", "-o", `data_file=${this.p("external.data")}`, f, "16M"]);
      return { file: f, virtualSize: 16 * MiB };
    });
  }

  /** A flat VMDK: a text descriptor naming another file as its extent. */
  vmdkFlatDescriptor(): DiskImage {
    return this.once("vmdkflat", () => {
      const f = this.p("flat.vmdk");
      qemuImg(["create", "-f", "vmdk", "-o", "subformat=monolithicFlat", f, "16M"]);
      return { file: f, virtualSize: 16 * MiB };
    });
  }

  /** A sparse VMDK whose embedded descriptor's extent is rewritten to read /etc/passwd. */
  vmdkExtentToHostFile(): DiskImage {
    return this.once("vmdkevil", () => {
      const src = this.converted("vmdk", "subformat=monolithicSparse");
      const buf = fs.readFileSync(src.file);
      const text = buf.toString("latin1");
      const at = text.indexOf('RW 32768 SPARSE "');
      if (at < 0) throw new Error("no extent line in the sparse vmdk descriptor");
      const end = text.indexOf("\n", at);
      const evil = 'RW 32768 FLAT "/etc/passwd" 0';
      const line = Buffer.from(evil.padEnd(end - at, " "), "latin1");
      line.copy(buf, at);
      const f = this.p("evil-extent.vmdk");
      fs.writeFileSync(f, buf);
      return { file: f, virtualSize: src.virtualSize };
    });
  }

  /** An ISO 9660 image made by xorriso. */
  iso(): DiskImage {
    return this.once("iso", () => {
      const content = this.p("iso-root");
      fs.mkdirSync(content, { recursive: true });
      fs.writeFileSync(path.join(content, "README.TXT"), crypto.randomBytes(256 * 1024).toString("hex"));
      const f = this.p("disk.iso");
      execFileSync("xorriso", ["-as", "mkisofs", "-quiet", "-V", "IRIS", "-o", f, content], {
        stdio: "pipe",
      });
      return { file: f, virtualSize: fs.statSync(f).size };
    });
  }

  /** An ISO whose first sector carries a qcow2 header: two formats at once (refused). */
  isoWithQcow2Header(): DiskImage {
    return this.once("isoqcow2", () => {
      const iso = fs.readFileSync(this.iso().file);
      const qcow2 = fs.readFileSync(this.converted("qcow2").file);
      qcow2.copy(iso, 0, 0, 512);
      const f = this.p("polyglot.iso");
      fs.writeFileSync(f, iso);
      return { file: f, virtualSize: iso.length };
    });
  }

  /** A raw disk with a GPT partition table (sgdisk). */
  gpt(): DiskImage {
    return this.once("gpt", () => {
      const f = this.p("gpt.raw");
      fs.writeFileSync(f, Buffer.alloc(0));
      fs.truncateSync(f, 16 * MiB);
      execFileSync("sgdisk", ["-n", "1:2048:+8M", "-t", "1:8300", f], { stdio: "pipe" });
      return { file: f, virtualSize: 16 * MiB };
    });
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export const read = (d: DiskImage) => fs.readFileSync(d.file);
