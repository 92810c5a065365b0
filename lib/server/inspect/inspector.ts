import "server-only";
import { createReadStream } from "node:fs";
import { Engine, type Probe, type ProbeResult } from "./engine";
import { GptProbe } from "./gpt";
import { IsoProbe } from "./iso";
import { Qcow2Probe } from "./qcow2";
import { QedProbe } from "./qed";
import {
  DEFAULT_VMDK_ALLOWED_TYPES,
  type DetectedFormat,
  FORMAT_ORDER,
  type InspectionReport,
  type InspectorOptions,
} from "./types";
import { VdiProbe } from "./vdi";
import { VhdProbe } from "./vhd";
import { VhdxProbe } from "./vhdx";
import { VmdkProbe } from "./vmdk";

// A streaming disk-image format inspector: the TypeScript counterpart of oslo.utils'
// imageutils/format_inspector as Glance uses it. Push every chunk of an upload through it, then finish():
// the report says which format the content is, its virtual size and which safety checks failed; judge()
// (judge.ts) turns that into Glance's accept/refuse decision for the image's declared formats.

export type { DetectedFormat, InspectionReport, InspectorOptions, SafetyFailure } from "./types";
export { judge, type Verdict } from "./judge";

export class StreamInspector {
  private readonly engine = new Engine();
  private readonly probes: Probe[];
  private report: InspectionReport | null = null;

  constructor(options: InspectorOptions = {}) {
    const e = this.engine;
    this.probes = [
      new Qcow2Probe(e),
      new QedProbe(e),
      new VhdProbe(e),
      new VhdxProbe(e),
      new VmdkProbe(e, options.vmdkAllowedTypes ?? DEFAULT_VMDK_ALLOWED_TYPES),
      new VdiProbe(e),
      new IsoProbe(e),
      new GptProbe(e),
    ];
  }

  /** Feeds the next chunk. Never throws; chunks pushed after finish() are ignored. */
  push(chunk: Uint8Array): void {
    if (this.report || chunk.length === 0) return;
    try {
      this.engine.push(chunk);
    } catch {
      // The engine guards each probe's parsing; this is a last resort so an upload never breaks.
    }
  }

  /** Ends the stream and returns the report (the same report on later calls). */
  finish(): InspectionReport {
    if (this.report) return this.report;
    const actualSize = this.engine.actualSize;
    const tail = this.engine.tail();
    const results = new Map<DetectedFormat, ProbeResult>();
    const details: InspectionReport["details"] = {};
    for (const probe of this.probes) {
      if (probe.dead) {
        if (probe.rejection) details[`${probe.name}Rejected`] = probe.rejection;
        continue;
      }
      let r: ProbeResult | null = null;
      try {
        r = probe.result({ actualSize, tail });
      } catch (e) {
        details[`${probe.name}Rejected`] =
          `could not be parsed (${e instanceof Error ? e.message : String(e)})`;
      }
      if (r) results.set(probe.name, r);
    }
    const matches = FORMAT_ORDER.filter((f) => results.has(f));
    let format: DetectedFormat = "raw";
    if (matches.length === 2 && matches.includes("iso") && matches.includes("gpt")) format = "iso";
    else if (matches[0]) format = matches[0];
    const chosen = results.get(format);
    for (const f of matches) Object.assign(details, results.get(f)?.details);
    this.report = {
      format,
      matches,
      virtualSize: chosen ? chosen.virtualSize : actualSize,
      actualSize,
      safetyFailures: chosen ? chosen.failures : [],
      details,
    };
    return this.report;
  }
}

/** Streams a file through a StreamInspector. */
export async function inspectFile(path: string, options?: InspectorOptions): Promise<InspectionReport> {
  const inspector = new StreamInspector(options);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    inspector.push(chunk as Buffer);
  }
  return inspector.finish();
}
