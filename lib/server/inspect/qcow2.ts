import "server-only";
import {
  ascii,
  bytesEqual,
  type Details,
  type FinishContext,
  hex,
  printable,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  u32be,
  u64be,
} from "./engine";
import type { SafetyFailure } from "./types";

// QEMU qcow2 (docs/interop/qcow2.txt), big-endian header:
//   0 magic "QFI\xfb" | 4 version u32 | 8 backing file offset u64 | 16 backing file name size u32
//  20 cluster bits u32 | 24 virtual size u64 | ... | 72 incompatible features u64 (v3) | 100 header length u32 (v3)
// Header extensions follow the header (v2: at 72; v3: at header length): type u32, length u32, data padded to 8.

const MAGIC = ascii("QFI\xfb");
/** Bytes read from the start: the header, its extensions, and usually the backing file name. */
const HEADER_CAPTURE = 4096;
const V2_HEADER = 72;
const V3_HEADER = 104;
/** Incompatible feature bits this inspector knows (oslo's I_FEATURES_MAX_BIT = 4): dirty, corrupt, data file, compression type. */
const KNOWN_INCOMPATIBLE_BITS = 4;
const INCOMPAT_DATA_FILE = 2;
const EXT_END = 0;
const EXT_BACKING_FORMAT = 0xe2792aca;
const EXT_DATA_FILE = 0x44415441;
/** QEMU refuses backing file names longer than 1023 bytes. */
const MAX_NAME = 1023;

export class Qcow2Probe extends Probe {
  readonly name = "qcow2" as const;
  private header: Region;
  private backingName: Region | null = null;

  constructor(host: ProbeHost) {
    super(host);
    this.requireMagic(0, MAGIC);
    this.header = this.capture(0, HEADER_CAPTURE, () => this.onHeader());
  }

  private onHeader(): void {
    const h = this.header.data;
    const offset = u64be(h, 8);
    const size = Math.min(u32be(h, 16), MAX_NAME);
    // The name usually sits inside the captured header; otherwise catch it as it passes.
    if (offset >= HEADER_CAPTURE && size > 0) this.backingName = this.capture(offset, size);
  }

  result(_ctx: FinishContext): ProbeResult | null {
    const h = this.header.data;
    if (!bytesEqual(h, 0, MAGIC)) return null;
    const version = u32be(h, 4);
    const details: Details = { qcow2Version: version };
    const failures: SafetyFailure[] = [];
    const needed = version === 2 ? V2_HEADER : V3_HEADER;
    if (h.length < needed) {
      failures.push({
        check: "incomplete",
        message: `the qcow2 header is cut short (${h.length} of ${needed} bytes), so the image cannot be checked.`,
      });
      return { virtualSize: h.length >= 32 ? u64be(h, 24) : 0, failures, details };
    }
    const virtualSize = u64be(h, 24);
    details.qcow2ClusterBits = u32be(h, 20);

    const exts = this.extensions(h, version);
    if (exts.backingFormat !== undefined) details.backingFormat = exts.backingFormat;

    // backing_file: any backing file offset means QEMU would open another file.
    const bfOffset = u64be(h, 8);
    if (bfOffset !== 0) {
      const name = this.backingFileName(h, bfOffset, Math.min(u32be(h, 16), MAX_NAME));
      details.backingFile = name ?? `(name at offset ${bfOffset})`;
      const shown = name !== null ? ` ("${name}")` : "";
      failures.push({
        check: "backing_file",
        message:
          `the qcow2 image names a backing file${shown}. A backing file lets the image read files on the host; ` +
          "flatten it first with qemu-img convert.",
      });
    }

    // data_file and unknown_features: version 2 has no feature bits (bytes 72.. are header extensions there).
    if (version !== 2) {
      const hi = u32be(h, 72);
      const lo = u32be(h, 76);
      details.incompatibleFeatures = hex(hi * 2 ** 32 + lo);
      if (lo & (1 << INCOMPAT_DATA_FILE)) {
        if (exts.dataFile !== undefined) details.dataFile = exts.dataFile;
        const shown = exts.dataFile !== undefined ? ` ("${exts.dataFile}")` : "";
        failures.push({
          check: "data_file",
          message:
            `the qcow2 image keeps its data in an external data file${shown}. An external data file lets the ` +
            "image read and write files on the host; convert it to a self-contained image first with qemu-img convert.",
        });
      }
    }
    if (version !== 2 && version !== 3) {
      failures.push({
        check: "unknown_features",
        message: `the qcow2 image has version ${version}; only versions 2 and 3 are accepted.`,
      });
    } else if (version === 3) {
      const knownMask = (1 << KNOWN_INCOMPATIBLE_BITS) - 1;
      const unknownLo = u32be(h, 76) & ~knownMask;
      const unknownHi = u32be(h, 72);
      if (unknownLo !== 0 || unknownHi !== 0) {
        failures.push({
          check: "unknown_features",
          message:
            `the qcow2 image sets incompatible feature bits this service does not know ` +
            `(${hex(unknownHi * 2 ** 32 + (unknownLo >>> 0))}); a reader that ignored them could misread the image.`,
        });
      }
    }
    return { virtualSize, failures, details };
  }

  private backingFileName(h: Uint8Array, offset: number, size: number): string | null {
    if (size === 0) return "";
    if (offset + size <= h.length) return printable(h.subarray(offset, offset + size));
    if (this.backingName?.complete) return printable(this.backingName.data);
    return null;
  }

  private extensions(h: Uint8Array, version: number): { backingFormat?: string; dataFile?: string } {
    const out: { backingFormat?: string; dataFile?: string } = {};
    let o = version === 2 ? V2_HEADER : Math.max(u32be(h, 100), V3_HEADER);
    for (let n = 0; n < 64 && o + 8 <= h.length; n++) {
      const type = u32be(h, o);
      const len = u32be(h, o + 4);
      if (type === EXT_END || o + 8 + len > h.length) break;
      const data = h.subarray(o + 8, o + 8 + len);
      if (type === EXT_BACKING_FORMAT) out.backingFormat = printable(data, 32);
      else if (type === EXT_DATA_FILE) out.dataFile = printable(data);
      o += 8 + Math.ceil(len / 8) * 8;
    }
    return out;
  }
}
