import { gzipSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { decodeDelivery, gunzipDelivery, isSubscriptionEvent, type SubscriptionEvent } from "../../handler/core/subscription.js";
import { collect } from "../../handler/core/collect.js";
import { watchList } from "../../handler/core/watch.js";
import { DELIVERY_STREAM, encodeDelivery, subscriptionEvent, type DeliveredEvent } from "../support/delivery.js";
import { NOISE, pixLine, WATCHED, type LineFormat } from "../support/pix-lines.js";
import { prng, randInt, T0 } from "./fixtures.js";

function delivery(logEvents: readonly DeliveredEvent[], extra: Record<string, unknown> = {}): SubscriptionEvent {
  return subscriptionEvent("/aws/lambda/pix-payload", logEvents, extra);
}

// Bytes no CloudWatch delivery holds (broken gzip or JSON): encoded by hand, not by encodeDelivery.
function raw(data: Buffer | string): SubscriptionEvent {
  return { awslogs: { data: (typeof data === "string" ? Buffer.from(data) : data).toString("base64") } };
}

describe("isSubscriptionEvent", () => {
  test("only an object with awslogs.data as a string", () => {
    expect(isSubscriptionEvent({ awslogs: { data: "x" } })).toBe(true);
    for (const e of [{}, null, "x", { awslogs: {} }, { awslogs: { data: 1 } }, { awslogs: null }, { source: "aws.scheduler" }]) {
      expect(isSubscriptionEvent(e)).toBe(false);
    }
  });
});

describe("decodeDelivery", () => {
  const events: DeliveredEvent[] = [
    { id: "1", timestamp: T0, message: pixLine({ account: WATCHED, amount: 100, transactionId: "t1" }) },
    { id: "2", timestamp: T0 + 1, message: NOISE[0] },
  ];

  test("DATA_MESSAGE: every event with group, stream, id, timestamp and message", () => {
    const d = decodeDelivery(delivery(events));
    expect(d).toEqual({
      logGroup: "/aws/lambda/pix-payload",
      skipped: 0,
      events: events.map((e) => ({ ...e, logGroup: "/aws/lambda/pix-payload", logStream: DELIVERY_STREAM })),
    });
  });

  test("with watched accounts, events that cannot hold a watched CashOut are skipped undecoded", () => {
    const d = decodeDelivery(delivery(events), watchList([WATCHED]));
    expect(d.events.map((e) => e.id)).toEqual(["1"]);
    expect(d.skipped).toBe(1);
  });

  test("CONTROL_MESSAGE carries no events", () => {
    const control = delivery([{ id: "", timestamp: T0, message: "CWL CONTROL MESSAGE: Checking health of destination Firehose." }], {
      messageType: "CONTROL_MESSAGE",
      logGroup: "",
      logStream: "",
    });
    expect(decodeDelivery(control)).toEqual({ logGroup: "", events: [], skipped: 0 });
    expect(decodeDelivery(control, watchList(["*"]))).toEqual({ logGroup: "", events: [], skipped: 0 });
  });

  test("an empty delivery", () => {
    expect(decodeDelivery(delivery([]), watchList([WATCHED]))).toEqual({ logGroup: "/aws/lambda/pix-payload", events: [], skipped: 0 });
  });

  test("bad base64, not gzip, not JSON, no logEvents: a clear error", () => {
    expect(() => decodeDelivery(raw("not gzip at all"))).toThrow(/^awslogs\.data is not base64 of gzipped JSON: /);
    expect(() => decodeDelivery({ awslogs: { data: "%%%not base64%%%" } })).toThrow(/^awslogs\.data is not base64 of gzipped JSON/);
    expect(() => decodeDelivery(raw(gzipSync(Buffer.from("{broken"))))).toThrow(/^awslogs\.data is not base64 of gzipped JSON/);
    expect(() => decodeDelivery(raw(gzipSync(Buffer.from("{broken"))), watchList([WATCHED]))).toThrow(/^awslogs\.data is not base64 of gzipped JSON/);
    expect(() => decodeDelivery(encodeDelivery({ messageType: "DATA_MESSAGE" }))).toThrow("awslogs.data has no logEvents array");
  });

  test("the raw-byte prefilter reads the same CashOuts and malformed lines as a full decode (seeded)", () => {
    const rand = prng(2026);
    const formats: LineFormat[] = ["node", "python", "lambda-json", "lambda-json-string", "bare"];
    const accounts = [WATCHED, "11122233344455", "99988877766655", "acc with spaces", 'Jo\u00e3o "x"', "a/b\\"];
    let skippedByPrefilter = 0;
    const tricky = ['"}]', '{"id":"', "\\", '\\"}]', "\u00e7\u00e3o", "</script>", "\t"];
    for (let round = 0; round < 40; round++) {
      const list: DeliveredEvent[] = [];
      const n = randInt(rand, 0, 60);
      for (let i = 0; i < n; i++) {
        const account = accounts[randInt(rand, 0, accounts.length)] ?? WATCHED;
        const r = rand();
        const amount = r < 0.1 ? 10.5 : randInt(rand, 1, 1_000_000);
        let message =
          r < 0.7
            ? pixLine({ account, amount, transactionId: `tx-${round}-${i}${tricky[randInt(rand, 0, tricky.length)] ?? ""}` }, formats[i % formats.length])
            : `${NOISE[randInt(rand, 0, NOISE.length)] ?? ""}${tricky[randInt(rand, 0, tricky.length)] ?? ""}`;
        if (rand() < 0.1) message = `${message.slice(0, message.length - 3)}${tricky[0] ?? ""}`;
        list.push({ id: String(37_000_000 + round * 100 + i), timestamp: T0 + i, message });
      }
      for (const watched of [[WATCHED], ["11122233344455", WATCHED], ["*"], ["acc with spaces"], ['Jo\u00e3o "x"', "a/b\\"]]) {
        const full = decodeDelivery(delivery(list));
        const fast = decodeDelivery(delivery(list), watchList(watched));
        expect(fast.events.length + fast.skipped).toBe(list.length);
        // The events it reads in place are the very events a full decode gives.
        const byId = new Map(full.events.map((e) => [e.id, e]));
        for (const e of fast.events) expect(e).toEqual(byId.get(e.id));
        skippedByPrefilter += fast.skipped;
        const w = watchList(watched);
        const a = collect(full.events, w, new Set());
        const b = collect(fast.events, w, new Set());
        expect(b.cashOuts).toEqual(a.cashOuts);
        expect(b.malformed).toBe(a.malformed);
      }
    }
    // The fast path ran (it skipped events) rather than always falling back.
    expect(skippedByPrefilter).toBeGreaterThan(100);
  });

  test("accounts JSON escapes (PHP's \\/, non-ASCII, quotes) are read by the prefilter in place, one level deeper", () => {
    for (const account of ["a/b", "João", 'acme "br"']) {
      const list: DeliveredEvent[] = [
        { id: "1", timestamp: T0, message: pixLine({ account, amount: 100, transactionId: "t" }).replace("a/b", "a\\/b") },
        { id: "2", timestamp: T0, message: pixLine({ account: "other", amount: 100, transactionId: "u" }) },
      ];
      const d = decodeDelivery(delivery(list), watchList([account]));
      expect(d.skipped).toBe(1);
      const t = collect(d.events, watchList([account]), new Set());
      expect(t.cashOuts.map((c) => c.account)).toEqual([account]);
    }
  });
});

describe("gunzipDelivery", () => {
  test("one buffer of the size the trailer states, whatever the size", () => {
    for (const size of [0, 1, 100, 70_000, 1_500_000]) {
      const body = Buffer.alloc(size, "a");
      expect(gunzipDelivery(gzipSync(body)).equals(body)).toBe(true);
    }
    const gz = gzipSync(Buffer.from("x".repeat(10_000)));
    gz.writeUInt32LE(0xffffffff, gz.length - 4);
    // zlib checks ISIZE itself: a wrong one is an error, as it was with default chunks.
    expect(() => gunzipDelivery(gz)).toThrow();
  });
});
