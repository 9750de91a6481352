// A watched account is found however a logger escaped it: in the message (collect)
// and one level deeper in a subscription delivery's raw bytes (prefilter). Lines are
// written by the encoders other languages use (scripts/lib/json-styles.mjs).
import { describe, expect, test } from "vitest";
import { collect } from "../../handler/core/collect.js";
import { parseLine } from "../../handler/core/parse.js";
import { decodeDelivery } from "../../handler/core/subscription.js";
import { accountVerdict, isWatched, mayHoldWatched, mentionsWatched, watchList, type WatchList } from "../../handler/core/watch.js";
import { subscriptionEvent, type EncodedDelivery } from "../support/delivery.js";
import { NOISE, type LineFormat } from "../support/pix-lines.js";
import { JSON_STYLES, LINE_FORMATS, styledLine, TRICKY_ACCOUNTS, type JsonStyle } from "../support/styled-lines.js";
import { logEvent, prng, randInt } from "./fixtures.js";

function deliveryOf(messages: readonly string[]): EncodedDelivery {
  return subscriptionEvent(
    "/aws/lambda/pix-payload",
    messages.map((message, i) => ({ id: String(1000 + i), timestamp: 1_790_000_000_000 + i, message })),
  );
}

interface Case {
  readonly account: string;
  readonly format: LineFormat;
  readonly inner: JsonStyle;
  readonly outer: JsonStyle;
  readonly line: string;
}

const CASES: Case[] = [];

function quotesAsEscapes(c: Case): boolean {
  return c.format === "lambda-json-string" && c.outer === "dotnet";
}
for (const account of TRICKY_ACCOUNTS) {
  for (const format of LINE_FORMATS) {
    for (const inner of JSON_STYLES) {
      const outers: readonly JsonStyle[] = format === "lambda-json-string" ? JSON_STYLES : ["js"];
      for (const outer of outers) {
        CASES.push({ account, format, inner, outer, line: styledLine({ account, amount: 4_200, transactionId: "E1" }, format, inner, outer) });
      }
    }
  }
}

describe("escaped accounts in messages", () => {
  test("the examples of the issue are what the encoders write", () => {
    const py = styledLine({ account: "João", amount: 1, transactionId: "t" }, "lambda-json-string", "python");
    expect(py).toContain("Jo\\\\u00e3o"); // json.dumps inside the Lambda JSON log format: escaped twice
    expect(styledLine({ account: "João", amount: 1, transactionId: "t" }, "node", "dotnet")).toContain("Jo\\u00E3o");
    expect(styledLine({ account: "a/b", amount: 1, transactionId: "t" }, "bare", "php")).toContain("a\\/b");
  });

  test(`${CASES.length} lines: read as that account's CashOut, watched when listed, unwatched (not unknown) when not`, () => {
    const other = watchList(["someone else"]);
    for (const c of CASES) {
      const where = `${c.format}/${c.inner}/${c.outer}: ${c.line}`;
      const parsed = parseLine(c.line);
      expect(parsed.kind === "cashout" && parsed.fields.account, where).toBe(c.account);
      const w = watchList([c.account]);
      // .NET writes the quotes of a JSON string message as \u0022: no key to read in place, so the line is parsed.
      const inPlace = !quotesAsEscapes(c);
      expect(accountVerdict(w, c.line), where).toBe(inPlace ? "watched" : "unknown");
      expect(accountVerdict(other, c.line), where).toBe(inPlace ? "unwatched" : "unknown");
      expect(collect([logEvent(c.line)], other, new Set()).cashOuts, where).toEqual([]);
      expect(
        collect([logEvent(c.line)], w, new Set()).cashOuts.map((x) => x.account),
        where,
      ).toEqual([c.account]);
    }
  });

  test("one level deeper, in a delivery's raw bytes: kept when watched, skipped undecoded when not", () => {
    for (const c of CASES) {
      const where = `${c.format}/${c.inner}/${c.outer}: ${c.line}`;
      const event = deliveryOf([NOISE[0], c.line, NOISE[3]]);
      const kept = decodeDelivery(event, watchList([c.account]));
      expect(
        kept.events.map((e) => e.message),
        where,
      ).toEqual([c.line]);
      expect(kept.skipped, where).toBe(2);
      const skipped = decodeDelivery(event, watchList(["someone else"]));
      expect(skipped.events, where).toEqual(quotesAsEscapes(c) ? kept.events : []);
      expect(skipped.skipped, where).toBe(quotesAsEscapes(c) ? 2 : 3);
    }
  });

  test("a malformed line of an escaped watched account counts; another account's does not", () => {
    for (const c of CASES) {
      const broken = styledLine({ account: c.account, amount: 12.5, transactionId: "E1" }, c.format, c.inner, c.outer);
      expect(collect([logEvent(broken)], watchList([c.account]), new Set()).malformed, broken).toBe(1);
      expect(collect([logEvent(broken)], watchList(["someone else"]), new Set()).malformed, broken).toBe(0);
      // Cut before it could be parsed, after the account: the raw reading still knows whose it was.
      const cut = broken.slice(0, broken.indexOf("transactionId") + 20);
      expect(collect([logEvent(cut)], watchList([c.account]), new Set()).malformed, cut).toBe(1);
      expect(collect([logEvent(cut)], watchList(["someone else"]), new Set()).malformed, cut).toBe(0);
    }
  });
});

/**
 * What collect must report, decided without its cheap checks: every line parsed.
 * A malformed line whose account parse.ts could not read is left to `counted`.
 */
function reference(lines: readonly string[], w: WatchList, counted: (line: string) => boolean): { accounts: string[]; malformed: number } {
  const accounts: string[] = [];
  let malformed = 0;
  for (const line of lines) {
    const p = parseLine(line);
    if (p.kind === "cashout" && isWatched(w, p.fields.account)) accounts.push(p.fields.account);
    if (p.kind === "malformed" && (p.account !== undefined ? isWatched(w, p.account) : counted(line))) malformed++;
  }
  return { accounts, malformed };
}

describe("the cheap checks never drop what a full parse would report (seeded mutations)", () => {
  const rand = prng(12);
  const pick = <T>(xs: readonly T[]): T => xs[randInt(rand, 0, xs.length)] as T;
  const inserts = ['"', "\\", "\\\\", '\\"', "\\u00e3", "}", ",", " ", "accountName", '"accountName":"', "\n", "0"];

  function mutate(line: string): string {
    let s = line;
    for (let n = randInt(rand, 0, 3); n > 0; n--) {
      const at = randInt(rand, 0, s.length + 1);
      const r = rand();
      if (r < 0.3) s = s.slice(0, at);
      else if (r < 0.6) s = `${s.slice(0, at)}${pick(inserts)}${s.slice(at)}`;
      else s = `${s.slice(0, at)}${s.slice(at + randInt(rand, 1, 4))}`;
    }
    return s;
  }

  test("2,000 lines: collect's CashOuts and malformed count equal the reference; the prefilter agrees", () => {
    const accounts = [...TRICKY_ACCOUNTS, "23463567342345", "1"];
    let mutated = 0;
    for (let round = 0; round < 40; round++) {
      const lines: string[] = [];
      for (let i = 0; i < 50; i++) {
        const spec = { account: pick(accounts), amount: rand() < 0.2 ? 1.5 : randInt(rand, 1, 1e6), transactionId: `tx${round}-${i}` };
        const line = styledLine(spec, pick(LINE_FORMATS), pick(JSON_STYLES), pick(JSON_STYLES));
        const m = rand() < 0.5 ? mutate(line) : line;
        if (m !== line) mutated++;
        lines.push(m);
      }
      for (const w of [watchList([pick(accounts)]), watchList([pick(accounts), pick(accounts)]), watchList(["nobody"])]) {
        // Without a readable account a broken line counts when it names a watched account, unless
        // its accountName keys read (in place) as unwatched ones only.
        const want = reference(lines, w, (l) => mentionsWatched(w, l) && accountVerdict(w, l) !== "unwatched");
        const got = collect(
          lines.map((l, i) => logEvent(l, { id: String(i) })),
          w,
          new Set(),
        );
        expect(got.cashOuts.map((c) => c.account)).toEqual(want.accounts);
        expect(got.malformed).toBe(want.malformed);
        for (const l of lines) {
          const p = parseLine(l);
          if (p.kind === "cashout" && isWatched(w, p.fields.account)) expect(mayHoldWatched(w, l), l).toBe(true);
        }
        const fast = decodeDelivery(deliveryOf(lines), w);
        const viaPrefilter = collect(fast.events, w, new Set());
        expect(fast.events.length + fast.skipped).toBe(lines.length);
        expect(viaPrefilter.cashOuts.map((c) => c.account)).toEqual(want.accounts);
        expect(viaPrefilter.malformed).toBe(want.malformed);
      }
    }
    expect(mutated).toBeGreaterThan(500);
  });
});
