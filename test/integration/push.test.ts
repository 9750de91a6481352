// Push runs: CloudWatch Logs subscription deliveries to the built zip.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_STREAM, encodeDelivery } from "../support/delivery.js";
import { NOISE, pixLine } from "../support/pix-lines.js";
import { invoke, startWorld, stopWorld, subscriptionEvent, unique, type World } from "../support/world.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

function pushEnv(extra: Record<string, string> = {}): Record<string, string> {
  // No state bucket: push runs keep no checkpoint and must not need one.
  return { PXSTREAM_LOG_GROUPS: "/aws/lambda/pix-payload", PXSTREAM_WATCHED_ACCOUNTS: "111,222", SLACK_WEBHOOK: w.sink.url, ...extra };
}

describe("push delivery", () => {
  it("without a state bucket: alerts on the watched CashOuts of a subscription batch, keeps no state", async () => {
    const now = Date.now();
    const event = subscriptionEvent("/aws/lambda/pix-payload", [
      { id: "e1", timestamp: now, message: pixLine({ account: "111", amount: 1050, transactionId: "T1" }) },
      { id: "e2", timestamp: now, message: pixLine({ account: "222", amount: 2000, transactionId: "T2" }, "python") },
      { id: "e3", timestamp: now, message: pixLine({ account: "333", amount: 9999, transactionId: "T3" }) },
      ...NOISE.map((message, i) => ({ id: `n${i}`, timestamp: now, message })),
    ]);
    // No AWS endpoint either: a push run without a bucket must not call AWS at all.
    const summary = await invoke(w, pushEnv({ PXSTREAM_PUSH_COALESCE_SECONDS: "60" }), event);
    expect(summary).toMatchObject({ scanned: 8, matched: 2, malformed: 0, notified: 1, held: 0, windowStart: null, windowEnd: null });
    expect(w.sink.requests).toHaveLength(1);
    expect(w.sink.requests[0]?.json?.text).toMatch(/^Pix CashOut: 2 eventos, R\$[\u00a0 ]30,50$/);
    expect(JSON.stringify(w.sink.requests[0]?.json?.blocks)).toContain("assinatura");
    // The same delivery again posts again: without a bucket there is nothing to remember it by.
    await invoke(w, pushEnv(), event);
    expect(w.sink.requests).toHaveLength(2);
  });

  it("with a state bucket: records the CashOuts Slack accepted in the checkpoint, keyed group|stream|eventId", async () => {
    const bucket = unique("push-state").toLowerCase();
    await w.aws.bucket(bucket);
    const now = Date.now();
    const event = subscriptionEvent("/aws/lambda/pix-payload", [
      { id: "e1", timestamp: now, message: pixLine({ account: "111", amount: 1050, transactionId: "T1" }) },
      { id: "e3", timestamp: now, message: pixLine({ account: "333", amount: 9999, transactionId: "T3" }) },
    ]);
    const summary = await invoke(w, { ...w.aws.awsEnv(), ...pushEnv({ PXSTREAM_STATE_BUCKET: bucket }) }, event);
    expect(summary).toMatchObject({ matched: 1, notified: 1 });
    const cp = JSON.parse((await w.aws.getObject(bucket, "lastId.txt"))?.body ?? "null") as {
      version: number;
      reported: Record<string, number>;
      scannedUntil: null;
    };
    expect(cp.version).toBe(2);
    expect(Object.keys(cp.reported)).toEqual([`/aws/lambda/pix-payload|${DELIVERY_STREAM}|e1`]);
    expect(cp.scannedUntil).toBeNull();
  });

  it("posts nothing when the batch holds no watched CashOut", async () => {
    const event = subscriptionEvent("/aws/lambda/pix-payload", [
      { id: "e1", timestamp: Date.now(), message: pixLine({ account: "999", amount: 1, transactionId: "T9" }) },
    ]);
    const summary = await invoke(w, pushEnv(), event);
    expect(summary).toMatchObject({ scanned: 1, matched: 0, notified: 0 });
    expect(w.sink.requests).toHaveLength(0);
  });

  it("ignores CloudWatch's CONTROL_MESSAGE deliveries", async () => {
    const event = encodeDelivery({ messageType: "CONTROL_MESSAGE", logGroup: "", logStream: "", logEvents: [] });
    const summary = await invoke(w, pushEnv(), event);
    expect(summary).toMatchObject({ scanned: 0, notified: 0 });
  });

  it("fails loudly when Slack refuses the push alert", async () => {
    w.sink.fallback = { status: 410, body: "channel_is_archived" };
    const event = subscriptionEvent("/g", [{ id: "1", timestamp: Date.now(), message: pixLine({ account: "111", amount: 5, transactionId: "X" }) }]);
    await expect(invoke(w, pushEnv(), event)).rejects.toThrow(/410: channel_is_archived/);
    expect(w.sink.requests).toHaveLength(1);
  });
});
