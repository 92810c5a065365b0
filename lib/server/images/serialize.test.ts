import { describe, expect, it } from "vitest";
import { serializeImage } from "./serialize";
import type { ImageRecord } from "./types";

const base: ImageRecord = {
  id: "2c2a2f7e-3c2d-4b6e-9d0a-1f2e3d4c5b6a",
  name: "debian",
  status: "active",
  visibility: "shared",
  protected: false,
  osHidden: false,
  checksum: "0".repeat(32),
  osHashAlgo: "sha512",
  osHashValue: "f".repeat(128),
  size: 10737418240n,
  virtualSize: null,
  diskFormat: "qcow2",
  containerFormat: "bare",
  minDisk: 0,
  minRam: 0,
  owner: "p1",
  createdAt: new Date("2024-01-02T03:04:05.678Z"),
  updatedAt: new Date("2024-01-02T03:04:06.000Z"),
  deletedAt: null,
  deleted: false,
  properties: [
    { name: "os_distro", value: "debian" },
    { name: "os_glance_stage_host", value: "secret-host" },
  ],
  tags: [{ value: "a" }, { value: "b" }],
};

describe("serializeImage", () => {
  it("produces Glance's wire shape", () => {
    const v = serializeImage(base);
    expect(v).toMatchObject({
      id: base.id,
      size: 10737418240,
      virtual_size: null,
      created_at: "2024-01-02T03:04:05Z",
      updated_at: "2024-01-02T03:04:06Z",
      tags: ["a", "b"],
      os_distro: "debian",
      self: `/v2/images/${base.id}`,
      file: `/v2/images/${base.id}/file`,
      schema: "/v2/schemas/image",
    });
  });
  it("hides Glance's internal bookkeeping properties", () => {
    expect(serializeImage(base)).not.toHaveProperty("os_glance_stage_host");
  });
  it("lists active store locations as `stores`", () => {
    expect(serializeImage(base)).not.toHaveProperty("stores");
    const v = serializeImage({
      ...base,
      locations: [
        { store: "fast", status: "active" },
        { store: "slow", status: "pending" },
      ],
    });
    expect(v.stores).toBe("fast");
  });
});
