import "server-only";
import type { DetectedFormat, SafetyFailure } from "./types";

// The streaming core shared by every format probe.
//
// A probe asks for byte ranges of the stream ("regions"); the engine copies exactly those bytes out of the
// chunks as they pass and calls the probe back when a region is complete, so the probe can ask for the next
// region (found from the header it just read). A chunk is processed in steps that end where a region
// completes, so a region asked for in a callback sees the rest of the same chunk: the result does not depend
// on how the stream was cut into chunks. Once every probe has its regions (or has dropped out), a chunk costs
// a counter update plus, while a probe still wants it, a copy of at most TAIL_SIZE bytes for the tail.

/** How much of the end of the stream is kept for probes that read a footer (VMDK streamOptimized: 3 sectors). */
export const TAIL_SIZE = 1536;

export type Details = Record<string, string | number | boolean>;

export interface ProbeResult {
  virtualSize: number;
  failures: SafetyFailure[];
  details: Details;
}

export interface FinishContext {
  /** Bytes pushed in all. */
  actualSize: number;
  /** The last min(actualSize, TAIL_SIZE) bytes, if some probe kept the tail; otherwise empty. */
  tail: Uint8Array;
}

export interface ProbeHost {
  /** Absolute stream offset of the next byte the engine has not processed yet. */
  readonly position: number;
  addRegion(
    owner: Probe,
    offset: number,
    length: number,
    onDone?: (r: Region) => void,
    stopByte?: number,
  ): Region;
  dropRegions(owner: Probe): void;
  holdTail(owner: Probe, hold: boolean): void;
}

/** A byte range [offset, offset + length) of the stream to be copied out as it passes. */
export class Region {
  private buf: Uint8Array;
  filled = 0;
  /** Capture stopped early at `stopByte` (which is not included in `data`). */
  terminated = false;
  /** The stream had already passed `offset` when the region was asked for: it never completes. */
  lost = false;

  constructor(
    readonly owner: Probe,
    readonly offset: number,
    readonly length: number,
    readonly onDone: ((r: Region) => void) | undefined,
    readonly stopByte: number | undefined,
  ) {
    // Big regions (the VMDK text descriptor, up to 1 MiB) grow as bytes arrive.
    this.buf = new Uint8Array(Math.min(length, 4096));
  }

  get end(): number {
    return this.offset + this.length;
  }

  get complete(): boolean {
    return this.terminated || this.filled === this.length;
  }

  /** The bytes captured so far (all of them once complete). */
  get data(): Uint8Array {
    return this.buf.subarray(0, this.filled);
  }

  /** Where in [from, to) this region would complete (the offset just after its last byte), or Infinity. */
  eventAt(chunk: Uint8Array, chunkStart: number, from: number, to: number): number {
    if (this.complete || this.lost) return Infinity;
    const next = this.offset + this.filled;
    if (next >= to) return Infinity;
    const a = Math.max(next, from);
    const b = Math.min(this.end, to);
    if (this.stopByte !== undefined && b > a) {
      const idx = chunk.subarray(a - chunkStart, b - chunkStart).indexOf(this.stopByte);
      if (idx >= 0) return a + idx + 1;
    }
    return this.end <= to ? this.end : Infinity;
  }

  /** Copies the part of [from, to) (a slice of `chunk`, which starts at chunkStart) that belongs here. */
  feed(chunk: Uint8Array, chunkStart: number, from: number, to: number): void {
    if (this.complete || this.lost) return;
    const next = this.offset + this.filled;
    if (next >= to) return;
    if (next < from) {
      this.lost = true;
      return;
    }
    const b = Math.min(this.end, to);
    let piece = chunk.subarray(next - chunkStart, b - chunkStart);
    if (this.stopByte !== undefined) {
      const idx = piece.indexOf(this.stopByte);
      if (idx >= 0) {
        piece = piece.subarray(0, idx);
        this.terminated = true;
      }
    }
    this.append(piece);
  }

  private append(piece: Uint8Array): void {
    const need = this.filled + piece.length;
    if (need > this.buf.length) {
      let size = Math.max(this.buf.length * 2, 4096);
      while (size < need) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.length));
      grown.set(this.buf.subarray(0, this.filled));
      this.buf = grown;
    }
    this.buf.set(piece, this.filled);
    this.filled = need;
  }
}

/** One format's detector: asks for regions, and at the end says whether the content is its format. */
export abstract class Probe {
  abstract readonly name: Exclude<DetectedFormat, "raw">;
  /** No longer a candidate (signature mismatch, or a header that its format forbids). */
  dead = false;
  /** Why a probe whose signature matched was dropped (for messages); null for a plain mismatch. */
  rejection: string | null = null;

  constructor(protected readonly host: ProbeHost) {}

  protected capture(offset: number, length: number, onDone?: (r: Region) => void, stopByte?: number): Region {
    return this.host.addRegion(this, offset, length, onDone, stopByte);
  }

  /** The format's signature: the probe is dropped as soon as the bytes at `offset` are not `magic`. */
  protected requireMagic(offset: number, magic: readonly number[], onMatch?: (r: Region) => void): Region {
    return this.capture(offset, magic.length, (r) => {
      if (!bytesEqual(r.data, 0, magic)) this.reject();
      else onMatch?.(r);
    });
  }

  /** Drops this probe; `reason` is recorded when the signature had matched but the header is unacceptable. */
  reject(reason?: string): void {
    if (this.dead) return;
    this.dead = true;
    if (reason) this.rejection = reason;
    this.host.dropRegions(this);
    this.host.holdTail(this, false);
  }

  /** Called once at the end of the stream (only if not dead): null = not this format. */
  abstract result(ctx: FinishContext): ProbeResult | null;
}

/** Runs the probes over the stream. */
export class Engine implements ProbeHost {
  position = 0;
  private total = 0;
  private active: Region[] = [];
  private queue: Region[] = [];
  private readonly tailHolders = new Set<Probe>();
  private readonly tailBuf = new Uint8Array(TAIL_SIZE);
  private tailLen = 0;
  /** Index in tailBuf where the next byte goes (the ring's oldest byte once full). */
  private tailHead = 0;

  get actualSize(): number {
    return this.total;
  }

  addRegion(
    owner: Probe,
    offset: number,
    length: number,
    onDone?: (r: Region) => void,
    stopByte?: number,
  ): Region {
    const r = new Region(owner, offset, Math.max(0, length), onDone, stopByte);
    if (owner.dead) return r;
    if (r.length === 0) this.queue.push(r);
    else if (offset < this.position) r.lost = true;
    else this.active.push(r);
    return r;
  }

  dropRegions(owner: Probe): void {
    this.active = this.active.filter((r) => r.owner !== owner);
  }

  holdTail(owner: Probe, hold: boolean): void {
    if (hold) {
      // Only possible before the first byte: the tail cannot be rebuilt later.
      if (this.total === 0) this.tailHolders.add(owner);
    } else this.tailHolders.delete(owner);
  }

  push(chunk: Uint8Array): void {
    const start = this.total;
    const end = start + chunk.length;
    this.total = end;
    if (this.tailHolders.size > 0) this.writeTail(chunk);
    this.position = start;
    this.drain();
    let cur = start;
    while (cur < end && this.active.length > 0) {
      let stop = end;
      for (const r of this.active) {
        const e = r.eventAt(chunk, start, cur, end);
        if (e < stop) stop = e;
      }
      for (const r of this.active) r.feed(chunk, start, cur, stop);
      cur = stop;
      this.position = cur;
      let w = 0;
      for (const r of this.active) {
        if (r.complete) this.queue.push(r);
        else if (!r.lost) this.active[w++] = r;
      }
      this.active.length = w;
      this.drain();
    }
    this.position = end;
  }

  /** The kept tail, oldest byte first. */
  tail(): Uint8Array {
    const out = new Uint8Array(this.tailLen);
    if (this.tailLen < TAIL_SIZE) out.set(this.tailBuf.subarray(0, this.tailLen));
    else {
      out.set(this.tailBuf.subarray(this.tailHead));
      out.set(this.tailBuf.subarray(0, this.tailHead), TAIL_SIZE - this.tailHead);
    }
    return out;
  }

  private writeTail(chunk: Uint8Array): void {
    if (chunk.length >= TAIL_SIZE) {
      this.tailBuf.set(chunk.subarray(chunk.length - TAIL_SIZE));
      this.tailHead = 0;
      this.tailLen = TAIL_SIZE;
      return;
    }
    let src = chunk;
    while (src.length > 0) {
      const n = Math.min(src.length, TAIL_SIZE - this.tailHead);
      this.tailBuf.set(src.subarray(0, n), this.tailHead);
      this.tailHead = (this.tailHead + n) % TAIL_SIZE;
      this.tailLen = Math.min(TAIL_SIZE, this.tailLen + n);
      src = src.subarray(n);
    }
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const r = this.queue.shift()!;
      if (r.owner.dead || !r.onDone) continue;
      try {
        r.onDone(r);
      } catch (e) {
        r.owner.reject(`could not be parsed (${e instanceof Error ? e.message : String(e)})`);
      }
    }
  }
}

// ---- byte helpers (missing bytes read as 0; callers check lengths where it matters) ----

const at = (b: Uint8Array, i: number): number => b[i] ?? 0;

export const u16le = (b: Uint8Array, o: number): number => at(b, o) | (at(b, o + 1) << 8);
export const u16be = (b: Uint8Array, o: number): number => (at(b, o) << 8) | at(b, o + 1);
export const u32le = (b: Uint8Array, o: number): number =>
  (at(b, o) | (at(b, o + 1) << 8) | (at(b, o + 2) << 16) | (at(b, o + 3) << 24)) >>> 0;
export const u32be = (b: Uint8Array, o: number): number =>
  ((at(b, o) << 24) | (at(b, o + 1) << 16) | (at(b, o + 2) << 8) | at(b, o + 3)) >>> 0;
/** 64-bit values as numbers: exact up to 2^53, which covers every real size and offset. */
export const u64le = (b: Uint8Array, o: number): number => u32le(b, o) + u32le(b, o + 4) * 2 ** 32;
export const u64be = (b: Uint8Array, o: number): number => u32be(b, o) * 2 ** 32 + u32be(b, o + 4);

export function bytesEqual(b: Uint8Array, o: number, expected: readonly number[]): boolean {
  if (b.length < o + expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[o + i] !== expected[i]) return false;
  return true;
}

export const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

export const latin1 = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

/** A name read from an image, safe to put in a message: printable ASCII, others escaped, bounded. */
export function printable(b: Uint8Array, max = 200): string {
  let s = "";
  for (const c of b.subarray(0, max)) {
    s +=
      c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return b.length > max ? `${s}…` : s;
}

export const hex = (n: number): string => `0x${n.toString(16)}`;
