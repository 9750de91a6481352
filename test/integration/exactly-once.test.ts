// Issue 9: push and schedule together, each CashOut once; failed deliveries,
// redeliveries, bursts with coalescing, failed first runs, warm containers,
// changed settings, configuration errors. Built zip, moto_server, Slack sink.
// Deliveries are built from what moto holds (FilterLogEvents: the same eventIds
// and streams), as CloudWatch Logs builds them.
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type EncodedDelivery, subscriptionEvent } from "../support/delivery.js";
import { lambdaContext, loadDistHandler, withEnv } from "../support/dist-handler.js";
import { capture, cashOut, jsonLines, MIN, settle, viaParameter } from "../support/faults.js";
import type { SlackRequest } from "../support/slack-sink.js";
import { checkpointOf, invoke, type Scenario, scenario, startWorld, statedTotals, stopWorld, type World } from "../support/world.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());
afterEach(() => {
  vi.useRealTimers();
});

interface Corpus {
  /** Watched CashOuts put to the log group. */
  readonly count: number;
  readonly centavos: bigint;
  readonly transactionIds: readonly string[];
}

/** Watched and unwatched CashOuts and noise over `streams` streams, `perStream` watched each, stamped from `from` on. */
async function putCorpus(s: Scenario, streams: number, perStream: number, from: number, stepMs = 1000): Promise<Corpus> {
  const group = s.groups[0] ?? "";
  let count = 0;
  let centavos = 0n;
  const transactionIds: string[] = [];
  for (let st = 0; st < streams; st++) {
    const seeds = [];
    for (let i = 0; i < perStream; i++) {
      const tx = `S${st}-E${i}`;
      const amount = 1000 + st * 100 + i;
      const ts = from + (st * perStream + i) * stepMs;
      seeds.push(cashOut(tx, amount, ts), cashOut(`U${st}-${i}`, 777, ts + 1, "99999999999"));
      count++;
      centavos += BigInt(amount);
      transactionIds.push(tx);
    }
    seeds.push({ timestamp: from, message: "START RequestId: x Version: $LATEST" });
    await w.aws.put(group, `2026/11/27/[$LATEST]stream${st}`, seeds);
  }
  return { count, centavos, transactionIds };
}

/** Every event moto holds for the group, as subscription deliveries: one per stream and `size` events. */
async function deliveriesFromMoto(group: string, size = 1_000): Promise<EncodedDelivery[]> {
  const byStream = new Map<string, Array<{ id: string; timestamp: number; message: string }>>();
  let nextToken: string | undefined;
  do {
    const page = await w.aws.logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken, interleaved: true }));
    for (const e of page.events ?? []) {
      if (e.eventId === undefined || e.timestamp === undefined || e.message === undefined) continue;
      const stream = e.logStreamName ?? "";
      const list = byStream.get(stream) ?? [];
      list.push({ id: e.eventId, timestamp: e.timestamp, message: e.message });
      byStream.set(stream, list);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  const out: EncodedDelivery[] = [];
  for (const [stream, events] of byStream) {
    for (let i = 0; i < events.length; i += size) out.push(subscriptionEvent(group, events.slice(i, i + size), { logStream: stream }));
  }
  return out;
}

/** Moves this process's clock (the handler's too) forward from now; afterEach puts the real one back. */
function laterBy(ms: number): void {
  const target = Date.now() + ms;
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(target);
}

/** How many times each transaction id appears across the messages Slack accepted. */
function mentions(requests: readonly SlackRequest[], ids: readonly string[]): Map<string, number> {
  const text = requests.map((r) => JSON.stringify(r.json?.blocks ?? [])).join("\n");
  return new Map(ids.map((id) => [id, text.split(`\`${id}\``).length - 1]));
}

/**
 * The messages report the corpus exactly: the counts and totals they state add up
 * to it (amounts differ per CashOut) and no transaction is listed twice. A message
 * lists its 20 largest events, so a large corpus is not listed in full.
 */
function expectEachOnce(requests: readonly SlackRequest[], corpus: Corpus): void {
  expect(statedTotals(requests)).toEqual({ count: corpus.count, centavos: corpus.centavos });
  const seen = mentions(requests, corpus.transactionIds);
  expect([...seen.entries()].filter(([, n]) => n > 1)).toEqual([]);
  if (corpus.count <= 20) expect([...seen.entries()].filter(([, n]) => n !== 1)).toEqual([]);
}

describe("push and schedule together: each CashOut once", () => {
  it("push then schedule over the same events: every watched CashOut once, counts and totals equal the corpus", async () => {
    const s = await scenario(w);
    const corpus = await putCorpus(s, 3, 4, Date.now() - 20 * MIN);
    const deliveries = await deliveriesFromMoto(s.groups[0] ?? "");
    expect(deliveries).toHaveLength(3);

    for (const d of deliveries) expect(await invoke(w, s.env, d)).toMatchObject({ matched: 4, notified: 1 });
    const cp = await checkpointOf(w, s);
    expect(Object.keys(cp?.reported ?? {})).toHaveLength(corpus.count);
    // The schedule comes minutes later, when the push runs' claims have long expired: only what they recorded stops a repeat.
    laterBy(3 * MIN);
    const scheduled = await invoke(w, s.env);

    expect(scheduled).toMatchObject({ matched: 0, notified: 0, duplicates: corpus.count });
    expectEachOnce(w.sink.accepted, corpus);
  });

  it("push and schedule at the same time over the same events (separate containers, slow Slack): once", async () => {
    const s = await scenario(w);
    await settle(w, s);
    const corpus = await putCorpus(s, 4, 3, Date.now() - 5 * MIN);
    const deliveries = await deliveriesFromMoto(s.groups[0] ?? "");
    // A slow Slack keeps every run inside its post while the others read and claim.
    w.sink.fallback = { status: 200, body: "ok", delayMs: 400 };
    const pushContainer = await loadDistHandler();

    const summaries = await withEnv(s.env, () =>
      Promise.all([w.handler({}, lambdaContext()), ...deliveries.map((d) => pushContainer(d, lambdaContext())), w.handler({}, lambdaContext())]),
    );

    expectEachOnce(w.sink.accepted, corpus);
    expect(summaries.reduce((n, x) => n + x.matched, 0)).toBe(corpus.count);
    const cp = await checkpointOf(w, s);
    expect(cp?.lease).toBeNull();
    w.sink.clear();
    expect(await invoke(w, s.env)).toMatchObject({ notified: 0 });
  });

  it("the same delivery twice (a Lambda retry after Slack accepted, a redelivery): posted once", async () => {
    const s = await scenario(w);
    await putCorpus(s, 1, 3, Date.now() - 2 * MIN);
    const [delivery] = await deliveriesFromMoto(s.groups[0] ?? "");

    expect(await invoke(w, s.env, delivery)).toMatchObject({ matched: 3, notified: 1 });
    // Again at once (a retry whose first try's claim is still live), and again minutes later (a redelivery).
    expect(await invoke(w, s.env, delivery)).toMatchObject({ matched: 0, notified: 0, duplicates: 3 });
    laterBy(3 * MIN);
    expect(await invoke(w, s.env, delivery)).toMatchObject({ matched: 0, notified: 0, duplicates: 3 });
    expect(w.sink.accepted).toHaveLength(1);
  });

  it("every push run fails on Slack 503: the CashOuts wait in the checkpoint (masked), the next scheduled run reports all, once", async () => {
    // The schedule already read past them and re-reads nothing (overlap 0): only what the push runs kept can bring them back.
    const s = await scenario(w, { extraEnv: { PXSTREAM_OVERLAP_MINUTES: "0" } });
    await settle(w, s);
    const corpus = await putCorpus(s, 2, 2, Date.now() - 10 * MIN);
    const deliveries = await deliveriesFromMoto(s.groups[0] ?? "");
    w.sink.fallback = { status: 503, body: "service_unavailable" };

    for (const d of deliveries) await expect(invoke(w, s.env, d)).rejects.toThrow(/Slack answered 503/);
    const cp = await w.aws.getObject(s.bucket, s.key);
    expect(Object.keys((JSON.parse(cp?.body ?? "{}") as { held?: object }).held ?? {})).toHaveLength(corpus.count);
    expect(cp?.body).not.toContain("123.456.789-09");

    w.sink.clear();
    expect(await invoke(w, s.env)).toMatchObject({ matched: corpus.count });
    expectEachOnce(w.sink.accepted, corpus);
    expect(await invoke(w, s.env)).toMatchObject({ notified: 0 });
    expect(w.sink.accepted).toHaveLength(1);
  });

  it("24 deliveries in a few seconds with coalescing on: a handful of messages, then everything after the scheduled run, once", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_PUSH_COALESCE_SECONDS: "60" } });
    await settle(w, s);
    const corpus = await putCorpus(s, 24, 2, Date.now() - 4 * MIN, 100);
    const deliveries = await deliveriesFromMoto(s.groups[0] ?? "");
    expect(deliveries).toHaveLength(24);

    const started = Date.now();
    const push = await withEnv(s.env, () => Promise.all(deliveries.map((d) => w.handler(d, lambdaContext()))));
    const burstMessages = w.sink.accepted.length;
    const heldBack = push.reduce((n, x) => n + Number(x.held), 0);
    expect(burstMessages).toBeGreaterThanOrEqual(1);
    expect(burstMessages).toBeLessThanOrEqual(5);
    expect(heldBack).toBe(corpus.count - push.reduce((n, x) => n + x.matched, 0));
    expect(heldBack).toBeGreaterThan(0);

    const scheduled = await invoke(w, s.env);
    const flushedAt = w.sink.accepted.at(-1)?.receivedAt ?? Number.NaN;
    expect(scheduled.matched).toBe(heldBack);
    expectEachOnce(w.sink.accepted, corpus);
    // The figures for the README / closing note (printed only when asked: vitest --silent=false).
    console.log(
      JSON.stringify({
        burst: { deliveries: deliveries.length, cashOuts: corpus.count, messagesDuringBurst: burstMessages, heldBack, messagesInAll: w.sink.accepted.length },
        heldLatencyMsInThisTest: flushedAt - started,
      }),
    );
  });
});

describe("what the checkpoint remembers", () => {
  it("failed first runs over an hour (clock moved forward): the next run reports every CashOut of that hour", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_LOOKBACK_MINUTES: "5", PXSTREAM_SLICE_MINUTES: "120" } });
    const now = Date.now();
    // One CashOut every 5 minutes of the hour, the first inside the first run's 5-minute window.
    const corpus = await putCorpus(s, 1, 12, now - 64 * MIN, 5 * MIN);
    // A revoked webhook for the first hour: every run fails with 404.
    w.sink.fallback = { status: 404, body: "no_service" };
    vi.useFakeTimers({ toFake: ["Date"] });
    for (const at of [now - 60 * MIN, now - 45 * MIN, now - 30 * MIN, now - 15 * MIN]) {
      vi.setSystemTime(at);
      await expect(invoke(w, s.env)).rejects.toThrow(/Slack answered 404/);
    }
    vi.useRealTimers();
    expect((await checkpointOf(w, s))?.scannedUntil).toBeNull();

    w.sink.clear();
    const fixed = await invoke(w, s.env);
    expect(fixed.windowStart).toBe(now - 65 * MIN);
    expectEachOnce(w.sink.accepted, corpus);
  });

  it("a warm container (two invocations in one process) picks up a fixed SSM webhook", async () => {
    const s = await scenario(w);
    await settle(w, s);
    const param = "/pxstream/exactly-once/webhook";
    const wrong = `http://127.0.0.1:${w.sink.port}/services/T0/B0/revoked`;
    await w.aws.secureString(param, wrong);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("WARM", 1234, Date.now() - MIN)]);
    const env = viaParameter(s, param);
    const warm = await loadDistHandler();

    w.sink.enqueue({ status: 404, body: "no_service" });
    await expect(withEnv(env, () => warm({}, lambdaContext()))).rejects.toThrow(/Slack answered 404/);
    await w.aws.secureString(param, w.sink.url);
    const second = await withEnv(env, () => warm({}, lambdaContext()));

    expect(second).toMatchObject({ matched: 1, notified: 1 });
    expect(w.sink.requests.map((r) => r.path)).toEqual(["/services/T0/B0/revoked", w.sink.secretPath]);
  });

  it("the overlap raised between runs: nothing reported before is posted again", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_OVERLAP_MINUTES: "1" } });
    const corpus = await putCorpus(s, 1, 3, Date.now() - 10 * MIN, MIN);
    expect(await invoke(w, s.env)).toMatchObject({ matched: 3 });
    // Their keys are past the 1-minute reach: gone from the checkpoint.
    expect((await checkpointOf(w, s))?.reported).toEqual({});

    const raised = await invoke(w, { ...s.env, PXSTREAM_OVERLAP_MINUTES: "60", PXSTREAM_LOOKBACK_MINUTES: "120", PXSTREAM_MAX_CATCHUP_HOURS: "2" });
    expect(raised).toMatchObject({ matched: 0, notified: 0 });
    expectEachOnce(w.sink.accepted, corpus);
  });
});

describe("configuration errors are failed runs", () => {
  it("writes the failure summary line and the EMF line (RunsFailed = 1), posts nothing", async () => {
    const run = await capture(() => invoke(w, { ...w.aws.awsEnv(), PXSTREAM_LOG_GROUPS: "/aws/lambda/x", PXSTREAM_PUSH_COALESCE_SECONDS: "soon" }));
    expect(String(run.error)).toMatch(/PXSTREAM_PUSH_COALESCE_SECONDS must be a whole number/);
    const emf = jsonLines(run.stdout).filter((l) => "_aws" in l);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({ RunsFailed: 1, RunsSucceeded: 0 });
    expect(jsonLines(run.lines).find((l) => l.level === "ERROR")).toMatchObject({ mode: "scheduled", notified: 0 });
    expect(w.sink.requests).toHaveLength(0);
  });
});
