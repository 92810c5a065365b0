import "server-only";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fsp from "node:fs/promises";
import path from "node:path";
import { formatInspection } from "../env";
import { inspectFile, judge, type InspectionReport } from "../inspect/inspector";
import type { StorageRoom } from "../images/data-rules";
import { stagingStore } from "./staging";

// Conversion on import (Glance's image_conversion plugin): with IRIS_IMPORT_CONVERSION_FORMAT set
// (raw for Ceph-backed clouds, typically), staged data is converted with qemu-img before it goes
// to the stores. As Glance does (glance/async_/flows/plugins/image_conversion.py), the staged file
// is inspected first — qemu-img never sees a file that fails the safety checks or is not its
// disk_format —, qemu-img info must agree, and the output is inspected again. The output is
// written next to the staged file, counted against the staging quota while it grows.

export class ConversionRefused extends Error {}

export interface Conversion {
  from: string;
  to: string;
  /** Bytes of the (converted) data that goes to the stores. */
  size: bigint;
  virtualSize: bigint | null;
  /** For the task message. */
  summary: string;
}

interface QemuInfo {
  format?: string;
  "virtual-size"?: number;
  "backing-filename"?: string;
  "format-specific"?: { type?: string; data?: { "data-file"?: string; "create-type"?: string } };
}

/** Runs a command within a wall-clock time (limited: also address space and CPU time); its output. */
function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; limited?: boolean; onTick?: () => Promise<void> },
) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
    // Glance runs qemu-img info under prlimit (QEMU_IMG_PROC_LIMITS: 1 GiB address space, 30 s CPU),
    // since a crafted header can make it allocate or loop. A conversion of a large image needs
    // minutes of CPU: only the wall clock bounds it.
    const argv = opts.limited ? ["--as=1073741824", "--cpu=30", "--", cmd, ...args] : args;
    const child = spawn(opts.limited ? "prlimit" : cmd, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let failure: Error | null = null;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d.slice(0, 1 << 20)));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d.slice(0, 1 << 16)));
    const stop = (e: Error) => {
      failure ??= e;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => stop(new ConversionRefused(`${cmd} took longer than ${opts.timeoutMs / 1000} s.`)),
      opts.timeoutMs,
    );
    const tick = opts.onTick
      ? setInterval(() => void opts.onTick!().catch((e: Error) => stop(e)), 250)
      : null;
    child.on("error", (e) => {
      clearTimeout(timer);
      if (tick) clearInterval(tick);
      reject(new Error(`${cmd} could not run: ${e.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (tick) clearInterval(tick);
      if (failure) reject(failure);
      else resolve({ stdout, stderr, code });
    });
  });
}

/** gpt is raw to everything but the inspector (Glance: "consider GPT to be raw for compatibility"). */
const asDiskFormat = (r: InspectionReport) => (r.format === "gpt" ? "raw" : r.format);

/** Glance's _inspect_path: the file must pass the safety checks and be the format it claims. */
async function inspectClaimed(file: string, claimed: string, what: string): Promise<InspectionReport> {
  const cfg = formatInspection();
  const report = await inspectFile(file, { vmdkAllowedTypes: cfg.vmdkAllowedTypes });
  const verdict = judge(
    report,
    { diskFormat: claimed, containerFormat: "bare" },
    { requireFormatMatch: true, gptNonfatalChecks: cfg.gptNonfatalChecks },
  );
  if (!verdict.ok) throw new ConversionRefused(`${what}: ${verdict.message}`);
  if (asDiskFormat(report) !== claimed && !(claimed === "raw" && report.format === "raw"))
    throw new ConversionRefused(
      `${what}: the data is ${report.format}, not ${claimed}; it is not converted.`,
    );
  return report;
}

/** qemu-img info must agree with the inspector, and the image must not reach other files. */
async function qemuInfo(file: string, format: string): Promise<QemuInfo> {
  const cfg = formatInspection();
  const r = await run(cfg.qemuImg, ["info", "-f", format, "--output=json", file], {
    timeoutMs: 60_000,
    limited: true,
  });
  if (r.code !== 0 || r.stderr.trim())
    throw new ConversionRefused(
      `qemu-img info refused the data: ${r.stderr.trim() || `exit code ${r.code}`}`,
    );
  let info: QemuInfo;
  try {
    info = JSON.parse(r.stdout) as QemuInfo;
  } catch {
    throw new ConversionRefused("qemu-img info gave no readable answer.");
  }
  if (info.format !== format)
    throw new ConversionRefused(
      `Image metadata disagrees about format: qemu-img reads it as ${info.format ?? "unknown"}.`,
    );
  if (info["backing-filename"])
    throw new ConversionRefused("QCOW images with backing files are not allowed.");
  if (info["format-specific"]?.data?.["data-file"])
    throw new ConversionRefused("QCOW images with data-file set are not allowed.");
  if (format === "vmdk") {
    const type = info["format-specific"]?.data?.["create-type"];
    if (!type) throw new ConversionRefused("Unable to determine VMDK create-type.");
    if (!cfg.vmdkAllowedTypes.includes(type))
      throw new ConversionRefused(
        `Invalid VMDK create-type ${type}: allowed are ${cfg.vmdkAllowedTypes.join(", ") || "none"}.`,
      );
  }
  return info;
}

/**
 * Converts the staged data of `imageId` (disk_format `from`) to the configured output format,
 * in place in the staging store. Null when conversion is off, or not needed (same format, ISO).
 */
export async function convertStaged(
  imageId: string,
  from: string,
  stageRoom: StorageRoom,
): Promise<Conversion | null> {
  const cfg = formatInspection();
  const to = cfg.conversionFormat;
  if (!to) return null;
  const staging = stagingStore();
  const src = staging.pathOf(imageId);
  const report = await inspectClaimed(src, from, "The staged data cannot be converted");
  if (report.format === "iso") return null; // Glance keeps ISOs as they are
  const info = await qemuInfo(src, from);
  if (from === to) return null;

  const dest = path.join(
    staging.directory,
    `.partial-${imageId}-${to}-${crypto.randomBytes(6).toString("hex")}`,
  );
  try {
    const virtual = BigInt(info["virtual-size"] ?? 0);
    // A raw output is as large as the virtual disk: known before the first byte is written.
    if (to === "raw") stageRoom.check(virtual, false);
    const r = await run(cfg.qemuImg, ["convert", "-f", from, "-O", to, src, dest], {
      timeoutMs: 6 * 3600_000,
      onTick: async () => {
        const st = await fsp.stat(dest).catch(() => null);
        if (!st) return;
        stageRoom.check(BigInt(st.size), false);
        // A heartbeat for the crash sweep, which removes partial files nobody touched for a while
        // (qemu-img skips runs of zeros without writing).
        const now = new Date();
        await fsp.utimes(dest, now, now).catch(() => undefined);
      },
    });
    if (r.code !== 0 || r.stderr.trim())
      throw new ConversionRefused(`qemu-img convert failed: ${r.stderr.trim() || `exit code ${r.code}`}`);
    const st = await fsp.stat(dest);
    stageRoom.check(BigInt(st.size), false);
    // Glance: if someone hid one format inside another, the output shows it.
    const out = await inspectClaimed(dest, to, "The converted data is refused");
    await fsp.rename(dest, src);
    const virtualSize = BigInt(out.virtualSize || Number(virtual));
    return {
      from,
      to,
      size: BigInt(st.size),
      virtualSize,
      summary: `Converted ${from} to ${to} (virtual size ${virtualSize} bytes, ${st.size} bytes).`,
    };
  } finally {
    await fsp.rm(dest, { force: true });
  }
}
