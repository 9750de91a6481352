// The checkpoint object: how far the scheduled runs have read, which CashOuts
// any run (scheduled or push) already reported or is posting right now, what push
// runs held back, and who is running a scheduled pass (the lease). Every change
// here is a pure function: the runs' checkpoint owner (io/leased-checkpoint.ts)
// applies them with compare-and-swap writes, re-applying on a conflict.

import type { CashOut } from "./cash-out.js";
import { maskPixKey } from "./mask.js";

export interface Lease {
  readonly owner: string;
  readonly expiresAt: number;
}

/** Keys a run has taken to post: nobody else posts them until it records them or its claim expires. */
export interface Claim {
  readonly expiresAt: number;
  readonly keys: readonly string[];
}

/** What a message needs of a CashOut a push run held back; the receiver's Pix key is stored masked, never in clear. */
export interface HeldCashOut {
  readonly timestamp: number;
  readonly logGroup: string;
  readonly account: string;
  readonly amount: number;
  readonly transactionId: string;
  readonly receiverKeyMasked: string;
  readonly requestId: string | null;
  /** The rules that matched it and their mentions (core/rules.ts), for the message that posts it. */
  readonly rules?: readonly string[];
  readonly mentions?: readonly string[];
}

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Computes the next opaque rule state from the one found in the checkpoint (re-run on a write conflict). */
export type RulesUpdate = (current: JsonValue | undefined) => JsonValue | undefined;

export const CHECKPOINT_VERSION = 2;

export interface Checkpoint {
  readonly version: 2;
  /** End (epoch ms, inclusive) of the last window whose CashOuts Slack accepted; null before the first. */
  readonly scannedUntil: number | null;
  /** Before any window was completed: where the first run's window began, so a failed first run is not forgotten. */
  readonly firstWindowStart: number | null;
  /**
   * Event key → a time the key must be kept until the de-duplication reach passes it
   * (the event's timestamp, or the time a push run recorded it, whichever is later).
   */
  readonly reported: Readonly<Record<string, number>>;
  /**
   * `reported` holds every key ever reported whose time is at or after this (epoch
   * ms); null: nothing was ever dropped. No run reads logs from before it, so a
   * larger overlap, lookback or catch-up later cannot re-read a forgotten key.
   */
  readonly dedupFrom: number | null;
  /** Owner (invocation id) → the keys it is posting now. */
  readonly claims: Readonly<Record<string, Claim>>;
  /** Event key → a CashOut a push run held back (coalescing) or could not post: the next run to post reports it. */
  readonly held: Readonly<Record<string, HeldCashOut>>;
  /** When a push run last took its turn to post (epoch ms): coalescing counts from here. */
  readonly lastPostAt: number | null;
  readonly lease: Lease | null;
  /** Rule state (core/rules.ts owns and validates it); carried unchanged by every other write. */
  readonly rules?: JsonValue;
}

export type DecodedCheckpoint =
  | { readonly kind: "missing" }
  | { readonly kind: "legacy"; readonly lastEventId: string }
  | { readonly kind: "current"; readonly checkpoint: Checkpoint };

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

export const EMPTY_CHECKPOINT: Checkpoint = {
  version: 2,
  scannedUntil: null,
  firstWindowStart: null,
  reported: {},
  dedupFrom: null,
  claims: {},
  held: {},
  lastPostAt: null,
  lease: null,
};

const FIX_HINT =
  "pxstream will not overwrite it. Restore a previous version of the object (the bucket's versioning), " +
  "or delete it to start over from PXSTREAM_LOOKBACK_MINUTES ago; a bare integer (the original lastId.txt) is also accepted.";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isMs = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isMsOrNull = (v: unknown): v is number | null => v === null || isMs(v);

function isLease(v: unknown): v is Lease {
  return isRecord(v) && typeof v.owner === "string" && isTime(v.expiresAt);
}

function isClaim(v: unknown): v is Claim {
  return isRecord(v) && isTime(v.expiresAt) && Array.isArray(v.keys) && v.keys.every((k) => typeof k === "string");
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function isHeld(v: unknown): v is HeldCashOut {
  return (
    isRecord(v) &&
    isTime(v.timestamp) &&
    typeof v.logGroup === "string" &&
    typeof v.account === "string" &&
    typeof v.amount === "number" &&
    Number.isSafeInteger(v.amount) &&
    typeof v.transactionId === "string" &&
    typeof v.receiverKeyMasked === "string" &&
    (v.requestId === null || typeof v.requestId === "string") &&
    (v.rules === undefined || isStrings(v.rules)) &&
    (v.mentions === undefined || isStrings(v.mentions))
  );
}

function isJson(v: unknown, depth = 0): v is JsonValue {
  if (depth > 64) return false;
  if (v === null || typeof v === "boolean" || typeof v === "string") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  return isRecord(v) && Object.values(v).every((x) => isJson(x, depth + 1));
}

/** Reads the checkpoint object's body (version 2, version 1, or the original bare integer). Refuses anything else rather than guess. */
export function decodeCheckpoint(body: string | null, where: string): DecodedCheckpoint {
  const text = (body ?? "").trim();
  // An empty object (someone created the key by hand) holds no progress: the same as none.
  if (text === "") return { kind: "missing" };
  // The original px_stream.py stored the last CloudWatch eventId as a bare integer.
  if (/^\d+$/.test(text)) return { kind: "legacy", lastEventId: text };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CheckpointError(`The checkpoint ${where} is neither JSON nor a bare integer. ${FIX_HINT}`);
  }
  if (!isRecord(value)) throw new CheckpointError(`The checkpoint ${where} is not a JSON object. ${FIX_HINT}`);
  const v = value;
  const problems: string[] = [];
  if (v.version !== 1 && v.version !== 2) problems.push(`version is ${JSON.stringify(v.version)}, expected 1 or 2`);
  if (!isMsOrNull(v.scannedUntil)) problems.push("scannedUntil must be null or epoch milliseconds");
  if (!isRecord(v.reported) || !Object.values(v.reported).every(isTime)) problems.push("reported must map event keys to timestamps");
  if (v.lease !== null && !isLease(v.lease)) problems.push("lease must be null or {owner, expiresAt}");
  if (v.version === 2) {
    if (!isMsOrNull(v.firstWindowStart)) problems.push("firstWindowStart must be null or epoch milliseconds");
    if (!isMsOrNull(v.dedupFrom)) problems.push("dedupFrom must be null or epoch milliseconds");
    if (!isRecord(v.claims) || !Object.values(v.claims).every(isClaim)) problems.push("claims must map owners to {expiresAt, keys}");
    if (!isRecord(v.held) || !Object.values(v.held).every(isHeld)) problems.push("held must map event keys to held CashOuts");
    if (!isMsOrNull(v.lastPostAt)) problems.push("lastPostAt must be null or epoch milliseconds");
    if ("rules" in v && !isJson(v.rules)) problems.push("rules must be JSON");
  }
  if (problems.length > 0) {
    throw new CheckpointError(`The checkpoint ${where} is corrupt: ${problems.join("; ")}. ${FIX_HINT}`);
  }
  const cp: Checkpoint = {
    ...EMPTY_CHECKPOINT,
    scannedUntil: v.scannedUntil as number | null,
    reported: v.reported as Record<string, number>,
    lease: v.lease as Lease | null,
    ...(v.version === 2
      ? {
          firstWindowStart: v.firstWindowStart as number | null,
          // Version 1 never said how far back its keys reached: null keeps its behaviour (no floor) until the first advance sets one.
          dedupFrom: v.dedupFrom as number | null,
          claims: v.claims as Record<string, Claim>,
          held: v.held as Record<string, HeldCashOut>,
          lastPostAt: v.lastPostAt as number | null,
          ...("rules" in v ? { rules: v.rules as JsonValue } : {}),
        }
      : {}),
  };
  return { kind: "current", checkpoint: cp };
}

/** Always the current version, fields in one fixed order (equal checkpoints give equal bytes). */
export function encodeCheckpoint(cp: Checkpoint): string {
  const out: Checkpoint = {
    version: 2,
    scannedUntil: cp.scannedUntil,
    firstWindowStart: cp.firstWindowStart,
    reported: cp.reported,
    dedupFrom: cp.dedupFrom,
    claims: cp.claims,
    held: cp.held,
    lastPostAt: cp.lastPostAt,
    lease: cp.lease,
    ...(cp.rules !== undefined ? { rules: cp.rules } : {}),
  };
  return `${JSON.stringify(out)}\n`;
}

/** The checkpoint a run starts from, whatever was stored. */
export function startingPoint(decoded: DecodedCheckpoint): Checkpoint {
  return decoded.kind === "current" ? decoded.checkpoint : EMPTY_CHECKPOINT;
}

/** True when another run holds a lease that has not expired. */
export function leasedByOther(cp: Checkpoint, owner: string, now: number): boolean {
  return cp.lease !== null && cp.lease.owner !== owner && cp.lease.expiresAt > now;
}

export function withLease(cp: Checkpoint, lease: Lease | null): Checkpoint {
  return { ...cp, lease };
}

/** The first run's window start, kept until a window is completed (a later start never replaces an earlier one). */
export function withFirstWindowStart(cp: Checkpoint, start: number | null): Checkpoint {
  if (start === null || cp.scannedUntil !== null || cp.firstWindowStart !== null) return cp;
  return { ...cp, firstWindowStart: start };
}

/**
 * Keys no run may post now: reported, held back (they go out from `held`), or
 * claimed by another run whose claim has not expired. This run's own claims
 * (a retry of the same invocation) are not in the way.
 */
export function unavailableKeys(cp: Checkpoint, owner: string, now: number): Set<string> {
  const keys = new Set(Object.keys(cp.reported));
  for (const k of Object.keys(cp.held)) keys.add(k);
  for (const [who, claim] of Object.entries(cp.claims)) {
    if (who === owner || claim.expiresAt <= now) continue;
    for (const k of claim.keys) keys.add(k);
  }
  return keys;
}

/** The CashOut a held entry stands for; its receiver key exists only masked. */
export function heldCashOut(key: string, h: HeldCashOut): CashOut {
  return {
    key,
    timestamp: h.timestamp,
    logGroup: h.logGroup,
    account: h.account,
    amount: h.amount,
    transactionId: h.transactionId,
    receiverKey: undefined,
    receiverKeyMasked: h.receiverKeyMasked,
    requestId: h.requestId ?? undefined,
    ...(h.rules === undefined ? {} : { matched: { rules: h.rules, mentions: h.mentions ?? [] } }),
  };
}

export function toHeld(c: CashOut): HeldCashOut {
  return {
    timestamp: c.timestamp,
    logGroup: c.logGroup,
    account: c.account,
    amount: c.amount,
    transactionId: c.transactionId,
    receiverKeyMasked: c.receiverKeyMasked ?? maskPixKey(c.receiverKey),
    requestId: c.requestId ?? null,
    ...(c.matched === undefined ? {} : { rules: c.matched.rules, mentions: c.matched.mentions }),
  };
}

/** Held entries no live claim covers (a claim that expired gave them back), oldest first. */
export function claimableHeld(cp: Checkpoint, owner: string, now: number): CashOut[] {
  const claimed = new Set<string>();
  for (const [who, claim] of Object.entries(cp.claims)) {
    if (who !== owner && claim.expiresAt > now) for (const k of claim.keys) claimed.add(k);
  }
  return Object.entries(cp.held)
    .filter(([k]) => !claimed.has(k))
    .map(([k, h]) => heldCashOut(k, h))
    .sort((a, b) => a.timestamp - b.timestamp || a.key.localeCompare(b.key));
}

function liveClaims(cp: Checkpoint, now: number): Record<string, Claim> {
  const out: Record<string, Claim> = {};
  for (const [who, claim] of Object.entries(cp.claims)) if (claim.expiresAt > now) out[who] = claim;
  return out;
}

/**
 * Claims for `owner` the CashOuts no run has reported, held or claimed (plus,
 * with `withHeld`, the held ones nobody is posting): the claimed ones are this
 * run's to post. Expired claims are dropped on the way.
 */
export function withClaim(
  cp: Checkpoint,
  owner: string,
  cashOuts: readonly CashOut[],
  expiresAt: number,
  now: number,
  withHeld: boolean,
): { readonly next: Checkpoint; readonly mine: CashOut[] } {
  const unavailable = unavailableKeys(cp, owner, now);
  const mine: CashOut[] = withHeld ? claimableHeld(cp, owner, now) : [];
  const taken = new Set(mine.map((c) => c.key));
  for (const c of cashOuts) {
    if (unavailable.has(c.key) || taken.has(c.key)) continue;
    taken.add(c.key);
    mine.push(c);
  }
  const claims = liveClaims(cp, now);
  delete claims[owner];
  // Claims are only ever dropped here: the same count means nothing changed.
  if (mine.length === 0 && Object.keys(claims).length === Object.keys(cp.claims).length) return { next: cp, mine };
  if (mine.length > 0) claims[owner] = { expiresAt, keys: mine.map((c) => c.key) };
  return { next: { ...cp, claims }, mine };
}

/** Holds back the CashOuts no run has reported, held or claimed (masked); how many it added. */
export function withHeld(cp: Checkpoint, owner: string, cashOuts: readonly CashOut[], now: number): { readonly next: Checkpoint; readonly added: number } {
  const unavailable = unavailableKeys(cp, owner, now);
  const held: Record<string, HeldCashOut> = { ...cp.held };
  let added = 0;
  for (const c of cashOuts) {
    if (unavailable.has(c.key) || c.key in held) continue;
    held[c.key] = toHeld(c);
    added++;
  }
  return { next: added === 0 ? cp : { ...cp, held }, added };
}

/** Drops `owner`'s claim; `hold` puts the CashOuts it could not post into `held`, for the next run to post. */
export function withoutClaim(cp: Checkpoint, owner: string, hold: readonly CashOut[] = []): Checkpoint {
  const claims = { ...cp.claims };
  delete claims[owner];
  const held: Record<string, HeldCashOut> = { ...cp.held };
  for (const c of hold) if (!(c.key in cp.reported)) held[c.key] = toHeld(c);
  return { ...cp, claims, held };
}

/**
 * The checkpoint with these CashOuts recorded as reported (the cursor where it
 * was: Slack took part of a window). They leave `held` and this owner's claim.
 * `keptUntil` (a push run's now) keeps a key past its event's time, so a
 * delivery that comes again later is still recognised.
 */
export function withReported(cp: Checkpoint, reportedNow: readonly CashOut[], owner?: string, keptUntil?: number, rules?: RulesUpdate): Checkpoint {
  const reported: Record<string, number> = { ...cp.reported };
  const held: Record<string, HeldCashOut> = { ...cp.held };
  const done = new Set<string>();
  for (const c of reportedNow) {
    reported[c.key] = Math.max(c.timestamp, keptUntil ?? c.timestamp);
    delete held[c.key];
    done.add(c.key);
  }
  const claims: Record<string, Claim> = { ...cp.claims };
  const mine = owner === undefined ? undefined : claims[owner];
  if (owner !== undefined && mine !== undefined) {
    const keys = mine.keys.filter((k) => !done.has(k));
    if (keys.length === 0) delete claims[owner];
    else claims[owner] = { expiresAt: mine.expiresAt, keys };
  }
  const next: Checkpoint = { ...cp, reported, held, claims };
  return rules === undefined ? next : withRules(next, rules(cp.rules));
}

function withRules(cp: Checkpoint, rules: JsonValue | undefined): Checkpoint {
  const { rules: _old, ...rest } = cp;
  return rules === undefined ? rest : { ...rest, rules };
}

/**
 * The checkpoint after a window's CashOuts were accepted by Slack: the cursor
 * moves to the window's end, and the de-duplication reach to `windowEnd -
 * overlapMs` (never backwards). Keys older than the reach are dropped: no run
 * reads before it again, whatever the overlap becomes.
 */
export function advance(
  cp: Checkpoint,
  windowEnd: number,
  reportedNow: readonly CashOut[],
  overlapMs: number,
  owner?: string,
  rules?: RulesUpdate,
): Checkpoint {
  const recorded = withReported(cp, reportedNow, owner, undefined, rules);
  const dedupFrom = Math.max(windowEnd - overlapMs, cp.dedupFrom ?? Number.NEGATIVE_INFINITY);
  const reported: Record<string, number> = {};
  for (const [key, t] of Object.entries(recorded.reported)) {
    if (t >= dedupFrom) reported[key] = t;
  }
  return {
    ...recorded,
    scannedUntil: Math.max(windowEnd, cp.scannedUntil ?? windowEnd),
    firstWindowStart: null,
    reported,
    dedupFrom,
  };
}
