import { describe, expect, test } from "vitest";
import {
  documentFromWatchedAccounts,
  mentionMarkup,
  parseConfigDocument,
  validateConfigDocument,
  type ConfigDocument,
} from "../../handler/core/config-document.js";
import { CONTRACT_EXAMPLE } from "./document-fixtures.js";

function ok(value: unknown): ConfigDocument {
  const r = validateConfigDocument(value);
  if (!r.ok) throw new Error(`expected a valid document, got: ${r.problems.join("; ")}`);
  return r.document;
}

function problems(value: unknown): readonly string[] {
  const r = validateConfigDocument(value);
  if (r.ok) throw new Error("expected problems, the document was accepted");
  return r.problems;
}

describe("the configuration document", () => {
  test("the contract's example reads as written", () => {
    const d = ok(CONTRACT_EXAMPLE);
    expect([...d.accounts]).toEqual([
      ["23463567342345", "Tesouraria"],
      ["23463123442346", ""],
    ]);
    expect(d.explicitRules).toBe(true);
    expect(d.rules).toEqual([
      { name: "contas vigiadas", accounts: { kind: "watched" } },
      { name: "acima de R$ 50 mil", accounts: { kind: "every" }, minAmount: 5000000, mention: { kind: "here" } },
      { name: "noite", accounts: { kind: "watched" }, hours: [20, 6], window: { minutes: 600, sum: 100000 } },
      { name: "rajada", accounts: { kind: "watched" }, window: { minutes: 10, count: 5 } },
      { name: "chave nova", accounts: { kind: "watched" }, newReceiver: { days: 30 } },
    ]);
  });

  test("without rules, one rule named watched on the watched accounts", () => {
    const d = ok({ accounts: { "1": "a" } });
    expect(d.explicitRules).toBe(false);
    expect(d.rules).toEqual([{ name: "watched", accounts: { kind: "watched" } }]);
  });

  test("a list of accounts, user and group mentions", () => {
    const d = ok({
      rules: [
        { name: "x", accounts: ["1", "2"], mention: "U024BE7LH" },
        { name: "y", accounts: "*", mention: "SAZ94GDB8" },
      ],
    });
    expect(d.rules[0]).toEqual({ name: "x", accounts: { kind: "list", accounts: ["1", "2"] }, mention: { kind: "user", id: "U024BE7LH" } });
    expect(d.rules[1]?.mention).toEqual({ kind: "group", id: "SAZ94GDB8" });
  });

  test("every kind of problem is listed at once, each saying where", () => {
    const p = problems({
      acounts: {},
      accounts: { "1": "Tesouraria", "2": 7, "*": "", " 3": "" },
      rules: [
        { name: "a", minAmmount: 5 },
        { name: "a", minAmount: "5000" },
        { accounts: [] },
        { name: "w1", window: { minutes: 10 } },
        { name: "w2", window: { minutes: 10, count: 5, sum: 100 } },
        { name: "w3", window: { minutes: 0, count: 1, extra: true } },
        { name: "h1", hours: [20, 24] },
        { name: "h2", hours: [6, 6] },
        { name: "h3", hours: "20-6" },
        { name: "m", mention: "@here" },
        { name: "n", newReceiver: { days: 0 } },
        { name: "l", accounts: ["*", "1", "1"] },
        "not a rule",
      ],
    });
    const expected = [
      /the document: unknown field "acounts" \(did you mean "accounts"\?\)/,
      /accounts\.2: the label must be a string/,
      /accounts: "\*" is not an account/,
      /accounts: " 3" is not an account name/,
      /rules\[0\] \("a"\): unknown field "minAmmount" \(did you mean "minAmount"\?\)/,
      /rules\[1\] \("a"\)\.name "a" is also the name of rules\[0\]/,
      /rules\[1\] \("a"\)\.minAmount must be a positive whole number of centavos/,
      /rules\[2\]\.name is required/,
      /rules\[2\]\.accounts is an empty list/,
      /rules\[3\] \("w1"\)\.window needs count \(CashOuts\) or sum \(centavos\)/,
      /rules\[4\] \("w2"\)\.window has both count and sum/,
      /rules\[5\] \("w3"\)\.window: unknown field "extra"/,
      /rules\[5\] \("w3"\)\.window\.minutes must be a whole number of minutes from 1 to 1440/,
      /rules\[5\] \("w3"\)\.window\.count must be a whole number from 2 to 500/,
      /rules\[6\] \("h1"\)\.hours: to must be a whole hour from 0 to 23 \(got number 24\)/,
      /rules\[7\] \("h2"\)\.hours: from and to are both 6/,
      /rules\[8\] \("h3"\)\.hours must be \[from, to\]/,
      /rules\[9\] \("m"\)\.mention must be "here", "channel", a Slack user id/,
      /rules\[10\] \("n"\)\.newReceiver\.days must be a whole number of days from 1 to 365/,
      /rules\[11\] \("l"\)\.accounts\[0\]: write "accounts": "\*" \(not inside a list\)/,
      /rules\[11\] \("l"\)\.accounts lists "1" twice/,
      /rules\[12\] must be an object/,
    ];
    for (const re of expected)
      expect(
        p.some((x) => re.test(x)),
        `${re} in\n${p.join("\n")}`,
      ).toBe(true);
    expect(p).toHaveLength(expected.length);
  });

  test("an empty watch list with no rule on every account is refused", () => {
    expect(problems({ accounts: {} })).toEqual([expect.stringMatching(/accounts is empty and there are no rules/)]);
    expect(problems({})).toEqual([expect.stringMatching(/accounts is empty and there are no rules/)]);
    expect(
      problems({
        rules: [
          { name: "big", accounts: "*", minAmount: 1 },
          { name: "noite", hours: [20, 6] },
        ],
      }),
    ).toEqual([expect.stringMatching(/rules\[1\] \("noite"\) looks at the watched accounts, but accounts is empty/)]);
    // Invalid entries are reported once each, not again as an empty watch list.
    expect(problems({ accounts: { "1": 7 }, rules: [{ name: "a" }] })).toEqual([expect.stringMatching(/accounts\.1: the label must be a string/)]);
    // A rule on every account, or on its own list, needs no watch list.
    expect(
      ok({
        rules: [
          { name: "big", accounts: "*", minAmount: 1 },
          { name: "duas", accounts: ["1", "2"] },
        ],
      }).accounts.size,
    ).toBe(0);
  });

  test("empty rules, wrong shapes and the bounds", () => {
    expect(problems({ accounts: { "1": "" }, rules: [] })).toEqual([expect.stringMatching(/rules is an empty list/)]);
    expect(problems({ accounts: [], rules: {} })).toEqual([expect.stringMatching(/accounts must be an object/), expect.stringMatching(/rules must be a list/)]);
    expect(problems([])).toEqual([expect.stringMatching(/must be a JSON object/)]);
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `r${i}`, accounts: "*" }));
    expect(problems({ rules: many })).toEqual([expect.stringMatching(/rules has 51 rules; at most 50/)]);
    expect(problems({ accounts: { "1": "x".repeat(81) } })[0]).toMatch(/label must be a string of at most 80/);
    expect(problems({ rules: [{ name: "n".repeat(65), accounts: "*" }] })[0]).toMatch(/longer than 64 characters/);
    expect(problems({ rules: [{ name: "w", accounts: "*", window: { minutes: 1441, count: 501 } }] })).toHaveLength(2);
  });

  test("thousands of bad account names name a few and count the rest", () => {
    const accounts = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [` ${i}`, ""]));
    const p = problems({ accounts, rules: [{ name: "x", accounts: "*" }] });
    expect(p).toHaveLength(6);
    expect(p[5]).toBe("accounts: 995 more invalid account names");
  });

  test("parsing: not JSON, empty, a byte-order mark", () => {
    const bad = parseConfigDocument('{"accounts": {"1": "a",}}');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems).toEqual([expect.stringMatching(/^the document is not valid JSON: /)]);
    expect(parseConfigDocument("  ")).toEqual({ ok: false, problems: ["the document is empty"] });
    expect(parseConfigDocument(`\uFEFF${JSON.stringify(CONTRACT_EXAMPLE)}`).ok).toBe(true);
  });

  test("PXSTREAM_WATCHED_ACCOUNTS stands for a document without labels or rules", () => {
    const d = documentFromWatchedAccounts(["1", "2"]);
    expect([...d.accounts]).toEqual([
      ["1", ""],
      ["2", ""],
    ]);
    expect(d.rules).toEqual([{ name: "watched", accounts: { kind: "watched" } }]);
    expect(documentFromWatchedAccounts(["*"]).rules).toEqual([{ name: "watched", accounts: { kind: "every" } }]);
  });

  test("mention markup", () => {
    expect(mentionMarkup({ kind: "here" })).toBe("<!here>");
    expect(mentionMarkup({ kind: "channel" })).toBe("<!channel>");
    expect(mentionMarkup({ kind: "user", id: "U024BE7LH" })).toBe("<@U024BE7LH>");
    expect(mentionMarkup({ kind: "group", id: "SAZ94GDB8" })).toBe("<!subteam^SAZ94GDB8>");
  });
});
