import { describe, expect, test } from "vitest";
import { perAccount, totalsOf } from "../../handler/core/aggregate.js";
import { formatBRL } from "../../handler/core/money.js";
import { cashOut, prng, randInt } from "./fixtures.js";

describe("totalsOf", () => {
  test("empty", () => {
    expect(totalsOf([])).toEqual({ count: 0, total: 0n });
  });

  test("sum of many near-MAX_SAFE_INTEGER amounts is exact", () => {
    const n = 1000;
    const amounts = Array.from({ length: n }, (_, i) => Number.MAX_SAFE_INTEGER - i);
    const t = totalsOf(amounts.map((amount, i) => cashOut({ key: `k${i}`, amount })));
    // sum_{i<n} (M - i) = n*M - n(n-1)/2
    const expected = BigInt(n) * BigInt(Number.MAX_SAFE_INTEGER) - BigInt((n * (n - 1)) / 2);
    expect(t).toEqual({ count: n, total: expected });
    expect(t.total).toBe(9_007_199_254_740_491_500n);
    expect(formatBRL(t.total)).toBe("R$\u00a090.071.992.547.404.915,00");
    // A float sum would have lost the low digits.
    const floatSum = amounts.reduce((a, b) => a + b, 0);
    expect(BigInt(floatSum)).not.toBe(expected);
  });
});

describe("perAccount", () => {
  test("counts and totals per account, largest total first, ties by name", () => {
    const rows = perAccount([
      cashOut({ key: "1", account: "b", amount: 300 }),
      cashOut({ key: "2", account: "a", amount: 100 }),
      cashOut({ key: "3", account: "c", amount: 50 }),
      cashOut({ key: "4", account: "a", amount: 200 }),
      cashOut({ key: "5", account: "c", amount: 1000 }),
    ]);
    expect(rows).toEqual([
      { account: "c", count: 2, total: 1050n },
      { account: "a", count: 2, total: 300n },
      { account: "b", count: 1, total: 300n },
    ]);
  });

  test("per-account counts and totals add up to the run's (seeded)", () => {
    const rand = prng(3);
    const cs = Array.from({ length: 3000 }, (_, i) =>
      cashOut({ key: `k${i}`, account: `acc-${randInt(rand, 0, 200)}`, amount: randInt(rand, 1, Number.MAX_SAFE_INTEGER) }),
    );
    const rows = perAccount(cs);
    const t = totalsOf(cs);
    expect(rows.reduce((s, r) => s + r.count, 0)).toBe(t.count);
    expect(rows.reduce((s, r) => s + r.total, 0n)).toBe(t.total);
    for (let i = 1; i < rows.length; i++) expect((rows[i - 1]?.total ?? 0n) >= (rows[i]?.total ?? 0n)).toBe(true);
    const manual = new Map<string, bigint>();
    for (const c of cs) manual.set(c.account, (manual.get(c.account) ?? 0n) + BigInt(c.amount));
    expect(new Map(rows.map((r) => [r.account, r.total]))).toEqual(manual);
  });
});
