import { totalsOf } from "./core/aggregate.js";
import type { CashOut } from "./core/cash-out.js";
import { collect } from "./core/collect.js";
import type { Config } from "./core/config.js";
import type { Delivery } from "./core/delivery.js";
import { renderMatches } from "./core/render.js";
import { evaluateForRun, type CompiledRules } from "./core/rules.js";
import type { RunSummary } from "./core/summary.js";
import { type WatchList, watchList } from "./core/watch.js";
import type { RunCheckpoint } from "./io/leased-checkpoint.js";
import type { Notifier } from "./io/notifier.js";
import { countRules, reportContext, reportItems } from "./scheduled-run.js";

let cachedWatch: { accounts: readonly string[]; key: string; list: WatchList } | undefined;

// Push deliveries come many times a minute: build the watch list once per configuration
// (the compiled rules keep one array per document: compared by identity first, thousands of accounts are not joined per delivery).
export function watchFor(accounts: readonly string[]): WatchList {
  if (cachedWatch?.accounts === accounts) return cachedWatch.list;
  const key = accounts.join(",");
  if (cachedWatch?.key !== key) cachedWatch = { accounts, key, list: watchList(accounts) };
  else cachedWatch = { ...cachedWatch, accounts };
  return cachedWatch.list;
}

export interface PushDeps {
  readonly config: Config;
  /** What to report (core/rules.ts): the watch list is every account some rule can match. */
  readonly rules: CompiledRules;
  readonly delivery: Delivery;
  /**
   * The shared checkpoint (role "push") when a state bucket is set; otherwise an
   * in-memory twin, and the run alerts on the delivery as it stands.
   */
  readonly checkpoint: RunCheckpoint;
  /** False without a state bucket: nothing to read, nothing to hold, nothing to record. */
  readonly shared: boolean;
  readonly notifier: () => Promise<Notifier>;
  readonly functionName: string;
  readonly remainingMs: () => number;
  readonly now: () => number;
  readonly summary: RunSummary;
}

/**
 * A subscription delivery: parse → match → (with a state bucket) claim what no
 * other run reported, holds or is posting, or hold it back when coalescing →
 * render → send and record. A failure puts the CashOuts it could not post into
 * the checkpoint's held set, for the next run.
 */
export async function pushRun(d: PushDeps): Promise<void> {
  const { config, delivery, checkpoint, summary } = d;
  const tally = collect(delivery.events, watchFor(d.rules.watchAccounts), new Set());
  summary.scanned = tally.scanned + delivery.skipped;
  summary.malformed = tally.malformed;
  summary.duplicates = tally.duplicates;
  summary.malformedSamples = [...tally.malformedSamples];
  // A delivery with nothing watched in it reads no state: most deliveries are other accounts' CashOuts.
  if (tally.cashOuts.length === 0) return;

  let unavailable: ReadonlySet<string> = new Set();
  if (d.shared) {
    await checkpoint.open();
    unavailable = checkpoint.unavailable();
  }
  const fresh = tally.cashOuts.filter((c) => !unavailable.has(c.key));
  if (d.shared && fresh.length === 0 && Object.keys(checkpoint.state.held).length === 0) {
    summary.duplicates += tally.cashOuts.length;
    return;
  }
  // The rules decide what of the delivery is reported (without a state bucket they see this delivery alone).
  const evaluation = evaluateForRun(d.rules, fresh, checkpoint.state.rules, (k) => unavailable.has(k), d.now());
  countRules(summary, evaluation);
  let mine: readonly CashOut[] = evaluation.cashOuts;
  if (d.shared) {
    if (evaluation.cashOuts.length === 0 && Object.keys(checkpoint.state.held).length === 0) {
      // Nothing to post, but the stateful rules remember this delivery (window members, receivers paid).
      if (d.rules.stateful && !config.dryRun) await checkpoint.recordSent([], evaluation.update());
      return;
    }
    const outcome = await checkpoint.claim(evaluation.cashOuts, d.now() + d.remainingMs() + 5_000, { withHeld: true, coalesceMs: config.pushCoalesceMs });
    mine = outcome.mine;
    summary.held = outcome.held;
    const taken = new Set(mine.map((c) => c.key));
    // Whatever the rules matched that this run neither posts nor holds, another run reported, holds or is posting.
    summary.duplicates += tally.cashOuts.length - fresh.length + evaluation.cashOuts.filter((c) => !taken.has(c.key)).length - outcome.held;
    if (mine.length === 0) {
      // Held back (coalescing) or taken by another run: the matches are on their way, the rule state goes in now.
      if (d.rules.stateful && !config.dryRun) await checkpoint.recordSent([], evaluation.update());
      return;
    }
  }
  if (mine.length === 0) return;

  // Held CashOuts may come from other log groups: the footer names every group the message reports.
  const logGroups = [...new Set([delivery.logGroup, ...mine.map((c) => c.logGroup)])].filter((g) => g !== "");
  const messages = renderMatches(reportItems(mine, evaluation), reportContext(d.rules, { functionName: d.functionName, logGroups, window: null }));
  const notifier = await d.notifier().catch(async (err: unknown) => {
    await checkpoint.abandon({ hold: mine });
    throw err;
  });
  const sent = new Set<string>();
  try {
    for (const message of messages) {
      await notifier.send([message]);
      if (!config.dryRun) summary.notified++;
      const keys = new Set(message.keys ?? []);
      const accepted = mine.filter((c) => keys.has(c.key));
      for (const c of accepted) sent.add(c.key);
      // The rule state goes with the keys Slack took (the last message's write carries all of it).
      await checkpoint.recordSent(accepted, evaluation.update(new Set(sent)));
    }
  } catch (err) {
    // Slack did not take them: they wait in the checkpoint (masked) for the next run, push or scheduled.
    await checkpoint.abandon({ hold: mine.filter((c) => !sent.has(c.key)) });
    throw err;
  }
  const { count, total } = totalsOf(mine);
  summary.matched = count;
  summary.totalCentavos = total.toString();
}
