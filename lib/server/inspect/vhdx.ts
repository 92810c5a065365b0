import "server-only";
import {
  ascii,
  bytesEqual,
  type FinishContext,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  u16le,
  u32le,
  u64le,
} from "./engine";

// Microsoft VHDX (MS-VHDX), little-endian:
//   0       file type identifier "vhdxfile"
//   192 KiB region table: "regi" u32, checksum u32, entry count u32, reserved; then 32-byte entries
//           (GUID [16], file offset u64, length u32, required u32)
// The metadata region (GUID 8B7CA206-...) starts with "metadata" [8], reserved u16, entry count u16, reserved,
// then 32-byte entries (GUID [16], offset u32 from the region start, length u32, flags); the "virtual disk
// size" item (GUID 2FA54224-...) is a u64. Each structure is read as the stream reaches it, using the offsets
// found in the one before (a structure placed before one that points to it cannot be read from a stream).

const IDENT = ascii("vhdxfile");
const REGION_TABLE_AT = 192 * 1024;
const REGION_TABLE_HEADER = 16;
const ENTRY = 32;
const MAX_ENTRIES = 2047;
const REGION_SIGNATURE = ascii("regi");
const METADATA_SIGNATURE = ascii("metadata");
const METADATA_HEADER = 32;
const METADATA_REGION = guidBytes("8B7CA206-4790-4B9A-B8FE-575F050F886E");
const VIRTUAL_DISK_SIZE = guidBytes("2FA54224-CD1B-4876-B211-5DBED83BF4B8");

/** A Microsoft GUID in its on-disk form: the first three groups little-endian, the rest as written. */
function guidBytes(guid: string): number[] {
  const h = guid.replace(/-/g, "");
  const bytes = (s: string) => (s.match(/../g) ?? []).map((x) => parseInt(x, 16));
  return [
    ...bytes(h.slice(0, 8)).reverse(),
    ...bytes(h.slice(8, 12)).reverse(),
    ...bytes(h.slice(12, 16)).reverse(),
    ...bytes(h.slice(16)),
  ];
}

export class VhdxProbe extends Probe {
  readonly name = "vhdx" as const;
  private ident: Region;
  /** Regions still expected; the image is incomplete if one of them never arrives. */
  private pending: Region[] = [];
  private vds: Region | null = null;

  constructor(host: ProbeHost) {
    super(host);
    this.ident = this.requireMagic(0, IDENT, () =>
      this.expect(REGION_TABLE_AT, REGION_TABLE_HEADER, (t) => this.onRegionTableHeader(t)),
    );
  }

  private expect(offset: number, length: number, onDone: (r: Region) => void): Region {
    const r = this.capture(offset, length, (done) => {
      this.pending = this.pending.filter((p) => p !== done);
      onDone(done);
    });
    this.pending.push(r);
    return r;
  }

  private onRegionTableHeader(r: Region): void {
    if (!bytesEqual(r.data, 0, REGION_SIGNATURE)) return this.reject("its region table signature is missing");
    const count = u32le(r.data, 8);
    if (count > MAX_ENTRIES)
      return this.reject(`its region table has ${count} entries (at most ${MAX_ENTRIES})`);
    this.expect(r.end, count * ENTRY, (entries) => {
      for (let i = 0; i < count; i++) {
        const e = i * ENTRY;
        if (!bytesEqual(entries.data, e, METADATA_REGION)) continue;
        const metaOffset = u64le(entries.data, e + 16);
        this.expect(metaOffset, METADATA_HEADER, (m) => this.onMetadataHeader(m));
        return;
      }
    });
  }

  private onMetadataHeader(m: Region): void {
    if (!bytesEqual(m.data, 0, METADATA_SIGNATURE))
      return this.reject("its metadata region signature is missing");
    const count = u16le(m.data, 10);
    if (count > MAX_ENTRIES)
      return this.reject(`its metadata table has ${count} entries (at most ${MAX_ENTRIES})`);
    this.expect(m.end, count * ENTRY, (entries) => {
      for (let i = 0; i < count; i++) {
        const e = i * ENTRY;
        if (!bytesEqual(entries.data, e, VIRTUAL_DISK_SIZE)) continue;
        this.vds = this.expect(m.offset + u32le(entries.data, e + 16), 8, () => undefined);
        return;
      }
    });
  }

  result(_ctx: FinishContext): ProbeResult | null {
    if (!this.ident.complete || !bytesEqual(this.ident.data, 0, IDENT)) return null;
    if (this.pending.length > 0) {
      return {
        virtualSize: 0,
        failures: [
          {
            check: "incomplete",
            message:
              "the VHDX image's region table, metadata or virtual size could not be read (cut short, or placed " +
              "before the structure that points to it), so the image cannot be checked.",
          },
        ],
        details: {},
      };
    }
    // Like oslo: no metadata region or size item leaves the size unknown (0), which is not a safety failure.
    return { virtualSize: this.vds?.complete ? u64le(this.vds.data, 0) : 0, failures: [], details: {} };
  }
}
