import "server-only";
import {
  type FinishContext,
  hex,
  Probe,
  type ProbeHost,
  type ProbeResult,
  type Region,
  u16le,
  u32le,
} from "./engine";
import type { SafetyFailure } from "./types";

// A partitioned disk: an MBR (or the protective MBR in front of a GPT) in the first sector:
//   446 four 16-byte partition entries: boot flag u8, start CHS [3], type u8, end CHS [3], start LBA u32, size u32
//   510 signature 0xaa55
// A FAT boot sector carries the same signature; like oslo, one with 2 FATs on a fixed disk (0xf8) is not a
// partition table. The guest sees the bytes as they are, so the virtual size is the size of the data.

const SECTOR = 512;
const PTE_START = 446;
const SIGNATURE = 0xaa55;
const MEDIA_FIXED_DISK = 0xf8;
const TYPE_GPT_PROTECTIVE = 0xee;

export class GptProbe extends Probe {
  readonly name = "gpt" as const;
  private mbr: Region;

  constructor(host: ProbeHost) {
    super(host);
    this.mbr = this.capture(0, SECTOR, (r) => {
      if (!isPartitionTable(r.data)) this.reject();
    });
  }

  result(ctx: FinishContext): ProbeResult | null {
    if (!this.mbr.complete || !isPartitionTable(this.mbr.data)) return null;
    const { failure, partitions, protective } = checkMbr(this.mbr.data);
    return {
      virtualSize: ctx.actualSize,
      failures: failure ? [failure] : [],
      details: { mbrPartitions: partitions, protectiveMbr: protective },
    };
  }
}

function isPartitionTable(s: Uint8Array): boolean {
  if (s.length < SECTOR || u16le(s, 510) !== SIGNATURE) return false;
  const fat = s[0x10] === 2 && s[0x15] === MEDIA_FIXED_DISK;
  return !fat;
}

/** oslo's "mbr" check: valid boot flags, at least one partition, and a protective MBR that is exactly that. */
function checkMbr(s: Uint8Array): { failure: SafetyFailure | null; partitions: number; protective: boolean } {
  const used: number[] = [];
  let protective = false;
  const fail = (message: string) => ({
    failure: { check: "mbr", message: `the disk's partition table is malformed: ${message}` },
    partitions: used.length,
    protective,
  });
  for (let i = 0; i < 4; i++) {
    const e = PTE_START + 16 * i;
    const boot = s[e] ?? 0;
    const type = s[e + 4] ?? 0;
    if (boot !== 0x00 && boot !== 0x80) {
      return fail(
        `MBR partition entry ${i} has an invalid boot flag (${hex(boot)}; only 0x0 and 0x80 exist).`,
      );
    }
    if (type !== 0) used.push(i);
    if (type === TYPE_GPT_PROTECTIVE) {
      protective = true;
      const chs = [s[e + 1], s[e + 2], s[e + 3]];
      if (chs[0] !== 0x00 || chs[1] !== 0x02 || chs[2] !== 0x00) {
        return fail(`the GPT protective MBR entry has an invalid start CHS (must be 0/2/0).`);
      }
      if (u32le(s, e + 8) !== 1) {
        return fail(`the GPT protective MBR entry does not start at sector 1 (it says ${u32le(s, e + 8)}).`);
      }
    }
  }
  if (protective && (used.length !== 1 || used[0] !== 0)) {
    return fail(
      "a GPT protective MBR must have exactly one partition, in the first entry, but this one defines others.",
    );
  }
  if (used.length === 0) return fail("the MBR defines no partitions.");
  return { failure: null, partitions: used.length, protective };
}
