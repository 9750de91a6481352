import { gunzipSync } from "node:zlib";
import type { LogEvent } from "./types.js";

/** What a CloudWatch Logs subscription delivers: base64 of gzipped JSON. */
export interface SubscriptionEvent {
  readonly awslogs: { readonly data: string };
}

export interface Delivery {
  readonly logGroup: string;
  readonly events: LogEvent[];
  /** Events left unread because their raw bytes cannot hold a watched CashOut; part of `scanned`. */
  readonly skipped: number;
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

/**
 * Decodes a delivery. CONTROL_MESSAGE deliveries (CloudWatch's reachability checks) carry no events.
 * Given the watched accounts, events whose raw bytes lack `transactionId` or every watched
 * account are counted in `skipped` without being decoded (see `prefilter`).
 */
export function decodeDelivery(event: SubscriptionEvent, watchedAccounts?: readonly string[]): Delivery {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(Buffer.from(event.awslogs.data, "base64"));
  } catch (err) {
    throw new Error(`awslogs.data is not base64 of gzipped JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const needles = watchedAccounts === undefined ? undefined : rawNeedles(watchedAccounts);
  if (needles !== undefined) {
    const fast = prefilter(bytes, needles);
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

function toLogEvent(e: Record<string, unknown> | null | undefined, logGroup: string, logStream: string): LogEvent | undefined {
  if (typeof e?.message !== "string") return undefined;
  return {
    logGroup,
    logStream,
    id: typeof e.id === "string" ? e.id : String(e.id ?? ""),
    timestamp: typeof e.timestamp === "number" ? e.timestamp : 0,
    message: e.message,
  };
}

// Decoding a whole delivery to a string and parsing it costs more than reading
// its events: most lines are noise or other accounts' CashOuts. tally.ts skips
// a line unless it contains `transactionId` and a watched account; those words
// are found in the raw JSON bytes as well, because JSON escapes only quotes,
// backslashes, control characters and (in some encoders) `/`, `<`, `>`, `&`
// and non-ASCII: needles made of other characters read the same escaped or not.

interface Needles {
  readonly transactionId: Buffer;
  /** null: every account is watched. */
  readonly accounts: readonly Buffer[] | null;
}

const SAFE_NEEDLE = /^[A-Za-z0-9 ._:@+=#-]+$/;
const TRANSACTION_ID = Buffer.from("transactionId");
const LOG_EVENTS = Buffer.from('"logEvents":[');
const EVENT_START = Buffer.from('{"id":"');
const BRACE_CLOSE = 0x7d; // }
const COMMA = 0x2c;
const BRACKET_CLOSE = 0x5d; // ]

function rawNeedles(accounts: readonly string[]): Needles | undefined {
  if (accounts.includes("*")) return { transactionId: TRANSACTION_ID, accounts: null };
  if (accounts.length === 0 || !accounts.every((a) => SAFE_NEEDLE.test(a))) return undefined;
  return { transactionId: TRANSACTION_ID, accounts: accounts.map((a) => Buffer.from(a)) };
}

/**
 * Where a needle next occurs at or after a position, found by one forward sweep:
 * each occurrence is searched for once however many events lie between two.
 */
class Sweep {
  private at = -1;
  constructor(
    private readonly bytes: Buffer,
    private readonly needle: Buffer,
  ) {}
  /** True when the needle occurs in [start, end). Calls must come with non-decreasing `start`. */
  within(start: number, end: number): boolean {
    if (this.at < start) {
      this.at = this.bytes.indexOf(this.needle, start);
      if (this.at < 0) this.at = Infinity;
    }
    return this.at < end;
  }
}

/**
 * Reads a delivery in CloudWatch's own layout (`"logEvents":[{"id":"…",…},{"id":"…",…}]`)
 * without decoding it whole: the bytes are searched for the needles and only the
 * events that hold them are decoded and parsed. `{"id":"` cannot occur inside a
 * JSON string (its quote would be escaped), so it marks event boundaries; anything
 * unexpected (another layout, a nested object, a control message) returns undefined
 * and the caller parses the whole delivery instead.
 */
function prefilter(bytes: Buffer, needles: Needles): Delivery | undefined {
  const open = bytes.indexOf(LOG_EVENTS);
  if (open < 0) return undefined;
  const first = open + LOG_EVENTS.length;
  // The array's end: the `]` after the last event's closing `}`.
  const lastStart = bytes.lastIndexOf(EVENT_START);
  let close: number;
  if (lastStart < first) {
    if (bytes[first] !== BRACKET_CLOSE) return undefined;
    close = first;
  } else {
    close = closingBracket(bytes, lastStart);
    if (close < 0) return undefined;
  }
  let envelope: RawDelivery;
  try {
    envelope = JSON.parse(`${bytes.toString("utf8", 0, first)}${bytes.toString("utf8", close)}`) as RawDelivery;
  } catch {
    return undefined;
  }
  if (envelope.messageType !== "DATA_MESSAGE" || typeof envelope.logGroup !== "string") return undefined;
  const logGroup = envelope.logGroup;
  const logStream = typeof envelope.logStream === "string" ? envelope.logStream : "";
  const tx = new Sweep(bytes, needles.transactionId);
  const accounts = needles.accounts?.map((a) => new Sweep(bytes, a)) ?? null;
  const events: LogEvent[] = [];
  let skipped = 0;
  let start = first;
  if (start < close && bytes.indexOf(EVENT_START, start) !== start) return undefined;
  while (start < close) {
    let next = bytes.indexOf(EVENT_START, start + EVENT_START.length);
    if (next < 0 || next > close) next = close + 1;
    // Events are separated by `},`; the last ends with `}` right before `]`.
    const end = next - 1;
    if (bytes[end - 1] !== BRACE_CLOSE || (next <= close && bytes[end] !== COMMA)) return undefined;
    // The rarer needles (accounts) first: most events are decided by them alone.
    if ((accounts === null || accounts.some((a) => a.within(start, end))) && tx.within(start, end)) {
      let e: Record<string, unknown>;
      try {
        e = JSON.parse(bytes.toString("utf8", start, end)) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      const ev = toLogEvent(e, logGroup, logStream);
      if (ev !== undefined) events.push(ev);
    } else {
      skipped++;
    }
    start = next;
  }
  return { logGroup, events, skipped };
}

/** Index of the `]` that closes the events array, searching from the last event's start. */
function closingBracket(bytes: Buffer, from: number): number {
  // The last event ends `…"}]`: a quote that closes its last string (an even run of backslashes before it).
  for (let i = bytes.indexOf('"}]', from); i >= 0; i = bytes.indexOf('"}]', i + 1)) {
    let slashes = 0;
    while (bytes[i - 1 - slashes] === 0x5c) slashes++;
    if (slashes % 2 === 0) return i + 2;
  }
  return -1;
}
