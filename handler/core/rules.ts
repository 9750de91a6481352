// Alert rules (README "Rules"): which CashOuts a run reports, and why.
//
// Evaluation is pure: the runs hand in the CashOuts not reported yet, the rule
// state stored in the checkpoint and the time they have read up to; they get
// back the CashOuts to report (with the names of the rules that matched and
// their mentions) and the next state, which they commit together with the
// reported keys. The state makes the stateful rules independent of how
// CashOuts fall into runs or deliveries:
//
// - window: the qualifying CashOuts of the last M minutes (plus the lateness
//   the runs allow) per rule and account, so a later arrival can complete a
//   group with earlier ones; CashOuts no message has carried yet are kept with
//   what the message shows (never the receiver key in clear), and reported when
//   a later run completes their group.
// - newReceiver: per account, keyed hashes of the receivers it paid and the
//   hour it last paid each, and the hour pxstream began to watch its payments.
import { createHash } from "node:crypto";
import type { CashOut } from "./cash-out.js";
import type { JsonValue, RulesUpdate } from "./checkpoint.js";
import { mentionMarkup, type ConfigDocument, type RuleSpec } from "./config-document.js";
import { maskPixKey } from "./mask.js";
import type { ReportItem } from "./render.js";
import { receiverHasher, receiverKeyCheck, RECEIVER_HASH_BYTES, type ReceiverHasher } from "./receiver-hash.js";
import { saoPauloHour } from "./time-format.js";

/** Bounds of the rule state; what happens at each is in README "Rules". */
export const RULE_STATE_LIMITS = {
  /** Window members kept per rule and account (the most recent). */
  windowEntriesPerAccount: 1_000,
  /** Window members kept over all rules and accounts (the most recent). */
  windowEntries: 50_000,
  /** Window members no message has carried yet, kept with their details (the most recent). */
  pending: 3_000,
  /** Receivers remembered per account (the most recently paid). */
  receiversPerAccount: 1_000,
  /** Receivers remembered over all accounts (the most recently paid). */
  receivers: 100_000,
} as const;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
// A receiver record: RECEIVER_HASH_BYTES of HMAC, then the hour (since the epoch) it was last paid, 3 bytes (good for 1,900 years).
const RECORD_BYTES = RECEIVER_HASH_BYTES + 3;

// ---------------------------------------------------------------- compiled rules

interface CompiledWindow {
  readonly ms: number;
  readonly count: number | undefined;
  readonly sum: bigint | undefined;
  /** Identifies this rule's window members in the state: the conditions that decide membership. */
  readonly id: string;
}

export interface CompiledRule {
  readonly name: string;
  readonly every: boolean;
  /** The accounts it looks at, when not every account. */
  readonly accounts: ReadonlySet<string>;
  readonly minAmount: number;
  readonly hours: readonly [number, number] | undefined;
  readonly window: CompiledWindow | undefined;
  /** newReceiver's D days, in hours. */
  readonly newReceiverHours: number | undefined;
  /** Slack markup of the rule's mention. */
  readonly mention: string | undefined;
}

export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  /** Account → label, for messages. */
  readonly labels: ReadonlyMap<string, string>;
  /** What collect and the prefilter must read: these accounts, or ["*"] when a rule looks at every account. */
  readonly watchAccounts: readonly string[];
  /** False for the implicit rule "watched" (a document without rules, or PXSTREAM_WATCHED_ACCOUNTS): messages then name no rule. */
  readonly explicit: boolean;
  /** True when a rule needs the state (window or newReceiver). */
  readonly stateful: boolean;
  readonly usesNewReceiver: boolean;
  readonly latenessMs: number;
  readonly hasher: ReceiverHasher | undefined;
  /** Check value of the HMAC key (receiverKeyCheck): a memory made with another key is set aside. */
  readonly receiverCheck: string | undefined;
  /** Accounts named (watched or listed) by newReceiver rules: their payments are watched from the moment they are named. */
  readonly receiverAccounts: ReadonlySet<string>;
  /** True when a newReceiver rule looks at every account. */
  readonly receiverEvery: boolean;
  /** The longest newReceiver memory, in hours. */
  readonly receiverHours: number;
}

export interface CompileOptions {
  /**
   * How long after `now` moved past a CashOut it may still arrive and be
   * evaluated (the runs' re-read overlap): window members are kept this much
   * longer than the window, receivers this much longer than their days.
   */
  readonly latenessMs: number;
  /** The HMAC key for receiver hashes; required when a rule uses newReceiver. */
  readonly receiverKey?: string | undefined;
}

function fingerprint(spec: RuleSpec): string {
  // "watched" stands for the watch list as it is at each run: adding a watched account keeps the others' members.
  // A rule's own list is part of what it is (two rules alike but for their lists must not share members).
  const accounts = spec.accounts.kind === "list" ? [...spec.accounts.accounts].sort() : spec.accounts.kind;
  const what = JSON.stringify([accounts, spec.minAmount ?? null, spec.hours ?? null, spec.newReceiver?.days ?? null, spec.window ?? null]);
  return createHash("sha256").update(what).digest("base64url").slice(0, 12);
}

export function compileRules(doc: ConfigDocument, options: CompileOptions): CompiledRules {
  const watched = new Set(doc.accounts.keys());
  const usesNewReceiver = doc.rules.some((r) => r.newReceiver !== undefined);
  if (usesNewReceiver && (options.receiverKey === undefined || options.receiverKey === "")) {
    throw new Error("a newReceiver rule needs the receiver HMAC key (PXSTREAM_RECEIVER_KEY_PARAMETER)");
  }
  const rules = doc.rules.map((spec): CompiledRule => {
    const every = spec.accounts.kind === "every";
    const accounts = spec.accounts.kind === "list" ? new Set(spec.accounts.accounts) : spec.accounts.kind === "watched" ? watched : new Set<string>();
    const w = spec.window;
    return {
      name: spec.name,
      every,
      accounts,
      minAmount: spec.minAmount ?? 0,
      hours: spec.hours,
      window:
        w === undefined
          ? undefined
          : { ms: w.minutes * MINUTE_MS, count: w.count, sum: w.sum === undefined ? undefined : BigInt(w.sum), id: fingerprint(spec) },
      newReceiverHours: spec.newReceiver === undefined ? undefined : spec.newReceiver.days * 24,
      mention: spec.mention === undefined ? undefined : mentionMarkup(spec.mention),
    };
  });
  const every = rules.some((r) => r.every);
  const watch = new Set<string>();
  if (!every) for (const r of rules) for (const a of r.accounts) watch.add(a);
  const receiverRules = rules.filter((r) => r.newReceiverHours !== undefined);
  const receiverAccounts = new Set<string>();
  for (const r of receiverRules) if (!r.every) for (const a of r.accounts) receiverAccounts.add(a);
  return {
    rules,
    labels: doc.accounts,
    watchAccounts: every ? ["*"] : [...watch],
    explicit: doc.explicitRules,
    stateful: rules.some((r) => r.window !== undefined || r.newReceiverHours !== undefined),
    usesNewReceiver,
    latenessMs: options.latenessMs,
    hasher: usesNewReceiver ? receiverHasher(options.receiverKey ?? "") : undefined,
    receiverCheck: usesNewReceiver ? receiverKeyCheck(options.receiverKey ?? "") : undefined,
    receiverAccounts,
    receiverEvery: receiverRules.some((r) => r.every),
    receiverHours: Math.max(0, ...receiverRules.map((r) => r.newReceiverHours ?? 0)),
  };
}

function looksAt(rule: CompiledRule, account: string): boolean {
  return rule.every || rule.accounts.has(account);
}

function inHours(hours: readonly [number, number], ms: number): boolean {
  const h = saoPauloHour(ms);
  const [from, to] = hours;
  return from < to ? h >= from && h < to : h >= from || h < to;
}

// ---------------------------------------------------------------- state

/** A window member in memory: timestamp, amount (centavos), id (a short hash of the event key; "" once a message carried it). */
export type WindowEntry = readonly [number, number, string];
/** What a message shows of a CashOut no message has carried yet: event key, transactionId, masked receiver key, timestamp. */
export type PendingDetails = readonly [string, string, string, number];

/**
 * The rule state, as the checkpoint's `rules` field holds it. Compact on
 * purpose: the checkpoint is read and written by every run.
 */
export interface RuleState {
  readonly v: 2;
  /**
   * Window id → account → its members, oldest first, as `t,a[,id];t,a[,id]…`:
   * t the timestamp in base 36 (the first absolute, then the difference from the
   * one before), a the amount in base 36, id only while no message carried it.
   */
  readonly windows: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Member id → details, for members no message has carried yet. */
  readonly pending: Readonly<Record<string, PendingDetails>>;
  readonly receivers: {
    /** Check value of the HMAC key the memory was made with (never the key). */
    readonly check?: string;
    /** Hour (since the epoch) a newReceiver rule on every account began watching; absent without such a rule. */
    readonly every?: number;
    /** Account → `<hour its payments began to be watched>|<base64 of receiver records, least recently paid first>`. */
    readonly accounts: Readonly<Record<string, string>>;
  };
}

export const EMPTY_RULE_STATE: RuleState = { v: 2, windows: {}, pending: {}, receivers: { accounts: {} } };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const ACCOUNT_MEMORY = /^\d{1,9}\|(?:[A-Za-z0-9+/]{12})*$/;
const MEMBER = "[0-9a-z]{1,11},[0-9a-z]{1,11}(?:,[A-Za-z0-9_-]{8})?";
const MEMBERS = new RegExp(`^${MEMBER}(?:;${MEMBER})*$`);
// A member still waiting has three fields.
const HAS_WAITING = /(?:^|;)[^;,]*,[^;,]*,/;

function stateProblem(value: Record<string, unknown>): string | null {
  if (value.v !== 2) return `version ${JSON.stringify(value.v)} is not 2`;
  if (!isRecord(value.windows)) return "windows is not an object";
  for (const byAccount of Object.values(value.windows)) {
    if (!isRecord(byAccount)) return "a window is not an object";
    for (const members of Object.values(byAccount)) if (typeof members !== "string" || !MEMBERS.test(members)) return "window members are not t,a[,id];…";
  }
  if (!isRecord(value.pending)) return "pending is not an object";
  for (const d of Object.values(value.pending)) {
    if (!Array.isArray(d) || d.length !== 4 || !d.slice(0, 3).every((x) => typeof x === "string") || !Number.isSafeInteger(d[3]))
      return "a pending CashOut is not [key, transactionId, receiver, timestamp]";
  }
  const r = value.receivers;
  if (!isRecord(r) || !isRecord(r.accounts)) return "receivers is not {accounts}";
  if (r.every !== undefined && !Number.isSafeInteger(r.every)) return "receivers.every is not an hour";
  if (r.check !== undefined && typeof r.check !== "string") return "receivers.check is not a string";
  for (const m of Object.values(r.accounts)) if (typeof m !== "string" || !ACCOUNT_MEMORY.test(m)) return "a receiver memory is not <hour>|<records>";
  return null;
}

/**
 * Reads the rule state from the checkpoint's `rules` field. Absent means empty.
 * A state this version cannot read is replaced by an empty one, with the reason:
 * alerts go on (stateful rules start over: newReceiver learns again, so it stays quiet).
 */
export function decodeRuleState(value: unknown): { readonly state: RuleState; readonly problem: string | null } {
  if (value === undefined || value === null) return { state: EMPTY_RULE_STATE, problem: null };
  if (!isRecord(value)) return { state: EMPTY_RULE_STATE, problem: "the rule state is not an object" };
  const problem = stateProblem(value);
  return problem === null
    ? { state: value as unknown as RuleState, problem: null }
    : { state: EMPTY_RULE_STATE, problem: `the rule state is unreadable (${problem})` };
}

/** True when the state holds nothing: the checkpoint can leave the field out. */
export function isEmptyRuleState(s: RuleState): boolean {
  return (
    Object.keys(s.windows).length === 0 &&
    Object.keys(s.pending).length === 0 &&
    Object.keys(s.receivers.accounts).length === 0 &&
    s.receivers.every === undefined &&
    s.receivers.check === undefined
  );
}

export function decodeMembers(s: string | undefined): WindowEntry[] {
  if (s === undefined || s === "") return [];
  const out: WindowEntry[] = [];
  let t = 0;
  for (const m of s.split(";")) {
    const [dt = "0", amount = "0", id = ""] = m.split(",");
    t = out.length === 0 ? Number.parseInt(dt, 36) : t + Number.parseInt(dt, 36);
    out.push([t, Number.parseInt(amount, 36), id]);
  }
  return out;
}

/** Members, oldest first, in the state's form; ids are kept only for the members still waiting. */
function encodeMembers(entries: readonly WindowEntry[], waiting: (id: string) => boolean): string {
  let out = "";
  let t = 0;
  for (const [i, [ts, amount, id]] of entries.entries()) {
    const part = `${(i === 0 ? ts : ts - t).toString(36)},${amount.toString(36)}${id !== "" && waiting(id) ? `,${id}` : ""}`;
    out = i === 0 ? part : `${out};${part}`;
    t = ts;
  }
  return out;
}

/** The first member's timestamp, without decoding the rest. */
function firstTimestamp(s: string): number {
  return Number.parseInt(s.slice(0, s.indexOf(",")), 36);
}

function memberCount(s: string): number {
  let n = 1;
  for (let i = s.indexOf(";"); i >= 0; i = s.indexOf(";", i + 1)) n++;
  return n;
}

interface AccountMemory {
  since: number;
  /** Receiver hash (base64) → hour last paid. */
  readonly records: Map<string, number>;
}

function decodeMemory(s: string): AccountMemory {
  const bar = s.indexOf("|");
  const bytes = Buffer.from(s.slice(bar + 1), "base64");
  const records = new Map<string, number>();
  for (let i = 0; i + RECORD_BYTES <= bytes.length; i += RECORD_BYTES) {
    records.set(bytes.toString("base64", i, i + RECEIVER_HASH_BYTES), bytes.readUIntBE(i + RECEIVER_HASH_BYTES, 3));
  }
  return { since: Number(s.slice(0, bar)), records };
}

function encodeMemory(m: AccountMemory): string {
  const bytes = Buffer.alloc(m.records.size * RECORD_BYTES);
  let i = 0;
  // Least recently paid first: the same memory always encodes the same, and the oldest record is read without decoding.
  for (const [hash, hour] of [...m.records].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))) {
    bytes.write(hash, i, "base64");
    bytes.writeUIntBE(Math.min(hour, 0xffffff), i + RECEIVER_HASH_BYTES, 3);
    i += RECORD_BYTES;
  }
  return `${m.since}|${bytes.toString("base64")}`;
}

/** Records in an encoded memory, and the hour the least recently paid was paid (Infinity for none). */
function memoryShape(s: string): { readonly records: number; readonly oldest: number } {
  const b64 = s.slice(s.indexOf("|") + 1);
  if (b64 === "") return { records: 0, oldest: Number.POSITIVE_INFINITY };
  return { records: ((b64.length / 4) * 3) / RECORD_BYTES, oldest: Buffer.from(b64.slice(0, 12), "base64").readUIntBE(RECEIVER_HASH_BYTES, 3) };
}

/** A short id for an event key in the state (48 bits: collisions among 50,000 members are about one in 10^5). */
function memberId(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

// ---------------------------------------------------------------- evaluation

/** A CashOut the rules report, with the rules that matched it: what render.ts renders. */
export type RuleMatch = ReportItem;

/** What the state's bounds made evaluation forget (README "Rules", state bounds). */
export interface Forgotten {
  /** Window members dropped beyond the bounds (older than the bound, not older than the window). */
  readonly windowEntries: number;
  /** CashOuts waiting for a group that will no longer be listed if it completes (they still count towards it). */
  readonly pending: number;
  readonly receivers: number;
}

export interface Evaluation {
  readonly matches: readonly RuleMatch[];
  /** The state after this batch, every match reported (computed when first read). */
  readonly next: RuleState;
  /** What the bounds forgot computing `next`. */
  readonly forgotten: Forgotten;
  /**
   * This batch recorded on another state: the one the checkpoint holds when a
   * write conflicts (another run wrote since `state` was read), or with only the
   * matches Slack accepted (`sent`: their event keys) when a run stops half-way.
   * Matches not sent are left to be reported again: a window member waits in
   * the state, a new receiver is not remembered.
   */
  apply(current: RuleState, sent?: ReadonlySet<string>): { readonly state: RuleState; readonly forgotten: Forgotten };
}

interface ReceiverJudgement {
  /** Hour of the CashOut. */
  readonly hour: number;
  /** Hour the account last paid this receiver before, if remembered. */
  readonly previous: number | undefined;
  /** Hour from which the account's payments have been watched. */
  readonly since: number;
}

/** A payment this batch makes the receiver memory remember. */
interface Payment {
  readonly account: string;
  readonly hash: string;
  readonly hour: number;
  readonly key: string;
}

/** What a batch does to the state, apart from the state it was judged on. */
interface Effect {
  readonly now: number;
  /** Window id → account → this batch's members (every account the batch looked at, members or not). */
  readonly members: ReadonlyMap<string, ReadonlyMap<string, readonly WindowEntry[]>>;
  /** Member id → details, for every member of this batch and every match restored from the state. */
  readonly details: ReadonlyMap<string, PendingDetails>;
  /** Event key → member id, of every match (empty when no rule keeps state: nothing reads it then). */
  readonly matched: ReadonlyMap<string, string>;
  readonly payments: readonly Payment[];
  /** When a rule on every account began watching receivers (the state's, or now). */
  readonly every: number | undefined;
}

function sortCashOuts<T extends { readonly timestamp: number; readonly key: string }>(xs: T[]): T[] {
  return xs.sort((a, b) => a.timestamp - b.timestamp || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Marks every member that lies in a group meeting the window: with it, at least N members (or S centavos) within M (last − first ≤ M). */
function groupMembers(entries: readonly WindowEntry[], w: CompiledWindow): boolean[] {
  const n = entries.length;
  const marked = new Array<boolean>(n).fill(false);
  let j = -1; // the window is entries[i..j]
  let sum = 0n;
  let markedTo = -1;
  for (let i = 0; i < n; i++) {
    const first = entries[i]?.[0] ?? 0;
    if (j < i) {
      j = i;
      sum = BigInt(entries[i]?.[1] ?? 0);
    }
    while (j + 1 < n && (entries[j + 1]?.[0] ?? 0) - first <= w.ms) {
      j++;
      sum += BigInt(entries[j]?.[1] ?? 0);
    }
    const meets = w.count !== undefined ? j - i + 1 >= w.count : sum >= (w.sum ?? 0n);
    if (meets) {
      for (let k = Math.max(i, markedTo + 1); k <= j; k++) marked[k] = true;
      markedTo = Math.max(markedTo, j);
    }
    sum -= BigInt(entries[i]?.[1] ?? 0);
  }
  return marked;
}

function byTimeThenId(a: WindowEntry, b: WindowEntry): number {
  return a[0] - b[0] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** Adds members to a window's list once each (an overlap re-reads what no message carried), oldest first. */
function merged(known: readonly WindowEntry[], adds: readonly WindowEntry[]): WindowEntry[] {
  if (adds.length === 0) return [...known];
  const present = new Set(known.flatMap((e) => (e[2] === "" ? [] : [e[2]])));
  const out = [...known];
  for (const e of adds) {
    if (present.has(e[2])) continue;
    present.add(e[2]);
    out.push(e);
  }
  return out.sort(byTimeThenId);
}

function detailsOf(c: CashOut): PendingDetails {
  return [c.key, c.transactionId, c.receiverKeyMasked ?? maskPixKey(c.receiverKey), c.timestamp];
}

/**
 * Evaluates the rules on the CashOuts not reported yet (any order; duplicates
 * are kept once). `now` is the time the caller has read up to (a scheduled
 * slice's end, a push delivery's arrival); state older than the windows and
 * the lateness before it is dropped.
 *
 * A match may be a CashOut of an earlier run, restored from the state, whose
 * group this batch completed. Callers must drop matches whose key their
 * checkpoint already holds.
 */
export function evaluateRules(rules: CompiledRules, candidates: readonly CashOut[], state: RuleState, now: number): Evaluation {
  const unique = new Map<string, CashOut>();
  for (const c of candidates) if (!unique.has(c.key)) unique.set(c.key, c);
  const batch = sortCashOuts([...unique.values()]);

  const hits = new Map<string, { cashOut: CashOut; rules: Set<number> }>();
  const hit = (c: CashOut, rule: number): void => {
    const m = hits.get(c.key);
    if (m) m.rules.add(rule);
    else hits.set(c.key, { cashOut: c, rules: new Set([rule]) });
  };
  const ids = new Map<string, string>();
  const idOf = (key: string): string => {
    let id = ids.get(key);
    if (id === undefined) {
      id = memberId(key);
      ids.set(key, id);
    }
    return id;
  };

  // newReceiver first: whether a receiver is new is decided in timestamp order, before the payment is remembered.
  const judged = new Map<string, ReceiverJudgement>();
  const payments: Payment[] = [];
  const every = rules.usesNewReceiver ? judgeReceivers(rules, batch, state, now, judged, payments) : undefined;

  // Stateless conditions, and window membership.
  const qualifying = new Map<number, Map<string, CashOut[]>>();
  for (const [ri, rule] of rules.rules.entries()) {
    for (const c of batch) {
      if (!looksAt(rule, c.account) || c.amount < rule.minAmount) continue;
      if (rule.hours !== undefined && !inHours(rule.hours, c.timestamp)) continue;
      if (rule.newReceiverHours !== undefined) {
        const j = judged.get(c.key);
        if (j === undefined || j.hour < j.since + rule.newReceiverHours) continue;
        if (j.previous !== undefined && j.hour - j.previous <= rule.newReceiverHours) continue;
      }
      if (rule.window === undefined) {
        hit(c, ri);
        continue;
      }
      let byAccount = qualifying.get(ri);
      if (!byAccount) {
        byAccount = new Map();
        qualifying.set(ri, byAccount);
      }
      const list = byAccount.get(c.account);
      if (list) list.push(c);
      else byAccount.set(c.account, [c]);
    }
  }

  // Windows: this batch's members with the state's; every group found reports its members no message carried yet.
  const members = new Map<string, Map<string, WindowEntry[]>>();
  const details = new Map<string, PendingDetails>();
  const restored = new Map<string, CashOut>();
  for (const [ri, rule] of rules.rules.entries()) {
    const w = rule.window;
    if (w === undefined || members.has(w.id)) continue;
    const adds = new Map<string, WindowEntry[]>();
    members.set(w.id, adds);
    const before = state.windows[w.id] ?? {};
    const fresh = qualifying.get(ri) ?? new Map<string, CashOut[]>();
    // Rules alike in every condition share members; each still gets its own name on the matches.
    const sharing = rules.rules.flatMap((r, i) => (r.window?.id === w.id ? [i] : []));
    // Accounts with new members, and accounts with members waiting (a group two concurrent runs completed together).
    const accounts = new Set(fresh.keys());
    for (const [account, s] of Object.entries(before)) if (HAS_WAITING.test(s)) accounts.add(account);
    for (const account of accounts) {
      if (!looksAt(rule, account)) continue;
      const byId = new Map<string, CashOut>();
      const mine: WindowEntry[] = [];
      for (const c of fresh.get(account) ?? []) {
        const id = idOf(c.key);
        byId.set(id, c);
        mine.push([c.timestamp, c.amount, id]);
        details.set(id, detailsOf(c));
      }
      adds.set(account, mine);
      const entries = merged(decodeMembers(before[account]), mine);
      const inGroup = groupMembers(entries, w);
      for (const [k, e] of entries.entries()) {
        if (!inGroup[k] || e[2] === "") continue;
        const c = byId.get(e[2]) ?? restoredCashOut(account, e, state.pending[e[2]], restored);
        if (c === undefined) continue;
        for (const i of sharing) hit(c, i);
        details.set(e[2], detailsOf(c));
      }
    }
  }

  const matches: RuleMatch[] = sortCashOuts([...hits.values()].map((m) => ({ ...m, key: m.cashOut.key, timestamp: m.cashOut.timestamp }))).map((m) => {
    // Most matches are of one rule (always with PXSTREAM_WATCHED_ACCOUNTS): no sort, no set of mentions to build.
    if (m.rules.size === 1) {
      const r = rules.rules[m.rules.values().next().value ?? -1];
      return { cashOut: m.cashOut, rules: [r?.name ?? ""], mentions: r?.mention === undefined ? [] : [r.mention] };
    }
    const order = [...m.rules].sort((a, b) => a - b).map((i) => rules.rules[i]);
    const mentions = [...new Set(order.flatMap((r) => (r?.mention === undefined ? [] : [r.mention])))];
    return { cashOut: m.cashOut, rules: order.map((r) => r?.name ?? ""), mentions };
  });
  // Member ids (a SHA-256 each) only matter to the state; stateless rules keep none, so none is computed for them.
  const matched = rules.stateful ? new Map(matches.map((m) => [m.cashOut.key, idOf(m.cashOut.key)])) : new Map<string, string>();
  const effect: Effect = { now, members, details, matched, payments, every };
  const apply = (current: RuleState, sent?: ReadonlySet<string>) => applyEffect(rules, effect, current, sent);
  let settled: { state: RuleState; forgotten: Forgotten } | undefined;
  const own = (): { state: RuleState; forgotten: Forgotten } => {
    settled ??= apply(state);
    return settled;
  };
  return {
    matches,
    apply,
    get next() {
      return own().state;
    },
    get forgotten() {
      return own().forgotten;
    },
  };
}

function restoredCashOut(account: string, e: WindowEntry, details: PendingDetails | undefined, cache: Map<string, CashOut>): CashOut | undefined {
  if (details === undefined) return undefined;
  const hit = cache.get(e[2]);
  if (hit) return hit;
  const [key, transactionId, receiverKeyMasked] = details;
  const c: CashOut = {
    key,
    timestamp: e[0],
    logGroup: key.slice(0, Math.max(0, key.indexOf("|"))),
    account,
    amount: e[1],
    transactionId,
    receiverKey: undefined,
    receiverKeyMasked,
    requestId: undefined,
  };
  cache.set(e[2], c);
  return c;
}

/** Records a batch's effect on a state: its window members and payments, what was reported, then the bounds. */
function applyEffect(
  rules: CompiledRules,
  effect: Effect,
  current: RuleState,
  sent: ReadonlySet<string> | undefined,
): { state: RuleState; forgotten: Forgotten } {
  const forgotten = { windowEntries: 0, pending: 0, receivers: 0 };
  const reported = new Set<string>();
  const unsent = new Set<string>();
  for (const [key, id] of effect.matched) {
    if (sent === undefined || sent.has(key)) reported.add(id);
    else unsent.add(key);
  }
  // Waiting: not reported, and still a member of some window (members older than their window are gone).
  const candidates = new Map<string, PendingDetails>();
  for (const [id, d] of Object.entries(current.pending)) if (!reported.has(id)) candidates.set(id, d);
  for (const [id, d] of effect.details) if (!reported.has(id)) candidates.set(id, d);
  const windows = settleWindows(rules, effect, current, (id) => candidates.has(id), forgotten);
  const pending = settlePending(windows, candidates, forgotten);
  const receivers = rules.usesNewReceiver ? rememberReceivers(rules, effect, current, unsent, forgotten) : { accounts: {} };
  return { state: { v: 2, windows, pending, receivers }, forgotten };
}

const WAITING_ID = /,([A-Za-z0-9_-]{8})(?=;|$)/g;

/**
 * The details of the members still waiting in some window, the most recent up to
 * the bound; a member past the bound loses its id in the window (it still counts
 * towards groups, it is no longer listed when one completes).
 */
function settlePending(
  windows: Record<string, Record<string, string>>,
  candidates: ReadonlyMap<string, PendingDetails>,
  forgotten: { pending: number },
): Record<string, PendingDetails> {
  const referenced = new Map<string, PendingDetails>();
  for (const byAccount of Object.values(windows)) {
    for (const s of Object.values(byAccount)) {
      if (!HAS_WAITING.test(s)) continue;
      for (const m of s.matchAll(WAITING_ID)) {
        const id = m[1] ?? "";
        const d = candidates.get(id);
        if (d !== undefined) referenced.set(id, d);
      }
    }
  }
  let kept = [...referenced];
  if (kept.length > RULE_STATE_LIMITS.pending) {
    kept.sort((a, b) => b[1][3] - a[1][3] || (a[0] < b[0] ? -1 : 1));
    const dropped = new Set(kept.slice(RULE_STATE_LIMITS.pending).map(([id]) => id));
    forgotten.pending += dropped.size;
    kept = kept.slice(0, RULE_STATE_LIMITS.pending);
    for (const byAccount of Object.values(windows)) {
      for (const [account, s] of Object.entries(byAccount)) {
        if (HAS_WAITING.test(s)) byAccount[account] = s.replace(WAITING_ID, (all, id: string) => (dropped.has(id) ? "" : all));
      }
    }
  }
  kept.sort((a, b) => a[1][3] - b[1][3] || (a[0] < b[0] ? -1 : 1));
  return Object.fromEntries(kept);
}

/** Every window's members after the batch: added, older than the window and the lateness dropped, the bounds held. */
function settleWindows(
  rules: CompiledRules,
  effect: Effect,
  current: RuleState,
  waiting: (id: string) => boolean,
  forgotten: { windowEntries: number },
): Record<string, Record<string, string>> {
  const windows: Record<string, Record<string, string>> = {};
  let total = 0;
  for (const rule of rules.rules) {
    const w = rule.window;
    if (w === undefined || windows[w.id] !== undefined) continue;
    const out: Record<string, string> = {};
    windows[w.id] = out;
    const before = current.windows[w.id] ?? {};
    const touched = effect.members.get(w.id) ?? new Map<string, readonly WindowEntry[]>();
    const horizon = effect.now - w.ms - rules.latenessMs;
    for (const [account, s] of Object.entries(before)) {
      if (touched.has(account) || !looksAt(rule, account)) continue;
      // Untouched and nothing too old: kept as it is (most accounts, most runs), ids of waiting members as they were.
      if (firstTimestamp(s) >= horizon && !HAS_WAITING.test(s)) {
        out[account] = s;
        total += memberCount(s);
        continue;
      }
      const entries = decodeMembers(s).filter((e) => e[0] >= horizon);
      if (entries.length > 0) out[account] = encodeMembers(entries, waiting);
      total += entries.length;
    }
    for (const [account, adds] of touched) {
      if (!looksAt(rule, account)) continue;
      let entries = merged(decodeMembers(before[account]), adds).filter((e) => e[0] >= horizon);
      if (entries.length > RULE_STATE_LIMITS.windowEntriesPerAccount) {
        forgotten.windowEntries += entries.length - RULE_STATE_LIMITS.windowEntriesPerAccount;
        entries = entries.slice(-RULE_STATE_LIMITS.windowEntriesPerAccount);
      }
      if (entries.length > 0) out[account] = encodeMembers(entries, waiting);
      total += entries.length;
    }
  }
  if (total > RULE_STATE_LIMITS.windowEntries) {
    // The total bound: the most recent members over all windows and accounts.
    const all: number[] = [];
    for (const byAccount of Object.values(windows)) for (const s of Object.values(byAccount)) for (const e of decodeMembers(s)) all.push(e[0]);
    all.sort((a, b) => b - a);
    const cutoff = all[RULE_STATE_LIMITS.windowEntries - 1] ?? 0;
    let keep = RULE_STATE_LIMITS.windowEntries - all.filter((t) => t > cutoff).length; // members at the cutoff time that still fit
    for (const byAccount of Object.values(windows)) {
      for (const [account, s] of Object.entries(byAccount)) {
        if (firstTimestamp(s) > cutoff) continue;
        const entries = decodeMembers(s);
        const kept = entries.filter((e) => e[0] > cutoff || (e[0] === cutoff && keep-- > 0));
        forgotten.windowEntries += entries.length - kept.length;
        if (kept.length > 0) byAccount[account] = encodeMembers(kept, waiting);
        else delete byAccount[account];
      }
    }
  }
  const out: Record<string, Record<string, string>> = {};
  for (const [id, byAccount] of Object.entries(windows)) if (Object.keys(byAccount).length > 0) out[id] = byAccount;
  return out;
}

/** Judges each CashOut's receiver against the state (new or not is then decided per rule) and lists the payments to remember. */
function judgeReceivers(
  rules: CompiledRules,
  batch: readonly CashOut[],
  state: RuleState,
  now: number,
  judged: Map<string, ReceiverJudgement>,
  payments: Payment[],
): number | undefined {
  const nowHour = Math.floor(now / HOUR_MS);
  const known = receiverMemoryOf(rules, state);
  const every = rules.receiverEvery ? (known.every ?? nowHour) : undefined;
  const hasher = rules.hasher;
  const memory = new Map<string, AccountMemory | undefined>();
  // Payments earlier in this batch count as well: the second payment to a new key is not new.
  const seen = new Map<string, number>();
  for (const c of batch) {
    if (hasher === undefined || !(every !== undefined || rules.receiverAccounts.has(c.account))) continue;
    if (c.receiverKey === undefined || c.receiverKey.trim() === "") continue;
    if (!memory.has(c.account)) {
      const s = known.accounts[c.account];
      memory.set(c.account, s === undefined ? undefined : decodeMemory(s));
    }
    const m = memory.get(c.account);
    // An account named by a rule is watched from the first run that names it: its history before is unknown, so it learns first.
    const since = Math.min(m?.since ?? (rules.receiverAccounts.has(c.account) ? nowHour : (every ?? nowHour)), every ?? Number.MAX_SAFE_INTEGER);
    const hash = hasher(c.account, c.receiverKey).toString("base64");
    const hour = Math.floor(c.timestamp / HOUR_MS);
    const mark = `${c.account}\u0000${hash}`;
    const previous = Math.max(m?.records.get(hash) ?? -1, seen.get(mark) ?? -1);
    judged.set(c.key, { hour, previous: previous < 0 ? undefined : previous, since });
    if (hour > (seen.get(mark) ?? -1)) seen.set(mark, hour);
    payments.push({ account: c.account, hash, hour, key: c.key });
  }
  return every;
}

/** The receiver memory after a batch's payments (not those of matches Slack did not take), with retention and bounds. */
function rememberReceivers(
  rules: CompiledRules,
  effect: Effect,
  current: RuleState,
  unsent: ReadonlySet<string>,
  forgotten: { receivers: number },
): RuleState["receivers"] {
  const nowHour = Math.floor(effect.now / HOUR_MS);
  const stored = receiverMemoryOf(rules, current);
  const every = rules.receiverEvery ? (stored.every ?? effect.every ?? nowHour) : undefined;
  const oldest = nowHour - rules.receiverHours - Math.ceil(rules.latenessMs / HOUR_MS);
  // Only the accounts this batch paid from are decoded; the others stay as stored unless a record has aged out.
  const changed = new Map<string, AccountMemory>();
  const open = (account: string): AccountMemory => {
    let m = changed.get(account);
    if (m === undefined) {
      const s = stored.accounts[account];
      m = s === undefined ? { since: rules.receiverAccounts.has(account) ? nowHour : (every ?? nowHour), records: new Map() } : decodeMemory(s);
      changed.set(account, m);
    }
    return m;
  };
  for (const p of effect.payments) {
    // A new receiver whose alert Slack did not take stays new: the next run reports it.
    if (unsent.has(p.key)) continue;
    const m = open(p.account);
    if (p.hour > (m.records.get(p.hash) ?? -1)) m.records.set(p.hash, p.hour);
  }
  const accounts: Record<string, string> = {};
  let total = 0;
  const names = new Set([...Object.keys(stored.accounts), ...rules.receiverAccounts, ...changed.keys()]);
  for (const account of [...names].sort()) {
    const kept = stored.accounts[account];
    const named = rules.receiverAccounts.has(account);
    if (!changed.has(account) && kept !== undefined) {
      const shape = memoryShape(kept);
      // Accounts no rule names any more are forgotten; so are unnamed ones (every account) with nothing remembered.
      if (!named && (every === undefined || shape.records === 0)) continue;
      if (shape.oldest >= oldest) {
        accounts[account] = kept;
        total += shape.records;
        continue;
      }
    }
    const m = changed.has(account) || kept !== undefined ? open(account) : { since: nowHour, records: new Map<string, number>() };
    for (const [hash, hour] of m.records) if (hour < oldest) m.records.delete(hash);
    if (m.records.size > RULE_STATE_LIMITS.receiversPerAccount) {
      const keep = [...m.records].sort((a, b) => b[1] - a[1]).slice(0, RULE_STATE_LIMITS.receiversPerAccount);
      forgotten.receivers += m.records.size - keep.length;
      m.records.clear();
      for (const [h, t] of keep) m.records.set(h, t);
    }
    if (!named && (every === undefined || m.records.size === 0)) continue;
    accounts[account] = encodeMemory(m);
    total += m.records.size;
  }
  if (total > RULE_STATE_LIMITS.receivers) {
    const decoded = new Map(Object.entries(accounts).map(([a, s]) => [a, decodeMemory(s)]));
    const hours = [...decoded.values()].flatMap((m) => [...m.records.values()]).sort((a, b) => b - a);
    const cutoff = hours[RULE_STATE_LIMITS.receivers - 1] ?? 0;
    let keep = RULE_STATE_LIMITS.receivers - hours.filter((h) => h > cutoff).length;
    for (const [account, m] of decoded) {
      let dropped = 0;
      for (const [hash, hour] of m.records) {
        if (hour > cutoff || (hour === cutoff && keep-- > 0)) continue;
        m.records.delete(hash);
        dropped++;
      }
      if (dropped === 0) continue;
      forgotten.receivers += dropped;
      accounts[account] = encodeMemory(m);
    }
  }
  const check = rules.receiverCheck === undefined ? {} : { check: rules.receiverCheck };
  return every === undefined ? { ...check, accounts } : { ...check, every, accounts };
}

/**
 * The receiver memory of a state, if it was made with this HMAC key. Made with
 * another (the key was rotated), its hashes match nothing and every receiver
 * would look new: it is set aside, and every account learns again.
 */
function receiverMemoryOf(rules: CompiledRules, state: RuleState): RuleState["receivers"] {
  const r = state.receivers;
  const empty = Object.keys(r.accounts).length === 0 && r.every === undefined;
  return empty || r.check === rules.receiverCheck ? r : { accounts: {} };
}

// ---------------------------------------------------------------- the runs' side of the seam

export interface RunEvaluation {
  /** What to report: the matches the checkpoint does not hold yet, oldest first. */
  readonly matches: readonly RuleMatch[];
  readonly cashOuts: readonly CashOut[];
  /** Why the stored rule state was set aside (unreadable), or null. */
  readonly stateProblem: string | null;
  readonly forgotten: Forgotten;
  /**
   * The checkpoint's next rule state once Slack accepted the messages carrying
   * `sent` (every match when omitted), recorded on whatever state the checkpoint
   * holds when the write lands (the checkpoint owner re-runs it on a conflict).
   */
  update(sent?: ReadonlySet<string>): RulesUpdate;
}

/** The rule state as the checkpoint stores it: absent when empty. */
export function storedRuleState(s: RuleState): JsonValue | undefined {
  // RuleState is JSON by construction (numbers, strings, arrays, plain objects); the cast only drops its field names.
  return isEmptyRuleState(s) ? undefined : (s as unknown as JsonValue);
}

/**
 * A run's evaluation: the stored state decoded, the rules evaluated on the
 * candidates, the matches the checkpoint already has (`reported`) dropped
 * (a run that stopped half-way recorded them without this state).
 */
export function evaluateForRun(
  rules: CompiledRules,
  candidates: readonly CashOut[],
  stored: JsonValue | undefined,
  reported: (key: string) => boolean,
  now: number,
): RunEvaluation {
  const { state, problem } = decodeRuleState(stored);
  const e = evaluateRules(rules, candidates, state, now);
  const matches = e.matches.filter((m) => !reported(m.cashOut.key));
  const keys = new Set(matches.map((m) => m.cashOut.key));
  return {
    matches,
    // Each CashOut carries why it is reported: a run that holds it back (coalescing, a failed post) keeps that in the checkpoint.
    cashOuts: matches.map((m) => ({ ...m.cashOut, matched: { rules: m.rules, mentions: m.mentions } })),
    stateProblem: problem,
    forgotten: e.forgotten,
    update: (sent) => (current) => {
      // The state read is usually what the checkpoint still holds: no need to check it again.
      const base = current === stored ? state : decodeRuleState(current).state;
      // What the checkpoint already had counts as sent: it was reported before.
      const delivered = new Set([...e.matches.map((m) => m.cashOut.key).filter((k) => !keys.has(k)), ...(sent ?? keys)]);
      return storedRuleState(e.apply(base, delivered).state);
    },
  };
}
