import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { decodePointer, parsePatch, patchDraft } from "./patch";

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  throw new Error("expected an error");
}

describe("patchDraft", () => {
  it("selects draft 10 for v2.1 and draft 4 for v2.0", () => {
    expect(patchDraft("application/openstack-images-v2.1-json-patch")).toBe(10);
    expect(patchDraft("application/openstack-images-v2.0-json-patch; charset=utf-8")).toBe(4);
  });
  it("refuses other media types with 415 and Accept-Patch", () => {
    const e = errorOf(() => patchDraft("application/json"));
    expect(e.kind).toBe("unsupported_media_type");
    expect(e.headers["Accept-Patch"]).toBe(
      "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch",
    );
    expect(errorOf(() => patchDraft(null)).kind).toBe("unsupported_media_type");
  });
});

describe("decodePointer", () => {
  it("unescapes ~1 and ~0", () => {
    expect(decodePointer("/a~1b~0c")).toEqual(["a/b~c"]);
  });
  it.each(["name", "/a//b", "/a/", "/a~2"])("rejects %s", (p) => {
    expect(errorOf(() => decodePointer(p)).kind).toBe("bad_request");
  });
});

describe("parsePatch", () => {
  it("parses v2.1 operations", () => {
    expect(
      parsePatch(
        [
          { op: "replace", path: "/name", value: "x" },
          { op: "remove", path: "/foo" },
        ],
        10,
      ),
    ).toEqual([
      { op: "replace", path: ["name"], value: "x", draft: 10 },
      { op: "remove", path: ["foo"], draft: 10 },
    ]);
  });
  it("parses v2.0 draft-4 operations", () => {
    expect(parsePatch([{ add: "/os_distro", value: "debian" }], 4)).toEqual([
      { op: "add", path: ["os_distro"], value: "debian", draft: 4 },
    ]);
  });
  it("requires an array of objects", () => {
    expect(errorOf(() => parsePatch({ op: "add" }, 10)).message).toContain("JSON array");
    expect(errorOf(() => parsePatch(["x"], 10)).message).toContain("JSON objects");
  });
  it("rejects unknown ops, missing values and deep paths", () => {
    expect(errorOf(() => parsePatch([{ op: "move", path: "/a" }], 10)).message).toContain(
      "Invalid operation",
    );
    expect(errorOf(() => parsePatch([{ op: "add", path: "/a" }], 10)).message).toContain(
      'requires a member named "value"',
    );
    expect(errorOf(() => parsePatch([{ op: "add", path: "/a/b", value: 1 }], 10)).message).toContain(
      "Invalid JSON pointer",
    );
    expect(errorOf(() => parsePatch([{ add: "/a", replace: "/b", value: 1 }], 4)).message).toContain(
      "only one member",
    );
  });
  it("allows two-level paths for locations only", () => {
    expect(parsePatch([{ op: "add", path: "/locations/-", value: {} }], 10)[0]!.path).toEqual([
      "locations",
      "-",
    ]);
  });
});
