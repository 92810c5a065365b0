import { describe, expect, it } from "vitest";
import { imageSchema } from "./image";
import { validateObject } from "./json-schema";

describe("validateObject against Glance's image schema", () => {
  it("accepts a typical create body with custom string properties", () => {
    expect(
      validateObject(
        { name: "x", disk_format: "qcow2", container_format: "bare", min_ram: 512, os_distro: "debian" },
        imageSchema,
      ),
    ).toBeNull();
  });
  it("accepts null where the schema allows it", () => {
    expect(validateObject({ name: null, disk_format: null }, imageSchema)).toBeNull();
  });
  it.each([
    [{ disk_format: "exe" }, "disk_format"],
    [{ visibility: "everyone" }, "visibility"],
    [{ min_ram: "512" }, "min_ram"],
    [{ min_disk: 1.5 }, "min_disk"],
    [{ protected: "yes" }, "protected"],
    [{ name: "n".repeat(256) }, "name"],
    [{ id: "not-a-uuid" }, "id"],
    [{ tags: ["ok", 3] }, "tags"],
    [{ custom: 5 }, "custom"],
  ])("rejects %j naming %s", (body, key) => {
    expect(validateObject(body, imageSchema)).toContain(`'${key}'`);
  });
});
