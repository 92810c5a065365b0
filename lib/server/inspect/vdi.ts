import "server-only";
import {
  type FinishContext,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  u32le,
  u64le,
} from "./engine";

// VirtualBox VDI, little-endian 512-byte header: 0x40 signature u32 0xbeda107f | 0x170 disk size u64.

const SIGNATURE_AT = 0x40;
const SIGNATURE = 0xbeda107f;
const SIZE_AT = 0x170;
const HEADER = 512;

export class VdiProbe extends Probe {
  readonly name = "vdi" as const;
  private header: Region;

  constructor(host: ProbeHost) {
    super(host);
    this.header = this.capture(0, HEADER, undefined);
    this.capture(SIGNATURE_AT, 4, (r) => {
      if (u32le(r.data, 0) !== SIGNATURE) this.reject();
    });
  }

  result(_ctx: FinishContext): ProbeResult | null {
    const h = this.header.data;
    if (h.length < SIGNATURE_AT + 4 || u32le(h, SIGNATURE_AT) !== SIGNATURE) return null;
    if (h.length < SIZE_AT + 8) {
      return {
        virtualSize: 0,
        failures: [
          { check: "incomplete", message: "the VDI header is cut short, so the image cannot be checked." },
        ],
        details: {},
      };
    }
    return { virtualSize: u64le(h, SIZE_AT), failures: [], details: {} };
  }
}
