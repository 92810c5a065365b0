import { describe, expect, it } from "vitest";
import { BufferPool } from "./buffer-pool";

describe("BufferPool", () => {
  it("hands back a given buffer of the asked size instead of a new one", () => {
    const pool = new BufferPool(2);
    const a = pool.take(16);
    pool.give(a);
    expect(pool.take(16)).toBe(a);
    expect(pool.take(16)).not.toBe(a); // taken already: a new one
  });

  it("drops buffers of another size", () => {
    const pool = new BufferPool(2);
    const small = pool.take(8);
    pool.give(small);
    const big = pool.take(16);
    expect(big).not.toBe(small);
    expect(big.length).toBe(16);
    pool.give(big);
    expect(pool.take(16)).toBe(big);
  });

  it("keeps at most `keep` buffers, and none after clear()", () => {
    const pool = new BufferPool(1);
    const [a, b] = [pool.take(4), pool.take(4)];
    pool.give(a);
    pool.give(b); // over the bound: left to the collector
    expect(pool.take(4)).toBe(a);
    expect(pool.take(4)).not.toBe(b);
    pool.give(a);
    pool.clear();
    expect(pool.take(4)).not.toBe(a);
  });
});
