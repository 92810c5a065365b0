// The benchmarks' own Ceph RGW (scripts/test/rgw.sh): a separate state folder and ports, so that a
// test run using the default cluster (/tmp/iris-rgw, 7480/3300) at the same time is left alone.
import type { S3Endpoint } from "../test/s3";

export const BENCH_RGW_DIR = "/tmp/iris-rgw-bench";
const BENCH_RGW_PORT = "7490";
const BENCH_CEPH_MON_PORT = "3390";
// Sparse; deleted RGW objects are only reclaimed a minute or two later, and the runs write several
// GiB in a few minutes (rgw.sh's default is 8G).
const BENCH_OSD_SIZE = "32G";

export interface BenchRgw {
  s3: S3Endpoint;
  /** Iris's store settings for this cluster: stores "file" and "ceph" (scripts/test/s3.ts). */
  storesEnv(defaultStore: "file" | "ceph", prefix: string): Record<string, string>;
  /** Stops the daemons and deletes the state folder. */
  stop(): void;
}

/** Starts the benchmark cluster, or returns null (with the reason printed) if it cannot. */
export async function startBenchRgw(): Promise<BenchRgw | null> {
  // scripts/test/s3.ts reads IRIS_TEST_RGW_DIR when it is loaded (so nothing in the benchmarks
  // imports it statically); rgw.sh reads the ports and the OSD size on its first run in a folder.
  process.env.IRIS_TEST_RGW_DIR = BENCH_RGW_DIR;
  process.env.RGW_PORT = BENCH_RGW_PORT;
  process.env.CEPH_MON_PORT = BENCH_CEPH_MON_PORT;
  process.env.CEPH_OSD_SIZE = BENCH_OSD_SIZE;
  const { RGW_STATE, startRgw, stopRgw, storesEnv } = await import("../test/s3");
  if (RGW_STATE !== BENCH_RGW_DIR)
    throw new Error(`scripts/test/s3.ts uses ${RGW_STATE}, not ${BENCH_RGW_DIR}`);
  const t0 = performance.now();
  try {
    const s3 = startRgw();
    console.log(
      `Ceph RGW for the benchmarks at ${s3.endpoint} (state ${RGW_STATE}), up in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return { s3, storesEnv: (d, prefix) => storesEnv(s3, d, prefix), stop: () => stopRgw(true) };
  } catch (e) {
    stopRgw(true); // whatever a failed start left running
    console.log(`Ceph RGW unavailable, S3 measurements skipped: ${(e as Error).message}`);
    return null;
  }
}
