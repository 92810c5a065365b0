import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";

// Direct access to the Ceph RGW store of the server under test (the runner sets
// IRIS_STORE_CEPH_*), to check what really is in the bucket.

export const env = (k: string) => process.env[`IRIS_STORE_CEPH_${k}`];
export const bucket = env("BUCKET")!;
export const prefix = env("PREFIX") ?? "";
export const s3 = new S3Client({
  endpoint: env("ENDPOINT"),
  region: env("REGION") ?? "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: env("ACCESS_KEY") ?? "", secretAccessKey: env("SECRET_KEY") ?? "" },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});

export async function objectExists(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix + key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

export async function openMultipartUploads(key: string): Promise<number> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix + key }));
  return r.Uploads?.length ?? 0;
}
