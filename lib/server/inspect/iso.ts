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
} from "./engine";

// ISO 9660 / UDF: the first 16 sectors of 2 KiB are a free "system area" (boot code, an MBR, ... or another
// format's header: see the ambiguity rule); the first volume descriptor is at 32 KiB:
//   0 type (1 = primary) | 1 identifier "CD001" (ISO 9660) or "NSR02"/"NSR03" (UDF) | 80 volume space size
//   (blocks, u32 LE then BE) | 128 logical block size (u16 LE then BE).

const DESCRIPTOR_AT = 32 * 1024;
const DESCRIPTOR = 2048;
const IDENTIFIERS = [ascii("CD001"), ascii("NSR02"), ascii("NSR03")];

export class IsoProbe extends Probe {
  readonly name = "iso" as const;
  private descriptor: Region;

  constructor(host: ProbeHost) {
    super(host);
    this.capture(DESCRIPTOR_AT + 1, 5, (r) => {
      if (!IDENTIFIERS.some((id) => bytesEqual(r.data, 0, id))) this.reject();
    });
    this.descriptor = this.capture(DESCRIPTOR_AT, DESCRIPTOR);
  }

  result(_ctx: FinishContext): ProbeResult | null {
    // Like oslo: the whole first volume descriptor must be there.
    if (!this.descriptor.complete) return null;
    const d = this.descriptor.data;
    if (!IDENTIFIERS.some((id) => bytesEqual(d, 1, id))) return null;
    const primary = d[0] === 1;
    const virtualSize = primary ? u32le(d, 80) * u16le(d, 128) : 0;
    return { virtualSize, failures: [], details: { isoPrimaryDescriptor: primary } };
  }
}
