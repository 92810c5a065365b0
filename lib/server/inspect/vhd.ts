import "server-only";
import {
  ascii,
  bytesEqual,
  type FinishContext,
  latin1,
  printable,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  u16be,
  u64be,
} from "./engine";

// Connectix/Microsoft VHD (QEMU "vpc"): a big-endian 512-byte footer, copied at the start of dynamic images:
//   0 cookie "conectix" | 28 creator application [4] | 40 original size u64 | 48 current size u64
//   56 geometry: cylinders u16, heads u8, sectors per track u8 | 60 disk type u32
// Like oslo, only the copy at the start is looked at (a fixed VHD, footer at the end only, reads as raw).

const COOKIE = ascii("conectix");
const FOOTER = 512;
const NEEDED = 64;
/** QEMU's VHD_MAX_GEOMETRY: with this CHS the geometry cannot express the size, so the footer's size is used. */
const MAX_GEOMETRY_SECTORS = 65535 * 16 * 255;

export class VhdProbe extends Probe {
  readonly name = "vhd" as const;
  private header: Region;

  constructor(host: ProbeHost) {
    super(host);
    this.requireMagic(0, COOKIE);
    this.header = this.capture(0, FOOTER);
  }

  result(_ctx: FinishContext): ProbeResult | null {
    const h = this.header.data;
    if (!bytesEqual(h, 0, COOKIE)) return null;
    if (h.length < NEEDED) {
      return {
        virtualSize: 0,
        failures: [
          { check: "incomplete", message: "the VHD footer is cut short, so the image cannot be checked." },
        ],
        details: {},
      };
    }
    const creator = latin1(h.subarray(28, 32));
    // The size the guest sees, as QEMU computes it: images written by Virtual PC and (old) QEMU are sized by
    // their CHS geometry, everything else (Hyper-V, disk2vhd, XenServer, qemu "qem2") by the current size.
    const chs = u16be(h, 56) * (h[58] ?? 0) * (h[59] ?? 0);
    const byGeometry = (creator === "vpc " || creator === "qemu") && chs !== MAX_GEOMETRY_SECTORS;
    const virtualSize = byGeometry ? chs * 512 : Math.floor(u64be(h, 48) / 512) * 512;
    return { virtualSize, failures: [], details: { vhdCreator: printable(h.subarray(28, 32)) } };
  }
}
