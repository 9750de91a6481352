// pushRun with in-memory fakes: the shared checkpoint (claims, records, holds),
// coalescing, a failed delivery, a race with another run, no bucket at all.
import { documentFromWatchedAccounts } from "../../handler/core/config-document.js";
import { compileRules } from "../../handler/core/rules.js";
import { describe, expect, test } from "vitest";
import { encodeCheckpoint, EMPTY_CHECKPOINT, type Checkpoint } from "../../handler/core/checkpoint.js";
import { loadConfig } from "../../handler/core/config.js";
import type { LogEvent } from "../../handler/core/log-event.js";
import { newSummary, type RunSummary } from "../../handler/core/summary.js";
import { DryRunCheckpoint, LeasedCheckpoint } from "../../handler/io/leased-checkpoint.js";
import { pushRun } from "../../handler/push-run.js";
import { pixLine } from "../support/pix-lines.js";
import { T0 } from "./fixtures.js";
import { GROUP, MemoryNotifier, MemoryStore, WATCHED } from "./run-fakes.js";

const STREAM = "2026/11/27/[$LATEST]abc";
const CPF = "123.456.789-09";

function event(id: string, amount: number, timestamp = T0): LogEvent {
  return { logGroup: GROUP, logStream: STREAM, id, timestamp, message: pixLine({ account: WATCHED, amount, transactionId: `tx-${id}`, receiverKey: CPF }) };
}

interface PushRig {
  readonly store: MemoryStore;
  readonly notifier: MemoryNotifier;
  now: number;
  /** One delivery, as invocation `owner`; returns its summary. */
  deliver(events: readonly LogEvent[], owner?: string): Promise<RunSummary>;
}

function pushRig(opts: { coalesceSeconds?: number; bucket?: boolean; stored?: Checkpoint } = {}): PushRig {
  const env: Record<string, string> = {
    PXSTREAM_LOG_GROUPS: GROUP,
    PXSTREAM_WATCHED_ACCOUNTS: WATCHED,
    SLACK_WEBHOOK: "https://hooks.example/x",
    PXSTREAM_PUSH_COALESCE_SECONDS: String(opts.coalesceSeconds ?? 0),
  };
  if (opts.bucket ?? true) env.PXSTREAM_STATE_BUCKET = "state";
  const config = loadConfig(env, "push");
  let serial = 0;
  const r: PushRig = {
    store: new MemoryStore(opts.stored === undefined ? undefined : encodeCheckpoint(opts.stored)),
    notifier: new MemoryNotifier(),
    now: T0,
    async deliver(events, owner) {
      serial++;
      const summary = newSummary("push", false);
      const now = (): number => r.now;
      const shared = config.stateBucket !== undefined;
      const checkpoint = shared
        ? new LeasedCheckpoint(r.store, { owner: owner ?? `push-${serial}`, now, warn: () => {}, role: "push", pause: async () => {} })
        : new DryRunCheckpoint(null);
      await pushRun({
        config,
        rules: compileRules(documentFromWatchedAccounts(config.watchedAccounts), { latenessMs: config.overlapMs }),
        delivery: { logGroup: GROUP, events: [...events], skipped: 0 },
        checkpoint,
        shared,
        notifier: async () => r.notifier,
        functionName: "pxstream-unit",
        remainingMs: () => 60_000,
        now,
        summary,
      });
      return summary;
    },
  };
  return r;
}

describe("pushRun with a state bucket", () => {
  test("records what Slack accepted under group|stream|eventId; the same delivery again posts nothing", async () => {
    const r = pushRig();
    const first = await r.deliver([event("1", 100), event("2", 200)]);
    expect(first).toMatchObject({ matched: 2, notified: 1, duplicates: 0 });
    expect(Object.keys(r.store.checkpoint?.reported ?? {})).toEqual([`${GROUP}|${STREAM}|1`, `${GROUP}|${STREAM}|2`]);
    expect(r.store.checkpoint?.claims).toEqual({});

    const again = await r.deliver([event("1", 100), event("2", 200)]);
    expect(again).toMatchObject({ matched: 0, notified: 0, duplicates: 2 });
    expect(r.notifier.sent).toHaveLength(1);
  });

  test("a delivery with no watched CashOut reads and writes nothing", async () => {
    const r = pushRig();
    const other: LogEvent = { ...event("9", 1), message: pixLine({ account: "999", amount: 1, transactionId: "x" }) };
    await r.deliver([other]);
    expect(r.store.writes).toHaveLength(0);
    expect(r.store.body).toBeNull();
  });

  test("Slack down: the CashOuts wait in the checkpoint, masked; the next delivery posts them with its own, once", async () => {
    const r = pushRig();
    r.notifier.refuseFrom = 1;
    await expect(r.deliver([event("1", 100)])).rejects.toThrow(/503/);
    const cp = r.store.checkpoint;
    expect(Object.keys(cp?.held ?? {})).toEqual([`${GROUP}|${STREAM}|1`]);
    expect(cp?.claims).toEqual({});
    expect(r.store.body).not.toContain(CPF);
    expect(r.store.body).toContain("***.456.789-**");

    r.notifier.refuseFrom = Infinity;
    const next = await r.deliver([event("2", 200)]);
    expect(next).toMatchObject({ matched: 2, notified: 1 });
    expect(r.notifier.sent.map((m) => m.text)).toEqual(["Pix CashOut: 2 eventos, R$\u00a03,00"]);
    expect(JSON.stringify(r.notifier.sent[0]?.blocks)).toContain("***.456.789-**");
    expect(r.store.checkpoint?.held).toEqual({});
    // And a Lambda retry of the failed delivery finds them reported.
    expect(await r.deliver([event("1", 100)])).toMatchObject({ notified: 0, duplicates: 1 });
  });

  test("coalescing: a push within N seconds of the last holds back; the first one N seconds later posts everything held", async () => {
    const r = pushRig({ coalesceSeconds: 60 });
    expect(await r.deliver([event("1", 100)])).toMatchObject({ notified: 1, held: 0 });
    r.now = T0 + 5_000;
    expect(await r.deliver([event("2", 200)])).toMatchObject({ notified: 0, held: 1, matched: 0 });
    r.now = T0 + 30_000;
    expect(await r.deliver([event("3", 300), event("2", 200)])).toMatchObject({ notified: 0, held: 1, duplicates: 1 });
    expect(r.notifier.sent).toHaveLength(1);
    expect(r.store.body).not.toContain(CPF);

    r.now = T0 + 61_000;
    expect(await r.deliver([event("4", 400)])).toMatchObject({ notified: 1, matched: 3 });
    expect(r.notifier.sent.map((m) => m.count)).toEqual([1, 3]);
    expect(r.store.checkpoint?.held).toEqual({});
  });

  test("coalescing counts a scheduled run's message too: a push within N seconds of it holds back", async () => {
    const r = pushRig({ coalesceSeconds: 60, stored: { ...EMPTY_CHECKPOINT, lastPostAt: T0 - 10_000 } });
    expect(await r.deliver([event("1", 100)])).toMatchObject({ notified: 0, held: 1 });
    r.now = T0 + 50_001;
    expect(await r.deliver([event("2", 200)])).toMatchObject({ notified: 1, matched: 2 });
  });

  test("a race: another run claims the same CashOut between this run's read and write; it is posted once, by the other", async () => {
    const r = pushRig();
    let raced = false;
    r.store.onWrite = (s) => {
      if (raced) return;
      raced = true;
      s.put(encodeCheckpoint({ ...EMPTY_CHECKPOINT, claims: { scheduled: { expiresAt: T0 + 60_000, keys: [`${GROUP}|${STREAM}|1`] } } }));
    };
    const summary = await r.deliver([event("1", 100), event("2", 200)]);
    expect(summary).toMatchObject({ matched: 1, notified: 1, duplicates: 1 });
    expect(r.notifier.sent[0]?.text).toBe("Pix CashOut: 1 evento, R$\u00a02,00");
    // The other run's claim is still there: nothing of it was lost in the re-applied write.
    expect(r.store.checkpoint?.claims).toEqual({ scheduled: { expiresAt: T0 + 60_000, keys: [`${GROUP}|${STREAM}|1`] } });
  });

  test("a scheduled run's lease does not stop a push run (push writes through it, keeping it)", async () => {
    const lease = { owner: "scheduled", expiresAt: T0 + 60_000 };
    const r = pushRig({ stored: { ...EMPTY_CHECKPOINT, scannedUntil: T0 - 60_000, lease } });
    expect(await r.deliver([event("1", 100)])).toMatchObject({ notified: 1 });
    expect(r.store.checkpoint?.lease).toEqual(lease);
  });
});

describe("pushRun without a state bucket", () => {
  test("alerts on the delivery as it stands, every time (nothing to remember it by)", async () => {
    const r = pushRig({ bucket: false, coalesceSeconds: 60 });
    expect(await r.deliver([event("1", 100)])).toMatchObject({ matched: 1, notified: 1, held: 0 });
    expect(await r.deliver([event("1", 100)])).toMatchObject({ matched: 1, notified: 1 });
    expect(r.store.writes).toHaveLength(0);
  });
});
