import "server-only";
import {
  ascii,
  bytesEqual,
  type FinishContext,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  u64le,
} from "./engine";

// QEMU Enhanced Disk, little-endian header: 0 magic "QED\0" | 4 cluster size | 8 table size | 12 header size
// | 16 features u64 | 24 compat features | 32 autoclear features | 40 L1 table offset | 48 image size u64.
// Nobody uses QED any more and nothing checks it for safety: oslo recognises it only to refuse it ("banned").

const MAGIC = ascii("QED\0");
const HEADER = 64;

export class QedProbe extends Probe {
  readonly name = "qed" as const;
  private header: Region;

  constructor(host: ProbeHost) {
    super(host);
    this.requireMagic(0, MAGIC);
    this.header = this.capture(0, HEADER);
  }

  result(_ctx: FinishContext): ProbeResult | null {
    const h = this.header.data;
    if (!bytesEqual(h, 0, MAGIC)) return null;
    return {
      virtualSize: h.length >= 56 ? u64le(h, 48) : 0,
      failures: [
        {
          check: "banned",
          message:
            "QED images are not accepted: the format is obsolete and cannot be checked for safety. " +
            "Convert it to qcow2 or raw first with qemu-img convert.",
        },
      ],
      details: {},
    };
  }
}
