// The Image API versions Iris serves. Like Glance, every minor version is served at /v2/ and
// the highest one whose features Iris has is CURRENT (glance/api/versions.py).
//   2.0 images, tags; 2.1 members; 2.2 tasks API; 2.3 deactivate/reactivate; 2.4, 2.5 visibility
//   changes (community, shared by default); 2.6 interoperable import; 2.7 os_hidden and
//   multihash; 2.8 several stores; 2.9 copy-image; 2.10 DELETE /v2/stores/{store}/{image};
//   2.11 all_stores_must_succeed; 2.12 GET /v2/images/{id}/tasks. (2.14 adds the cache API,
//   which Iris does not have.)
export const SERVED_VERSIONS = [
  "2.12",
  "2.11",
  "2.10",
  "2.9",
  "2.8",
  "2.7",
  "2.6",
  "2.5",
  "2.4",
  "2.3",
  "2.2",
  "2.1",
  "2.0",
];

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
