import { describe, expect, test } from "vitest";
import { collect, combine } from "../../handler/core/collect.js";
import { eventKey } from "../../handler/core/log-event.js";
import type { LogEvent } from "../../handler/core/log-event.js";
import { watchList } from "../../handler/core/watch.js";
import { NOISE, pixLine, WATCHED } from "../support/pix-lines.js";
import { logEvent, T0 } from "./fixtures.js";

const OTHER = "99988877766655";
const watch = watchList([WATCHED]);

function cashOutEvent(id: string, over: Partial<LogEvent> = {}, account = WATCHED, amount: unknown = 1_000): LogEvent {
  return logEvent(pixLine({ account, amount, transactionId: `tx-${id}` }), { id, ...over });
}

describe("collect", () => {
  test("keeps watched CashOuts with their event's key, time and group; counts every event scanned", () => {
    const events = [cashOutEvent("1", { timestamp: T0 + 5 }), logEvent(NOISE[0], { id: "2" }), cashOutEvent("3", {}, OTHER)];
    const t = collect(events, watch, new Set());
    expect(t.scanned).toBe(3);
    expect(t.malformed).toBe(0);
    expect(t.duplicates).toBe(0);
    expect(t.cashOuts).toEqual([
      {
        key: eventKey(events[0] as LogEvent),
        timestamp: T0 + 5,
        logGroup: "/aws/lambda/pix-payload",
        account: WATCHED,
        amount: 1_000,
        transactionId: "tx-1",
        receiverKey: "123.456.789-09",
        requestId: "req-tx-1",
      },
    ]);
  });

  test("the event key names group, stream and id", () => {
    expect(eventKey({ logGroup: "g", logStream: "s", id: "7" })).toBe("g|s|7");
  });

  test("an event key seen before is skipped and counted as a duplicate", () => {
    const ev = cashOutEvent("1");
    const reported = new Set([eventKey(ev)]);
    const t = collect([ev], watch, reported);
    expect(t.cashOuts).toEqual([]);
    expect(t.duplicates).toBe(1);
  });

  test("the same event twice (an overlap re-read, or twice in one batch) is kept once; reported is not changed", () => {
    const reported = new Set<string>();
    const first = collect([cashOutEvent("1")], watch, reported);
    const second = collect([cashOutEvent("1"), cashOutEvent("2"), cashOutEvent("2")], watch, new Set(first.cashOuts.map((c) => c.key)));
    const t = combine(first, second);
    expect(t.cashOuts.map((c) => c.transactionId)).toEqual(["tx-1", "tx-2"]);
    expect(t.duplicates).toBe(2);
    expect(reported.size).toBe(0);
  });

  test("same-millisecond events with different ids are both kept; one id in two streams or groups too", () => {
    const t = collect(
      [
        cashOutEvent("a", { timestamp: T0 }),
        cashOutEvent("b", { timestamp: T0 }),
        cashOutEvent("a", { timestamp: T0, logStream: "other-stream" }),
        cashOutEvent("a", { timestamp: T0, logGroup: "/aws/lambda/other" }),
      ],
      watch,
      new Set(),
    );
    expect(t.cashOuts).toHaveLength(4);
    expect(t.duplicates).toBe(0);
  });

  test("empty pages change nothing", () => {
    const t = [[], [cashOutEvent("1")], []].map((page) => collect(page, watch, new Set())).reduce(combine);
    expect(t.scanned).toBe(1);
    expect(t.cashOuts).toHaveLength(1);
  });

  test("lines of unwatched accounts are neither kept nor counted malformed", () => {
    const t = collect(
      [cashOutEvent("1", {}, OTHER), cashOutEvent("2", {}, OTHER, 10.5), logEvent(`{"Session":{"accountName":"${OTHER}"},"transactionId":`, { id: "3" })],
      watch,
      new Set(),
    );
    expect(t).toMatchObject({ scanned: 3, malformed: 0, cashOuts: [] });
  });

  test("another account's broken line is not malformed, even when it names a watched account elsewhere", () => {
    const named = (amount: unknown, id: string): LogEvent =>
      logEvent(
        `2026-11-27T12:00:00.000Z\treq\tINFO\t${JSON.stringify({
          Session: { accountName: OTHER },
          Payload: { body: { transactionId: `tx-${id}`, amount, description: `ref. conta ${WATCHED}` } },
        })}`,
        { id },
      );
    const t = collect([named(10.5, "1"), named("100", "2"), named(1_000, "3")], watch, new Set());
    expect(t).toMatchObject({ scanned: 3, malformed: 0, cashOuts: [], malformedSamples: [] });
  });

  test("a broken line whose account cannot be read counts when it names a watched account, escaped or not", () => {
    const t = collect(
      [
        logEvent(`falha ao registrar transactionId=E1 conta ${WATCHED}`, { id: "1" }),
        logEvent(`falha ao registrar transactionId=E2 conta ${OTHER}`, { id: "2" }),
        logEvent(JSON.stringify({ message: `{"Session":{"accountName":"${WATCHED}"},"Payload":{"body":{"transactionId":"E3",` }), { id: "3" }),
        logEvent(JSON.stringify({ message: `{"Session":{"accountName":"${OTHER}"},"Payload":{"body":{"transactionId":"E4",` }), { id: "4" }),
      ],
      watch,
      new Set(),
    );
    expect(t.malformed).toBe(2);
    expect(t.malformedSamples.map((s) => s.id)).toEqual(["1", "3"]);
  });

  test("an account that merely contains a watched one is not watched", () => {
    const t = collect([cashOutEvent("1", {}, `${WATCHED}0`)], watch, new Set());
    expect(t).toMatchObject({ scanned: 1, malformed: 0, cashOuts: [] });
  });

  test("malformed: lines mentioning transactionId and a watched account that cannot be read", () => {
    const bad = [
      cashOutEvent("1", {}, WATCHED, 10.5),
      cashOutEvent("2", {}, WATCHED, -1),
      cashOutEvent("3", {}, WATCHED, "100"),
      logEvent(`{"Session":{"accountName":"${WATCHED}"},"Payload":{"body":{"transactionId":"x"`, { id: "4" }),
      logEvent(`transactionId failed for ${WATCHED}`, { id: "5" }),
      logEvent(`{"Session":{"accountName":"${WATCHED}"},"Payload":{"body":{"transactionId":"t","amount":0}}}`, { id: "6" }),
      // Mentions the account but not transactionId: not a CashOut, not malformed.
      logEvent(`${WATCHED} logged in`, { id: "7" }),
    ];
    const t = collect(bad, watch, new Set());
    expect(t.malformed).toBe(6);
    expect(t.cashOuts).toEqual([]);
    // At most five samples, ids and reasons only (a line may hold personal data).
    expect(t.malformedSamples).toHaveLength(5);
    expect(t.malformedSamples[0]).toEqual({ id: "1", logGroup: "/aws/lambda/pix-payload", reason: "amount is not a positive integer of centavos" });
    expect(JSON.stringify(t.malformedSamples)).not.toContain(WATCHED);
  });

  test("watch '*' keeps every account's CashOuts and counts every malformed one", () => {
    const t = collect([cashOutEvent("1", {}, OTHER), cashOutEvent("2", {}, WATCHED), cashOutEvent("3", {}, OTHER, 1.5)], watchList(["*"]), new Set());
    expect(t.cashOuts.map((c) => c.account)).toEqual([OTHER, WATCHED]);
    expect(t.malformed).toBe(1);
  });
});
