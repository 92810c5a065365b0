import "server-only";
import { env, formatInspection } from "../env";
import { AppError, badRequest, unsupportedMediaType } from "../errors";
import { judge, StreamInspector, type InspectionReport } from "../inspect/inspector";
import { log } from "../log";

// What every data path (PUT …/file, tus, stage, web-download, conversion) checks about the bytes
// before they become an image's data: the format the content really has (Glance's in-flight
// format inspection, glance/location.py set_data) and the hashes the client said to expect.

/** A fresh inspector for data on its way in, or null when the operator turned inspection off. */
export function newInspector(): StreamInspector | null {
  const cfg = formatInspection();
  return cfg.enabled ? new StreamInspector({ vmdkAllowedTypes: cfg.vmdkAllowedTypes }) : null;
}

export interface Inspected {
  /** The size the guest sees, when the content's format is known (null: unknown). */
  virtualSize: bigint | null;
  /** The detected format, for task messages and the dashboard. */
  detected: string | null;
  /** One sentence: what was found. */
  summary: string | null;
}

const NOT_INSPECTED: Inspected = { virtualSize: null, detected: null, summary: null };

/**
 * Glance's judgement of an inspected stream: content that is not what disk_format says, that
 * matches several formats, or that could make a hypervisor read host files is refused with 415
 * and a message saying what was found. Returns what was learnt (virtual size) otherwise.
 */
export function checkInspection(
  report: InspectionReport | null,
  image: { diskFormat: string | null; containerFormat: string | null },
): Inspected {
  if (!report) return NOT_INSPECTED;
  const cfg = formatInspection();
  const verdict = judge(report, image, {
    requireFormatMatch: cfg.requireFormatMatch,
    gptNonfatalChecks: cfg.gptNonfatalChecks,
  });
  if (!verdict.ok) {
    log.warn("image data refused by format inspection", {
      reason: verdict.reason,
      detected: verdict.detected ?? "unknown",
      diskFormat: image.diskFormat ?? "none",
    });
    throw unsupportedMediaType(verdict.message);
  }
  return {
    virtualSize: verdict.virtualSize === null ? null : BigInt(verdict.virtualSize),
    detected: verdict.detected,
    summary: verdict.summary,
  };
}

/** Hashes a client says the data must have (Glance's validation_data: checksum, os_hash_algo/value). */
export interface ExpectedHashes {
  checksum?: string;
  osHashAlgo?: string;
  osHashValue?: string;
}

const DIGEST_HEX: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/**
 * Validates expected hashes as Glance's _validate_hashing_data does (hex of the algorithm's
 * length). Iris hashes with MD5 and the site's os_hash_algo, so those are the ones a client may give.
 */
export function validateExpected(e: ExpectedHashes): ExpectedHashes {
  const out: ExpectedHashes = {};
  const site = env().IRIS_HASHING_ALGORITHM;
  if (e.checksum !== undefined) {
    const v = e.checksum.trim().toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(v))
      throw badRequest(`checksum (${e.checksum}) is not a valid MD5 value (32 hexadecimal digits).`);
    out.checksum = v;
  }
  if (e.osHashAlgo !== undefined && e.osHashValue === undefined)
    throw badRequest("os_hash_algo was given without os_hash_value.");
  if (e.osHashValue !== undefined) {
    const algo = (e.osHashAlgo ?? site).trim().toLowerCase();
    if (algo !== site)
      throw badRequest(
        `os_hash_algo ${algo} is not this site's hashing algorithm; Iris computes ${site} (and MD5 as checksum).`,
      );
    const v = e.osHashValue.trim().toLowerCase();
    if (!/^[0-9a-f]*$/.test(v) || v.length % 2 !== 0)
      throw badRequest(`os_hash_value (${e.osHashValue}) is not a valid hexadecimal value`);
    if (v.length !== DIGEST_HEX[algo])
      throw badRequest(
        `os_hash_value: (${e.osHashValue}) is not the correct size for (${algo}) (should be (${DIGEST_HEX[algo]! / 2}) bytes)`,
      );
    out.osHashAlgo = algo;
    out.osHashValue = v;
  }
  return out;
}

/** Expected hashes from upload headers: X-Image-Meta-Checksum, X-Image-Meta-Os-Hash-{Algo,Value}. */
export function expectedFromHeaders(h: Headers): ExpectedHashes {
  const get = (n: string) => h.get(n) ?? undefined;
  return validateExpected({
    checksum: get("x-image-meta-checksum"),
    osHashAlgo: get("x-image-meta-os-hash-algo"),
    osHashValue: get("x-image-meta-os-hash-value"),
  });
}

export function hasExpected(e: ExpectedHashes | undefined): boolean {
  return !!e && (e.checksum !== undefined || e.osHashValue !== undefined);
}

/** Throws 400 when the data's hashes are not the expected ones (the caller discards the data). */
export function assertHashes(
  e: ExpectedHashes | undefined,
  got: { md5: string; algo: string; hash: string },
): void {
  if (!e) return;
  if (e.checksum !== undefined && e.checksum !== got.md5)
    throw new AppError(
      "bad_request",
      `The data's MD5 checksum is ${got.md5}, but ${e.checksum} was expected; the data was refused and the image can be uploaded again.`,
    );
  if (e.osHashValue !== undefined && e.osHashValue !== got.hash)
    throw new AppError(
      "bad_request",
      `os_hash_value: (${e.osHashValue}) not matched with actual os_hash_value: (${got.hash}) (${got.algo}); the data was refused and the image can be uploaded again.`,
    );
}
