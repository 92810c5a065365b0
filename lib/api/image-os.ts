import type { Image } from "./images";

// The image picker's pure logic: operating-system groups and the commands that boot an image.

export const OTHER_OS = "Other";

/** A custom property as trimmed text, or null when unset or empty. */
export const imageProp = (image: Image, key: string): string | null => {
  const v = image[key];
  return typeof v === "string" && v.trim() ? v.trim() : null;
};

/** "ubuntu" → "Ubuntu"; well-known names keep their usual spelling. */
export function osLabel(distro: string): string {
  const known: Record<string, string> = {
    ubuntu: "Ubuntu",
    debian: "Debian",
    centos: "CentOS",
    rhel: "Red Hat Enterprise Linux",
    fedora: "Fedora",
    opensuse: "openSUSE",
    sles: "SUSE Linux Enterprise",
    windows: "Windows",
    freebsd: "FreeBSD",
    cirros: "CirrOS",
    rocky: "Rocky Linux",
    almalinux: "AlmaLinux",
    arch: "Arch Linux",
    coreos: "CoreOS",
  };
  const key = distro.toLowerCase();
  return known[key] ?? distro.charAt(0).toUpperCase() + distro.slice(1);
}

/** Versions as numbers where they are ("22.04" after "9"); newest first. */
const byVersionDesc = (a: string | null, b: string | null) =>
  (b ?? "").localeCompare(a ?? "", undefined, { numeric: true });

export interface OsGroup {
  key: string;
  label: string;
  images: Image[];
}

/** Images grouped by os_distro (named groups alphabetically, "Other" last), newest version first. */
export function groupByOs(images: Image[]): OsGroup[] {
  const groups = new Map<string, Image[]>();
  for (const image of images) {
    const distro = imageProp(image, "os_distro")?.toLowerCase() ?? OTHER_OS;
    groups.set(distro, [...(groups.get(distro) ?? []), image]);
  }
  return [...groups.entries()]
    .map(([key, list]) => ({
      key,
      label: key === OTHER_OS ? OTHER_OS : osLabel(key),
      images: list.sort(
        (a, b) =>
          byVersionDesc(imageProp(a, "os_version"), imageProp(b, "os_version")) ||
          (a.name ?? a.id).localeCompare(b.name ?? b.id),
      ),
    }))
    .sort((a, b) => (a.key === OTHER_OS ? 1 : b.key === OTHER_OS ? -1 : a.label.localeCompare(b.label)));
}

/** A value as one shell word: left bare when it is safe, else in single quotes. */
export function shellWord(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

export function serverCreateCommand(imageId: string, flavor: string, network: string, name: string): string {
  return `openstack server create --image ${shellWord(imageId)} --flavor ${shellWord(flavor)} --network ${shellWord(network)} ${shellWord(name)}`;
}

export const imageShowCommand = (imageId: string) => `openstack image show ${shellWord(imageId)}`;
