import { describe, expect, it } from "vitest";
import { canTransition, missingFormats } from "./status";

describe("image status table", () => {
  it("follows Glance's transitions", () => {
    expect(canTransition("queued", "saving")).toBe(true);
    expect(canTransition("saving", "queued")).toBe(true);
    expect(canTransition("active", "queued")).toBe(false); // data is write-once (OSSA-2016-006)
    expect(canTransition("active", "deactivated")).toBe(true);
    expect(canTransition("deactivated", "active")).toBe(true);
    expect(canTransition("deleted", "active")).toBe(false);
    expect(canTransition("killed", "deleted")).toBe(true);
  });
  it("names the formats missing before data can be saved", () => {
    expect(missingFormats({ diskFormat: null, containerFormat: "bare" })).toEqual(["disk_format"]);
    expect(missingFormats({ diskFormat: "raw", containerFormat: "bare" })).toEqual([]);
  });
});
