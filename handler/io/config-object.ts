// The configuration document as the module deploys it: an object in the state
// bucket (PXSTREAM_CONFIG_KEY). Read once per container, then checked at every
// invocation with a conditional GET (IfNoneMatch: the ETag read): S3 answers 304
// with no body while the object is unchanged, and a changed document takes effect
// at the next invocation, without a redeploy.
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { parseConfigDocument, type ConfigDocument } from "../core/config-document.js";
import { ConfigError, documentProblems, type Config, type RunMode } from "../core/config.js";
import { compileRules, type CompiledRules } from "../core/rules.js";
import type { Counters } from "../core/summary.js";
import { describeAwsError, retriesOf } from "./aws-errors.js";
import { resolveReceiverKey } from "./receiver-key.js";

interface Cached {
  readonly etag: string;
  readonly document: ConfigDocument;
}

const documents = new Map<string, Cached>();

function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/**
 * The document in s3://bucket/key, validated. An invalid one fails with every
 * problem named (and is not kept: the fix is read at the next invocation).
 */
export async function readConfigObject(client: S3Client, bucket: string, key: string, counters: Pick<Counters, "awsRetries">): Promise<ConfigDocument> {
  const where = `s3://${bucket}/${key}`;
  const cached = documents.get(where);
  let body: string;
  let etag: string;
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(cached ? { IfNoneMatch: cached.etag } : {}) }));
    counters.awsRetries += retriesOf(res);
    body = (await res.Body?.transformToString("utf-8")) ?? "";
    etag = res.ETag ?? "";
  } catch (err) {
    counters.awsRetries += retriesOf(err);
    // 304 Not Modified: the SDK reports it as an error without a body.
    if (cached !== undefined && statusOf(err) === 304) return cached.document;
    if (err instanceof Error && err.name === "NoSuchKey") {
      throw new ConfigError([`the configuration document ${where} (PXSTREAM_CONFIG_KEY) does not exist`]);
    }
    throw new Error(`Reading the configuration document ${where} failed: ${describeAwsError(err)}`, { cause: err });
  }
  const parsed = parseConfigDocument(body);
  if (!parsed.ok) {
    documents.delete(where);
    throw new ConfigError(parsed.problems.map((p) => `${where}: ${p}`));
  }
  documents.set(where, { etag, document: parsed.document });
  return parsed.document;
}

export interface RulePorts {
  readonly s3: () => S3Client;
  readonly ssm: () => SSMClient;
  readonly counters: Pick<Counters, "awsRetries">;
}

let compiled:
  | { readonly document: ConfigDocument; readonly secret: string | undefined; readonly latenessMs: number; readonly rules: CompiledRules }
  | undefined;

/**
 * The run's rules: from PXSTREAM_WATCHED_ACCOUNTS, PXSTREAM_CONFIG or the S3
 * document, with the receiver HMAC key when a rule needs it. Compiled once per
 * document (a watch list of thousands of accounts is a Set built once).
 */
export async function loadRules(config: Config, mode: RunMode, ports: RulePorts): Promise<CompiledRules> {
  const source = config.document;
  let document: ConfigDocument;
  if (source.kind === "object") {
    document = await readConfigObject(ports.s3(), source.bucket, source.key, ports.counters);
    const problems = documentProblems(document, config, mode);
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `s3://${source.bucket}/${source.key}: ${p}`));
  } else {
    document = source.document;
  }
  const needsKey = document.rules.some((r) => r.newReceiver !== undefined);
  const secret = needsKey && config.receiverKeyParameter !== undefined ? await resolveReceiverKey(config.receiverKeyParameter, ports.ssm) : undefined;
  const latenessMs = config.overlapMs;
  if (compiled?.document !== document || compiled.secret !== secret || compiled.latenessMs !== latenessMs) {
    compiled = { document, secret, latenessMs, rules: compileRules(document, { latenessMs, receiverKey: secret }) };
  }
  return compiled.rules;
}
