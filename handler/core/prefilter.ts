import type { LogEvent } from "./log-event.js";
import { toLogEvent, type Delivery, type RawDelivery } from "./delivery.js";
import type { WatchList } from "./watch.js";

// Decoding a whole delivery to a string and parsing it costs more than reading
// its events: most lines are noise or other accounts' CashOuts. collect.ts skips
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

function rawNeedles(watch: WatchList): Needles | undefined {
  if (watch.everyAccount) return { transactionId: TRANSACTION_ID, accounts: null };
  const accounts = [...watch.accounts];
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
export function prefilter(bytes: Buffer, watch: WatchList): Delivery | undefined {
  const needles = rawNeedles(watch);
  if (needles === undefined) return undefined;
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
