// The object store for evidence bytes, from the environment: S3_ENDPOINT and S3_BUCKET turn it on,
// with S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (or the AWS_ names), S3_REGION (default
// us-east-1; most Chinese clouds accept any) and S3_FORCE_PATH_STYLE (default on: MinIO and
// private deployments need it; set 0 for virtual-hosted buckets). S3_PREFIX prefixes every key.
import type { ObjectStoreOptions } from "../store/objects.js";
import { ConfigError } from "./deployment.js";

export function objectStoreFromEnv(env: NodeJS.ProcessEnv): ObjectStoreOptions | null {
  const endpoint = env.S3_ENDPOINT?.trim();
  const bucket = env.S3_BUCKET?.trim();
  if (!endpoint && !bucket) return null;
  const missing = [
    ["S3_ENDPOINT", endpoint],
    ["S3_BUCKET", bucket],
    ["S3_ACCESS_KEY_ID", env.S3_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID],
    ["S3_SECRET_ACCESS_KEY", env.S3_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length)
    throw new ConfigError(`the object store needs ${missing.join(", ")} (set all of S3_ENDPOINT, S3_BUCKET and the keys, or none)`);
  if (!/^https?:\/\/[^\s/]+/i.test(endpoint!)) throw new ConfigError(`S3_ENDPOINT: not an http(s) address: ${endpoint}`);
  return {
    endpoint: endpoint!,
    bucket: bucket!,
    region: env.S3_REGION?.trim() || "us-east-1",
    accessKeyId: (env.S3_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID)!,
    secretAccessKey: (env.S3_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY)!,
    forcePathStyle: !/^(0|false|no|off)$/i.test(env.S3_FORCE_PATH_STYLE?.trim() ?? ""),
    prefix: env.S3_PREFIX?.trim() ?? "",
  };
}
