// The scheduled run with stateful rules, over the in-memory fakes of its ports:
// the rule state goes into the checkpoint with the keys it belongs to.
import { describe, expect, test } from "vitest";
import { EMPTY_CHECKPOINT, encodeCheckpoint, type Checkpoint } from "../../handler/core/checkpoint.js";
import { validateConfigDocument } from "../../handler/core/config-document.js";
import { loadConfig } from "../../handler/core/config.js";
import { compileRules, decodeMembers, decodeRuleState, type CompiledRules } from "../../handler/core/rules.js";
import { newSummary, type RunSummary } from "../../handler/core/summary.js";
import { LeasedCheckpoint } from "../../handler/io/leased-checkpoint.js";
import { pushRun } from "../../handler/push-run.js";
import { scheduledRun } from "../../handler/scheduled-run.js";
import { pixLine } from "../support/pix-lines.js";
import { T0 } from "./fixtures.js";
import { GROUP, MemoryLogs, MemoryNotifier, MemoryStore } from "./run-fakes.js";

const MIN = 60_000;
const ENV = { PXSTREAM_LOG_GROUPS: GROUP, PXSTREAM_STATE_BUCKET: "state", SLACK_WEBHOOK: "https://hooks.example/x", PXSTREAM_CONFIG: "{}" };

function rulesOf(doc: unknown): CompiledRules {
  const r = validateConfigDocument(doc);
  if (!r.ok) throw new Error(r.problems.join("; "));
  return compileRules(r.document, { latenessMs: 15 * MIN });
}

async function run(store: MemoryStore, logs: MemoryLogs, notifier: MemoryNotifier, rules: CompiledRules): Promise<RunSummary> {
  const config = loadConfig({ ...ENV, PXSTREAM_CONFIG: JSON.stringify({ rules: [{ name: "x", accounts: "*" }] }) }, "scheduled");
  const summary = newSummary("scheduled", false);
  const checkpoint = new LeasedCheckpoint(store, { owner: "rules-under-test", now: () => T0, warn: () => {}, role: "scheduled", pause: async () => {} });
  await scheduledRun({
    config,
    rules,
    checkpoint,
    logs,
    notifier: async () => notifier,
    functionName: "f",
    owner: "rules-under-test",
    remainingMs: () => 600_000,
    now: () => T0,
    summary,
  });
  return summary;
}

const settled = (at: number): Checkpoint => ({ ...EMPTY_CHECKPOINT, scannedUntil: at });

describe("scheduled runs with stateful rules", () => {
  test("a slice whose messages Slack took only in part: the rule state goes in with what was sent; the next run reports the rest once", async () => {
    const rules = rulesOf({ rules: [{ name: "par", accounts: "*", window: { minutes: 10, count: 2 } }] });
    const store = new MemoryStore(encodeCheckpoint(settled(T0 - 5 * MIN)));
    const logs = new MemoryLogs();
    // 1,500 accounts with two CashOuts each: every one a group, more than one message.
    for (let i = 0; i < 1500; i++) {
      const account = `conta-${String(i).padStart(6, "0")}-${"x".repeat(40)}`;
      logs.cashOut(`A${i}`, 100 + i, T0 - 4 * MIN, account);
      logs.cashOut(`B${i}`, 100 + i, T0 - 3 * MIN, account);
    }
    const notifier = new MemoryNotifier();
    notifier.refuseFrom = 2;
    await expect(run(store, logs, notifier, rules)).rejects.toThrow(/Slack answered 503/);
    const first = notifier.sent.slice();
    expect(first).toHaveLength(1);
    const cp = store.checkpoint;
    const reported = Object.keys(cp?.reported ?? {});
    expect(reported).toHaveLength(first[0]?.count ?? -1);
    // The state that went in with them: the sent members carry no id (reported), the others wait with their details.
    const state = decodeRuleState(cp?.rules).state;
    const members = Object.values(state.windows).flatMap((byAccount) => Object.values(byAccount).flatMap((s) => decodeMembers(s)));
    expect(members).toHaveLength(3000);
    expect(members.filter((m) => m[2] === "")).toHaveLength(reported.length);
    expect(Object.keys(state.pending)).toHaveLength(3000 - reported.length);

    // Slack is back: the next run reports exactly the rest.
    const again = new MemoryNotifier();
    const summary = await run(store, logs, again, rules);
    expect((first[0]?.count ?? 0) + again.reported).toBe(3000);
    expect(summary.matched).toBe(3000 - reported.length);
    const after = decodeRuleState(store.checkpoint?.rules).state;
    expect(after.pending).toEqual({});
  });

  test("an unreadable rule state is set aside: alerts go on, the summary says why", async () => {
    const rules = rulesOf({
      rules: [
        { name: "todas", accounts: "*" },
        { name: "par", accounts: "*", window: { minutes: 10, count: 2 } },
      ],
    });
    const store = new MemoryStore(encodeCheckpoint({ ...settled(T0 - 5 * MIN), rules: { v: 99 } }));
    const logs = new MemoryLogs();
    logs.cashOut("A", 100, T0 - MIN, "1");
    const notifier = new MemoryNotifier();
    const summary = await run(store, logs, notifier, rules);
    expect(summary.ruleStateProblem).toMatch(/version 99 is not 2/);
    expect(notifier.reported).toBe(1);
    expect(decodeRuleState(store.checkpoint?.rules).problem).toBeNull();
  });

  test("a match a push run held back (coalescing) keeps its rules and mention: the run that posts it calls them", async () => {
    const doc = { rules: [{ name: "acima de R$ 50 mil", accounts: "*", minAmount: 5_000_000, mention: "channel" }] };
    const rules = rulesOf(doc);
    const store = new MemoryStore(encodeCheckpoint(settled(T0 - 5 * MIN)));
    const push = async (id: string, tx: string, at: number): Promise<RunSummary> => {
      const config = loadConfig({ ...ENV, PXSTREAM_CONFIG: JSON.stringify(doc), PXSTREAM_PUSH_COALESCE_SECONDS: "60" }, "push");
      const summary = newSummary("push", false);
      const checkpoint = new LeasedCheckpoint(store, { owner: `push-${id}`, now: () => at, warn: () => {}, role: "push", pause: async () => {} });
      const events = [{ logGroup: GROUP, logStream: "s1", id, timestamp: at, message: pixLine({ account: "9", amount: 6_000_000, transactionId: tx }) }];
      await pushRun({
        config,
        rules,
        delivery: { logGroup: GROUP, events, skipped: 0 },
        checkpoint,
        shared: true,
        notifier: async () => pushed,
        functionName: "f",
        remainingMs: () => 60_000,
        now: () => at,
        summary,
      });
      return summary;
    };
    const pushed = new MemoryNotifier();
    await push("1", "P1", T0 - 2 * MIN);
    expect(pushed.sent).toHaveLength(1);
    // Ten seconds later: within the coalescing interval, held in the checkpoint.
    expect((await push("2", "P2", T0 - 2 * MIN + 10_000)).held).toBe(1);
    expect(Object.values(store.checkpoint?.held ?? {})).toEqual([expect.objectContaining({ rules: ["acima de R$ 50 mil"], mentions: ["<!channel>"] })]);
    // The scheduled run posts it (it has no log line of it: the delivery is all it was), with its rule and mention.
    const scheduled = new MemoryNotifier();
    await run(store, new MemoryLogs(), scheduled, rules);
    expect(scheduled.sent).toHaveLength(1);
    const m = scheduled.sent[0];
    expect(m?.text).toMatch(/^<!channel> Pix CashOut: 1 evento, /);
    expect(JSON.stringify(m?.blocks)).toContain("tx `P2` · regra: acima de R$ 50 mil");
  });
});
