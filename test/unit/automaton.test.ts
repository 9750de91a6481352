import { describe, expect, test } from "vitest";
import { Automaton } from "../../handler/core/automaton.js";
import { prng, randInt } from "./fixtures.js";

describe("Automaton (Aho–Corasick)", () => {
  test("finds any pattern, including ones that overlap, nest or share prefixes", () => {
    const a = new Automaton(["he", "she", "his", "hers", "João", "😀"]);
    for (const t of ["ushers", "she", "xhex", "this", "Joãozinho", "a😀b"]) expect(a.test(t), t).toBe(true);
    for (const t of ["", "h", "hi", "Joao", "\ud83d"]) expect(a.test(t), t).toBe(false);
  });

  test("no patterns (or only empty ones) match nothing", () => {
    expect(new Automaton([]).test("anything")).toBe(false);
    expect(new Automaton([""]).test("anything")).toBe(false);
  });

  test("agrees with includes() on seeded random patterns and texts", () => {
    const rand = prng(7);
    const alphabet = "ab0" + "\u00e3";
    const word = (min: number, max: number): string => {
      let s = "";
      for (let n = randInt(rand, min, max); n > 0; n--) s += alphabet[randInt(rand, 0, alphabet.length)];
      return s;
    };
    for (let round = 0; round < 300; round++) {
      const patterns = Array.from({ length: randInt(rand, 1, 12) }, () => word(1, 6));
      const a = new Automaton(patterns);
      for (let k = 0; k < 20; k++) {
        const text = word(0, 30);
        expect(a.test(text), `${JSON.stringify(patterns)} in ${JSON.stringify(text)}`).toBe(patterns.some((p) => text.includes(p)));
      }
    }
  });
});
