// Fault injection on the Slack side: the built zip against moto_server and a
// real HTTP sink that answers 5xx, 429, resets, hangs and permanent refusals.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { capture, cashOut, gapsBetween, HOUR, jsonLines, MIN, rawCheckpoint, seedCheckpoint, settle, TIMER_SLACK_MS } from "../support/faults.js";
import { checkpointOf, invoke, scenario, startWorld, statedTotals, stopWorld, type Scenario, type World } from "../support/world.js";

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

/** A scenario with a settled checkpoint and two new watched CashOuts (R$ 30,00 in all) waiting. */
async function pending(extraEnv: Record<string, string> = {}): Promise<{ s: Scenario; before: string }> {
  const s = await scenario(w, { extraEnv });
  const before = await settle(w, s);
  const now = Date.now();
  await w.aws.put(s.groups[0] ?? "", "s", [cashOut("P1", 1000, now - 2 * MIN), cashOut("P2", 2000, now - MIN)]);
  return { s, before };
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(w.sink.secretPath);
  expect(text).not.toContain("XXXXsecretXXXXtokenXXXX");
  expect(text).not.toContain("T00000000/B00000000");
}

/** After a failed run: the next run (Slack healthy again) reports the two pending CashOuts exactly once. */
async function expectPendingReportedOnce(s: Scenario): Promise<void> {
  w.sink.clear();
  const next = await invoke(w, s.env);
  expect(next).toMatchObject({ matched: 2, notified: 1 });
  expect(statedTotals(w.sink.accepted)).toEqual({ count: 2, centavos: 3000n });
  const again = await invoke(w, s.env);
  expect(again).toMatchObject({ matched: 0, notified: 0, duplicates: 2 });
  expect(w.sink.requests).toHaveLength(1);
}

describe("faults: Slack", () => {
  it("5xx: retried with growing backoff, then posted once and the checkpoint moves", async () => {
    const { s, before } = await pending();
    w.sink.enqueue({ status: 503, body: "service_unavailable" }, { status: 502, body: "bad_gateway" });

    const summary = await invoke(w, s.env);

    expect(summary).toMatchObject({ matched: 2, notified: 1, slackRetries: 2 });
    expect(w.sink.requests).toHaveLength(3);
    expect(new Set(w.sink.requests.map((r) => r.body)).size).toBe(1);
    // Equal jitter: the first wait is at least half of 500 ms, the second at least half of 1 s.
    const [first, second] = gapsBetween(w.sink.requests);
    expect(first).toBeGreaterThanOrEqual(250 - TIMER_SLACK_MS);
    expect(second).toBeGreaterThanOrEqual(500 - TIMER_SLACK_MS);
    expect(statedTotals(w.sink.accepted)).toEqual({ count: 2, centavos: 3000n });
    expect((await rawCheckpoint(w, s))?.body).not.toBe(before);
    expect((await checkpointOf(w, s))?.scannedUntil).toBe(summary.windowEnd);
  });

  it("persistent 5xx: gives up after a bounded number of tries, fails, keeps the checkpoint, counts the retries", async () => {
    const { s, before } = await pending();
    w.sink.fallback = { status: 500, body: "internal_error" };

    const run = await capture(() => invoke(w, s.env));

    expect(run.error).toBeInstanceOf(Error);
    expect(String(run.error)).toMatch(/Slack answered 500: internal_error.*gave up after 4 tries/);
    expect(w.sink.requests).toHaveLength(4);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
    const logged = jsonLines(run.lines);
    const failure = logged.find((l) => l.level === "ERROR");
    expect(failure).toMatchObject({ notified: 0, slackRetries: 3 });
    expect(logged.find((l) => "_aws" in l)).toMatchObject({ SlackRetries: 3, RunsFailed: 1, MessagesPosted: 0 });
    expectNoSecret(run.text);

    await expectPendingReportedOnce(s);
  });

  it("network error (connection reset): retried, then posted once", async () => {
    const { s } = await pending();
    w.sink.enqueue({ status: 200, reset: true });

    const run = await capture(() => invoke(w, s.env));

    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ matched: 2, notified: 1, slackRetries: 1 });
    expect(w.sink.requests).toHaveLength(2);
    expect(w.sink.accepted).toHaveLength(1);
    expectNoSecret(run.text);
    const again = await invoke(w, s.env);
    expect(again).toMatchObject({ notified: 0, duplicates: 2 });
  });

  it("persistent network errors: the run fails naming no URL, the checkpoint stays", async () => {
    const { s, before } = await pending();
    w.sink.fallback = { status: 200, reset: true };

    const run = await capture(() => invoke(w, s.env));

    expect(String(run.error)).toMatch(/Slack request failed: .*gave up after 4 tries/);
    expect(w.sink.requests).toHaveLength(4);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
    expectNoSecret(run.text);
    await expectPendingReportedOnce(s);
  });

  it("429: waits at least Retry-After before trying again", async () => {
    const { s } = await pending();
    w.sink.enqueue({ status: 429, body: "rate_limited", headers: { "retry-after": "2" } });

    const summary = await invoke(w, s.env);

    expect(summary).toMatchObject({ notified: 1, slackRetries: 1 });
    expect(w.sink.requests).toHaveLength(2);
    expect(gapsBetween(w.sink.requests)[0]).toBeGreaterThanOrEqual(2000 - TIMER_SLACK_MS);
    expect(statedTotals(w.sink.accepted)).toEqual({ count: 2, centavos: 3000n });
  });

  it("429 with a Retry-After past the 30 s bound: fails at once instead of waiting, the checkpoint stays", async () => {
    const { s, before } = await pending();
    w.sink.enqueue({ status: 429, body: "rate_limited", headers: { "retry-after": "120" } });

    await expect(invoke(w, s.env)).rejects.toThrow(/Slack answered 429: rate_limited; Retry-After 120 s is longer than pxstream waits/);

    expect(w.sink.requests).toHaveLength(1);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
    await expectPendingReportedOnce(s);
  });

  it("several messages in one run are paced at least 1.1 s apart", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_SLICE_MINUTES: "60" } });
    const now = Date.now();
    await seedCheckpoint(w, s, { scannedUntil: now - 3 * HOUR });
    // One CashOut in each of three hourly slices of the catch-up: one message per slice.
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("C1", 100, now - 3 * HOUR), cashOut("C2", 200, now - 2 * HOUR), cashOut("C3", 300, now - 5 * MIN)]);

    const summary = await invoke(w, s.env);

    expect(summary).toMatchObject({ matched: 3, notified: 3 });
    expect(w.sink.requests).toHaveLength(3);
    for (const gap of gapsBetween(w.sink.requests)) expect(gap).toBeGreaterThanOrEqual(1100 - TIMER_SLACK_MS);
    expect(statedTotals(w.sink.requests)).toEqual({ count: 3, centavos: 600n });
  });

  it("a failure after Slack accepted part of a run's messages: the next run does not repeat the accepted ones", async () => {
    const s = await scenario(w, { accounts: "*" });
    await settle(w, s);
    const now = Date.now();
    const events = [];
    let total = 0n;
    // 2,000 accounts with long names: one slice, two messages.
    for (let i = 0; i < 2000; i++) {
      total += BigInt(1000 + i);
      events.push(cashOut(`PART-${i}`, 1000 + i, now - 10 * MIN + i * 100, `conta-${String(i).padStart(6, "0")}-${"y".repeat(47)}`));
    }
    await w.aws.put(s.groups[0] ?? "", "s", events);
    w.sink.enqueue({ status: 200, body: "ok" }, { status: 404, body: "no_service" });

    await expect(invoke(w, s.env)).rejects.toThrow(/Slack answered 404: no_service/);
    const firstRun = w.sink.accepted.slice();
    expect(firstRun).toHaveLength(1);
    expect(w.sink.requests).toHaveLength(2);

    w.sink.clear();
    await invoke(w, s.env);
    expect(statedTotals([...firstRun, ...w.sink.accepted])).toEqual({ count: 2000, centavos: total });
    expect((await checkpointOf(w, s))?.lease).toBeNull();
  });

  it("a hanging Slack times out (PXSTREAM_SLACK_TIMEOUT_SECONDS), the run fails, the checkpoint stays", async () => {
    const { s, before } = await pending({ PXSTREAM_SLACK_TIMEOUT_SECONDS: "1" });
    w.sink.fallback = { status: 200, hang: true };

    const run = await capture(() => invoke(w, s.env));

    expect(String(run.error)).toMatch(/Slack request failed: timed out.*gave up after 4 tries/);
    expect(w.sink.requests).toHaveLength(4);
    // Each try waited for the 1 s timeout before giving up on it.
    for (const gap of gapsBetween(w.sink.requests)) expect(gap).toBeGreaterThanOrEqual(1000);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
    expectNoSecret(run.text);
    await expectPendingReportedOnce(s);
  });

  it.each([
    [404, "no_service"],
    [410, "channel_is_archived"],
    [400, "invalid_payload"],
    [403, "action_prohibited"],
  ])("permanent refusal %i %s: not retried, fails with Slack's text, checkpoint stays; once fixed, pending reported once", async (status, text) => {
    const { s, before } = await pending();
    // Were it retried, the retry would succeed and the run would not fail.
    w.sink.enqueue({ status, body: text });

    const run = await capture(() => invoke(w, s.env));

    expect(String(run.error)).toContain(`Slack answered ${status}: ${text}`);
    expect(String(run.error)).toMatch(/not retried/);
    expect(w.sink.requests).toHaveLength(1);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
    expect(jsonLines(run.lines).find((l) => "_aws" in l)).toMatchObject({ RunsFailed: 1, MessagesPosted: 0 });
    expectNoSecret(run.text);

    await expectPendingReportedOnce(s);
  });
});
