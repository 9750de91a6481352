import { parseLine } from "./parse.js";
import type { CashOut, LogEvent } from "./types.js";
import { isWatched, mayMentionWatched, type WatchList } from "./watch.js";

/** What a run has read so far. Built up page by page so no page is kept after it is read. */
export interface Tally {
  scanned: number;
  malformed: number;
  /** Watched CashOuts skipped because an earlier run (or page) already reported them. */
  duplicates: number;
  readonly cashOuts: CashOut[];
  /** A few malformed events (ids and reasons only: a line may hold personal data). */
  readonly malformedSamples: Array<{ readonly id: string; readonly logGroup: string; readonly reason: string }>;
}

const MALFORMED_SAMPLES = 5;

export function emptyTally(): Tally {
  return { scanned: 0, malformed: 0, duplicates: 0, cashOuts: [], malformedSamples: [] };
}

export function eventKey(event: Pick<LogEvent, "logGroup" | "logStream" | "id">): string {
  return `${event.logGroup}|${event.logStream}|${event.id}`;
}

/**
 * Adds a page of log events to the tally: counts them, keeps the CashOuts of
 * watched accounts not in `reported`, counts malformed lines. `reported`
 * grows with every CashOut kept, so an event seen twice is reported once.
 */
export function tallyEvents(tally: Tally, events: Iterable<LogEvent>, watch: WatchList, reported: Set<string>): void {
  for (const event of events) {
    tally.scanned++;
    const message = event.message;
    // Cheap checks first: most lines are noise or other accounts' CashOuts.
    if (!message.includes("transactionId") || !mayMentionWatched(watch, message)) continue;
    const line = parseLine(message);
    if (line.kind === "other") continue;
    if (line.kind === "malformed") {
      tally.malformed++;
      if (tally.malformedSamples.length < MALFORMED_SAMPLES) {
        tally.malformedSamples.push({ id: event.id, logGroup: event.logGroup, reason: line.reason });
      }
      continue;
    }
    const f = line.fields;
    if (!isWatched(watch, f.account)) continue;
    const key = eventKey(event);
    if (reported.has(key)) {
      tally.duplicates++;
      continue;
    }
    reported.add(key);
    tally.cashOuts.push({
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
}
