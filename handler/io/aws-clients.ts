// One client per service per container, created on first use only.
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { S3Client } from "@aws-sdk/client-s3";
import { SSMClient } from "@aws-sdk/client-ssm";

/**
 * Every AWS call has a deadline: without one a call that never answers holds
 * the run (and its lease) until Lambda kills it. A timed-out call is retried
 * like any transient error. PXSTREAM_AWS_TIMEOUT_SECONDS (an internal tuning
 * variable, README Configuration) shortens it, e.g. for a test of that timeout.
 */
const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_SECONDS = 15;

interface RequestHandlerOptions {
  readonly connectionTimeout: number;
  readonly requestTimeout: number;
  readonly throwOnRequestTimeout: true;
}

/** The request timeout for AWS calls (PXSTREAM_AWS_TIMEOUT_SECONDS, default 15 s); a bad value is an error naming it. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = env.PXSTREAM_AWS_TIMEOUT_SECONDS?.trim() ?? "";
  if (raw === "") return REQUEST_TIMEOUT_SECONDS * 1000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 900) throw new Error(`PXSTREAM_AWS_TIMEOUT_SECONDS must be a whole number from 1 to 900 (got ${JSON.stringify(raw)})`);
  return n * 1000;
}

function base(env: NodeJS.ProcessEnv): {
  region?: string;
  endpoint?: string;
  retryMode: string;
  maxAttempts: number;
  requestHandler: RequestHandlerOptions;
} {
  const endpoint = env.AWS_ENDPOINT_URL?.trim() || undefined;
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined;
  const maxAttempts = Number(env.AWS_MAX_ATTEMPTS) > 0 ? Number(env.AWS_MAX_ATTEMPTS) : 5;
  const requestHandler = { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: requestTimeoutMs(env), throwOnRequestTimeout: true } as const;
  // Adaptive mode rate-limits the client itself once AWS throttles (FilterLogEvents allows 5 rps).
  return { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), retryMode: "adaptive", maxAttempts, requestHandler };
}

// Keyed by what the environment can change between invocations of one process (tests do; Lambda doesn't).
function cacheKey(env: NodeJS.ProcessEnv): string {
  return JSON.stringify([
    env.AWS_REGION,
    env.AWS_DEFAULT_REGION,
    env.AWS_ENDPOINT_URL,
    env.AWS_ACCESS_KEY_ID,
    env.AWS_MAX_ATTEMPTS,
    env.PXSTREAM_AWS_TIMEOUT_SECONDS,
  ]);
}

const logs = new Map<string, CloudWatchLogsClient>();
const s3 = new Map<string, S3Client>();
const ssm = new Map<string, SSMClient>();

function memo<T>(cache: Map<string, T>, env: NodeJS.ProcessEnv, make: () => T): T {
  const key = cacheKey(env);
  let client = cache.get(key);
  if (client === undefined) {
    client = make();
    cache.set(key, client);
  }
  return client;
}

export function logsClient(env: NodeJS.ProcessEnv = process.env): CloudWatchLogsClient {
  return memo(logs, env, () => new CloudWatchLogsClient(base(env)));
}

export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  // Path-style addressing lets a local emulator on 127.0.0.1 serve any bucket.
  return memo(s3, env, () => new S3Client({ ...base(env), forcePathStyle: base(env).endpoint !== undefined }));
}

export function ssmClient(env: NodeJS.ProcessEnv = process.env): SSMClient {
  return memo(ssm, env, () => new SSMClient(base(env)));
}
