import { totalsOf } from "./core/aggregate.js";
import { logsClient } from "./io/aws-clients.js";
import { advance, decodeCheckpoint, encodeCheckpoint, leasedByOther, startingPoint, withLease, withReported, type Checkpoint } from "./core/checkpoint.js";
import type { Config } from "./core/config.js";
import { readLogGroup, type FetchStats } from "./io/log-source.js";
import type { Notifier } from "./io/notifier.js";
import { planRun } from "./core/plan.js";
import { renderGapWarning, renderReport, type ReportContext } from "./core/render.js";
import type { StateStore, StoredObject, WriteCondition } from "./io/state-store.js";
import type { RunSummary } from "./core/summary.js";
import { collect, combine, NOTHING_COLLECTED } from "./core/collect.js";
import { watchList } from "./core/watch.js";

export interface ScheduledDeps {
  readonly config: Config;
  readonly store: StateStore;
  readonly notifier: () => Promise<Notifier>;
  readonly functionName: string;
  /** This invocation's id: the lease's owner. */
  readonly owner: string;
  readonly remainingMs: () => number;
  readonly now: () => number;
  readonly summary: RunSummary;
  readonly stats: FetchStats;
}

/** Below this much time left, no new slice starts (the last one must still post and checkpoint). */
function reserveMs(initialRemaining: number): number {
  return Math.max(15_000, initialRemaining * 0.3);
}

function conditionFor(etag: string | null): WriteCondition {
  return etag === null ? { ifNoneMatch: "*" } : { ifMatch: etag };
}

/**
 * A scheduled run: read the checkpoint, scan each slice of the window in
 * order, post what it found, and move the checkpoint after each slice Slack
 * accepted. Holds a lease in the checkpoint object while it posts, so two
 * runs at once never post the same CashOut.
 */
export async function scheduledRun(d: ScheduledDeps): Promise<void> {
  const { config, store, summary } = d;
  const initialRemaining = d.remainingMs();
  const stored: StoredObject | null = await store.read();
  let cp: Checkpoint = startingPoint(decodeCheckpoint(stored?.body ?? null, store.where));
  let etag: string | null = stored?.etag ?? null;

  if (leasedByOther(cp, d.owner, d.now())) {
    summary.lease = "held-by-other";
    return;
  }
  // Fail on a missing or unreadable webhook before anything is read or posted.
  const notifier = await d.notifier();

  const plan = planRun({
    now: d.now(),
    scannedUntil: cp.scannedUntil,
    lookbackMs: config.lookbackMs,
    overlapMs: config.overlapMs,
    sliceMs: config.sliceMs,
    maxCatchUpMs: config.maxCatchUpMs,
  });
  summary.slices.planned = plan.slices.length;
  summary.unscanned = plan.gap;

  const watch = watchList(config.watchedAccounts);
  const client = logsClient();
  let holdingLease = false;
  // What a failed run puts back when it gives up its lease: the last checkpoint
  // Slack's answers justify (the very bytes read at the start until then).
  let restoreBody: string | null = stored?.body ?? null;
  let total = 0n;

  const leaseBroken = (): Error =>
    new Error(
      `The checkpoint ${store.where} changed while this run held its lease (a run outlived its lease?). ` +
        "Slack accepted the messages above; the next run may repeat some of them.",
    );

  const write = async (next: Checkpoint): Promise<boolean> => {
    const res = await store.write(encodeCheckpoint(next), conditionFor(etag));
    if (!res.ok) return false;
    etag = res.etag;
    cp = next;
    return true;
  };

  try {
    for (const [i, slice] of plan.slices.entries()) {
      if (i > 0 && d.remainingMs() < reserveMs(initialRemaining)) {
        summary.slices.pending = plan.slices.length - i;
        break;
      }
      let tally = NOTHING_COLLECTED;
      const seen = new Set(Object.keys(cp.reported));
      for (const group of config.logGroups) {
        for await (const page of readLogGroup(client, group, slice, d.stats)) {
          const got = collect(page, watch, seen);
          for (const c of got.cashOuts) seen.add(c.key);
          tally = combine(tally, got);
        }
      }
      summary.scanned += tally.scanned;
      summary.malformed += tally.malformed;
      summary.duplicates += tally.duplicates;
      for (const s of tally.malformedSamples) if (summary.malformedSamples.length < 5) summary.malformedSamples.push(s);

      const ctx: ReportContext = { functionName: d.functionName, logGroups: config.logGroups, window: slice };
      const messages = renderReport(tally.cashOuts, ctx);
      if (i === 0 && plan.gap !== null) messages.unshift(renderGapWarning(plan.gap, ctx));

      if (!config.dryRun && messages.length > 0 && !holdingLease) {
        const lease = { owner: d.owner, expiresAt: d.now() + d.remainingMs() + 5_000 };
        if (!(await write(withLease(cp, lease)))) {
          summary.lease = "lost";
          return;
        }
        holdingLease = true;
        summary.lease = "acquired";
      }
      for (const [n, message] of messages.entries()) {
        summary.slackRetries += await notifier.send([message]);
        if (config.dryRun) continue;
        summary.notified++;
        const keys = new Set(message.keys ?? []);
        if (n === messages.length - 1 || keys.size === 0) continue;
        // Slack has this message: record its CashOuts before the next one, so a failure there does not repeat them.
        if (!(await write(withReported(cp, tally.cashOuts.filter((c) => keys.has(c.key)))))) throw leaseBroken();
        restoreBody = encodeCheckpoint(withLease(cp, null));
      }

      const sliceTotals = totalsOf(tally.cashOuts);
      summary.matched += sliceTotals.count;
      total += sliceTotals.total;
      summary.totalCentavos = total.toString();
      summary.windowStart ??= slice.start;
      summary.windowEnd = slice.end;
      summary.slices.completed++;

      if (config.dryRun) continue;
      const next = advance(cp, slice.end, tally.cashOuts, config.overlapMs);
      if (!(await write(next))) {
        if (holdingLease) throw leaseBroken();
        summary.lease = "lost";
        return;
      }
      restoreBody = encodeCheckpoint(withLease(cp, null));
    }
    if (holdingLease) {
      if (!(await write(withLease(cp, null)))) throw new Error(`Could not release the lease on ${store.where}: it changed under this run`);
      holdingLease = false;
    }
  } catch (err) {
    if (holdingLease) await releaseAfterFailure(store, restoreBody ?? encodeCheckpoint(withLease(cp, null)), etag);
    throw err;
  } finally {
    if (cp.scannedUntil !== null) summary.cursorLagSeconds = Math.max(0, Math.round((d.now() - cp.scannedUntil) / 1000));
  }
}

/** Gives the lease back after a failure so the next run need not wait for it to expire. */
async function releaseAfterFailure(store: StateStore, body: string, etag: string | null): Promise<void> {
  try {
    await store.write(body, conditionFor(etag));
  } catch (err) {
    // The lease expires by itself; the original error is the one to report.
    console.error(JSON.stringify({ level: "WARN", message: "could not release the checkpoint lease", error: String(err) }));
  }
}

