// scheduledRun with in-memory fakes of its ports (checkpoint store, log source,
// notifier, clock): every failure point, in milliseconds, no AWS and no network.
import { describe, expect, test } from "vitest";
import { encodeCheckpoint, EMPTY_CHECKPOINT, type Checkpoint } from "../../handler/core/checkpoint.js";
import { loadConfig, type Config } from "../../handler/core/config.js";
import { newSummary, type RunSummary } from "../../handler/core/summary.js";
import { DryRunCheckpoint, LeasedCheckpoint, LeaseLostError } from "../../handler/io/leased-checkpoint.js";
import { SlackError } from "../../handler/io/slack.js";
import { scheduledRun } from "../../handler/scheduled-run.js";
import { T0 } from "./fixtures.js";
import { GROUP, MemoryLogs, MemoryNotifier, MemoryStore, WATCHED } from "./run-fakes.js";
const MIN = 60_000;
const HOUR = 60 * MIN;
const OWNER = "run-under-test";

interface Rig {
  readonly store: MemoryStore;
  readonly logs: MemoryLogs;
  readonly notifier: MemoryNotifier;
  readonly summary: RunSummary;
  readonly config: Config;
  now: number;
  remaining: () => number;
  run(): Promise<void>;
}

function rig(opts: { env?: Record<string, string>; stored?: Checkpoint | string; dryRun?: boolean } = {}): Rig {
  const config = loadConfig(
    { PXSTREAM_LOG_GROUPS: GROUP, PXSTREAM_WATCHED_ACCOUNTS: WATCHED, PXSTREAM_STATE_BUCKET: "state", SLACK_WEBHOOK: "https://hooks.example/x", PXSTREAM_DRY_RUN: String(opts.dryRun ?? false), ...opts.env },
    "scheduled",
  );
  const stored = opts.stored === undefined ? undefined : typeof opts.stored === "string" ? opts.stored : encodeCheckpoint(opts.stored);
  const r: Rig = {
    store: new MemoryStore(stored),
    logs: new MemoryLogs(),
    notifier: new MemoryNotifier(),
    summary: newSummary("scheduled", config.dryRun),
    config,
    now: T0,
    remaining: () => 600_000,
    async run() {
      const now = (): number => r.now;
      const checkpoint = config.dryRun ? new DryRunCheckpoint(r.store) : new LeasedCheckpoint(r.store, { owner: OWNER, now, warn: () => {} });
      await scheduledRun({
        config,
        checkpoint,
        logs: r.logs,
        notifier: async () => r.notifier,
        functionName: "pxstream-unit",
        owner: OWNER,
        remainingMs: () => r.remaining(),
        now,
        summary: r.summary,
      });
    },
  };
  return r;
}

const settled = (scannedUntil: number, over: Partial<Checkpoint> = {}): Checkpoint => ({ ...EMPTY_CHECKPOINT, scannedUntil, ...over });

const EVERY_ACCOUNT = { PXSTREAM_WATCHED_ACCOUNTS: "*" };

/** Enough accounts with long names that one window needs two messages (Block Kit's 50 blocks). */
function manyAccounts(logs: MemoryLogs, n: number, at: number): string[] {
  const accounts = Array.from({ length: n }, (_, i) => `${WATCHED}${String(i).padStart(50, "0")}`);
  for (const [i, a] of accounts.entries()) logs.cashOut(`M${i}`, 100, at + i, a);
  return accounts;
}

describe("scheduledRun: the steps", () => {
  test("first run: scans the lookback, posts once, advances and gives the lease back", async () => {
    const r = rig({ env: { PXSTREAM_LOOKBACK_MINUTES: "60" } });
    r.logs.cashOut("A", 1000, T0 - 30 * MIN);
    r.logs.cashOut("B", 500, T0 - 10 * MIN);
    r.logs.cashOut("OTHER", 9, T0 - 5 * MIN, "999");

    await r.run();

    expect(r.notifier.sent.map((m) => m.text)).toEqual(["Pix CashOut: 2 eventos, R$\u00a015,00"]);
    expect(r.summary).toMatchObject({ scanned: 3, matched: 2, notified: 1, lease: "acquired", windowStart: T0 - HOUR, windowEnd: T0, totalCentavos: "1500" });
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: T0, lease: null });
    // The lease, an advance per slice (the hour, then its last millisecond), the release.
    expect(r.summary.slices.completed).toBe(2);
    expect(r.store.writes).toHaveLength(4);
  });

  test("a quiet run takes no lease: one write, the advance", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN) });
    await r.run();
    expect(r.summary).toMatchObject({ lease: "not-needed", notified: 0 });
    expect(r.store.writes).toHaveLength(1);
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: T0, lease: null });
  });

  test("what an earlier run reported is skipped", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN, { reported: { [`${GROUP}|s1|1`]: T0 - 2 * MIN } }) });
    r.logs.cashOut("SEEN", 1000, T0 - 2 * MIN);
    r.logs.cashOut("NEW", 2000, T0 - MIN);
    await r.run();
    expect(r.summary).toMatchObject({ matched: 1, duplicates: 1, notified: 1 });
    expect(r.notifier.sent[0]?.text).toBe("Pix CashOut: 1 evento, R$\u00a020,00");
  });

  test("dry run: renders, posts nothing, writes nothing", async () => {
    const r = rig({ dryRun: true, stored: settled(T0 - 5 * MIN) });
    r.logs.cashOut("D", 1000, T0 - MIN);
    await r.run();
    expect(r.summary).toMatchObject({ matched: 1, notified: 0, lease: "dry-run" });
    expect(r.notifier.sent).toHaveLength(1);
    expect(r.store.writes).toHaveLength(0);
  });
});

describe("scheduledRun: failure points", () => {
  test("another run's live lease: leaves before reading any log, object untouched", async () => {
    const stored = settled(T0 - 5 * MIN, { lease: { owner: "other", expiresAt: T0 + MIN } });
    const r = rig({ stored });
    r.logs.cashOut("A", 1000, T0 - MIN);
    const before = r.store.body;
    await r.run();
    expect(r.summary).toMatchObject({ lease: "held-by-other", scanned: 0, notified: 0 });
    expect(r.logs.reads).toHaveLength(0);
    expect(r.store.body).toBe(before);
  });

  test("lease lost at acquire: another run took it between read and write; nothing posted", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN) });
    r.logs.cashOut("A", 1000, T0 - MIN);
    r.store.onWrite = (s, n) => {
      if (n === 1) s.put(encodeCheckpoint(settled(T0 - 5 * MIN, { lease: { owner: "other", expiresAt: T0 + MIN } })));
    };
    await r.run();
    expect(r.summary).toMatchObject({ lease: "lost", notified: 0 });
    expect(r.notifier.sent).toHaveLength(0);
    expect(r.store.checkpoint?.lease?.owner).toBe("other");
  });

  test("a quiet window whose advance meets another run's lease: leaves without writing over it", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN) });
    r.store.onWrite = (s, n) => {
      if (n === 1) s.put(encodeCheckpoint(settled(T0 - 5 * MIN, { lease: { owner: "other", expiresAt: T0 + MIN } })));
    };
    await r.run();
    expect(r.summary.lease).toBe("lost");
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: T0 - 5 * MIN, lease: { owner: "other" } });
  });

  test("write conflict mid-run, the lease taken over: fails, names the risk, leaves the other run's lease alone", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN), env: EVERY_ACCOUNT });
    const accounts = manyAccounts(r.logs, 1500, T0 - 4 * MIN);
    // Write 1 takes the lease; before write 2 (recording the first message) another run takes it over.
    r.store.onWrite = (s, n) => {
      if (n === 2) s.put(encodeCheckpoint(settled(T0 - 5 * MIN, { lease: { owner: "usurper", expiresAt: T0 + HOUR } })));
    };
    const err = await r.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LeaseLostError);
    expect(String(err)).toMatch(/changed while this run held its lease/);
    expect(r.notifier.sent).toHaveLength(1);
    expect(accounts.length).toBeGreaterThan(r.notifier.sent[0]?.count ?? 0);
    expect(r.store.checkpoint?.lease?.owner).toBe("usurper");
  });

  test("write conflict mid-run by a writer that kept the lease: re-read, re-applied, nobody's entries lost", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN) });
    r.logs.cashOut("A", 1000, T0 - MIN);
    // Between the lease and the advance, another writer adds a reported key and keeps this run's lease.
    let interfered = false;
    r.store.onWrite = (s, n) => {
      if (n !== 2 || interfered) return;
      interfered = true;
      const cp = s.checkpoint;
      if (cp !== null) s.put(encodeCheckpoint({ ...cp, reported: { ...cp.reported, "g|s|other": T0 - 30_000 } }));
    };
    await r.run();
    expect(r.summary).toMatchObject({ lease: "acquired", notified: 1 });
    const cp = r.store.checkpoint;
    expect(cp?.scannedUntil).toBe(T0);
    expect(cp?.lease).toBeNull();
    expect(Object.keys(cp?.reported ?? {}).sort()).toEqual([`${GROUP}|s1|1`, "g|s|other"]);
  });

  test("Slack fails after some messages: what it accepted is recorded, the next run sends only the rest", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN), env: EVERY_ACCOUNT });
    const accounts = manyAccounts(r.logs, 1500, T0 - 4 * MIN);
    r.notifier.refuseFrom = 2;

    await expect(r.run()).rejects.toThrow(/Slack answered 503/);

    const first = r.notifier.sent.slice();
    expect(first).toHaveLength(1);
    const cp = r.store.checkpoint;
    expect(cp).toMatchObject({ scannedUntil: T0 - 5 * MIN, lease: null });
    expect(Object.keys(cp?.reported ?? {})).toHaveLength(first[0]?.count ?? -1);

    // The next run (Slack back) reports only what the first could not.
    r.notifier.refuseFrom = Infinity;
    r.notifier.sent.length = 0;
    const next = rig({ stored: cp ?? undefined, env: EVERY_ACCOUNT });
    next.logs.events.push(...r.logs.events);
    await next.run();
    expect((first[0]?.count ?? 0) + next.notifier.reported).toBe(accounts.length);
    expect(next.summary.duplicates).toBe(first[0]?.count);
  });

  test("Slack fails on the first message: the checkpoint is what it was, byte for byte", async () => {
    const stored = settled(T0 - 5 * MIN);
    const r = rig({ stored });
    r.logs.cashOut("A", 1000, T0 - MIN);
    r.notifier.refuseFrom = 1;
    await expect(r.run()).rejects.toThrow(SlackError);
    expect(r.store.body).toBe(encodeCheckpoint(stored));
  });

  test("the deadline: no slice starts under the reserve; the finished ones are checkpointed", async () => {
    const r = rig({ stored: settled(T0 - 3 * HOUR), env: { PXSTREAM_SLICE_MINUTES: "60" } });
    r.logs.cashOut("S1", 100, T0 - 3 * HOUR + MIN);
    r.logs.cashOut("S3", 300, T0 - 10 * MIN);
    // Plenty of time until the first message is out, then 5 s: under the 15 s reserve.
    r.remaining = () => (r.notifier.sent.length === 0 ? 600_000 : 5_000);
    await r.run();
    expect(r.summary.slices).toMatchObject({ planned: 4, completed: 1, pending: 3 });
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: r.summary.windowEnd, lease: null });
    expect(r.summary.windowEnd).toBe(T0 - 3 * HOUR - 15 * MIN + HOUR - 1);
  });

  test("a corrupt checkpoint is refused before anything is read or written", async () => {
    const r = rig({ stored: '{"version":1,"scannedUntil":"x"}' });
    await expect(r.run()).rejects.toThrow(/corrupt/);
    expect(r.logs.reads).toHaveLength(0);
    expect(r.store.writes).toHaveLength(0);
  });
});
