// The checkpoint object: how far the scheduled runs have read, which recent
// CashOuts they already reported, and who is running now (the lease).

import type { CashOut } from "./cash-out.js";

export interface Lease {
  readonly owner: string;
  readonly expiresAt: number;
}

export interface Checkpoint {
  readonly version: 1;
  /** End (epoch ms, inclusive) of the last window whose CashOuts Slack accepted; null before the first. */
  readonly scannedUntil: number | null;
  /** Event key → timestamp of CashOuts already reported that a later overlap may see again. */
  readonly reported: Readonly<Record<string, number>>;
  readonly lease: Lease | null;
}

export type DecodedCheckpoint =
  | { readonly kind: "missing" }
  | { readonly kind: "legacy"; readonly lastEventId: string }
  | { readonly kind: "current"; readonly checkpoint: Checkpoint };

export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
}

export const EMPTY_CHECKPOINT: Checkpoint = { version: 1, scannedUntil: null, reported: {}, lease: null };

const FIX_HINT =
  "pxstream will not overwrite it. Restore a previous version of the object (the bucket's versioning), " +
  "or delete it to start over from PXSTREAM_LOOKBACK_MINUTES ago; a bare integer (the original lastId.txt) is also accepted.";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads the checkpoint object's body. Refuses anything it does not understand rather than guess. */
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
  const problems: string[] = [];
  if (!isRecord(value)) throw new CheckpointError(`The checkpoint ${where} is not a JSON object. ${FIX_HINT}`);
  if (value.version !== 1) problems.push(`version is ${JSON.stringify(value.version)}, expected 1`);
  const scannedUntil = value.scannedUntil;
  if (scannedUntil !== null && !(typeof scannedUntil === "number" && Number.isSafeInteger(scannedUntil) && scannedUntil >= 0)) {
    problems.push("scannedUntil must be null or epoch milliseconds");
  }
  const reported = value.reported;
  if (!isRecord(reported) || Object.values(reported).some((t) => typeof t !== "number" || !Number.isFinite(t))) {
    problems.push("reported must map event keys to timestamps");
  }
  const lease = value.lease;
  if (
    lease !== null &&
    !(isRecord(lease) && typeof lease.owner === "string" && typeof lease.expiresAt === "number" && Number.isFinite(lease.expiresAt))
  ) {
    problems.push("lease must be null or {owner, expiresAt}");
  }
  if (problems.length > 0) {
    throw new CheckpointError(`The checkpoint ${where} is corrupt: ${problems.join("; ")}. ${FIX_HINT}`);
  }
  return { kind: "current", checkpoint: value as unknown as Checkpoint };
}

export function encodeCheckpoint(cp: Checkpoint): string {
  return `${JSON.stringify(cp)}\n`;
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

/** The checkpoint with these CashOuts recorded as reported, the cursor where it was (Slack took part of a window). */
export function withReported(cp: Checkpoint, reportedNow: readonly CashOut[]): Checkpoint {
  const reported: Record<string, number> = { ...cp.reported };
  for (const c of reportedNow) reported[c.key] = c.timestamp;
  return { ...cp, reported };
}

/**
 * The checkpoint after a window's CashOuts were accepted by Slack: the cursor
 * moves to the window's end, and the keys a later overlap could see again are
 * kept (older ones can never be re-read, so they are dropped).
 */
export function advance(cp: Checkpoint, windowEnd: number, reportedNow: readonly CashOut[], overlapMs: number): Checkpoint {
  const horizon = windowEnd - overlapMs;
  const reported: Record<string, number> = {};
  for (const [key, ts] of Object.entries(cp.reported)) {
    if (ts >= horizon) reported[key] = ts;
  }
  for (const c of reportedNow) {
    if (c.timestamp >= horizon) reported[c.key] = c.timestamp;
  }
  return { version: 1, scannedUntil: Math.max(windowEnd, cp.scannedUntil ?? windowEnd), reported, lease: cp.lease };
}
