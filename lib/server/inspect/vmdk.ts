import "server-only";
import {
  ascii,
  bytesEqual,
  type Details,
  type FinishContext,
  latin1,
  printable,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  TAIL_SIZE,
  u32le,
  u64le,
} from "./engine";
import type { SafetyFailure } from "./types";

// VMware VMDK comes in two shapes:
//
// * A "hosted sparse extent" (monolithicSparse, streamOptimized): a little-endian header
//     0 magic "KDMV" | 4 version u32 | 8 flags u32 | 12 capacity u64 (sectors) | 20 grain size u64
//    28 descriptor offset u64 (sectors) | 36 descriptor size u64 (sectors) | 44 GTEs per GT u32
//    48 redundant grain directory offset u64 | 56 grain directory offset u64
//   followed by an embedded text descriptor at 512 (the only place QEMU and oslo accept), NUL-padded. A grain
//   directory offset of all ones (streamOptimized) means the real header is a footer at the end of the file:
//   footer marker sector, footer (a copy of the header), end-of-stream marker sector.
//
// * A bare text descriptor file (monolithicFlat, twoGbMaxExtent*, vmfs, ...): QEMU reads up to 1 MiB - 1 of it
//   as a C string. Its extents are other files, which is why only single-file subformats are accepted.
//
// The descriptor is text lines: comments, `key=value` header fields, `ddb.*` lines and extent lines
// `RW|RDONLY|NOACCESS <sectors> <type> "<file>" [offset]`. Anything else is refused (oslo's cautious parse).

const MAGIC = ascii("KDMV");
const SPARSE_HEADER = 64;
/** QEMU and oslo only accept an embedded descriptor at this offset. */
const DESCRIPTOR_AT = 0x200;
/** QEMU reads at most this much descriptor. */
const DESCRIPTOR_MAX = (1 << 20) - 1;
const MARKER_EOS = 0;
const MARKER_FOOTER = 3;
const EXTENT_ACCESS = new Set(["rw", "rdonly", "noaccess"]);

interface SparseHeader {
  version: number;
  capacity: number;
  descSector: number;
  descSectors: number;
  gdAtEnd: boolean;
}

function parseSparseHeader(b: Uint8Array, o: number): SparseHeader {
  return {
    version: u32le(b, o + 4),
    capacity: u64le(b, o + 12),
    descSector: u64le(b, o + 28),
    descSectors: u64le(b, o + 36),
    gdAtEnd: u32le(b, o + 56) === 0xffffffff && u32le(b, o + 60) === 0xffffffff,
  };
}

export class VmdkProbe extends Probe {
  readonly name = "vmdk" as const;
  private readonly allowed: string[];
  private header: Region;
  /** The file read as a C string from offset 0: a text descriptor, if this is a descriptor file. */
  private text: Region | null;
  private sparse: SparseHeader | null = null;
  private descriptor: Region | null = null;

  constructor(host: ProbeHost, allowedTypes: readonly string[]) {
    super(host);
    this.allowed = [...allowedTypes];
    this.host.holdTail(this, true);
    this.header = this.capture(0, SPARSE_HEADER, () => this.onHeader());
    this.text = this.capture(0, DESCRIPTOR_MAX, () => this.maybeDropText(), 0);
  }

  private onHeader(): void {
    const h = this.header.data;
    if (!bytesEqual(h, 0, MAGIC)) {
      // Not a sparse extent: only a text descriptor remains possible, and it has no footer.
      this.host.holdTail(this, false);
      this.maybeDropText();
      return;
    }
    const s = parseSparseHeader(h, 0);
    if (s.version < 1 || s.version > 3) {
      return this.reject(`its sparse header has version ${s.version} (1, 2 or 3 expected)`);
    }
    if (s.descSector * 512 !== DESCRIPTOR_AT) {
      return this.reject(
        `its embedded descriptor is not at offset ${DESCRIPTOR_AT} (wrong descriptor location)`,
      );
    }
    this.sparse = s;
    this.host.dropRegions(this);
    this.text = null;
    if (!s.gdAtEnd) this.host.holdTail(this, false);
    this.descriptor = this.capture(
      DESCRIPTOR_AT,
      Math.min(s.descSectors * 512, DESCRIPTOR_MAX),
      undefined,
      0,
    );
  }

  /** Once it is clear this is neither a sparse extent nor a descriptor file, stop looking. */
  private maybeDropText(): void {
    if (this.sparse || !this.header.complete || !this.text?.complete) return;
    if (bytesEqual(this.header.data, 0, MAGIC)) return;
    if (!hasCreateType(this.text.data)) this.reject();
  }

  result(ctx: FinishContext): ProbeResult | null {
    const h = this.header.data;
    if (bytesEqual(h, 0, MAGIC)) return this.sparseResult(ctx);
    if (this.text && hasCreateType(this.text.data)) return this.textResult(this.text.data);
    return null;
  }

  private sparseResult(ctx: FinishContext): ProbeResult {
    const s = this.sparse;
    if (!s || !this.descriptor?.complete) {
      return {
        virtualSize: s ? s.capacity * 512 : 0,
        failures: [
          {
            check: "incomplete",
            message: "the vmdk header or its descriptor is cut short, so the image cannot be checked.",
          },
        ],
        details: { vmdkSparse: true },
      };
    }
    const details: Details = { vmdkSparse: true, vmdkVersion: s.version };
    const failures: SafetyFailure[] = [];
    const descFailure = checkDescriptor(this.descriptor.data, this.allowed, details);
    if (descFailure) failures.push({ check: "descriptor", message: descFailure });
    else if (s.capacity === 0) {
      failures.push({
        check: "descriptor",
        message:
          "the vmdk sparse header declares a capacity of 0, so QEMU would build the disk from the extent files " +
          "named in the descriptor instead of from this file.",
      });
    }
    if (s.gdAtEnd) {
      details.vmdkFooter = true;
      const footerFailure = checkFooter(this.header.data, ctx.tail);
      if (footerFailure) {
        failures.push({
          check: "footer",
          message: `the vmdk image's footer (which QEMU uses instead of its header) is invalid: ${footerFailure}`,
        });
      }
    }
    return { virtualSize: s.capacity * 512, failures, details };
  }

  private textResult(desc: Uint8Array): ProbeResult {
    const details: Details = { vmdkSparse: false };
    const failures: SafetyFailure[] = [];
    const failure = checkDescriptor(desc, this.allowed, details);
    if (failure) failures.push({ check: "descriptor", message: failure });
    // A descriptor file's disk is the sum of its extents.
    let sectors = 0;
    for (const line of latin1(desc).split("\n")) {
      const words = line.trim().split(/\s+/);
      if (words.length >= 2 && EXTENT_ACCESS.has((words[0] ?? "").toLowerCase())) {
        const n = Number(words[1]);
        if (Number.isSafeInteger(n) && n > 0) sectors += n;
      }
    }
    return { virtualSize: sectors * 512, failures, details };
  }
}

function hasCreateType(text: Uint8Array): boolean {
  return latin1(text).toLowerCase().includes("createtype");
}

/** oslo's createType rule: `createType="<value>"` with a value shorter than 64 characters. */
function createType(text: string): string | null {
  const key = 'createtype="';
  const i = text.toLowerCase().indexOf(key);
  if (i < 0) return null;
  const start = i + key.length;
  const end = text.indexOf('"', start);
  if (end < 0 || end - start >= 64) return null;
  return text.slice(start, end);
}

/** oslo's "descriptor" check, with the configurable createType list. Returns a failure message or null. */
function checkDescriptor(raw: Uint8Array, allowed: readonly string[], details: Details): string | null {
  if (raw.length === 0) return "the vmdk image has no descriptor.";
  if (raw.some((c) => c >= 0x80)) return "the vmdk descriptor is not ASCII text.";
  const text = latin1(raw);
  const type = createType(text);
  if (type !== null) details.vmdkCreateType = type;

  // oslo's cautious parse: every line must be a comment, a `key=value` field, a ddb line or an extent.
  const extents: string[] = [];
  let unknownLine: string | null = null;
  for (const line of text.split("\n").map((l) => l.trim())) {
    const lower = line.toLowerCase();
    if (line === "" || line.startsWith("#") || lower.startsWith("ddb")) continue;
    const eq = line.indexOf("=");
    if (eq >= 0 && !line.slice(0, eq).includes(" ")) continue;
    if (EXTENT_ACCESS.has(lower.split(" ")[0] ?? "")) extents.push(line);
    else unknownLine ??= line;
  }
  if (extents.length > 0) details.extents = shown(extents.join("; "), 500);

  const allowedLower = allowed.map((t) => t.toLowerCase());
  if (type === null || !allowedLower.includes(type.toLowerCase())) {
    const accepted = allowed.length > 0 ? `accepted: ${allowed.join(", ")}` : "no VMDK subformat is accepted";
    const what =
      type === null
        ? "the vmdk descriptor has no readable createType, so its subformat is unknown"
        : `the vmdk image's createType is "${shown(type)}", which is not accepted`;
    return `${what} (${accepted}). Other VMDK subformats keep the disk's data in separate files named by the descriptor.`;
  }
  if (unknownLine !== null) {
    return `the vmdk descriptor has a line this service does not understand ("${shown(unknownLine)}").`;
  }
  const withPath = extents.find((line) => line.includes("/"));
  if (withPath !== undefined) {
    return (
      `the vmdk descriptor names an extent file by path ("${shown(withPath)}"); extents outside the image ` +
      "would make QEMU read files on the host."
    );
  }
  if (extents.length === 0) return "the vmdk descriptor lists no extents.";
  return null;
}

function shown(s: string, max = 200): string {
  return printable(Buffer.from(s, "latin1"), max);
}

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** oslo's "footer" check for streamOptimized images. Returns what is wrong, or null. */
function checkFooter(header: Uint8Array, tail: Uint8Array): string | null {
  if (tail.length < TAIL_SIZE) return "the image is too short to end with a footer.";
  const h = parseSparseHeader(header, 0);
  const f = parseSparseHeader(tail, 512);
  if (!bytesEqual(tail, 512, MAGIC)) return "its signature does not match the header's.";
  if (f.version !== h.version) return "its version does not match the header's.";
  if (f.descSector !== h.descSector || f.descSectors !== h.descSectors) {
    return "it names a different descriptor than the header.";
  }
  if (f.gdAtEnd) return "it says that yet another footer follows.";
  if (u32le(tail, 8) !== 0 || u32le(tail, 12) !== MARKER_FOOTER || !isZero(tail, 16, 512)) {
    return "the footer marker before it is invalid.";
  }
  const eos = 1024;
  if (!isZero(tail, eos, eos + 8) || u32le(tail, eos + 8) !== 0 || u32le(tail, eos + 12) !== MARKER_EOS) {
    return "the end-of-stream marker after it is invalid.";
  }
  if (!isZero(tail, eos + 16, eos + 512)) return "the end-of-stream marker after it is invalid.";
  return null;
}
