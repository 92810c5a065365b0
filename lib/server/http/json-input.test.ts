import { describe, expect, it } from "vitest";
import { containsNul, nestsDeeperThan } from "./json-input";

describe("nestsDeeperThan", () => {
  it("counts arrays and objects, at the limit and one past it", () => {
    expect(nestsDeeperThan("[[[]]]", 3)).toBe(false);
    expect(nestsDeeperThan("[[[[]]]]", 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[{}]}}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
  });

  it("measures the deepest point, not the number of brackets", () => {
    expect(nestsDeeperThan("[" + "[],".repeat(1000) + "[]]", 2)).toBe(false);
  });

  it("ignores brackets inside strings, escaped quotes included", () => {
    expect(nestsDeeperThan(JSON.stringify({ a: "[[[[{{{{" }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: 'x"[[[[\\"{{' }), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify(["\\", [[]]]), 2)).toBe(true);
  });
});

describe("containsNul", () => {
  it("finds U+0000 in strings and keys at any depth, and nothing else", () => {
    expect(containsNul({ a: ["x", { b: "y\u0000z" }] })).toBe(true);
    expect(containsNul({ a: { ["k\u0000"]: 1 } })).toBe(true);
    expect(containsNul("\u0000")).toBe(true);
    expect(containsNul({ a: ["\\u0000", 0, null, true, { b: "ü" }] })).toBe(false);
  });
});
