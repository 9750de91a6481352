import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { CashOut } from "../../handler/core/cash-out.js";
import { validateConfigDocument, documentFromWatchedAccounts } from "../../handler/core/config-document.js";
import { normalizeReceiver } from "../../handler/core/receiver-hash.js";
import {
  compileRules,
  decodeMembers,
  decodeRuleState,
  EMPTY_RULE_STATE,
  evaluateRules,
  isEmptyRuleState,
  RULE_STATE_LIMITS,
  type CompiledRules,
  type Evaluation,
  type RuleState,
} from "../../handler/core/rules.js";
import { CONTRACT_EXAMPLE } from "./document-fixtures.js";
import { cashOut, prng, randInt } from "./fixtures.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const LATE = 15 * MIN;
const SECRET = "test-only-receiver-key-0123456789abcdef";
const WATCHED = "23463567342345";
const OTHER = "99999999999999";

/** 2026-11-27 local (America/Sao_Paulo, UTC-3 since 2019) h:m. */
function local(h: number, m = 0, s = 0, day = 27): number {
  return Date.UTC(2026, 10, day, h + 3, m, s);
}

function rulesOf(doc: unknown, latenessMs = LATE, receiverKey: string = SECRET): CompiledRules {
  const r = validateConfigDocument(doc);
  if (!r.ok) throw new Error(r.problems.join("; "));
  return compileRules(r.document, { latenessMs, receiverKey });
}

let serial = 0;
function co(over: Partial<CashOut> = {}): CashOut {
  serial++;
  return cashOut({ key: `/aws/lambda/pix-payload|s|${serial}`, ...over });
}

function names(e: Evaluation): Record<string, readonly string[]> {
  return Object.fromEntries(e.matches.map((m) => [m.cashOut.key, m.rules]));
}

/** Runs batches one after the other, the state carried between them, dropping what was reported (as the runs' checkpoint does). */
function runBatches(
  rules: CompiledRules,
  batches: ReadonlyArray<{ readonly cashOuts: readonly CashOut[]; readonly now: number }>,
  start: RuleState = EMPTY_RULE_STATE,
) {
  let state = start;
  const reported = new Map<string, readonly string[]>();
  const perBatch: Evaluation[] = [];
  for (const b of batches) {
    const e = evaluateRules(
      rules,
      b.cashOuts.filter((c) => !reported.has(c.key)),
      state,
      b.now,
    );
    for (const m of e.matches) {
      expect(reported.has(m.cashOut.key), `reported twice: ${m.cashOut.key}`).toBe(false);
      reported.set(m.cashOut.key, m.rules);
    }
    // The state must survive the checkpoint's JSON round trip.
    state = decodeRuleState(JSON.parse(JSON.stringify(e.next))).state;
    perBatch.push(e);
  }
  return { reported, state, perBatch };
}

describe("compiling", () => {
  test("the watch list is the union of what the rules look at; * makes it every account", () => {
    expect(rulesOf({ accounts: { "1": "", "2": "" }, rules: [{ name: "a" }, { name: "b", accounts: ["3"] }] }).watchAccounts.toSorted()).toEqual([
      "1",
      "2",
      "3",
    ]);
    expect(rulesOf(CONTRACT_EXAMPLE).watchAccounts).toEqual(["*"]);
    expect(rulesOf(CONTRACT_EXAMPLE).stateful).toBe(true);
    expect(rulesOf({ accounts: { "1": "" } }).stateful).toBe(false);
  });

  test("a newReceiver rule needs the HMAC key", () => {
    const r = validateConfigDocument({ accounts: { "1": "" }, rules: [{ name: "n", newReceiver: { days: 3 } }] });
    if (!r.ok) throw new Error("invalid");
    expect(() => compileRules(r.document, { latenessMs: 0 })).toThrow(/PXSTREAM_RECEIVER_KEY_PARAMETER/);
    expect(() => compileRules(r.document, { latenessMs: 0, receiverKey: "short" })).toThrow(/at least 32 characters/);
  });
});

describe("stateless rules", () => {
  test("the implicit rule reports every CashOut of the watched accounts, named watched", () => {
    const rules = compileRules(documentFromWatchedAccounts([WATCHED]), { latenessMs: LATE });
    const a = co();
    const b = co({ account: OTHER });
    const e = evaluateRules(rules, [a, b], EMPTY_RULE_STATE, a.timestamp);
    expect(names(e)).toEqual({ [a.key]: ["watched"] });
    expect(rules.explicit).toBe(false);
    expect(isEmptyRuleState(e.next)).toBe(true);
    const all = compileRules(documentFromWatchedAccounts(["*"]), { latenessMs: LATE });
    expect(evaluateRules(all, [a, b], EMPTY_RULE_STATE, a.timestamp).matches).toHaveLength(2);
  });

  test("minAmount: at least that many centavos, on every account", () => {
    const rules = rulesOf({ rules: [{ name: "grande", accounts: "*", minAmount: 5_000_000 }] });
    const at = co({ account: OTHER, amount: 5_000_000 });
    const below = co({ account: OTHER, amount: 4_999_999 });
    expect(names(evaluateRules(rules, [at, below], EMPTY_RULE_STATE, at.timestamp))).toEqual({ [at.key]: ["grande"] });
  });

  test("a list of accounts", () => {
    const rules = rulesOf({ rules: [{ name: "duas", accounts: ["1", "2"] }] });
    const cs = ["1", "2", "3"].map((account) => co({ account }));
    expect(evaluateRules(rules, cs, EMPTY_RULE_STATE, 0).matches.map((m) => m.cashOut.account)).toEqual(["1", "2"]);
  });

  test("hours: from:00 up to before to:00, in America/Sao_Paulo", () => {
    const rules = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "expediente", hours: [9, 17] }] });
    const cases: Array<[number, boolean]> = [
      [local(8, 59, 59), false],
      [local(9), true],
      [local(16, 59, 59), true],
      [local(17), false],
    ];
    for (const [ts, expected] of cases) {
      expect(evaluateRules(rules, [co({ timestamp: ts })], EMPTY_RULE_STATE, ts).matches.length === 1, new Date(ts).toISOString()).toBe(expected);
    }
  });

  test("hours [20, 6] runs past midnight", () => {
    const rules = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "noite", hours: [20, 6] }] });
    const cases: Array<[number, boolean]> = [
      [local(19, 59, 59), false],
      [local(20), true],
      [local(23, 59, 59), true],
      [local(0, 0, 0, 28), true],
      [local(5, 59, 59, 28), true],
      [local(6, 0, 0, 28), false],
      [local(12), false],
    ];
    for (const [ts, expected] of cases) {
      expect(evaluateRules(rules, [co({ timestamp: ts })], EMPTY_RULE_STATE, ts).matches.length === 1, new Date(ts).toISOString()).toBe(expected);
    }
  });

  test("hours follow São Paulo's 2018 daylight-saving change (the tz database, not a fixed UTC-3)", () => {
    const midnight = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "meia-noite", hours: [0, 1] }] });
    const night = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "noite", hours: [20, 6] }] });
    const late = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "23h", hours: [23, 0] }] });
    const fires = (r: CompiledRules, iso: string): boolean => evaluateRules(r, [co({ timestamp: Date.parse(iso) })], EMPTY_RULE_STATE, 0).matches.length === 1;
    // Before the change (UTC-3) 03:30Z is 00:30; on 4 November 2018 clocks went from 00:00 to 01:00 (UTC-2): 03:30Z is 01:30.
    expect(fires(midnight, "2018-10-28T03:30:00Z")).toBe(true);
    expect(fires(midnight, "2018-11-04T03:30:00Z")).toBe(false);
    expect(fires(midnight, "2018-11-04T02:30:00Z")).toBe(false); // 23:30 on 3 November
    // 08:30Z in summer time is 06:30, past the night; a fixed UTC-3 would say 05:30.
    expect(fires(night, "2018-12-10T08:30:00Z")).toBe(false);
    expect(fires(night, "2018-12-10T07:30:00Z")).toBe(true);
    // On 17 February 2019 the hour 23:00-00:00 happened twice (UTC-2, then UTC-3).
    expect(fires(late, "2019-02-17T01:30:00Z")).toBe(true);
    expect(fires(late, "2019-02-17T02:30:00Z")).toBe(true);
    expect(fires(late, "2019-02-17T03:30:00Z")).toBe(false);
  });

  test("a rule's conditions combine with AND", () => {
    const rules = rulesOf({ rules: [{ name: "tudo", accounts: ["1"], minAmount: 1000, hours: [20, 6] }] });
    const good = { account: "1", amount: 1000, timestamp: local(22) };
    const cases: Array<[Partial<CashOut>, boolean]> = [
      [good, true],
      [{ ...good, account: "2" }, false],
      [{ ...good, amount: 999 }, false],
      [{ ...good, timestamp: local(12) }, false],
    ];
    for (const [over, expected] of cases) expect(evaluateRules(rules, [co(over)], EMPTY_RULE_STATE, 0).matches.length === 1).toBe(expected);
  });

  test("a CashOut is reported once however many rules match; names and mentions in document order, each once", () => {
    const rules = rulesOf({
      accounts: { [WATCHED]: "Tesouraria" },
      rules: [
        { name: "vigiadas" },
        { name: "grande", accounts: "*", minAmount: 100, mention: "channel" },
        { name: "qualquer", accounts: "*", mention: "U024BE7LH" },
        { name: "também grande", accounts: "*", minAmount: 100, mention: "channel" },
      ],
    });
    const big = co({ amount: 500 });
    const small = co({ amount: 50, account: OTHER });
    const e = evaluateRules(rules, [big, small, big], EMPTY_RULE_STATE, 0);
    expect(e.matches).toHaveLength(2);
    expect(e.matches.find((m) => m.cashOut.key === big.key)).toMatchObject({
      rules: ["vigiadas", "grande", "qualquer", "também grande"],
      mentions: ["<!channel>", "<@U024BE7LH>"],
    });
    expect(e.matches.find((m) => m.cashOut.key === small.key)).toMatchObject({ rules: ["qualquer"], mentions: ["<@U024BE7LH>"] });
  });
});

describe("window rules", () => {
  const burst = { accounts: { [WATCHED]: "" }, rules: [{ name: "rajada", window: { minutes: 10, count: 5 } }] };

  test("count: a group whose last − first is exactly M minutes matches, every member reported", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const cs = [0, 2, 5, 7, 10].map((m) => co({ timestamp: t + m * MIN }));
    expect(evaluateRules(rules, cs, EMPTY_RULE_STATE, t + 10 * MIN).matches.map((m) => m.cashOut.key)).toEqual(cs.map((c) => c.key));
  });

  test("count: one millisecond more than M minutes is no group", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const cs = [0, 2, 5, 7].map((m) => co({ timestamp: t + m * MIN })).concat(co({ timestamp: t + 10 * MIN + 1 }));
    expect(evaluateRules(rules, cs, EMPTY_RULE_STATE, t + 11 * MIN).matches).toEqual([]);
  });

  test("sum: at least S centavos within M minutes", () => {
    const rules = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "soma", window: { minutes: 60, sum: 100_000 } }] });
    const t = local(10);
    const exact = [co({ timestamp: t, amount: 60_000 }), co({ timestamp: t + 60 * MIN, amount: 40_000 })];
    expect(evaluateRules(rules, exact, EMPTY_RULE_STATE, t + HOUR).matches).toHaveLength(2);
    const short = [co({ timestamp: t, amount: 60_000 }), co({ timestamp: t + 60 * MIN, amount: 39_999 })];
    expect(evaluateRules(rules, short, EMPTY_RULE_STATE, t + HOUR).matches).toEqual([]);
    // A single CashOut of S is a group of one.
    expect(evaluateRules(rules, [co({ amount: 100_000 })], EMPTY_RULE_STATE, 0).matches).toHaveLength(1);
  });

  test("sums are exact past 2^53 centavos (a float running sum would lose the small amounts after a huge one)", () => {
    const rules = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "soma", window: { minutes: 10, sum: 3 } }] });
    const t = local(10);
    const huge = co({ timestamp: t, amount: Number.MAX_SAFE_INTEGER });
    const ones = [t + 1, t + 2, t + 10 * MIN + 1].map((ts) => co({ timestamp: ts, amount: 1 }));
    // The last one's group is the three ones (its first 10 minutes before it), whatever the huge one did to the sum.
    expect(evaluateRules(rules, [huge, ...ones], EMPTY_RULE_STATE, t).matches).toHaveLength(4);
    expect(evaluateRules(rules, [huge, ones[0] as CashOut, ones[2] as CashOut], EMPTY_RULE_STATE, t).matches).toHaveLength(2);
  });

  test("only the same account's qualifying CashOuts count towards a group", () => {
    const rules = rulesOf({ accounts: { "1": "", "2": "" }, rules: [{ name: "rajada grande", minAmount: 100, window: { minutes: 10, count: 3 } }] });
    const t = local(10);
    const cs = [
      co({ account: "1", timestamp: t, amount: 100 }),
      co({ account: "2", timestamp: t + 1, amount: 100 }),
      co({ account: "1", timestamp: t + 2, amount: 99 }),
      co({ account: "1", timestamp: t + 3, amount: 100 }),
    ];
    expect(evaluateRules(rules, cs, EMPTY_RULE_STATE, t).matches).toEqual([]);
    const third = co({ account: "1", timestamp: t + 4, amount: 500 });
    expect(evaluateRules(rules, [...cs, third], EMPTY_RULE_STATE, t).matches.map((m) => m.cashOut.key)).toEqual([cs[0]?.key, cs[3]?.key, third.key]);
  });

  test("a group a later run completes is reported then, with its earlier members restored from the state (keys masked)", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const first = [0, 1, 2, 3].map((m) => co({ timestamp: t + m * MIN, receiverKey: "123.456.789-09", transactionId: `E${m}` }));
    const run1 = evaluateRules(rules, first, EMPTY_RULE_STATE, t + 5 * MIN);
    expect(run1.matches).toEqual([]);
    const stored = JSON.stringify(run1.next);
    expect(stored).not.toContain("123.456.789-09");
    expect(stored).not.toContain("12345678909");
    const fifth = co({ timestamp: t + 9 * MIN });
    const run2 = evaluateRules(rules, [fifth], decodeRuleState(JSON.parse(stored)).state, t + 10 * MIN);
    expect(run2.matches.map((m) => m.cashOut.key)).toEqual([...first.map((c) => c.key), fifth.key]);
    const restored = run2.matches[0]?.cashOut;
    expect(restored).toMatchObject({
      key: first[0]?.key,
      timestamp: t,
      account: WATCHED,
      amount: first[0]?.amount,
      transactionId: "E0",
      logGroup: "/aws/lambda/pix-payload",
      receiverKey: undefined,
      receiverKeyMasked: "***.456.789-**",
    });
    expect(run2.matches.every((m) => m.rules.join() === "rajada")).toBe(true);
    // The group's members are reported; one more within the window is reported alone.
    const sixth = co({ timestamp: t + 10 * MIN });
    const run3 = evaluateRules(rules, [sixth], decodeRuleState(JSON.parse(JSON.stringify(run2.next))).state, t + 11 * MIN);
    expect(run3.matches.map((m) => m.cashOut.key)).toEqual([sixth.key]);
    expect(Object.keys(run3.next.pending)).toEqual([]);
  });

  test("a member read again (the overlap re-reads what no message carried) counts once", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const four = [0, 1, 2, 3].map((m) => co({ timestamp: t + m * MIN }));
    let state = evaluateRules(rules, four, EMPTY_RULE_STATE, t + 4 * MIN).next;
    state = evaluateRules(rules, four, state, t + 5 * MIN).next;
    expect(evaluateRules(rules, four, state, t + 6 * MIN).matches).toEqual([]);
  });

  test("members older than the window and the lateness are dropped; a late arrival within the lateness still completes the group", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const four = [0, 1, 2, 3].map((m) => co({ timestamp: t + m * MIN }));
    const state = evaluateRules(rules, four, EMPTY_RULE_STATE, t + 4 * MIN).next;
    // Read 24 minutes later (window 10 + lateness 15 = 25): the members are still there.
    const late = co({ timestamp: t + 5 * MIN });
    expect(evaluateRules(rules, [late], state, t + 24 * MIN).matches).toHaveLength(5);
    // A run past the newest member + 25 minutes drops them.
    const after = evaluateRules(rules, [], state, t + 3 * MIN + 25 * MIN + 1).next;
    expect(after.windows).toEqual({});
    expect(after.pending).toEqual({});
  });

  test("hours and window together: the contract's night rule", () => {
    const rules = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "noite", hours: [20, 6], window: { minutes: 600, sum: 100_000 } }] });
    const day = co({ timestamp: local(19, 30), amount: 90_000 });
    const n1 = co({ timestamp: local(21), amount: 60_000 });
    const n2 = co({ timestamp: local(2, 0, 0, 28), amount: 40_000 });
    const e = evaluateRules(rules, [day, n1, n2], EMPTY_RULE_STATE, local(3, 0, 0, 28));
    expect(e.matches.map((m) => m.cashOut.key)).toEqual([n1.key, n2.key]);
  });

  test("bounds: members per account and CashOuts waiting with details", () => {
    const rules = rulesOf({ rules: [{ name: "rajada", accounts: "*", window: { minutes: 60, count: 500 } }] });
    const t = local(10);
    const many = Array.from({ length: RULE_STATE_LIMITS.windowEntriesPerAccount + 10 }, (_, i) => co({ account: "1", timestamp: t + i, amount: 1 }));
    const e1 = evaluateRules(rules, many.slice(0, 499), EMPTY_RULE_STATE, t);
    expect(e1.matches).toEqual([]);
    expect(Object.keys(e1.next.pending)).toHaveLength(499);
    // Waiting CashOuts over all accounts are bounded: the oldest lose their details.
    const wide = Array.from({ length: RULE_STATE_LIMITS.pending + 5 }, (_, i) => co({ account: `a${i % 7}`, timestamp: t + i, amount: 1 }));
    const e2 = evaluateRules(rules, wide, EMPTY_RULE_STATE, t);
    expect(Object.keys(e2.next.pending)).toHaveLength(RULE_STATE_LIMITS.pending);
    expect(e2.forgotten.pending).toBe(5);
    // One account's members are bounded.
    const e3 = evaluateRules(rules, many, EMPTY_RULE_STATE, t);
    expect(e3.matches.length).toBe(many.length);
    expect(decodeMembers(e3.next.windows[Object.keys(e3.next.windows)[0] ?? ""]?.["1"])).toHaveLength(RULE_STATE_LIMITS.windowEntriesPerAccount);
    expect(e3.forgotten.windowEntries).toBe(10);
  });
});

describe("newReceiver", () => {
  const doc = (days = 30, extra: Record<string, unknown> = {}) => ({
    accounts: { [WATCHED]: "Tesouraria" },
    rules: [{ name: "chave nova", newReceiver: { days }, ...extra }],
  });
  const start = local(10);

  test("learns for D days after it is turned on, then alerts on receivers not paid in the last D days", () => {
    const rules = rulesOf(doc(30));
    const on = evaluateRules(rules, [], EMPTY_RULE_STATE, start);
    // Learning: nothing alerts, every receiver is remembered.
    const learning = [co({ timestamp: start + DAY, receiverKey: "111.444.777-35" }), co({ timestamp: start + 20 * DAY, receiverKey: "ana@example.com" })];
    const r1 = evaluateRules(rules, learning, on.next, start + 20 * DAY);
    expect(r1.matches).toEqual([]);
    const after = start + 32 * DAY;
    const known = co({ timestamp: after, receiverKey: "ANA@example.com" }); // paid 12 days ago
    const lapsed = co({ timestamp: after, receiverKey: "11144477735" }); // paid 31 days ago, written without punctuation
    const fresh = co({ timestamp: after, receiverKey: "+5511987654321" });
    const again = co({ timestamp: after + 1, receiverKey: "+55 11 98765-4321" }); // the same new key, a moment later
    const noKey = co({ timestamp: after, receiverKey: undefined });
    const r2 = evaluateRules(rules, [known, lapsed, fresh, again, noKey], r1.next, after);
    expect(Object.keys(names(r2)).sort()).toEqual([fresh.key, lapsed.key].sort());
  });

  test("an account named after the rule was turned on learns on its own; a dormant account named from the start does not", () => {
    const rules1 = rulesOf({ accounts: { "1": "", "2": "" }, rules: [{ name: "n", newReceiver: { days: 7 } }] });
    const s0 = evaluateRules(rules1, [], EMPTY_RULE_STATE, start).next;
    const rules2 = rulesOf({ accounts: { "1": "", "2": "", "3": "" }, rules: [{ name: "n", newReceiver: { days: 7 } }] });
    const s1 = evaluateRules(rules2, [], s0, start + 5 * DAY).next;
    const t = start + 8 * DAY;
    const dormant = co({ account: "2", timestamp: t, receiverKey: "a@b.com" });
    const added = co({ account: "3", timestamp: t, receiverKey: "a@b.com" });
    expect(Object.keys(names(evaluateRules(rules2, [dormant, added], s1, t)))).toEqual([dormant.key]);
    const later = co({ account: "3", timestamp: start + 13 * DAY, receiverKey: "c@d.com" });
    expect(evaluateRules(rules2, [later], s1, start + 13 * DAY).matches).toHaveLength(1);
  });

  test("on every account: an account first seen after the learning period is judged at once", () => {
    const rules = rulesOf({ rules: [{ name: "n", accounts: "*", newReceiver: { days: 2 } }] });
    const s0 = evaluateRules(rules, [co({ account: "1", receiverKey: "a@b.com", timestamp: start })], EMPTY_RULE_STATE, start).next;
    expect(s0.receivers.every).toBe(Math.floor(start / HOUR));
    const t = start + 3 * DAY;
    const e = evaluateRules(rules, [co({ account: "9", receiverKey: "a@b.com", timestamp: t })], s0, t);
    expect(e.matches).toHaveLength(1);
  });

  test("receivers are stored as keyed hashes of (account, key): no key in clear, unlinkable across accounts and without the HMAC key", () => {
    const key = "123.456.789-09";
    const rules = rulesOf({ rules: [{ name: "n", accounts: "*", newReceiver: { days: 30 } }] });
    const cs = [co({ account: "1", receiverKey: key }), co({ account: "2", receiverKey: key })];
    const state = evaluateRules(rules, cs, EMPTY_RULE_STATE, cs[0]?.timestamp ?? 0).next;
    const json = JSON.stringify(state);
    for (const needle of [
      key,
      normalizeReceiver(key),
      "456789",
      Buffer.from(normalizeReceiver(key)).toString("base64"),
      createHash("sha256").update(normalizeReceiver(key)).digest("base64").slice(0, 8),
    ]) {
      expect(json).not.toContain(needle);
    }
    const records = Object.values(state.receivers.accounts).map((s) => s.split("|")[1]?.slice(0, 8));
    expect(records).toHaveLength(2);
    expect(records[0]).not.toBe(records[1]);
    const other = rulesOf({ rules: [{ name: "n", accounts: "*", newReceiver: { days: 30 } }] }, LATE, "another-receiver-key-of-32-chars-or-more");
    const otherState = evaluateRules(other, cs, EMPTY_RULE_STATE, cs[0]?.timestamp ?? 0).next;
    expect(JSON.stringify(otherState)).not.toBe(json);
  });

  test("a rotated HMAC key does not flood: the memory made with the old key is set aside and the accounts learn again", () => {
    const doc = { accounts: { [WATCHED]: "" }, rules: [{ name: "n", newReceiver: { days: 1 } }] };
    const old = rulesOf(doc);
    const s0 = evaluateRules(old, [co({ receiverKey: "a@b.com", timestamp: start })], EMPTY_RULE_STATE, start).next;
    expect(s0.receivers.check).toMatch(/^[A-Za-z0-9_-]{8}$/);
    const t = start + 3 * DAY;
    const paid = [co({ timestamp: t, receiverKey: "a@b.com" }), co({ timestamp: t + 1, receiverKey: "c@d.com" })];
    // With the same key: a@b.com is known (paid 3 days ago, more than a day: new again), c@d.com is new.
    expect(evaluateRules(old, paid, s0, t).matches).toHaveLength(2);
    const rotated = rulesOf(doc, LATE, "a-brand-new-receiver-hmac-key-after-rotation");
    const e = evaluateRules(rotated, paid, s0, t);
    expect(e.matches).toEqual([]);
    expect(e.next.receivers.check).not.toBe(s0.receivers.check);
    expect(e.next.receivers.accounts[WATCHED]?.startsWith(`${Math.floor(t / HOUR)}|`)).toBe(true);
  });

  test("with other conditions: a new receiver and a large amount", () => {
    const rules = rulesOf(doc(1, { minAmount: 10_000 }));
    const on = evaluateRules(rules, [], EMPTY_RULE_STATE, start).next;
    const t = start + 2 * DAY;
    const small = co({ timestamp: t, amount: 9_999, receiverKey: "x@y.com" });
    const large = co({ timestamp: t + 1, amount: 10_000, receiverKey: "z@y.com" });
    expect(Object.keys(names(evaluateRules(rules, [small, large], on, t)))).toEqual([large.key]);
  });

  test("bounds: the least recently paid receivers of an account are forgotten first", () => {
    const rules = rulesOf({ rules: [{ name: "n", accounts: "*", newReceiver: { days: 365 } }] });
    const cs = Array.from({ length: RULE_STATE_LIMITS.receiversPerAccount + 3 }, (_, i) =>
      co({ account: "1", timestamp: start + i * HOUR, receiverKey: `r${i}@x.com` }),
    );
    const e = evaluateRules(rules, cs, EMPTY_RULE_STATE, start + cs.length * HOUR);
    expect(e.forgotten.receivers).toBe(3);
    const memory = e.next.receivers.accounts["1"] ?? "";
    expect(Buffer.from(memory.split("|")[1] ?? "", "base64").length).toBe(RULE_STATE_LIMITS.receiversPerAccount * 9);
  });
});

describe("recording an evaluation on another state", () => {
  const burst = { accounts: { [WATCHED]: "" }, rules: [{ name: "rajada", window: { minutes: 10, count: 5 } }] };

  test("two runs at once, each with part of a group: the merged state reports the group on the next evaluation", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const a = [0, 1, 2].map((m) => co({ timestamp: t + m * MIN }));
    const b = [3, 4].map((m) => co({ timestamp: t + m * MIN }));
    const runA = evaluateRules(rules, a, EMPTY_RULE_STATE, t + 5 * MIN);
    const runB = evaluateRules(rules, b, EMPTY_RULE_STATE, t + 5 * MIN);
    expect([...runA.matches, ...runB.matches]).toEqual([]);
    // B's write conflicts with A's: B records its batch on what A wrote.
    const merged = runB.apply(runA.next).state;
    expect(Object.keys(merged.pending)).toHaveLength(5);
    const later = evaluateRules(rules, [], merged, t + 6 * MIN);
    expect(later.matches.map((m) => m.cashOut.key).sort()).toEqual([...a, ...b].map((c) => c.key).sort());
    // Applied to the state it was judged on, it is the same as next.
    expect(runB.apply(EMPTY_RULE_STATE).state).toEqual(runB.next);
  });

  test("a run that stops after Slack took some messages: what was not sent waits in the state and is reported next", () => {
    const rules = rulesOf(burst);
    const t = local(10);
    const five = [0, 1, 2, 3, 4].map((m) => co({ timestamp: t + m * MIN }));
    const e = evaluateRules(rules, five, EMPTY_RULE_STATE, t + 5 * MIN);
    expect(e.matches).toHaveLength(5);
    const sent = new Set(five.slice(0, 2).map((c) => c.key));
    const partial = e.apply(EMPTY_RULE_STATE, sent).state;
    expect(Object.keys(partial.pending)).toHaveLength(3);
    const retry = evaluateRules(rules, [], partial, t + 6 * MIN);
    expect(retry.matches.map((m) => m.cashOut.key)).toEqual(five.slice(2).map((c) => c.key));
    expect(retry.matches[0]?.cashOut.receiverKeyMasked).toBe("***.456.789-**");
  });

  test("a new receiver whose alert was not sent is not remembered: it is still new next time", () => {
    const rules = rulesOf({ rules: [{ name: "n", accounts: "*", newReceiver: { days: 1 } }] });
    const start = local(10);
    const on = evaluateRules(rules, [], EMPTY_RULE_STATE, start).next;
    const t = start + 2 * DAY;
    const c = co({ timestamp: t, receiverKey: "novo@x.com" });
    const quiet = co({ timestamp: t, account: "2", receiverKey: "outro@x.com", amount: 1 });
    const e = evaluateRules(rules, [c, quiet], on, t);
    expect(e.matches).toHaveLength(2);
    const none = e.apply(on, new Set([quiet.key])).state;
    expect(evaluateRules(rules, [c], none, t).matches).toHaveLength(1);
    expect(evaluateRules(rules, [c], e.next, t).matches).toHaveLength(0);
  });
});

describe("the rule state", () => {
  test("absent is empty; unreadable is replaced by empty, with the reason", () => {
    expect(decodeRuleState(undefined)).toEqual({ state: EMPTY_RULE_STATE, problem: null });
    expect(decodeRuleState({ v: 1 }).problem).toMatch(/version 1 is not 2/);
    expect(decodeRuleState({ ...EMPTY_RULE_STATE, windows: { x: { "1": [[1, 2]] } } }).problem).toMatch(/window members/);
    expect(decodeRuleState({ ...EMPTY_RULE_STATE, windows: { x: { "1": "1,2;x" } } }).problem).toMatch(/window members/);
    expect(decodeRuleState({ ...EMPTY_RULE_STATE, pending: { abc: ["k", "t", "r"] } }).problem).toMatch(/pending CashOut/);
    expect(decodeRuleState({ ...EMPTY_RULE_STATE, receivers: { accounts: { "1": "12|not base64!" } } }).problem).toMatch(/receiver memory/);
    expect(decodeRuleState("nope")).toEqual({ state: EMPTY_RULE_STATE, problem: "the rule state is not an object" });
  });

  test("rules removed from the document leave nothing behind", () => {
    const rules = rulesOf({ accounts: { [WATCHED]: "" }, rules: [{ name: "rajada", window: { minutes: 10, count: 5 } }] });
    const s = evaluateRules(rules, [co(), co()], EMPTY_RULE_STATE, 0).next;
    expect(isEmptyRuleState(s)).toBe(false);
    const none = rulesOf({ accounts: { [WATCHED]: "" } });
    expect(isEmptyRuleState(evaluateRules(none, [], s, 0).next)).toBe(true);
  });
});

// ---------------------------------------------------------------- split independence

/** An independent reading of the contract's rule semantics over the whole history at once (no state, quadratic). */
function reference(doc: typeof SPLIT_DOC, events: readonly CashOut[], turnedOn: number): Set<string> {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp || (a.key < b.key ? -1 : 1));
  const out = new Set<string>();
  const watched = new Set(Object.keys(doc.accounts));
  const hourOf = (ms: number): number =>
    Number(new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", hourCycle: "h23" }).format(ms));
  for (const rule of doc.rules) {
    const looks = (c: CashOut): boolean => (rule.accounts === "*" ? true : watched.has(c.account));
    const qualifies = (c: CashOut, i: number): boolean => {
      if (!looks(c) || c.amount < (rule.minAmount ?? 0)) return false;
      if (rule.hours) {
        const h = hourOf(c.timestamp);
        const [from, to] = rule.hours;
        if (!(from < to ? h >= from && h < to : h >= from || h < to)) return false;
      }
      if (rule.newReceiver) {
        const span = rule.newReceiver.days * 24;
        const hour = Math.floor(c.timestamp / HOUR);
        if (c.receiverKey === undefined || hour < Math.floor(turnedOn / HOUR) + span) return false;
        const paidBefore = sorted
          .slice(0, i)
          .some(
            (p) =>
              p.account === c.account &&
              p.receiverKey !== undefined &&
              normalizeReceiver(p.receiverKey) === normalizeReceiver(c.receiverKey ?? "") &&
              hour - Math.floor(p.timestamp / HOUR) <= span,
          );
        if (paidBefore) return false;
      }
      return true;
    };
    const q = sorted.filter((c, i) => qualifies(c, i));
    for (const x of q) {
      if (!rule.window) {
        out.add(x.key);
        continue;
      }
      const w = rule.window;
      const mine = q.filter((y) => y.account === x.account);
      // x is in a group when some window [first, first + M] holding x holds enough.
      const inGroup = mine.some((first) => {
        if (first.timestamp > x.timestamp || x.timestamp - first.timestamp > w.minutes * MIN) return false;
        const inside = mine.filter((z) => z.timestamp >= first.timestamp && z.timestamp - first.timestamp <= w.minutes * MIN);
        return "count" in w ? inside.length >= w.count : inside.reduce((s, z) => s + BigInt(z.amount), 0n) >= BigInt(w.sum);
      });
      if (inGroup) out.add(x.key);
    }
  }
  return out;
}

const SPLIT_DOC = {
  accounts: { "1": "um", "2": "dois", "3": "" } as Record<string, string>,
  rules: [
    { name: "rajada", window: { minutes: 10, count: 4 } },
    { name: "noite", hours: [20, 6] as [number, number], window: { minutes: 120, sum: 150_000 } },
    { name: "grande", accounts: "*", minAmount: 180_000 },
    { name: "rajada geral", accounts: "*", window: { minutes: 5, count: 3 } },
    { name: "chave nova", newReceiver: { days: 1 } },
  ] as Array<{
    name: string;
    accounts?: string;
    minAmount?: number;
    hours?: [number, number];
    window?: { minutes: number; count: number } | { minutes: number; sum: number };
    newReceiver?: { days: number };
  }>,
};

function corpus(seed: number, n: number, t0: number): CashOut[] {
  const rand = prng(seed);
  const out: CashOut[] = [];
  let t = t0;
  for (let i = 0; i < n; i++) {
    // Bursts: most gaps are short, some are hours.
    t += rand() < 0.7 ? randInt(rand, 1, 4 * MIN) : randInt(rand, 10 * MIN, 3 * HOUR);
    const account = ["1", "2", "3", "4", "5"][randInt(rand, 0, 5)] ?? "1";
    out.push(
      cashOut({
        key: `/g|s${seed}|${i}`,
        timestamp: t,
        account,
        amount: rand() < 0.1 ? randInt(rand, 150_000, 250_000) : randInt(rand, 100, 60_000),
        receiverKey: rand() < 0.05 ? undefined : `${randInt(rand, 0, 6)}@recebedor.com.br`,
      }),
    );
  }
  return out;
}

/** The order CashOuts reach pxstream: each arrives up to `maxDelay` after its timestamp. */
function arrivals(events: readonly CashOut[], seed: number, maxDelay: number): Array<{ cashOut: CashOut; at: number }> {
  const rand = prng(seed);
  return events
    .map((cashOut) => ({ cashOut, at: cashOut.timestamp + (maxDelay === 0 ? 0 : randInt(rand, 0, maxDelay)) }))
    .sort((a, b) => a.at - b.at || (a.cashOut.key < b.cashOut.key ? -1 : 1));
}

/** Splits arrivals into push deliveries of 1–5 events, each evaluated at the arrival of its last. */
function deliveries(arr: ReadonlyArray<{ cashOut: CashOut; at: number }>, seed: number) {
  const rand = prng(seed);
  const out: Array<{ cashOuts: CashOut[]; now: number }> = [];
  for (let i = 0; i < arr.length; ) {
    const n = randInt(rand, 1, 6);
    const part = arr.slice(i, i + n);
    out.push({ cashOuts: part.map((a) => a.cashOut), now: part[part.length - 1]?.at ?? 0 });
    i += n;
  }
  return out;
}

/** Scheduled runs: slices of `slice` ms, each re-reading the `overlap` before it (what no message carried is read again). */
function scheduled(arr: ReadonlyArray<{ cashOut: CashOut; at: number }>, t0: number, slice: number, overlap: number) {
  const end = (arr[arr.length - 1]?.at ?? t0) + slice;
  const out: Array<{ cashOuts: CashOut[]; now: number }> = [];
  for (let s = t0; s < end; s += slice) {
    // What a run at s + slice reads: everything that had arrived by then, with a timestamp in its window.
    out.push({ cashOuts: arr.filter((a) => a.at <= s + slice && a.cashOut.timestamp >= s - overlap).map((a) => a.cashOut), now: s + slice });
  }
  return out;
}

describe("split independence (seeded)", () => {
  const t0 = Date.UTC(2026, 10, 27, 13, 0, 0);
  const rules = rulesOf(SPLIT_DOC, LATE);
  // The rule is turned on before the first CashOut (a run with nothing new): every split starts learning at the same hour.
  const turnedOn = evaluateRules(rules, [], EMPTY_RULE_STATE, t0 - HOUR).next;

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    test(`seed ${seed}: in timestamp order, every rule kind: one run, hourly runs, push deliveries and the reference agree`, () => {
      const events = corpus(seed, 400, t0);
      const arr = arrivals(events, seed, 0);
      const expected = reference(SPLIT_DOC, events, t0 - HOUR);
      const one = runBatches(rules, [{ cashOuts: events, now: arr[arr.length - 1]?.at ?? t0 }], turnedOn).reported;
      const runs = runBatches(rules, scheduled(arr, t0, HOUR, LATE), turnedOn).reported;
      const push = runBatches(rules, deliveries(arr, seed), turnedOn).reported;
      expect(expected.size).toBeGreaterThan(20);
      expect(new Set(one.keys())).toEqual(expected);
      expect(new Set(runs.keys())).toEqual(expected);
      expect(new Set(push.keys())).toEqual(expected);
      // Every rule kind took part.
      const fired = new Set([...one.values()].flat());
      expect([...fired].sort()).toEqual(SPLIT_DOC.rules.map((r) => r.name).sort());
    });

    test(`seed ${seed}: arriving up to the lateness late and out of order, window and stateless rules agree however split`, () => {
      const doc = { ...SPLIT_DOC, rules: SPLIT_DOC.rules.filter((r) => r.newReceiver === undefined) };
      const r = rulesOf(doc, LATE);
      const events = corpus(seed + 100, 400, t0);
      const arr = arrivals(events, seed, LATE);
      const expected = reference(doc, events, t0);
      const one = runBatches(r, [{ cashOuts: events, now: arr[arr.length - 1]?.at ?? t0 }]).reported;
      const runs = runBatches(r, scheduled(arr, t0, 20 * MIN, LATE)).reported;
      const push = runBatches(r, deliveries(arr, seed)).reported;
      expect(expected.size).toBeGreaterThan(20);
      expect(new Set(one.keys())).toEqual(expected);
      expect(new Set(runs.keys())).toEqual(expected);
      expect(new Set(push.keys())).toEqual(expected);
    });
  }
});
