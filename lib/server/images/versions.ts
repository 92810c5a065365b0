// The Image API versions Iris serves. Like Glance, every minor version is served at /v2/ and
// the highest one whose features Iris has is CURRENT (glance/api/versions.py).
//   2.0 images, tags; 2.1 members; 2.2 tasks API; 2.3 deactivate/reactivate; 2.4, 2.5 visibility
//   changes (community, shared by default); 2.7 os_hidden and multihash.
export const SERVED_VERSIONS = ["2.7", "2.5", "2.4", "2.3", "2.2", "2.1", "2.0"];

export function versionsDocument(publicUrl: string) {
  const href = `${publicUrl}/image/v2/`;
  return {
    versions: SERVED_VERSIONS.map((v, i) => ({
      id: `v${v}`,
      status: i === 0 ? "CURRENT" : "SUPPORTED",
      links: [{ rel: "self", href }],
    })),
  };
}
