// `npm run bench` part "inspect": PUT /v2/images/{id}/file of a 1 GiB image with format inspection
// on (the default) and off (IRIS_IMAGE_FORMAT_INSPECTION=false), alternating in the same run, on
// the filesystem store: the random data file as raw, and the same data as a qcow2 made by qemu-img.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startIris, type IrisServer } from "../test/iris-server";
import { adminToken, createImage, curlPut, dataFile, deleteImage, mb, median, ROUNDS, timed } from "./client";

/** The data file as a qcow2 (made once): about the same size, with real qcow2 structure. */
function qcow2File(raw: string): string {
  const file = `${raw}.qcow2`;
  if (!fs.existsSync(file) || fs.statSync(file).mtimeMs < fs.statSync(raw).mtimeMs) {
    const r = spawnSync("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, file]);
    if (r.status !== 0) throw new Error(`qemu-img convert failed: ${r.stderr}`);
  }
  return file;
}

/** Seconds for one upload; checks the image ends active with a virtual size when inspected. */
async function uploadOnce(
  server: IrisServer,
  token: string,
  file: string,
  diskFormat: string,
  inspected: boolean,
): Promise<number> {
  const id = await createImage(server, token, "bench-inspect", diskFormat);
  const seconds = await timed(async () => {
    const code = await curlPut(`${server.url}/image/v2/images/${id}/file`, file, {
      "x-auth-token": token,
      "content-type": "application/octet-stream",
    });
    if (code !== 204) throw new Error(`PUT: HTTP ${code}`);
  });
  const img = (await (
    await fetch(`${server.url}/image/v2/images/${id}`, { headers: { "x-auth-token": token } })
  ).json()) as { status: string; virtual_size: number | null };
  if (img.status !== "active" || (inspected ? !img.virtual_size : img.virtual_size !== null))
    throw new Error(`image ${id}: ${JSON.stringify(img)} (inspection ${inspected ? "on" : "off"})`);
  await deleteImage(server, token, id);
  return seconds;
}

export async function inspectBenchmark(workDir: string): Promise<string[]> {
  const raw = await dataFile(workDir);
  const files: [string, string][] = [
    ["raw", raw],
    ["qcow2", qcow2File(raw)],
  ];
  const on = await startIris("sqlite", path.join(workDir, "inspect-on"));
  const off = await startIris("sqlite", path.join(workDir, "inspect-off"), {
    IRIS_IMAGE_FORMAT_INSPECTION: "false",
  });
  const lines: string[] = [];
  try {
    const tokens = new Map([
      [on, await adminToken(on)],
      [off, await adminToken(off)],
    ]);
    for (const [format, file] of files) {
      const size = fs.statSync(file).size;
      const times = { on: [] as number[], off: [] as number[] };
      for (let i = 0; i < ROUNDS; i++) {
        times.off.push(await uploadOnce(off, tokens.get(off)!, file, format, false));
        times.on.push(await uploadOnce(on, tokens.get(on)!, file, format, true));
      }
      const rateOn = size / median(times.on);
      const rateOff = size / median(times.off);
      const line = `inspect ${format.padEnd(5)} ${(size / 2 ** 30).toFixed(2)} GiB PUT …/file: inspection on ${mb(rateOn)} MB/s, off ${mb(rateOff)} MB/s; ratio on/off ${(rateOn / rateOff).toFixed(2)} (target ≥ 0.95; median of ${ROUNDS} each)`;
      console.log(line);
      lines.push(line);
    }
  } finally {
    await on.stop();
    await off.stop();
  }
  return lines;
}
