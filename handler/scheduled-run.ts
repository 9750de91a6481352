import { totalsOf } from "./core/aggregate.js";
import type { CashOut } from "./core/cash-out.js";
import { leasedByOther } from "./core/checkpoint.js";
import { collect, combine, NOTHING_COLLECTED, type Collected } from "./core/collect.js";
import type { Config } from "./core/config.js";
import type { LogEvent } from "./core/log-event.js";
import { planRun, type TimeWindow } from "./core/plan.js";
import { renderGapWarning, renderMatches, type ReportContext, type ReportItem, type SlackMessage } from "./core/render.js";
import { evaluateForRun, type CompiledRules, type RunEvaluation } from "./core/rules.js";
import type { RunSummary } from "./core/summary.js";
import { watchList, type WatchList } from "./core/watch.js";
import type { RunCheckpoint } from "./io/leased-checkpoint.js";
import type { Notifier } from "./io/notifier.js";

/** Where the log events come from: every event of a log group in a window, a page at a time. */
export interface LogSource {
  read(logGroup: string, window: TimeWindow): AsyncIterable<readonly LogEvent[]>;
}

export interface ScheduledDeps {
  readonly config: Config;
  /** What to report (core/rules.ts): the watch list is every account some rule can match. */
  readonly rules: CompiledRules;
  readonly checkpoint: RunCheckpoint;
  readonly logs: LogSource;
  /** Resolved once the run knows it may post (a missing webhook fails before any log is read). */
  readonly notifier: () => Promise<Notifier>;
  readonly functionName: string;
  /** This invocation's id: the lease's owner. */
  readonly owner: string;
  readonly remainingMs: () => number;
  readonly now: () => number;
  readonly summary: RunSummary;
}

/** Below this much time left, no new slice starts (the last one must still post and checkpoint). */
function reserveMs(initialRemaining: number): number {
  return Math.max(15_000, initialRemaining * 0.3);
}

/**
 * A scheduled run: read the checkpoint, then for each slice of the window,
 * oldest first: scan → render → send and record → advance. The checkpoint's
 * lease (taken before the first post) keeps two runs from posting the same CashOut.
 */
export async function scheduledRun(d: ScheduledDeps): Promise<void> {
  const { config, checkpoint, summary } = d;
  const initialRemaining = d.remainingMs();
  const start = await checkpoint.open();
  if (leasedByOther(start, d.owner, d.now())) {
    summary.lease = "held-by-other";
    return;
  }
  const plan = planRun({
    now: d.now(),
    scannedUntil: start.scannedUntil,
    firstWindowStart: start.firstWindowStart,
    dedupFrom: start.dedupFrom,
    lookbackMs: config.lookbackMs,
    overlapMs: config.overlapMs,
    sliceMs: config.sliceMs,
    maxCatchUpMs: config.maxCatchUpMs,
  });
  // On a first run, where its window begins: a run that fails leaves it for the next one.
  const firstWindowStart = start.scannedUntil === null ? (plan.slices[0]?.start ?? null) : null;
  summary.slices.planned = plan.slices.length;
  summary.unscanned = plan.gap;
  const watch = watchList(d.rules.watchAccounts);
  const leaseUntil = (): number => d.now() + d.remainingMs() + 5_000;
  let total = 0n;

  try {
    // Fail on a missing or unreadable webhook before anything is read or posted.
    const notifier = await d.notifier();
    for (const [i, slice] of plan.slices.entries()) {
      if (i > 0 && d.remainingMs() < reserveMs(initialRemaining)) {
        summary.slices.pending = plan.slices.length - i;
        break;
      }
      const unavailable = checkpoint.unavailable();
      const found = await scan(d.logs, config.logGroups, slice, watch, unavailable);
      countScan(summary, found);
      // The rules decide what of the slice is reported; their state goes into the checkpoint with the keys.
      const evaluation = evaluateForRun(d.rules, found.cashOuts, checkpoint.state.rules, (k) => unavailable.has(k), slice.end);
      countRules(summary, evaluation);
      // The first slice also reports what push runs held back or could not post.
      const withHeld = i === 0 && Object.keys(checkpoint.state.held).length > 0;
      const gap = i === 0 ? plan.gap : null;

      let mine: readonly CashOut[] = [];
      if (evaluation.cashOuts.length > 0 || withHeld || gap !== null) {
        if (!checkpoint.holdsLease) {
          summary.lease = await checkpoint.acquire(leaseUntil(), firstWindowStart);
          if (summary.lease === "lost") return;
        }
        // A push run may have taken some of them since the scan: only what this run claimed is its to post.
        mine = (await checkpoint.claim(evaluation.cashOuts, leaseUntil(), { withHeld })).mine;
        const claimed = new Set(mine.map((c) => c.key));
        summary.duplicates += evaluation.cashOuts.filter((c) => !claimed.has(c.key)).length;
      }

      const ctx = reportContext(d.rules, { functionName: d.functionName, logGroups: config.logGroups, window: slice });
      const messages = renderMatches(reportItems(mine, evaluation), ctx);
      if (gap !== null) messages.unshift(renderGapWarning(gap, ctx));
      await sendAndRecord(messages, mine, notifier, checkpoint, summary, config.dryRun, evaluation);

      const sliceTotals = totalsOf(mine);
      summary.matched += sliceTotals.count;
      total += sliceTotals.total;
      summary.totalCentavos = total.toString();
      summary.windowStart ??= slice.start;
      summary.windowEnd = slice.end;
      summary.slices.completed++;

      if (!(await checkpoint.advance(slice.end, mine, config.overlapMs, evaluation.update()))) {
        summary.lease = "lost";
        return;
      }
    }
    await checkpoint.release();
  } catch (err) {
    await checkpoint.abandon({ firstWindowStart });
    throw err;
  } finally {
    const until = checkpoint.state.scannedUntil;
    if (until !== null) summary.cursorLagSeconds = Math.max(0, Math.round((d.now() - until) / 1000));
  }
}

/** Every new watched CashOut of the log groups in one window (`unavailable`: keys to skip). */
async function scan(logs: LogSource, groups: readonly string[], window: TimeWindow, watch: WatchList, unavailable: ReadonlySet<string>): Promise<Collected> {
  const seen = new Set(unavailable);
  let found = NOTHING_COLLECTED;
  for (const group of groups) {
    for await (const page of logs.read(group, window)) {
      const got = collect(page, watch, seen);
      for (const c of got.cashOuts) seen.add(c.key);
      found = combine(found, got);
    }
  }
  return found;
}

function countScan(summary: RunSummary, found: Collected): void {
  summary.scanned += found.scanned;
  summary.malformed += found.malformed;
  summary.duplicates += found.duplicates;
  for (const s of found.malformedSamples) if (summary.malformedSamples.length < 5) summary.malformedSamples.push(s);
}

/**
 * Sends the messages in order. After each one Slack accepted, its CashOuts are
 * recorded before the next is sent, so a failure there repeats nothing; the last
 * message's go in with the window's advance (one write fewer).
 */
async function sendAndRecord(
  messages: readonly SlackMessage[],
  cashOuts: readonly CashOut[],
  notifier: Notifier,
  checkpoint: RunCheckpoint,
  summary: RunSummary,
  dryRun: boolean,
  evaluation: RunEvaluation,
): Promise<void> {
  const sent = new Set<string>();
  for (const [n, message] of messages.entries()) {
    await notifier.send([message]);
    if (!dryRun) summary.notified++;
    const keys = new Set(message.keys ?? []);
    for (const k of keys) sent.add(k);
    if (n === messages.length - 1 || keys.size === 0) continue;
    // The rule state goes with the keys: what Slack has not taken yet stays to be reported.
    await checkpoint.recordSent(
      cashOuts.filter((c) => keys.has(c.key)),
      evaluation.update(new Set(sent)),
    );
  }
}

/** What a slice reports and why: its matches, and the CashOuts push runs held back (with the rules that matched them then). */
export function reportItems(mine: readonly CashOut[], evaluation: RunEvaluation): ReportItem[] {
  const byKey = new Map(evaluation.matches.map((m) => [m.cashOut.key, m]));
  return mine.map((c) => byKey.get(c.key) ?? { cashOut: c, rules: c.matched?.rules ?? [], mentions: c.matched?.mentions ?? [] });
}

/** Labels beside accounts, and the rules by name when the document has rules. */
export function reportContext(rules: CompiledRules, base: ReportContext): ReportContext {
  const withLabels = { ...base, labels: rules.labels };
  return rules.explicit ? { ...withLabels, rules: rules.rules } : withLabels;
}

export function countRules(summary: RunSummary, e: RunEvaluation): void {
  summary.ruleStateForgotten += e.forgotten.windowEntries + e.forgotten.pending + e.forgotten.receivers;
  if (e.stateProblem !== null) summary.ruleStateProblem = e.stateProblem;
}
