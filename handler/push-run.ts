import { totalsOf } from "./core/aggregate.js";
import type { Config } from "./core/config.js";
import type { Notifier } from "./io/notifier.js";
import { renderReport } from "./core/render.js";
import type { Delivery } from "./core/delivery.js";
import type { RunSummary } from "./core/summary.js";
import { collect } from "./core/collect.js";
import { watchList, type WatchList } from "./core/watch.js";

let cachedWatch: { key: string; list: WatchList } | undefined;

// Push deliveries come many times a minute: build the watch list once per configuration.
export function watchFor(accounts: readonly string[]): WatchList {
  const key = accounts.join(",");
  if (cachedWatch?.key !== key) cachedWatch = { key, list: watchList(accounts) };
  return cachedWatch.list;
}

/** A subscription delivery: the same parse → match → render → post path, with no checkpoint. */
export async function pushRun(
  config: Config,
  delivery: Delivery,
  notifier: () => Promise<Notifier>,
  functionName: string,
  summary: RunSummary,
): Promise<void> {
  const tally = collect(delivery.events, watchFor(config.watchedAccounts), new Set());
  summary.scanned = tally.scanned + delivery.skipped;
  summary.malformed = tally.malformed;
  summary.malformedSamples = [...tally.malformedSamples];
  const messages = renderReport(tally.cashOuts, { functionName, logGroups: [delivery.logGroup], window: null });
  if (messages.length > 0) {
    await (await notifier()).send(messages);
    if (!config.dryRun) summary.notified = messages.length;
  }
  const { count, total } = totalsOf(tally.cashOuts);
  summary.matched = count;
  summary.totalCentavos = total.toString();
}
