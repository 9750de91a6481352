import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeAwsError, retriesOf } from "./aws-errors.js";
import type { Counters } from "../core/summary.js";

export interface StoredObject {
  readonly body: string;
  readonly etag: string;
}

/** Compare-and-swap: replace the version we read, or create when there was none. */
export type WriteCondition = { readonly ifMatch: string } | { readonly ifNoneMatch: "*" };

export type WriteResult = { readonly ok: true; readonly etag: string } | { readonly ok: false };

/** The one object the checkpoint lives in: read it, or replace it only if it is still the version read. */
export interface CheckpointStore {
  /** Where the object is, for error messages (`s3://bucket/key`). */
  readonly where: string;
  /** The object, or null when it does not exist yet. */
  read(): Promise<StoredObject | null>;
  /** Writes only if the object is still as we last saw it; `{ok: false}` when another writer came first. */
  write(body: string, condition: WriteCondition): Promise<WriteResult>;
}

/** The checkpoint store on S3, with conditional writes. */
export class StateStore implements CheckpointStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    readonly key: string,
    private readonly stats: Pick<Counters, "awsRetries">,
  ) {}

  get where(): string {
    return `s3://${this.bucket}/${this.key}`;
  }

  async read(): Promise<StoredObject | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      this.stats.awsRetries += retriesOf(res);
      const body = (await res.Body?.transformToString("utf-8")) ?? "";
      return { body, etag: res.ETag ?? "" };
    } catch (err) {
      this.stats.awsRetries += retriesOf(err);
      if (err instanceof Error && err.name === "NoSuchKey") return null;
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // S3 may answer a missing key with 403 even when the role may list the key (whether an s3:prefix-limited
      // s3:ListBucket turns it into 404 is not documented): a listing of exactly this key tells "missing" from "denied".
      if (status === 403 && (await this.isAbsent())) return null;
      let hint = "";
      if (err instanceof Error && err.name === "NoSuchBucket") hint = " (the state bucket does not exist)";
      // Without s3:ListBucket, S3 answers a missing key with 403, not 404: the first run (no checkpoint yet) looks like a denial.
      else if (status === 403) {
        hint =
          `. If the checkpoint does not exist yet (first run, new key, or deleted), S3 answers 403 instead of 404 unless the role may list the bucket: ` +
          `grant s3:ListBucket on arn:aws:s3:::${this.bucket} with the condition s3:prefix = "${this.key}" (the module does), ` +
          `and s3:GetObject and s3:PutObject on arn:aws:s3:::${this.bucket}/${this.key}`;
      }
      throw new Error(`Reading the checkpoint ${this.where} failed: ${describeAwsError(err)}${hint}`, { cause: err });
    }
  }

  /** True only when a listing of exactly this key (allowed by the module's s3:prefix condition) shows no such object. */
  private async isAbsent(): Promise<boolean> {
    try {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key, MaxKeys: 1 }));
      this.stats.awsRetries += retriesOf(res);
      return !(res.Contents ?? []).some((o) => o.Key === this.key);
    } catch (err) {
      this.stats.awsRetries += retriesOf(err);
      // The listing is denied too: the GetObject's 403 (and its hint) is the error to report.
      return false;
    }
  }

  async write(body: string, condition: WriteCondition): Promise<WriteResult> {
    try {
      const res = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: body,
          ContentType: "application/json",
          ...("ifMatch" in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: "*" }),
        }),
      );
      this.stats.awsRetries += retriesOf(res);
      return { ok: true, etag: res.ETag ?? "" };
    } catch (err) {
      this.stats.awsRetries += retriesOf(err);
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 412: someone wrote since we read. 409: a concurrent conditional write is in flight.
      if (status === 412 || status === 409) return { ok: false };
      throw new Error(`Writing the checkpoint ${this.where} failed: ${describeAwsError(err)}`, { cause: err });
    }
  }
}
