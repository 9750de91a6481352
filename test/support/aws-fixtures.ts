import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { Moto } from "./moto.js";

export const REGION = "us-east-1";
const CREDS = { accessKeyId: "testing", secretAccessKey: "testing" };

export interface Seed {
  readonly timestamp: number;
  readonly message: string;
}

/** Test-side AWS clients against moto, to arrange the world the handler sees and read what it left. */
export class AwsFixtures {
  readonly logs: CloudWatchLogsClient;
  readonly s3: S3Client;
  readonly ssm: SSMClient;
  private readonly streams = new Set<string>();

  constructor(readonly moto: Moto) {
    const base = { endpoint: moto.endpoint, region: REGION, credentials: CREDS };
    this.logs = new CloudWatchLogsClient(base);
    this.s3 = new S3Client({ ...base, forcePathStyle: true });
    this.ssm = new SSMClient(base);
  }

  /** The environment the handler needs to reach moto. */
  awsEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.moto.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
    };
  }

  async logGroup(name: string): Promise<void> {
    await this.logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  }

  /** Puts events in PutLogEvents-sized batches (10,000 events, under 1 MB), creating the stream on first use. */
  async put(group: string, stream: string, events: readonly Seed[]): Promise<void> {
    const id = `${group}|${stream}`;
    if (!this.streams.has(id)) {
      await this.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      this.streams.add(id);
    }
    const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
    let batch: Seed[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await this.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: batch }));
      batch = [];
      bytes = 0;
    };
    for (const e of sorted) {
      const size = Buffer.byteLength(e.message) + 26;
      if (batch.length >= 10_000 || bytes + size > 900_000) await flush();
      batch.push(e);
      bytes += size;
    }
    await flush();
  }

  async bucket(name: string): Promise<void> {
    await this.s3.send(new CreateBucketCommand({ Bucket: name }));
  }

  async putObject(bucket: string, key: string, body: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  /** The object's body and ETag, or null when absent. */
  async getObject(bucket: string, key: string): Promise<{ body: string; etag: string } | null> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { body: (await res.Body?.transformToString()) ?? "", etag: res.ETag ?? "" };
    } catch (err) {
      if (err instanceof Error && err.name === "NoSuchKey") return null;
      throw err;
    }
  }

  async secureString(name: string, value: string): Promise<void> {
    await this.ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "SecureString", Overwrite: true }));
  }
}
