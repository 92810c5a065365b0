import { describe, expect, it } from "vitest";
import { expandRoleNames } from "./roles";

describe("expandRoleNames", () => {
  it("admin implies member and reader", () => {
    expect(expandRoleNames(["admin"]).sort()).toEqual(["admin", "member", "reader"]);
  });
  it("member implies reader only", () => {
    expect(expandRoleNames(["member"]).sort()).toEqual(["member", "reader"]);
  });
  it("reader implies nothing", () => {
    expect(expandRoleNames(["reader"])).toEqual(["reader"]);
  });
  it("keeps custom roles and removes duplicates", () => {
    expect(expandRoleNames(["member", "reader", "observer"]).sort()).toEqual([
      "member",
      "observer",
      "reader",
    ]);
  });
});
