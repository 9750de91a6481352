import { gunzipSync } from "node:zlib";
import { toLogEvent, type Delivery, type RawDelivery } from "./delivery.js";
import type { LogEvent } from "./log-event.js";
import { prefilter } from "./prefilter.js";
import type { WatchList } from "./watch.js";

/** What a CloudWatch Logs subscription delivers: base64 of gzipped JSON. */
export interface SubscriptionEvent {
  readonly awslogs: { readonly data: string };
}

export function isSubscriptionEvent(event: unknown): event is SubscriptionEvent {
  if (typeof event !== "object" || event === null || !("awslogs" in event)) return false;
  const awslogs = (event as { awslogs: unknown }).awslogs;
  return typeof awslogs === "object" && awslogs !== null && typeof (awslogs as { data?: unknown }).data === "string";
}

const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 8 * 1024 * 1024;

/**
 * gunzip into one buffer of the right size. zlib's default 16 KiB chunks cost a
 * third of the decode (a 360 KB delivery is 23 chunks, then copied into one);
 * the gzip trailer states the uncompressed size (ISIZE, modulo 2^32), so one
 * chunk that large holds it all (zlib checks the trailer: a wrong one fails as before).
 */
export function gunzipDelivery(gz: Buffer): Buffer {
  const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return gunzipSync(gz, { chunkSize: Math.min(Math.max(size + 1, MIN_CHUNK), MAX_CHUNK) });
}

/**
 * Decodes a delivery. CONTROL_MESSAGE deliveries (CloudWatch's reachability checks) carry no events.
 * Given the watch list, events whose raw bytes lack `transactionId`, or whose every
 * `accountName` holds an unwatched account, are counted in `skipped` without being
 * decoded (see `prefilter`).
 */
export function decodeDelivery(event: SubscriptionEvent, watch?: WatchList): Delivery {
  let bytes: Buffer;
  try {
    bytes = gunzipDelivery(Buffer.from(event.awslogs.data, "base64"));
  } catch (err) {
    throw new Error(`awslogs.data is not base64 of gzipped JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (watch !== undefined) {
    const fast = prefilter(bytes, watch);
    if (fast !== undefined) return fast;
  }
  let raw: RawDelivery;
  try {
    raw = JSON.parse(bytes.toString("utf8")) as RawDelivery;
  } catch (err) {
    throw new Error(`awslogs.data is not base64 of gzipped JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const logGroup = typeof raw.logGroup === "string" ? raw.logGroup : "";
  if (raw.messageType === "CONTROL_MESSAGE") return { logGroup, events: [], skipped: 0 };
  if (!Array.isArray(raw.logEvents)) throw new Error("awslogs.data has no logEvents array");
  const logStream = typeof raw.logStream === "string" ? raw.logStream : "";
  const events: LogEvent[] = [];
  for (const e of raw.logEvents as Array<Record<string, unknown>>) {
    const ev = toLogEvent(e, logGroup, logStream);
    if (ev !== undefined) events.push(ev);
  }
  return { logGroup, events, skipped: 0 };
}
