import { describe, expect, test } from "vitest";
import { accountVerdict, isWatched, mayHoldWatched, mentionsWatched, watchList } from "../../handler/core/watch.js";
import { WATCHED as W } from "../support/pix-lines.js";

const OTHER = "99999999999999";

describe("watch list", () => {
  test("named accounts", () => {
    const w = watchList(["111", "222"]);
    expect(w.everyAccount).toBe(false);
    expect(isWatched(w, "111")).toBe(true);
    expect(isWatched(w, "222")).toBe(true);
    expect(isWatched(w, "1111")).toBe(false);
    expect(isWatched(w, "")).toBe(false);
  });

  test("* watches every account, alone or among names", () => {
    for (const w of [watchList(["*"]), watchList(["111", "*"])]) {
      expect(w.everyAccount).toBe(true);
      expect(isWatched(w, "anything")).toBe(true);
      expect(mayHoldWatched(w, "no account here")).toBe(true);
      expect(mentionsWatched(w, "no account here")).toBe(true);
    }
  });

  test("an empty list rules out every line", () => {
    expect(mayHoldWatched(watchList([]), `{"Session":{"accountName":"${W}"}}`)).toBe(false);
    expect(mentionsWatched(watchList([]), W)).toBe(false);
  });
});

describe("accountVerdict: the accountName value read in place", () => {
  const w = watchList([W]);
  const cases: Array<[string, string, ReturnType<typeof accountVerdict>]> = [
    ["a watched string", `{"Session":{"accountName":"${W}"}}`, "watched"],
    ["another account", `{"Session":{"accountName":"${OTHER}"}}`, "unwatched"],
    ["a watched number", `{"Session":{"accountName":${W}}}`, "watched"],
    ["another number", `{"Session":{"accountName":${OTHER},"x":1}}`, "unwatched"],
    ["spaces around the colon (Python)", `{"Session": {"accountName" : "${W}"}}`, "watched"],
    ["a watched account beside another's", `{"a":{"accountName":"${OTHER}"},"Session":{"accountName":"${W}"}}`, "watched"],
    ["two unwatched", `{"a":{"accountName":"${OTHER}"},"Session":{"accountName":"1"}}`, "unwatched"],
    ["no key at all", `transactionId=E1 conta ${W}`, "unknown"],
    ["the word, not a key", `accountName=${OTHER}`, "unknown"],
    ["a longer key only", `{"accountNames":["${OTHER}"]}`, "unknown"],
    ["the word as a string value", `{"fields":["accountName"],"Session":{"accountName":"${OTHER}"}}`, "unwatched"],
    ["null", `{"Session":{"accountName":null}}`, "unknown"],
    ["an object", `{"Session":{"accountName":{"id":"${OTHER}"}}}`, "unknown"],
    ["blank (parse.ts takes it for no account)", `{"Session":{"accountName":"  "}}`, "unknown"],
    ["a value cut short", `{"Session":{"accountName":"${OTHER.slice(0, 5)}`, "unknown"],
    ["a number cut short", `{"Session":{"accountName":${OTHER}`, "unknown"],
    ["not a JSON number", `{"Session":{"accountName":0123}}`, "unknown"],
    ["an unreadable one beside an unwatched one", `{"a":{"accountName":null},"Session":{"accountName":"${OTHER}"}}`, "unknown"],
    ["a bad escape", `{"Session":{"accountName":"\\x41"}}`, "unknown"],
    // Inside a Lambda JSON string message: quotes escaped once, the value twice.
    ["one level deep", JSON.stringify({ message: JSON.stringify({ Session: { accountName: W } }) }), "watched"],
    ["one level deep, another", JSON.stringify({ message: JSON.stringify({ Session: { accountName: OTHER } }) }), "unwatched"],
    ["two levels deep", JSON.stringify(JSON.stringify({ message: JSON.stringify({ Session: { accountName: W } }) })), "watched"],
    ["a key-like text inside a string is read too, never instead", JSON.stringify({ d: `"accountName":"${W}"`, Session: { accountName: OTHER } }), "watched"],
  ];
  test.each(cases)("%s", (_name, line, verdict) => {
    expect(accountVerdict(w, line)).toBe(verdict);
    expect(mayHoldWatched(w, line)).toBe(verdict !== "unwatched");
  });

  test("values that end in backslashes or hold quotes close where JSON closes them", () => {
    for (const account of ["a\\", "a\\\\", 'a"', 'a\\"', '"', "\\"]) {
      const list = watchList([account]);
      const line = JSON.stringify({ Session: { accountName: account }, x: "y" });
      expect(accountVerdict(list, line), line).toBe("watched");
      const deep = JSON.stringify({ message: line });
      expect(accountVerdict(list, deep), deep).toBe("watched");
      expect(accountVerdict(watchList(["other"]), deep), deep).toBe("unwatched");
    }
  });
});

describe("mentionsWatched: a watched account anywhere, escaped or not", () => {
  const w = watchList(["João", "a/b", W]);
  test.each([
    ["plain", `falha transactionId=E1 conta ${W}`, true],
    ["Python's \\u escape", "conta Jo\\u00e3o", true],
    ["upper-case hex", "conta Jo\\u00E3o", true],
    ["escaped twice", "conta Jo\\\\u00e3o", true],
    ["PHP's \\/", "conta a\\/b", true],
    ["PHP's \\/ escaped twice", "conta a\\\\\\/b", true],
    ["nobody watched", "conta Joao a-b 2346356734234", false],
  ])("%s", (_name, line, expected) => {
    expect(mentionsWatched(w, line)).toBe(expected);
  });
});
