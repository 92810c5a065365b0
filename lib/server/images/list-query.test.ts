import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseIsoTime, parseListQuery, splitFilterOp, splitQuoted } from "./list-query";

const limits = { default: 25, max: 1000 };
const parse = (qs: string) => parseListQuery(new URLSearchParams(qs), limits);
function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect((e as AppError).kind).toBe("bad_request");
    return (e as AppError).message;
  }
  throw new Error("expected a 400");
}

describe("parseListQuery", () => {
  it("defaults: limit 25, created_at desc then id desc, accepted members, visible images", () => {
    const q = parse("");
    expect(q.limit).toBe(25);
    expect(q.sort).toEqual([
      { key: "created_at", dir: "desc" },
      { key: "id", dir: "desc" },
    ]);
    expect(q.memberStatus).toBe("accepted");
    expect(q.osHidden).toBe(false);
  });
  it("clamps limit to the maximum and rejects bad limits", () => {
    expect(parse("limit=5000").limit).toBe(1000);
    expect(message(() => parse("limit=abc"))).toBe("limit param must be an integer");
    expect(message(() => parse("limit=-1"))).toBe("limit param must be positive");
  });
  it("parses the new sort syntax with desc as the default direction", () => {
    expect(parse("sort=name:asc,size").sort).toEqual([
      { key: "name", dir: "asc" },
      { key: "size", dir: "desc" },
      { key: "created_at", dir: "desc" },
      { key: "id", dir: "desc" },
    ]);
  });
  it("applies a single classic sort_dir to every key, including the appended ones", () => {
    expect(parse("sort_key=name&sort_key=size&sort_dir=asc").sort.map((s) => s.dir)).toEqual([
      "asc",
      "asc",
      "asc",
      "asc",
    ]);
  });
  it("rejects bad sorting", () => {
    expect(message(() => parse("sort=owner:asc"))).toContain("Invalid sort key: owner");
    expect(message(() => parse("sort=name:up"))).toBe("Invalid sort direction: up");
    expect(message(() => parse("sort=name&sort_key=size"))).toBe(
      "Old and new sorting syntax cannot be combined",
    );
    expect(message(() => parse("sort_key=name&sort_key=size&sort_key=id&sort_dir=asc&sort_dir=desc"))).toBe(
      "Number of sort dirs does not match the number of sort keys",
    );
  });
  it("collects repeated tags and custom property filters", () => {
    const q = parse("tag=a&tag=b&os_distro=debian&hw_disk_bus=virtio");
    expect(q.tags).toEqual(["a", "b"]);
    expect(q.properties).toEqual({ os_distro: "debian", hw_disk_bus: "virtio" });
  });
  it("parses in: lists and rejects unknown operators", () => {
    expect(parse('name=in:a,"b, c",d').attrs.name).toEqual(["a", "b, c", "d"]);
    expect(message(() => parse("status=gt:active"))).toBe("Unable to filter by unknown operator 'gt'.");
  });
  it("parses time filters with operators and bare ISO times", () => {
    const q = parse("created_at=gte:2024-01-02T03:04:05Z&updated_at=2024-01-02T03:04:05Z");
    expect(q.times[0]).toEqual({ field: "created_at", op: "gte", at: new Date("2024-01-02T03:04:05Z") });
    expect(q.times[1]!.op).toBe("eq");
    expect(message(() => parse("created_at=gt:yesterday"))).toContain('Bad "created_at" query filter format');
    expect(message(() => parse("created_at=after:2024-01-02T03:04:05Z"))).toBe(
      "Unable to filter on a unknown operator.",
    );
  });
  it("validates visibility, member_status, os_hidden, protected, sizes and changes-since", () => {
    expect(message(() => parse("visibility=secret"))).toBe("Invalid visibility value: secret");
    expect(message(() => parse("member_status=maybe"))).toBe("Invalid status: maybe");
    expect(parse("os_hidden=TRUE").osHidden).toBe(true);
    expect(message(() => parse("os_hidden=yes"))).toContain("Invalid value 'yes' for 'os_hidden' filter");
    expect(message(() => parse("protected=True"))).toContain("Invalid value 'True' for 'protected' filter");
    expect(message(() => parse("size_min=big"))).toBe(
      "Unable to filter on a range with a non-numeric value.",
    );
    expect(parse("size_min=10&size_max=20")).toMatchObject({ sizeMin: 10n, sizeMax: 20n });
    expect(message(() => parse("changes-since=2020-01-01"))).toBe(
      'The "changes-since" filter is no longer available on v2.',
    );
  });
});

describe("helpers", () => {
  it("splitFilterOp keeps ISO times whole", () => {
    expect(splitFilterOp("2024-01-01T00:00:00Z")).toEqual(["eq", "2024-01-01T00:00:00Z"]);
    expect(splitFilterOp("lt:2024-01-01T00:00:00Z")).toEqual(["lt", "2024-01-01T00:00:00Z"]);
    expect(splitFilterOp("plain")).toEqual(["eq", "plain"]);
  });
  it("splitQuoted honours quotes and rejects unclosed ones", () => {
    expect(splitQuoted("a,b")).toEqual(["a", "b"]);
    expect(splitQuoted('"x, y",z')).toEqual(["x, y", "z"]);
    expect(() => splitQuoted('"open')).toThrow();
  });
  it("parseIsoTime accepts dates, times and offsets", () => {
    expect(parseIsoTime("2024-01-02")?.toISOString()).toBe("2024-01-02T00:00:00.000Z");
    expect(parseIsoTime("2024-01-02T03:04:05+0100")?.toISOString()).toBe("2024-01-02T02:04:05.000Z");
    expect(parseIsoTime("not a date")).toBeNull();
  });
});
