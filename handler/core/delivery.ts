// A subscription delivery's events, however it was read (decoded whole or prefiltered).
import type { LogEvent } from "./log-event.js";

export interface Delivery {
  readonly logGroup: string;
  readonly events: LogEvent[];
  /** Events left unread because their raw bytes cannot hold a watched CashOut; part of `scanned`. */
  readonly skipped: number;
}

/** The delivery JSON as CloudWatch Logs writes it (fields unchecked). */
export interface RawDelivery {
  messageType?: unknown;
  logGroup?: unknown;
  logStream?: unknown;
  logEvents?: unknown;
}

export function toLogEvent(e: Record<string, unknown> | null | undefined, logGroup: string, logStream: string): LogEvent | undefined {
  if (typeof e?.message !== "string") return undefined;
  return {
    logGroup,
    logStream,
    id: typeof e.id === "string" ? e.id : String(e.id ?? ""),
    timestamp: typeof e.timestamp === "number" ? e.timestamp : 0,
    message: e.message,
  };
}
