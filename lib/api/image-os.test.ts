import { describe, expect, it } from "vitest";
import type { Image } from "./images";
import { groupByOs, imageShowCommand, osLabel, serverCreateCommand, shellWord } from "./image-os";

const image = (name: string, props: Record<string, string> = {}): Image =>
  ({ id: `id-${name}`, name, tags: [], ...props }) as unknown as Image;

describe("groupByOs", () => {
  it("groups by os_distro (case-insensitive), named groups alphabetically and Other last", () => {
    const groups = groupByOs([
      image("plain"),
      image("u22", { os_distro: "ubuntu", os_version: "22.04" }),
      image("d12", { os_distro: "debian", os_version: "12" }),
      image("u24", { os_distro: "Ubuntu", os_version: "24.04" }),
      image("blank", { os_distro: "  " }),
    ]);
    expect(groups.map((g) => g.label)).toEqual(["Debian", "Ubuntu", "Other"]);
    expect(groups[1]!.images.map((i) => i.name)).toEqual(["u24", "u22"]);
    expect(groups[2]!.images.map((i) => i.name)).toEqual(["blank", "plain"]);
  });

  it("orders versions as numbers, newest first", () => {
    const [g] = groupByOs([
      image("nine", { os_distro: "debian", os_version: "9" }),
      image("twelve", { os_distro: "debian", os_version: "12" }),
      image("ten", { os_distro: "debian", os_version: "10" }),
    ]);
    expect(g!.images.map((i) => i.name)).toEqual(["twelve", "ten", "nine"]);
  });

  it("names known distributions as they spell themselves", () => {
    expect(osLabel("centos")).toBe("CentOS");
    expect(osLabel("myos")).toBe("Myos");
  });
});

describe("launch commands", () => {
  it("quote only what the shell would split or expand", () => {
    expect(shellWord("m1.small")).toBe("m1.small");
    expect(shellWord("my server")).toBe("'my server'");
    expect(shellWord("it's")).toBe(`'it'"'"'s'`);
    expect(shellWord("$(rm -rf /)")).toBe("'$(rm -rf /)'");
  });

  it("boot and show an image by id", () => {
    expect(serverCreateCommand("abc", "m1.small", "private", "web 1")).toBe(
      "openstack server create --image abc --flavor m1.small --network private 'web 1'",
    );
    expect(imageShowCommand("abc")).toBe("openstack image show abc");
  });
});
