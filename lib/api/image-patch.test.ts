import { describe, expect, it } from "vitest";
import { buildPatch, editOf, editProblem } from "./image-patch";
import type { Image } from "./images";

const image = (over: Partial<Image> = {}): Image => ({
  id: "11111111-1111-1111-1111-111111111111",
  name: "debian",
  status: "active",
  visibility: "shared",
  protected: false,
  os_hidden: false,
  checksum: null,
  os_hash_algo: null,
  os_hash_value: null,
  owner: "p",
  size: 10,
  virtual_size: null,
  container_format: "bare",
  disk_format: "raw",
  min_ram: 0,
  min_disk: 0,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  tags: ["a"],
  os_distro: "debian",
  "hw/arch": "x86_64",
  ...over,
});

describe("image edit → JSON patch", () => {
  it("sends nothing when nothing changed", () => {
    expect(buildPatch(image(), editOf(image()))).toEqual([]);
  });

  it("replaces changed fields, adds, replaces and removes properties, replaces tags", () => {
    const img = image();
    const edit = editOf(img);
    edit.name = "debian-12";
    edit.protected = true;
    edit.min_ram = 512;
    edit.properties = [
      { key: "os_distro", value: "ubuntu" },
      { key: "os_version", value: "24.04" },
    ];
    edit.tags = ["a", "b", "b", " "];
    expect(buildPatch(img, edit)).toEqual([
      { op: "replace", path: "/name", value: "debian-12" },
      { op: "replace", path: "/protected", value: true },
      { op: "replace", path: "/min_ram", value: 512 },
      { op: "remove", path: "/hw~1arch" },
      { op: "replace", path: "/os_distro", value: "ubuntu" },
      { op: "add", path: "/os_version", value: "24.04" },
      { op: "replace", path: "/tags", value: ["a", "b"] },
    ]);
  });

  it("changes formats only while the image is queued", () => {
    const edit = { ...editOf(image()), disk_format: "qcow2" };
    expect(buildPatch(image(), edit)).toEqual([]);
    expect(buildPatch(image({ status: "queued" }), edit)).toEqual([
      { op: "replace", path: "/disk_format", value: "qcow2" },
    ]);
  });

  it("refuses unnamed, duplicate and base-field properties", () => {
    const edit = editOf(image());
    expect(editProblem(edit)).toBeNull();
    expect(editProblem({ ...edit, properties: [{ key: "", value: "x" }] })).toMatch(/needs a name/);
    expect(editProblem({ ...edit, properties: [{ key: "status", value: "x" }] })).toMatch(/image field/);
    expect(
      editProblem({
        ...edit,
        properties: [
          { key: "k", value: "1" },
          { key: "k", value: "2" },
        ],
      }),
    ).toMatch(/twice/);
  });
});

describe("properties the image service keeps", () => {
  it("are neither offered for editing nor removed by a patch", () => {
    const img = image({ os_glance_importing_to_stores: "ceph", os_glance_failed_import: "" });
    const edit = editOf(img);
    expect(edit.properties.map((p) => p.key)).not.toContain("os_glance_importing_to_stores");
    expect(buildPatch(img, edit)).toEqual([]);
    expect(editProblem({ ...edit, properties: [{ key: "os_glance_x", value: "1" }] })).toMatch(/kept by/);
  });
});
