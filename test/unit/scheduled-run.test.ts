// scheduledRun with in-memory fakes of its ports (checkpoint store, log source,
// notifier, clock): every failure point, in milliseconds, no AWS and no network.
import { documentFromWatchedAccounts } from "../../handler/core/config-document.js";
import { compileRules, type CompiledRules } from "../../handler/core/rules.js";
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

function rig(opts: { env?: Record<string, string>; stored?: Checkpoint | string; dryRun?: boolean; rules?: CompiledRules } = {}): Rig {
  const config = loadConfig(
    {
      PXSTREAM_LOG_GROUPS: GROUP,
      PXSTREAM_WATCHED_ACCOUNTS: WATCHED,
      PXSTREAM_STATE_BUCKET: "state",
      SLACK_WEBHOOK: "https://hooks.example/x",
      PXSTREAM_DRY_RUN: String(opts.dryRun ?? false),
      ...opts.env,
    },
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
      const checkpoint = config.dryRun
        ? new DryRunCheckpoint(r.store)
        : new LeasedCheckpoint(r.store, { owner: OWNER, now, warn: () => {}, role: "scheduled", pause: async () => {} });
      await scheduledRun({
        config,
        rules: opts.rules ?? compileRules(documentFromWatchedAccounts(config.watchedAccounts), { latenessMs: config.overlapMs }),
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
    // Slack took a message now: push runs that coalesce wait N seconds from it too.
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: T0, lease: null, lastPostAt: T0 });
    // The lease, the claim, an advance per slice (the hour, then its last millisecond), the release.
    expect(r.summary.slices.completed).toBe(2);
    expect(r.store.writes).toHaveLength(5);
  });

  test("a quiet run takes no lease: one write, the advance", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN) });
    await r.run();
    expect(r.summary).toMatchObject({ lease: "not-needed", notified: 0 });
    expect(r.store.writes).toHaveLength(1);
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: T0, lease: null, lastPostAt: null });
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
    // Write 1 takes the lease, write 2 claims; before write 3 (recording the first message) another run takes it over.
    r.store.onWrite = (s, n) => {
      if (n === 3) s.put(encodeCheckpoint(settled(T0 - 5 * MIN, { lease: { owner: "usurper", expiresAt: T0 + HOUR } })));
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

describe("scheduledRun beside push runs, and what the checkpoint remembers", () => {
  const KEY = (id: number): string => `${GROUP}|s1|${id}`;

  test("reports what push runs held back, once, with the window's own CashOuts; held is empty after", async () => {
    const held = {
      timestamp: T0 - MIN,
      logGroup: GROUP,
      account: WATCHED,
      amount: 700,
      transactionId: "HELD",
      receiverKeyMasked: "***.456.789-**",
      requestId: null,
    };
    const r = rig({ stored: settled(T0 - 5 * MIN, { held: { "g|push|9": held } }) });
    r.logs.cashOut("NEW", 300, T0 - 2 * MIN);
    await r.run();
    expect(r.notifier.sent.map((m) => m.text)).toEqual(["Pix CashOut: 2 eventos, R$\u00a010,00"]);
    expect(JSON.stringify(r.notifier.sent[0]?.blocks)).toContain("***.456.789-**");
    expect(r.summary).toMatchObject({ matched: 2, totalCentavos: "1000" });
    expect(r.store.checkpoint?.held).toEqual({});
    expect(Object.keys(r.store.checkpoint?.reported ?? {}).sort()).toEqual([KEY(1), "g|push|9"]);
  });

  test("skips what a live push run is posting; takes over what a dead one claimed", async () => {
    const r = rig({
      stored: settled(T0 - 5 * MIN, {
        claims: { "push-live": { expiresAt: T0 + MIN, keys: [KEY(1)] }, "push-dead": { expiresAt: T0 - 1, keys: [KEY(2)] } },
      }),
    });
    r.logs.cashOut("LIVE", 100, T0 - 2 * MIN);
    r.logs.cashOut("DEAD", 200, T0 - MIN);
    await r.run();
    expect(r.notifier.sent.map((m) => m.text)).toEqual(["Pix CashOut: 1 evento, R$\u00a02,00"]);
    expect(r.summary.duplicates).toBe(1);
    expect(r.store.checkpoint?.claims).toEqual({ "push-live": { expiresAt: T0 + MIN, keys: [KEY(1)] } });
  });

  test("a push run that claims a CashOut while the scheduled run scans: the scheduled run does not post it", async () => {
    const r = rig({ stored: settled(T0 - 5 * MIN) });
    r.logs.cashOut("RACE", 100, T0 - 2 * MIN);
    r.logs.cashOut("MINE", 200, T0 - MIN);
    // Just before the scheduled run's claim lands (write 2), a push run claims RACE.
    let raced = false;
    r.store.onWrite = (s, n) => {
      const cp = s.checkpoint;
      if (n !== 2 || raced || cp === null) return;
      raced = true;
      s.put(encodeCheckpoint({ ...cp, claims: { push: { expiresAt: T0 + MIN, keys: [KEY(1)] } } }));
    };
    await r.run();
    expect(r.notifier.sent.map((m) => m.text)).toEqual(["Pix CashOut: 1 evento, R$\u00a02,00"]);
    expect(r.store.checkpoint?.claims).toEqual({ push: { expiresAt: T0 + MIN, keys: [KEY(1)] } });
  });

  test("a failed first run remembers where its window began; the next, an hour later, reports that whole hour", async () => {
    const r = rig({ env: { PXSTREAM_LOOKBACK_MINUTES: "5", PXSTREAM_SLICE_MINUTES: "120" } });
    r.logs.cashOut("EARLY", 100, T0 - 4 * MIN);
    r.logs.cashOut("LATER", 200, T0 + 30 * MIN);
    r.notifier.refuseFrom = 1;
    await expect(r.run()).rejects.toThrow(/503/);
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: null, firstWindowStart: T0 - 5 * MIN, lease: null, claims: {} });

    // Every run for the next hour fails too; none moves the start.
    r.now = T0 + 30 * MIN;
    await expect(r.run()).rejects.toThrow(/503/);
    expect(r.store.checkpoint?.firstWindowStart).toBe(T0 - 5 * MIN);

    r.now = T0 + HOUR;
    r.notifier.refuseFrom = Infinity;
    const next = rig({ stored: r.store.checkpoint ?? undefined, env: { PXSTREAM_LOOKBACK_MINUTES: "5", PXSTREAM_SLICE_MINUTES: "120" } });
    next.now = T0 + HOUR;
    next.logs.events.push(...r.logs.events);
    await next.run();
    expect(next.summary).toMatchObject({ matched: 2, windowStart: T0 - 5 * MIN });
    expect(next.store.checkpoint).toMatchObject({ scannedUntil: T0 + HOUR, firstWindowStart: null });
  });

  test("a first run that fails before it could take the lease (no webhook) still leaves its window start", async () => {
    const r = rig();
    r.logs.cashOut("A", 100, T0 - MIN);
    const config = r.config;
    const checkpoint = new LeasedCheckpoint(r.store, { owner: OWNER, now: () => T0, warn: () => {}, role: "scheduled", pause: async () => {} });
    await expect(
      scheduledRun({
        config,
        rules: compileRules(documentFromWatchedAccounts(config.watchedAccounts), { latenessMs: config.overlapMs }),
        checkpoint,
        logs: r.logs,
        notifier: async () => {
          throw new Error("ParameterNotFound");
        },
        functionName: "f",
        owner: OWNER,
        remainingMs: () => 600_000,
        now: () => T0,
        summary: r.summary,
      }),
    ).rejects.toThrow(/ParameterNotFound/);
    expect(r.store.checkpoint).toMatchObject({ scannedUntil: null, firstWindowStart: T0 - 5 * MIN, lease: null });
    expect(r.logs.reads).toHaveLength(0);
  });

  test("the overlap raised between runs re-reads nothing de-duplication forgot: no CashOut twice", async () => {
    const r = rig({ env: { PXSTREAM_OVERLAP_MINUTES: "1", PXSTREAM_LOOKBACK_MINUTES: "60" } });
    r.logs.cashOut("OLD", 100, T0 - 10 * MIN);
    await r.run();
    expect(r.notifier.reported).toBe(1);
    // OLD is past the 1-minute reach: its key is gone from the checkpoint.
    expect(r.store.checkpoint?.reported).toEqual({});

    const raised = rig({ stored: r.store.checkpoint ?? undefined, env: { PXSTREAM_OVERLAP_MINUTES: "60" } });
    raised.now = T0 + 1000;
    raised.logs.events.push(...r.logs.events);
    await raised.run();
    expect(raised.notifier.sent).toHaveLength(0);
    expect(raised.summary.windowStart).toBe(T0 - MIN);
  });
});
