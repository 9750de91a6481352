import { describe, expect, test } from "vitest";
import { isWatched, mayMentionWatched, watchList } from "../../handler/core/watch.js";

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
      expect(mayMentionWatched(w, "no account here")).toBe(true);
    }
  });

  test("mayMentionWatched is a substring prefilter: false only when no watched account occurs", () => {
    const w = watchList(["23463567342345"]);
    expect(mayMentionWatched(w, '{"Session":{"accountName":"23463567342345"}}')).toBe(true);
    expect(mayMentionWatched(w, '{"Session":{"accountName":23463567342345}}')).toBe(true);
    expect(mayMentionWatched(w, '{"Session":{"accountName":"99999999999999"}}')).toBe(false);
    expect(mayMentionWatched(watchList([]), "23463567342345")).toBe(false);
  });
});

describe("watched accounts written escaped in the raw line", () => {
  test("finds names with quotes or non-ASCII however the logger escaped them", () => {
    const w = watchList(['acme "br"', "João"]);
    expect(mayMentionWatched(w, JSON.stringify({ Session: { accountName: 'acme "br"' } }))).toBe(true);
    // Python's json.dumps writes non-ASCII as \uXXXX by default.
    expect(mayMentionWatched(w, '{"Session": {"accountName": "Jo\\u00e3o"}}')).toBe(true);
    expect(mayMentionWatched(w, JSON.stringify({ Session: { accountName: "João" } }))).toBe(true);
    expect(mayMentionWatched(w, JSON.stringify({ Session: { accountName: "Joao" } }))).toBe(false);
  });
});
