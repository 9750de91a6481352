// Which accounts alert, and the cheap test that lets the hot paths (collect on
// a message, prefilter on a delivery's raw bytes) skip JSON.parse for lines that
// cannot hold a watched CashOut. Its cost does not grow with the watch list: the
// value of each `"accountName"` key in the line is read in place, its JSON
// escapes undone, and looked up in a Set.
import { Automaton } from "./automaton.js";

export interface WatchList {
  readonly everyAccount: boolean;
  readonly accounts: ReadonlySet<string>;
}

export function watchList(accounts: readonly string[]): WatchList {
  const everyAccount = accounts.includes("*");
  return { everyAccount, accounts: new Set(everyAccount ? [] : accounts) };
}

export function isWatched(list: WatchList, account: string): boolean {
  return list.everyAccount || list.accounts.has(account);
}

/**
 * What a raw line's `"accountName"` keys say, read without parsing the line:
 * - `watched`: one of them holds a watched account;
 * - `unwatched`: there is at least one, and every one holds an account off the list;
 * - `unknown`: there is none, or one could not be read cheaply (a value that is
 *   not a plain string or number, a cut line, an odd escape). Such a line is parsed.
 */
export type AccountVerdict = "watched" | "unwatched" | "unknown";

/**
 * False only when the raw line cannot be a CashOut of a watched account: every
 * account it names is readable and unwatched. Never false for a line that
 * JSON.parse would read as a watched CashOut (the key is literal `accountName`
 * in every encoder: JSON escapes only quotes, backslashes, control characters
 * and, in some encoders, `/`, `<`, `>`, `&`, `'` and non-ASCII).
 */
export function mayHoldWatched(list: WatchList, message: string): boolean {
  if (list.everyAccount) return true;
  if (list.accounts.size === 0) return false;
  return accountVerdict(list, message) !== "unwatched";
}

const KEY = "accountName";
const KEY_LENGTH = KEY.length;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const BRACE_CLOSE = 0x7d;
const BRACKET_CLOSE = 0x5d;
const MINUS = 0x2d;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

// One reading of a key occurrence; NOT_A_KEY: the word `accountName` is not a JSON key there.
const WATCHED = 0;
const UNWATCHED = 1;
const UNKNOWN = 2;
const NOT_A_KEY = 3;
type Reading = typeof WATCHED | typeof UNWATCHED | typeof UNKNOWN | typeof NOT_A_KEY;

type Text = string | Buffer;

function codeAt(text: Text, i: number): number {
  return typeof text === "string" ? text.charCodeAt(i) : (text[i] ?? -1);
}

function findQuote(text: Text, from: number): number {
  return typeof text === "string" ? text.indexOf('"', from) : text.indexOf(QUOTE, from);
}

function slice(text: Text, start: number, end: number): string {
  return typeof text === "string" ? text.slice(start, end) : text.toString("utf8", start, end);
}

/** Backslashes right before position i, not looking before `floor`. */
function slashesBefore(text: Text, i: number, floor: number): number {
  let n = 0;
  while (i - 1 - n >= floor && codeAt(text, i - 1 - n) === BACKSLASH) n++;
  return n;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The depth at which a quote preceded by `run` backslashes closes or opens a
 * string: each level of escaping turns an odd run into half of it (rounded
 * down) before the quote; an even run leaves the quote structural, the
 * backslashes then being the end of a string's own text.
 */
function structuralDepth(run: number): number {
  let r = run;
  let depth = 0;
  while ((r & 1) === 1) {
    r = (r - 1) >> 1;
    depth++;
  }
  return depth;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A string value's raw text undone through `layers` levels of JSON escaping
 * (one per JSON document it sits in), or undefined when it is not valid there.
 */
function unescapeLayers(raw: string, layers: number): string | undefined {
  let s = raw;
  for (let i = 0; i < layers && s.includes("\\"); i++) {
    try {
      s = JSON.parse(`"${s}"`) as string;
    } catch {
      return undefined;
    }
  }
  return s;
}

function lookup(list: WatchList, account: string | undefined): Reading {
  // parse.ts does not take a blank name for an account: such a line is malformed, not another account's.
  if (account === undefined || account.trim() === "") return UNKNOWN;
  return list.accounts.has(account) ? WATCHED : UNWATCHED;
}

/**
 * Reads the occurrence of `accountName` at `at`. The text around it tells how
 * deep the key sits: a key inside a JSON document that is itself a string of
 * another document (Lambda's JSON log format with a string message, a
 * subscription delivery) has its quotes escaped once per level, as `\"`,
 * `\\\"` ... (2^k - 1 backslashes at depth k), and its value escaped k + 1 times.
 */
function readKeyAt(list: WatchList, text: Text, at: number, floor: number, end: number): Reading {
  const open = at - 1;
  if (open < floor || codeAt(text, open) !== QUOTE) return NOT_A_KEY;
  const q = slashesBefore(text, open, floor);
  if ((q & (q + 1)) !== 0) return UNKNOWN; // not 2^k - 1: no well-formed nesting
  let i = at + KEY_LENGTH;
  // The closing quote of the key, escaped as the opening one.
  for (let s = 0; s < q; s++, i++) {
    if (i >= end) return UNKNOWN;
    const c = codeAt(text, i);
    if (c !== BACKSLASH) return c === QUOTE ? UNKNOWN : NOT_A_KEY;
  }
  if (i >= end) return UNKNOWN;
  const close = codeAt(text, i);
  if (close !== QUOTE) return close === BACKSLASH ? UNKNOWN : NOT_A_KEY;
  i++;
  while (i < end && isSpace(codeAt(text, i))) i++;
  if (i >= end) return UNKNOWN;
  const sep = codeAt(text, i);
  if (sep !== COLON) return sep === COMMA || sep === BRACE_CLOSE || sep === BRACKET_CLOSE ? NOT_A_KEY : UNKNOWN;
  i++;
  while (i < end && isSpace(codeAt(text, i))) i++;
  if (i >= end) return UNKNOWN;
  const first = codeAt(text, i);
  if (first === MINUS || isDigit(first)) {
    // A number: parse.ts takes it as the account String(n).
    let j = i + 1;
    while (j < end) {
      const c = codeAt(text, j);
      if (!(isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS)) break;
      j++;
    }
    if (j >= end) return UNKNOWN;
    const after = codeAt(text, j);
    if (!(after === COMMA || after === BRACE_CLOSE || isSpace(after))) return UNKNOWN;
    const token = slice(text, i, j);
    return JSON_NUMBER.test(token) ? lookup(list, String(Number(token))) : UNKNOWN;
  }
  // A string, opened by a quote escaped as the key's.
  for (let s = 0; s < q; s++, i++) {
    if (i >= end || codeAt(text, i) !== BACKSLASH) return UNKNOWN;
  }
  if (i >= end || codeAt(text, i) !== QUOTE) return UNKNOWN;
  const valueStart = i + 1;
  if (typeof text !== "string") {
    const fast = plainValueInBytes(list, text, valueStart, end, q);
    if (fast !== undefined) return fast;
  }
  // Its closing quote is the first that is structural at the key's depth (see structuralDepth).
  const depth = Math.log2(q + 1);
  for (let p = findQuote(text, valueStart); ; p = findQuote(text, p + 1)) {
    if (p < 0 || p >= end) return UNKNOWN;
    const level = structuralDepth(slashesBefore(text, p, valueStart));
    if (level > depth) continue; // a quote inside the value
    if (level < depth) return UNKNOWN; // a shallower string closed first: the line is cut or broken
    // The backslashes before it beyond the q that escape it are the value's own.
    return lookup(list, unescapeLayers(slice(text, valueStart, p - q), depth + 1));
  }
}

// A delivery holds ~100,000 other accounts' names a pass: a value without escapes is
// hashed where it lies (FNV-1a over its UTF-8 bytes) and compared with the watched
// names' bytes, so no string is made for it.
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const PLAIN_MAX = 256;
const byteIndexes = new WeakMap<WatchList, Map<number, Buffer[]>>();

function fnv(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (bytes[i] as number), FNV_PRIME);
  return h >>> 0;
}

function byteIndex(list: WatchList): Map<number, Buffer[]> {
  let index = byteIndexes.get(list);
  if (index === undefined) {
    index = new Map();
    for (const account of list.accounts) {
      const b = Buffer.from(account);
      const h = fnv(b, 0, b.length);
      const same = index.get(h);
      if (same) same.push(b);
      else index.set(h, [b]);
    }
    byteIndexes.set(list, index);
  }
  return index;
}

/**
 * A string value with no escapes, read in a delivery's bytes: up to its closing
 * quote, which is preceded by exactly the q backslashes of its depth. Undefined
 * when the value has escapes or runs long: the general reading then decides.
 */
function plainValueInBytes(list: WatchList, bytes: Buffer, valueStart: number, end: number, q: number): Reading | undefined {
  const limit = Math.min(end, valueStart + PLAIN_MAX);
  let h = FNV_OFFSET;
  let blank = true;
  let j = valueStart;
  for (; j < limit; j++) {
    const b = bytes[j] as number;
    if (b === QUOTE || b === BACKSLASH) break;
    // Non-ASCII may be whitespace that parse.ts trims away (U+00A0...): the general reading decides.
    if (b >= 0x80) return undefined;
    if (b !== SPACE && b !== TAB) blank = false;
    h = Math.imul(h ^ b, FNV_PRIME);
  }
  if (j >= limit) return undefined;
  for (let s = 0; s < q; s++) if (bytes[j + s] !== BACKSLASH) return undefined;
  if (j + q >= end || bytes[j + q] !== QUOTE) return undefined;
  if (blank) return UNKNOWN;
  const candidates = byteIndex(list).get(h >>> 0);
  if (candidates === undefined) return UNWATCHED;
  const length = j - valueStart;
  for (const c of candidates) if (c.length === length && bytes.compare(c, 0, length, valueStart, j) === 0) return WATCHED;
  return UNWATCHED;
}

/** What the `accountName` at `at` holds; `none` when the word is not a JSON key there. `floor`/`end` bound the event. */
export function keyVerdictAt(list: WatchList, text: Text, at: number, floor: number, end: number): AccountVerdict | "none" {
  const r = readKeyAt(list, text, at, floor, end);
  return r === WATCHED ? "watched" : r === UNWATCHED ? "unwatched" : r === UNKNOWN ? "unknown" : "none";
}

/** The verdict on a whole log message (see AccountVerdict). */
export function accountVerdict(list: WatchList, message: string): AccountVerdict {
  let sawKey = false;
  let unknown = false;
  for (let at = message.indexOf(KEY); at >= 0; at = message.indexOf(KEY, at + KEY_LENGTH)) {
    const r = readKeyAt(list, message, at, 0, message.length);
    if (r === WATCHED) return "watched";
    if (r === NOT_A_KEY) continue;
    sawKey = true;
    if (r === UNKNOWN) unknown = true;
  }
  return !sawKey || unknown ? "unknown" : "unwatched";
}

// ---------- lines whose account cannot be read ----------

const automata = new WeakMap<WatchList, Automaton>();

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g;

/** One level of JSON string escapes undone wherever they stand in the text. */
function unescapeAll(text: string): string {
  return text.replace(ESCAPE, (_m, hex: string | undefined, simple: string | undefined) =>
    hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : (SIMPLE_ESCAPES[simple ?? ""] ?? ""),
  );
}

/**
 * True when a watched account occurs anywhere in the line, as written or with
 * its JSON escapes undone once or more (so `Jo\u00e3o`, `Jo\\u00e3o`, `Jo\u00E3o`
 * and `a\/b` all count). Decides whether a malformed line without a readable
 * account counts as `malformed`; the rare lines that get here pay for one
 * automaton pass per escape level, however many accounts are watched.
 */
export function mentionsWatched(list: WatchList, message: string): boolean {
  if (list.everyAccount) return true;
  if (list.accounts.size === 0) return false;
  let automaton = automata.get(list);
  if (automaton === undefined) {
    automaton = new Automaton(list.accounts);
    automata.set(list, automaton);
  }
  let text = message;
  // A line nests JSON in JSON at most a few levels deep (Lambda JSON log format around a JSON string).
  for (let level = 0; level < 4; level++) {
    if (automaton.test(text)) return true;
    const next = unescapeAll(text);
    if (next === text) return false;
    text = next;
  }
  return false;
}
