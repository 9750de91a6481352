import { describe, expect, test } from "vitest";
import { maskPixKey, pixKeyType, type PixKeyType } from "../../handler/core/mask.js";
import { digits, PIX_KEYS, prng, randInt } from "./fixtures.js";

describe("pixKeyType", () => {
  const cases: Array<[string | undefined, PixKeyType]> = [
    [PIX_KEYS.cpfRaw, "cpf"],
    [PIX_KEYS.cpfFormatted, "cpf"],
    [PIX_KEYS.cnpjRaw, "cnpj"],
    [PIX_KEYS.cnpjFormatted, "cnpj"],
    [PIX_KEYS.email, "email"],
    [PIX_KEYS.phone, "phone"],
    ["+55 (11) 98765-4321", "phone"],
    [PIX_KEYS.evp, "evp"],
    [PIX_KEYS.evp.toUpperCase(), "evp"],
    [PIX_KEYS.unknown, "unknown"],
    ["+55abc", "unknown"],
    ["1234", "unknown"],
    [undefined, "none"],
    ["   ", "none"],
  ];
  test.each(cases)("%s is %s", (key, type) => {
    expect(pixKeyType(key)).toBe(type);
  });
});

describe("maskPixKey per key type", () => {
  const cases: Array<[string, string | undefined, string]> = [
    ["CPF raw", PIX_KEYS.cpfRaw, "***.456.789-**"],
    ["CPF formatted", PIX_KEYS.cpfFormatted, "***.456.789-**"],
    ["CNPJ raw", PIX_KEYS.cnpjRaw, "**.345.678/****-**"],
    ["CNPJ formatted", PIX_KEYS.cnpjFormatted, "**.345.678/****-**"],
    ["e-mail", PIX_KEYS.email, "f***@e***.br"],
    ["phone", PIX_KEYS.phone, "+5511 *****-4321"],
    ["phone with punctuation", "+55 (11) 98765-4321", "+5511 *****-4321"],
    ["random key (EVP)", PIX_KEYS.evp, "7d9f****-****-****-****-********6906"],
    ["unknown", PIX_KEYS.unknown, "****"],
    ["missing", undefined, "—"],
    ["blank", "", "—"],
  ];
  test.each(cases)("%s", (_name, key, masked) => {
    expect(maskPixKey(key)).toBe(masked);
  });
});

/** The characters of a key a reader could learn from its mask: digits, or hex for a random key. */
function secretChars(s: string): string {
  return s.replace(/[^0-9a-f]/gi, "");
}

describe("a mask never reveals the key", () => {
  const rand = prng(55);
  const hex = (n: number): string => Array.from({ length: n }, () => "0123456789abcdef"[randInt(rand, 0, 16)]).join("");
  const generators: Record<string, () => string> = {
    cpfRaw: () => digits(rand, 11),
    cpfFormatted: () => {
      const d = digits(rand, 11);
      return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
    },
    cnpjRaw: () => digits(rand, 14),
    cnpjFormatted: () => {
      const d = digits(rand, 14);
      return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;
    },
    phoneBR: () => `+55${digits(rand, 2)}9${digits(rand, 8)}`,
    phoneAnyLength: () => `+${randInt(rand, 1, 10)}${digits(rand, randInt(rand, 7, 14))}`,
    evp: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`,
    email: () => `${hex(randInt(rand, 3, 12))}.${hex(4)}@${hex(randInt(rand, 3, 10))}.com.br`,
  };

  test.each(Object.keys(generators).map((k) => [k]))("%s (seeded)", (kind) => {
    const gen = generators[kind];
    if (gen === undefined) throw new Error(kind);
    for (let i = 0; i < 300; i++) {
      const key = gen();
      const masked = maskPixKey(key);
      expect(masked).not.toContain(key);
      expect(masked).toMatch(/\*{3}/);
      const keyChars = secretChars(key.includes("@") ? key.slice(0, key.lastIndexOf(".")) : key);
      const shown = secretChars(masked);
      // Never the whole key, and at least four of its digits (or hex characters) hidden.
      expect(shown).not.toContain(keyChars);
      expect(shown.length).toBeLessThanOrEqual(keyChars.length - 4);
      if (kind.startsWith("cpf") || kind.startsWith("cnpj") || kind === "phoneBR") expect(shown.length).toBeLessThanOrEqual(8);
    }
  });

  test("a short international phone key does not come out whole", () => {
    // 8 digits: the prefix slice went negative and printed all but the last digit, then the last four.
    const masked = maskPixKey("+12345678");
    expect(pixKeyType("+12345678")).toBe("phone");
    expect(secretChars(masked)).not.toContain("1234567");
    expect(masked).toBe("+ *****-5678");
  });
});
