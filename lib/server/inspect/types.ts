import "server-only";

/** Formats the inspector can recognise from content (oslo.utils' format_inspector names). */
export type DetectedFormat = "raw" | "qcow2" | "qed" | "vhd" | "vhdx" | "vmdk" | "vdi" | "iso" | "gpt";

/** One failed safety check; `check` uses oslo.utils' check names. */
export interface SafetyFailure {
  check: string;
  message: string;
}

export interface InspectionReport {
  /** The single match; "iso" for iso+gpt; "raw" when nothing matched (the first match when ambiguous). */
  format: DetectedFormat;
  /** Every non-raw format whose content matched, in a fixed order (length > 1 = ambiguous, except iso+gpt). */
  matches: DetectedFormat[];
  /** Bytes the guest sees; for raw (and gpt) the bytes pushed; 0 when unknown. */
  virtualSize: number;
  /** Bytes pushed. */
  actualSize: number;
  /** Failures of the chosen format's safety checks (empty = safe). */
  safetyFailures: SafetyFailure[];
  /** Facts for messages: qcow2Version, backingFile, vmdkCreateType, extents, <format>Rejected, ... */
  details: Record<string, string | number | boolean>;
}

export interface InspectorOptions {
  /** VMDK createType values accepted by the "descriptor" check; default ["streamOptimized", "monolithicSparse"]. */
  vmdkAllowedTypes?: string[];
}

/** Canonical order of the non-raw formats (reports list matches in this order). */
export const FORMAT_ORDER: readonly DetectedFormat[] = [
  "qcow2",
  "qed",
  "vhd",
  "vhdx",
  "vmdk",
  "vdi",
  "iso",
  "gpt",
];

export const DEFAULT_VMDK_ALLOWED_TYPES: readonly string[] = ["streamOptimized", "monolithicSparse"];
