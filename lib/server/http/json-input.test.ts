import { describe, expect, it } from "vitest";
import { findBadString, nestsDeeperThan } from "./json-input";

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

describe("findBadString", () => {
  it("finds U+0000 in strings and keys at any depth", () => {
    expect(findBadString({ a: ["x", { b: "y\u0000z" }] })).toBe("nul");
    expect(findBadString({ a: { ["k\u0000"]: 1 } })).toBe("nul");
    expect(findBadString("\u0000")).toBe("nul");
  });

  it("finds lone surrogates, as JSON.parse makes them from \\ud800 escapes, in strings and keys", () => {
    expect(findBadString(JSON.parse('{"name": "\\ud800"}'))).toBe("surrogate");
    expect(findBadString(JSON.parse('{"a": ["x\\udfffy"]}'))).toBe("surrogate");
    expect(findBadString(JSON.parse('{"\\udbff": 1}'))).toBe("surrogate");
    expect(findBadString(JSON.parse('["\\ude00\\ud83d"]'))).toBe("surrogate"); // a pair in the wrong order
  });

  it("accepts everything else, surrogate pairs (emoji) among it", () => {
    expect(findBadString({ a: ["\\u0000", 0, null, true, { b: "ü" }] })).toBeNull();
    expect(findBadString(JSON.parse('{"name": "\\ud83d\\ude00 🚀"}'))).toBeNull();
  });
});
