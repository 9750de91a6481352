/** The time window a scheduled run covers, epoch ms, both ends inclusive. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export interface PlanInput {
  readonly now: number;
  /** The stored cursor; null on the first run (or after the original program's state). */
  readonly scannedUntil: number | null;
  /** Where an earlier first run that failed began; the next first run starts there instead of now − lookback. */
  readonly firstWindowStart?: number | null;
  /** The checkpoint's de-duplication reach: never read before it (a CashOut older than it may have been reported and forgotten). */
  readonly dedupFrom?: number | null;
  readonly lookbackMs: number;
  /** Re-read this much before the cursor: logs arrive late. */
  readonly overlapMs: number;
  readonly sliceMs: number;
  /** Never scan further back than this; what lies beyond is reported as a gap. */
  readonly maxCatchUpMs: number;
}

export interface Plan {
  /** Consecutive windows, oldest first, each checkpointed on its own. */
  readonly slices: readonly TimeWindow[];
  /** A window that will never be scanned, because it lies past the catch-up limit. */
  readonly gap: TimeWindow | null;
}

/** Decides which windows a scheduled run reads. FilterLogEvents' start and end are both inclusive. */
export function planRun(p: PlanInput): Plan {
  let from = p.scannedUntil === null ? (p.firstWindowStart ?? p.now - p.lookbackMs) : p.scannedUntil - p.overlapMs;
  // A larger overlap (or lookback) than when the keys were recorded must not re-read what de-duplication no longer covers.
  if (p.dedupFrom !== undefined && p.dedupFrom !== null && from < p.dedupFrom) from = Math.min(p.dedupFrom, p.now);
  const oldest = p.now - p.maxCatchUpMs;
  let gap: TimeWindow | null = null;
  if (from < oldest) {
    const unscannedFrom = p.scannedUntil === null ? from : p.scannedUntil + 1;
    if (unscannedFrom < oldest) gap = { start: unscannedFrom, end: oldest - 1 };
    from = oldest;
  }
  const slices: TimeWindow[] = [];
  for (let start = from; start <= p.now; ) {
    const end = Math.min(start + p.sliceMs - 1, p.now);
    slices.push({ start, end });
    start = end + 1;
  }
  return { slices, gap };
}
