// A real S3 for the suites: Ceph RGW from Debian's packages, started by scripts/test/rgw.sh on
// loopback, and the Iris store settings that point a server at it.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { root } from "../lib/ensure.mjs";

export interface S3Endpoint {
  endpoint: string;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
}

const script = path.join(root, "scripts", "test", "rgw.sh");
export const RGW_STATE = process.env.IRIS_TEST_RGW_DIR ?? "/tmp/iris-rgw";

/** Starts (or finds running) the test cluster; throws with the script's reason if it cannot. */
export function startRgw(): S3Endpoint {
  const r = spawnSync("bash", [script, "up", RGW_STATE], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0)
    throw new Error("Ceph RGW did not start (see the lines above; packages ceph-mon ceph-osd radosgw)");
  const vars = Object.fromEntries(
    r.stdout
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    endpoint: vars.S3_ENDPOINT!,
    region: vars.S3_REGION ?? "us-east-1",
    bucket: vars.S3_BUCKET!,
    accessKey: vars.S3_ACCESS_KEY!,
    secretKey: vars.S3_SECRET_KEY!,
  };
}

export function stopRgw(purge = true): void {
  spawnSync("bash", [script, "down", RGW_STATE, ...(purge ? ["--purge"] : [])], { stdio: "inherit" });
}

/**
 * Two stores, "file" and "ceph"; `defaultStore` picks where uploads go unless a client names a
 * store. `prefix` keeps servers that share the bucket apart.
 */
export function storesEnv(
  s3: S3Endpoint,
  defaultStore: "file" | "ceph",
  prefix: string,
): Record<string, string> {
  return {
    IRIS_STORES: "file:file,ceph:s3",
    IRIS_DEFAULT_STORE: defaultStore,
    IRIS_STORE_FILE_DESCRIPTION: "Local disk",
    IRIS_STORE_CEPH_DESCRIPTION: "Ceph RGW (S3)",
    IRIS_STORE_CEPH_ENDPOINT: s3.endpoint,
    IRIS_STORE_CEPH_REGION: s3.region,
    IRIS_STORE_CEPH_BUCKET: s3.bucket,
    IRIS_STORE_CEPH_ACCESS_KEY: s3.accessKey,
    IRIS_STORE_CEPH_SECRET_KEY: s3.secretKey,
    IRIS_STORE_CEPH_PATH_STYLE: "true",
    IRIS_STORE_CEPH_PART_SIZE: "8",
    IRIS_STORE_CEPH_PREFIX: prefix,
  };
}
