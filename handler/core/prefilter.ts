import type { LogEvent } from "./log-event.js";
import { toLogEvent, type Delivery, type RawDelivery } from "./delivery.js";
import { keyVerdictAt, type WatchList } from "./watch.js";

// Decoding a whole delivery to a string and parsing it costs more than reading
// its events: most lines are noise or other accounts' CashOuts. An event is
// decoded only when its raw bytes hold `transactionId` and an `accountName` that
// may be watched (watch.ts reads the value in place, through the delivery's own
// level of JSON escaping). Both words are ASCII letters, which no JSON encoder
// escapes, so they read the same in the raw bytes.
//
// Searching for a multi-byte needle costs about 100 ns a call whatever it
// finds (the search tables are rebuilt each time), a single byte (memchr) a
// few ns: every word here is found through one of its rarer bytes, each
// occurrence of that byte visited once, and the word compared in place.

const LOG_EVENTS = Buffer.from('"logEvents":[');
const EVENT_START = Buffer.from('{"id":"');
const TRANSACTION_ID = Buffer.from("transactionId");
const ACCOUNT_NAME = Buffer.from("accountName");
/** The byte each word is found by, and where it sits in the word: `{` of `{"id":"`, `I` of `transactionId`, `N` of `accountName`. */
const BRACE_OPEN = 0x7b;
const TX_ANCHOR = 0x49;
const TX_ANCHOR_AT = 11;
const KEY_ANCHOR = 0x4e;
const KEY_ANCHOR_AT = 7;
const BRACE_CLOSE = 0x7d; // }
const COMMA = 0x2c;
const BRACKET_CLOSE = 0x5d; // ]

/** Where one byte value next occurs at or after a position: one forward sweep, each occurrence visited once. */
class ByteSweep {
  private at = -1;
  constructor(
    private readonly bytes: Buffer,
    private readonly byte: number,
  ) {}
  /** The first occurrence at or after `from` (Infinity: none). Calls may skip ahead; they never go back. */
  from(from: number): number {
    if (this.at < from) {
      const i = this.bytes.indexOf(this.byte, from);
      this.at = i < 0 ? Infinity : i;
    }
    return this.at;
  }
}

function wordAt(bytes: Buffer, at: number, word: Buffer): boolean {
  if (at < 0 || at + word.length > bytes.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[at + i] !== word[i]) return false;
  return true;
}

/**
 * Reads a delivery in CloudWatch's own layout (`"logEvents":[{"id":"…",…},{"id":"…",…}]`)
 * without decoding it whole: only the events that may hold a watched CashOut are
 * decoded and parsed. `{"id":"` cannot occur inside a JSON string (its quotes would
 * be escaped), so it marks event boundaries; anything unexpected (another layout,
 * a nested object, a control message) returns undefined and the caller parses the
 * whole delivery instead.
 */
export function prefilter(bytes: Buffer, watch: WatchList): Delivery | undefined {
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
  const braces = new ByteSweep(bytes, BRACE_OPEN);
  const txAnchors = new ByteSweep(bytes, TX_ANCHOR);
  const keyAnchors = watch.everyAccount ? null : new ByteSweep(bytes, KEY_ANCHOR);
  // Nothing can be watched: every event is skipped, but still checked for the layout.
  const nobody = !watch.everyAccount && watch.accounts.size === 0;
  const events: LogEvent[] = [];
  let skipped = 0;
  let start = first;
  if (start < close && !wordAt(bytes, start, EVENT_START)) return undefined;
  while (start < close) {
    let next = braces.from(start + EVENT_START.length);
    while (next < close && !wordAt(bytes, next, EVENT_START)) next = braces.from(next + 1);
    if (next > close) next = close + 1;
    // Events are separated by `},`; the last ends with `}` right before `]`.
    const end = next - 1;
    if (bytes[end - 1] !== BRACE_CLOSE || (next <= close && bytes[end] !== COMMA)) return undefined;
    // The account first: most CashOuts are other accounts', decided without looking for transactionId.
    const keep = !nobody && (keyAnchors === null || mayHold(watch, bytes, keyAnchors, start, end)) && holdsTransactionId(bytes, txAnchors, start, end);
    if (keep) {
      let ev = readEvent(bytes, start, end, logGroup, logStream);
      if (ev === undefined) {
        let e: Record<string, unknown>;
        try {
          e = JSON.parse(bytes.toString("utf8", start, end)) as Record<string, unknown>;
        } catch {
          return undefined;
        }
        ev = toLogEvent(e, logGroup, logStream);
      }
      if (ev !== undefined) events.push(ev);
    } else {
      skipped++;
    }
    start = next;
  }
  return { logGroup, events, skipped };
}

const TIMESTAMP_FIELD = Buffer.from('","timestamp":');
const MESSAGE_FIELD = Buffer.from(',"message":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * An event in CloudWatch's field order, `{"id":"…","timestamp":…,"message":"…"}`,
 * read without JSON.parse of the whole object: only the message string literal
 * is parsed. Undefined for anything else (the caller then parses the event).
 */
function readEvent(bytes: Buffer, start: number, end: number, logGroup: string, logStream: string): LogEvent | undefined {
  let i = start + EVENT_START.length;
  const idStart = i;
  // An id of plain ASCII (CloudWatch's are digits), so its bytes are its characters.
  while (i < end && bytes[i] !== QUOTE && bytes[i] !== BACKSLASH && (bytes[i] as number) < 0x80) i++;
  if (i >= end || bytes[i] !== QUOTE || !wordAt(bytes, i, TIMESTAMP_FIELD)) return undefined;
  const id = bytes.toString("latin1", idStart, i);
  i += TIMESTAMP_FIELD.length;
  let timestamp = 0;
  const tsStart = i;
  for (; i < end; i++) {
    const d = (bytes[i] as number) - 0x30;
    if (d < 0 || d > 9) break;
    timestamp = timestamp * 10 + d;
  }
  if (i === tsStart || i - tsStart > 15 || !wordAt(bytes, i, MESSAGE_FIELD)) return undefined;
  const literal = i + MESSAGE_FIELD.length - 1;
  // The event ends `"}`: the message is the last field, its closing quote right before the brace.
  if (bytes[end - 2] !== QUOTE) return undefined;
  let message: unknown;
  try {
    message = JSON.parse(bytes.toString("utf8", literal, end - 1));
  } catch {
    return undefined;
  }
  return typeof message === "string" ? { logGroup, logStream, id, timestamp, message } : undefined;
}

function holdsTransactionId(bytes: Buffer, anchors: ByteSweep, start: number, end: number): boolean {
  for (let i = anchors.from(start + TX_ANCHOR_AT); i < end; i = anchors.from(i + 1)) {
    if (wordAt(bytes, i - TX_ANCHOR_AT, TRANSACTION_ID)) return true;
  }
  return false;
}

/** False when every accountName key of the event [start, end) holds an unwatched account (an event without one is kept: it is parsed). */
function mayHold(watch: WatchList, bytes: Buffer, anchors: ByteSweep, start: number, end: number): boolean {
  let sawKey = false;
  let unknown = false;
  for (let n = anchors.from(start + KEY_ANCHOR_AT); n < end; n = anchors.from(n + 1)) {
    const at = n - KEY_ANCHOR_AT;
    if (!wordAt(bytes, at, ACCOUNT_NAME)) continue;
    const v = keyVerdictAt(watch, bytes, at, start, end);
    if (v === "watched") return true;
    if (v === "none") continue;
    sawKey = true;
    if (v === "unknown") unknown = true;
  }
  return !sawKey || unknown;
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
