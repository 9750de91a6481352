// Turns pages of log events into the CashOuts a run may report: parse, keep the
// watched accounts, skip what was already reported, count what could not be read.
import type { CashOut } from "./cash-out.js";
import { eventKey, type LogEvent } from "./log-event.js";
import { parseLine } from "./parse.js";
import { accountVerdict, isWatched, mentionsWatched, type WatchList } from "./watch.js";

export interface MalformedSample {
  readonly id: string;
  readonly logGroup: string;
  readonly reason: string;
}

/** What a batch of log events holds. */
export interface Collected {
  readonly scanned: number;
  readonly malformed: number;
  /** Watched CashOuts skipped because they were already reported (by an earlier run, or earlier in this one). */
  readonly duplicates: number;
  /** New CashOuts of watched accounts, in the order read. */
  readonly cashOuts: readonly CashOut[];
  /** A few malformed events (ids and reasons only: a line may hold personal data). */
  readonly malformedSamples: readonly MalformedSample[];
}

export const MALFORMED_SAMPLES = 5;

export const NOTHING_COLLECTED: Collected = { scanned: 0, malformed: 0, duplicates: 0, cashOuts: [], malformedSamples: [] };

/**
 * Reads a batch of log events. `reported` holds the keys of CashOuts already
 * reported; it is not changed. An event that appears twice in the batch is kept once.
 */
export function collect(events: Iterable<LogEvent>, watch: WatchList, reported: ReadonlySet<string>): Collected {
  let scanned = 0;
  let malformed = 0;
  let duplicates = 0;
  const cashOuts: CashOut[] = [];
  const samples: MalformedSample[] = [];
  const kept = new Set<string>();
  for (const event of events) {
    scanned++;
    const message = event.message;
    // Cheap checks first: most lines are noise or other accounts' CashOuts.
    if (!message.includes("transactionId")) continue;
    const raw = watch.everyAccount ? "unknown" : watch.accounts.size === 0 ? "unwatched" : accountVerdict(watch, message);
    if (raw === "unwatched") continue;
    const line = parseLine(message);
    if (line.kind === "other") continue;
    if (line.kind === "malformed") {
      if (!couldBeWatched(watch, line.account, raw, message)) continue;
      malformed++;
      if (samples.length < MALFORMED_SAMPLES) samples.push({ id: event.id, logGroup: event.logGroup, reason: line.reason });
      continue;
    }
    const f = line.fields;
    if (!isWatched(watch, f.account)) continue;
    const key = eventKey(event);
    if (reported.has(key) || kept.has(key)) {
      duplicates++;
      continue;
    }
    kept.add(key);
    cashOuts.push({
      key,
      timestamp: event.timestamp,
      logGroup: event.logGroup,
      account: f.account,
      amount: f.amount,
      transactionId: f.transactionId,
      receiverKey: f.receiverKey,
      requestId: f.requestId,
    });
  }
  return { scanned, malformed, duplicates, cashOuts, malformedSamples: samples };
}

/**
 * Whether an unreadable line counts as `malformed`: it could be a reportable
 * CashOut only if its account is watched, or, when no account can be read from
 * it, if it names a watched account anywhere (README, Invocation).
 */
function couldBeWatched(watch: WatchList, account: string | undefined, raw: "watched" | "unknown", message: string): boolean {
  if (account !== undefined) return isWatched(watch, account);
  return raw === "watched" || mentionsWatched(watch, message);
}

/** Two batches read one after the other, as one (the second must have been collected against the first's CashOuts too). */
export function combine(a: Collected, b: Collected): Collected {
  return {
    scanned: a.scanned + b.scanned,
    malformed: a.malformed + b.malformed,
    duplicates: a.duplicates + b.duplicates,
    cashOuts: b.cashOuts.length === 0 ? a.cashOuts : [...a.cashOuts, ...b.cashOuts],
    malformedSamples: [...a.malformedSamples, ...b.malformedSamples].slice(0, MALFORMED_SAMPLES),
  };
}
