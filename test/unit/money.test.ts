import { describe, expect, test } from "vitest";
import { formatBRL, isValidAmount } from "../../handler/core/money.js";
import { intlBRL, intlBRLExact, prng, randInt } from "./fixtures.js";

describe("formatBRL matches Intl.NumberFormat('pt-BR', BRL)", () => {
  const fixed = [0, 1, 5, 10, 99, 100, 101, 999, 1_000, 99_999, 100_000, 123_456, 1_000_000, 100_000_000, 123_456_789, 99_999_999_999];

  test.each(fixed.map((n) => [n]))("%d centavos", (n) => {
    const expected = intlBRL(n);
    expect(formatBRL(n)).toBe(expected);
    expect(formatBRL(BigInt(n))).toBe(expected);
  });

  test("hand-written forms, as README's Slack message section writes them", () => {
    expect(formatBRL(123_456)).toBe("R$\u00a01.234,56");
    expect(formatBRL(0)).toBe("R$\u00a00,00");
    expect(formatBRL(100_000_000)).toBe("R$\u00a01.000.000,00");
  });

  test("seeded random amounts up to 10^14 centavos, as numbers and bigints", () => {
    const rand = prng(7);
    for (let i = 0; i < 5000; i++) {
      // Spread over magnitudes: 1 to 14 digits.
      const n = randInt(rand, 0, 10 ** randInt(rand, 1, 15));
      expect(formatBRL(n)).toBe(intlBRL(n));
      expect(formatBRL(BigInt(n))).toBe(intlBRL(n));
    }
  });

  test("every safe integer, compared with Intl on the exact decimal string", () => {
    const rand = prng(11);
    const samples = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1, 2 ** 52, 9_007_199_254_740_901];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(rand() * Number.MAX_SAFE_INTEGER));
    for (const n of samples) expect(formatBRL(n)).toBe(intlBRLExact(BigInt(n)));
  });

  test("negative amounts are written as Intl writes them", () => {
    for (const n of [-1, -99, -100, -123_456]) expect(formatBRL(n)).toBe(intlBRL(n));
  });
});

describe("totals past 2^53 centavos", () => {
  test("a bigint above 2^53 matches a hand-computed string", () => {
    expect(formatBRL(2n ** 64n)).toBe("R$\u00a0184.467.440.737.095.516,16");
    expect(formatBRL(9_007_199_254_740_993n)).toBe("R$\u00a090.071.992.547.409,93");
    expect(formatBRL(BigInt(Number.MAX_SAFE_INTEGER) * 1000n)).toBe("R$\u00a090.071.992.547.409.910,00");
  });

  test("large bigints match Intl on the exact decimal string", () => {
    const rand = prng(99);
    for (let i = 0; i < 500; i++) {
      const n = BigInt(Math.floor(rand() * Number.MAX_SAFE_INTEGER)) * BigInt(randInt(rand, 1, 1_000_000)) + BigInt(randInt(rand, 0, 100));
      expect(formatBRL(n)).toBe(intlBRLExact(n));
    }
  });
});

describe("isValidAmount", () => {
  test("positive safe integers only", () => {
    for (const ok of [1, 100, Number.MAX_SAFE_INTEGER]) expect(isValidAmount(ok)).toBe(true);
    for (const bad of [0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Number.POSITIVE_INFINITY, "100", null, undefined, 10n]) {
      expect(isValidAmount(bad)).toBe(false);
    }
  });
});
