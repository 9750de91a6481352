// The handler over in-memory adapters and captured outputs: what it logs and
// which metrics it writes, for a run that works and for runs that fail.
import { describe, expect, test } from "vitest";
import { createHandler, type Adapters, type Outputs } from "../../handler/index.js";
import { T0 } from "./fixtures.js";
import { GROUP, MemoryLogs, MemoryNotifier, MemoryStore, WATCHED } from "./run-fakes.js";

const MIN = 60_000;

interface Captured {
  readonly summaries: string[];
  readonly failures: string[];
  readonly metrics: Array<Record<string, unknown>>;
  readonly outputs: Outputs;
}

function captured(): Captured {
  const c: Captured = {
    summaries: [],
    failures: [],
    metrics: [],
    outputs: {
      summary: (l) => c.summaries.push(l),
      failure: (l) => c.failures.push(l),
      metrics: (l) => c.metrics.push(JSON.parse(l) as Record<string, unknown>),
      log: () => {},
    },
  };
  return c;
}

function world(): { store: MemoryStore; logs: MemoryLogs; notifier: MemoryNotifier; adapters: Adapters } {
  const store = new MemoryStore();
  const logs = new MemoryLogs();
  const notifier = new MemoryNotifier();
  const adapters: Adapters = {
    store: () => store,
    // The log source counts its pages in the run's counters, as the FilterLogEvents adapter does.
    logs: (counters) => ({
      async *read(group, window) {
        for await (const page of logs.read(group, window)) {
          counters.pages++;
          yield page;
        }
      },
    }),
    notifier: async (_config, _remaining, counters) => ({
      async send(messages) {
        counters.slackRetries += 1;
        await notifier.send(messages);
      },
    }),
  };
  return { store, logs, notifier, adapters };
}

const ENV = { PXSTREAM_LOG_GROUPS: GROUP, PXSTREAM_WATCHED_ACCOUNTS: WATCHED, PXSTREAM_STATE_BUCKET: "state", SLACK_WEBHOOK: "https://hooks.example/x" };
const ctx = { functionName: "pxstream-unit", awsRequestId: "req-1", getRemainingTimeInMillis: () => 600_000 };

describe("handler outputs", () => {
  test("a successful run: one summary line equal to the result, one EMF line with the adapters' counters", async () => {
    const w = world();
    w.logs.cashOut("A", 1000, T0 - MIN);
    const out = captured();
    const handler = createHandler({ outputs: out.outputs, adapters: w.adapters, env: () => ENV, now: () => T0 });

    const summary = await handler({}, ctx);

    expect(out.summaries).toHaveLength(1);
    expect(JSON.parse(out.summaries[0] ?? "")).toEqual(summary);
    expect(out.failures).toHaveLength(0);
    expect(out.metrics).toHaveLength(1);
    expect(out.metrics[0]).toMatchObject({
      FunctionName: "pxstream-unit",
      EventsMatched: 1,
      MessagesPosted: 1,
      SlackRetries: 1,
      RunsSucceeded: 1,
      RunsFailed: 0,
    });
    expect(summary.pages).toBeGreaterThanOrEqual(1);
    expect(summary.slackRetries).toBe(1);
  });

  test("a configuration error: the failure summary line and the EMF line (RunsFailed = 1), nothing read", async () => {
    const w = world();
    const out = captured();
    const handler = createHandler({ outputs: out.outputs, adapters: w.adapters, env: () => ({ PXSTREAM_LOG_GROUPS: GROUP }), now: () => T0 });

    await expect(handler({}, ctx)).rejects.toThrow(/misconfigured/);

    expect(out.summaries).toHaveLength(0);
    expect(out.failures).toHaveLength(1);
    expect(JSON.parse(out.failures[0] ?? "")).toMatchObject({ level: "ERROR", mode: "scheduled", scanned: 0 });
    expect(out.metrics).toHaveLength(1);
    expect(out.metrics[0]).toMatchObject({ RunsFailed: 1, RunsSucceeded: 0, FunctionName: "pxstream-unit" });
    expect(w.logs.reads).toHaveLength(0);
  });

  test("a Slack failure: the failure line carries the retries of the send that failed", async () => {
    const w = world();
    w.logs.cashOut("A", 1000, T0 - MIN);
    w.notifier.refuseFrom = 1;
    const out = captured();
    const handler = createHandler({ outputs: out.outputs, adapters: w.adapters, env: () => ENV, now: () => T0 });

    await expect(handler({}, ctx)).rejects.toThrow(/503/);

    expect(out.metrics[0]).toMatchObject({ RunsFailed: 1, MessagesPosted: 0 });
    expect(JSON.parse(out.failures.at(-1) ?? "")).toMatchObject({ level: "ERROR", notified: 0, slackRetries: 1 });
  });
});
