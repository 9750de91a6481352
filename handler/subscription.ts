import { gunzipSync } from "node:zlib";
import type { LogEvent } from "./types.js";

/** What a CloudWatch Logs subscription delivers: base64 of gzipped JSON. */
export interface SubscriptionEvent {
  readonly awslogs: { readonly data: string };
}

export interface Delivery {
  readonly logGroup: string;
  readonly events: LogEvent[];
}

export function isSubscriptionEvent(event: unknown): event is SubscriptionEvent {
  if (typeof event !== "object" || event === null || !("awslogs" in event)) return false;
  const awslogs = (event as { awslogs: unknown }).awslogs;
  return typeof awslogs === "object" && awslogs !== null && typeof (awslogs as { data?: unknown }).data === "string";
}

interface RawDelivery {
  messageType?: unknown;
  logGroup?: unknown;
  logStream?: unknown;
  logEvents?: unknown;
}

/** Decodes a delivery. CONTROL_MESSAGE deliveries (CloudWatch's reachability checks) carry no events. */
export function decodeDelivery(event: SubscriptionEvent): Delivery {
  let raw: RawDelivery;
  try {
    raw = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8")) as RawDelivery;
  } catch (err) {
    throw new Error(`awslogs.data is not base64 of gzipped JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const logGroup = typeof raw.logGroup === "string" ? raw.logGroup : "";
  if (raw.messageType === "CONTROL_MESSAGE") return { logGroup, events: [] };
  if (!Array.isArray(raw.logEvents)) throw new Error("awslogs.data has no logEvents array");
  const logStream = typeof raw.logStream === "string" ? raw.logStream : "";
  const events: LogEvent[] = [];
  for (const e of raw.logEvents as Array<Record<string, unknown>>) {
    if (typeof e?.message !== "string") continue;
    events.push({
      logGroup,
      logStream,
      id: typeof e.id === "string" ? e.id : String(e.id ?? ""),
      timestamp: typeof e.timestamp === "number" ? e.timestamp : 0,
      message: e.message,
    });
  }
  return { logGroup, events };
}
