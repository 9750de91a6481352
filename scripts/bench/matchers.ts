// The watch-list matchers side by side, on the benchmark's CashOut lines (those
// that hold `transactionId`, which is where collect asks): the one pxstream uses
// (read each `accountName` value in place, look it up in a Set: core/watch.ts),
// an Aho–Corasick automaton over every spelling of every account
// (core/automaton.ts), and the substring search per spelling it replaced.
// run.mjs bundles this file with esbuild; child.mjs runs it in a fresh process.
import { Automaton } from "../../handler/core/automaton.js";
import { mayHoldWatched, watchList } from "../../handler/core/watch.js";
import { encodeJson, JSON_STYLES } from "../lib/json-styles.mjs";

const STYLES = JSON_STYLES;

/**
 * How the corpus's loggers may write an account in a line (what a substring matcher
 * must know): by each encoder, and by each encoder inside each other's string
 * (Lambda's JSON log format around a JSON string message).
 */
function spellings(account: string): string[] {
  const once = STYLES.map((st) => encodeJson(account, st).slice(1, -1));
  const twice = once.flatMap((inner) => STYLES.map((st) => encodeJson(inner, st).slice(1, -1)));
  return [...new Set([account, ...once, ...twice])];
}

export interface MatcherRow {
  readonly accounts: number;
  readonly method: "set" | "automaton" | "substrings";
  readonly buildMs: number;
  readonly lines: number;
  readonly nsPerLine: number;
  /** Lines the matcher let through (to be parsed). */
  readonly kept: number;
  /** Of the lines that are watched accounts' CashOuts, how many it let through (must be all of them). */
  readonly watchedKept: number;
  readonly watchedLines: number;
}

/** The substring matcher is quadratic in practice: past this many spellings × lines it runs on a sample. */
const SUBSTRING_BUDGET = 2e8;

export function compareMatchers(
  messages: readonly string[],
  watchedFlags: readonly boolean[],
  sizes: readonly number[],
  accountsFor: readonly string[],
  cpuMs: () => number,
): MatcherRow[] {
  const rows: MatcherRow[] = [];
  for (const size of sizes) {
    const accounts = accountsFor.slice(0, size);
    const methods: Array<[MatcherRow["method"], () => (m: string) => boolean]> = [
      [
        "set",
        () => {
          const list = watchList(accounts);
          return (m) => mayHoldWatched(list, m);
        },
      ],
      [
        "automaton",
        () => {
          const a = new Automaton(accounts.flatMap(spellings));
          return (m) => a.test(m);
        },
      ],
      [
        "substrings",
        () => {
          const needles = [...new Set(accounts.flatMap(spellings))];
          return (m) => needles.some((n) => m.includes(n));
        },
      ],
    ];
    for (const [method, build] of methods) {
      const b0 = cpuMs();
      const match = build();
      const buildMs = cpuMs() - b0;
      const spellingCount = accounts.flatMap(spellings).length;
      const lines = method === "substrings" ? Math.min(messages.length, Math.max(1000, Math.floor(SUBSTRING_BUDGET / spellingCount / 100))) : messages.length;
      let kept = 0;
      let watchedKept = 0;
      let watchedLines = 0;
      const t0 = cpuMs();
      for (let i = 0; i < lines; i++) {
        if (match(messages[i] as string)) {
          kept++;
          if (watchedFlags[i]) watchedKept++;
        }
      }
      const ms = cpuMs() - t0;
      for (let i = 0; i < lines; i++) if (watchedFlags[i]) watchedLines++;
      rows.push({ accounts: size, method, buildMs, lines, nsPerLine: (ms * 1e6) / lines, kept, watchedKept, watchedLines });
    }
  }
  return rows;
}
