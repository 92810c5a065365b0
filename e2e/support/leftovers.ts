import fs from "node:fs";
import path from "node:path";
import { ListMultipartUploadsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { fileStoreDir, stagingDir } from "./env";
import { bucket, prefix, s3 } from "./s3";

// What the stores of the server under test hold, as one set of names, so that a crash test can
// tell what a kill left behind: `file:<name>` and `file:.tus/<name>` in the filesystem store's
// folder, `staging:<name>` in the staging folder, `ceph:<key>` for an object and
// `ceph-upload:<key>` for a multipart upload under the S3 prefix (keys without the prefix).

function files(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

export async function storedData(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of files(fileStoreDir())) out.add(`file:${f}`);
  for (const f of files(path.join(fileStoreDir(), ".tus"))) out.add(`file:.tus/${f}`);
  for (const f of files(stagingDir())) out.add(`staging:${f}`);
  let token: string | undefined;
  do {
    const r = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }),
    );
    for (const o of r.Contents ?? []) out.add(`ceph:${o.Key!.slice(prefix.length)}`);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const r = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix || undefined,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const u of r.Uploads ?? []) out.add(`ceph-upload:${u.Key!.slice(prefix.length)}`);
    if (!r.IsTruncated || (r.NextKeyMarker === keyMarker && r.NextUploadIdMarker === uploadIdMarker)) break;
    keyMarker = r.NextKeyMarker;
    uploadIdMarker = r.NextUploadIdMarker;
  }
  return out;
}

/** What `after` holds that `before` did not, sorted. */
export function added(before: Set<string>, after: Set<string>): string[] {
  return [...after].filter((x) => !before.has(x)).sort();
}
