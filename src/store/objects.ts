// An S3-compatible object store for evidence bytes (阿里云 OSS, 腾讯云 COS, 华为云 OBS, MinIO … all
// speak the S3 API): configured, photos and files go there by their SHA-256 instead of into the
// database, so a deployment's database stays small and several bot processes on several hosts
// read the same bytes. The official AWS SDK client is loaded only when one is configured.
import type { S3Client } from "@aws-sdk/client-s3";

export interface ObjectStoreOptions {
  /** The service's address, e.g. https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path (MinIO and most private deployments) rather than in the host name. */
  forcePathStyle: boolean;
  /** Prepended to every key, so the bot can share a bucket. */
  prefix: string;
}

export interface ObjectStore {
  put(key: string, data: Buffer, mime: string): Promise<void>;
  /** The object's bytes, or null when there is no such object. */
  get(key: string): Promise<Buffer | null>;
  remove(key: string): Promise<void>;
}

export async function s3ObjectStore(o: ObjectStoreOptions): Promise<ObjectStore> {
  const { S3Client, PutObjectCommand, GetObjectCommand, DeleteObjectCommand, NoSuchKey } = await import("@aws-sdk/client-s3");
  const client: S3Client = new S3Client({
    endpoint: o.endpoint,
    region: o.region,
    forcePathStyle: o.forcePathStyle,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    // The SDK retries throttling and 5xx itself (3 attempts, backing off).
    maxAttempts: 3,
  });
  const key = (k: string) => `${o.prefix}${k}`;
  return {
    async put(k, data, mime) {
      await client.send(new PutObjectCommand({ Bucket: o.bucket, Key: key(k), Body: data, ContentType: mime, ContentLength: data.length }));
    },
    async get(k) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key: key(k) }));
        return res.Body ? Buffer.from(await res.Body.transformToByteArray()) : null;
      } catch (e) {
        if (e instanceof NoSuchKey || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw e;
      }
    },
    async remove(k) {
      await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: key(k) }));
    },
  };
}
