import { describe, expect, test } from "vitest";
import { planRun, type PlanInput } from "../../handler/core/plan.js";
import type { TimeWindow } from "../../handler/core/plan.js";
import { prng, randInt, T0 } from "./fixtures.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const BASE: PlanInput = { now: T0, scannedUntil: null, lookbackMs: 5 * MIN, overlapMs: 15 * MIN, sliceMs: HOUR, maxCatchUpMs: 72 * HOUR };

/** Consecutive, inclusive, non-overlapping, covering [from, to] exactly, none longer than sliceMs. */
function expectCovers(slices: readonly TimeWindow[], from: number, to: number, sliceMs: number): void {
  expect(slices.length).toBeGreaterThan(0);
  expect(slices[0]?.start).toBe(from);
  expect(slices[slices.length - 1]?.end).toBe(to);
  slices.forEach((s, i) => {
    expect(s.start).toBeLessThanOrEqual(s.end);
    expect(s.end - s.start + 1).toBeLessThanOrEqual(sliceMs);
    if (i > 0) expect(s.start).toBe((slices[i - 1]?.end ?? Number.NaN) + 1);
  });
}

describe("planRun", () => {
  test("first run reads the lookback window, both ends inclusive", () => {
    expect(planRun(BASE)).toEqual({ slices: [{ start: T0 - 5 * MIN, end: T0 }], gap: null });
  });

  test("later runs start at the cursor minus the overlap", () => {
    const plan = planRun({ ...BASE, scannedUntil: T0 - 5 * MIN });
    expect(plan).toEqual({ slices: [{ start: T0 - 20 * MIN, end: T0 }], gap: null });
  });

  test("a long outage is read in slices of sliceMs", () => {
    const cursor = T0 - 5 * HOUR - 7;
    const plan = planRun({ ...BASE, scannedUntil: cursor });
    expect(plan.gap).toBeNull();
    expectCovers(plan.slices, cursor - 15 * MIN, T0, HOUR);
    expect(plan.slices).toHaveLength(6);
  });

  test("past the maximum catch-up, the unread part is a gap and the slices start at now - max", () => {
    const cursor = T0 - 100 * HOUR;
    const plan = planRun({ ...BASE, scannedUntil: cursor });
    const oldest = T0 - 72 * HOUR;
    expect(plan.gap).toEqual({ start: cursor + 1, end: oldest - 1 });
    expectCovers(plan.slices, oldest, T0, HOUR);
    expect(plan.slices).toHaveLength(73);
  });

  test("only the overlap reaching past the limit is no gap", () => {
    const oldest = T0 - 72 * HOUR;
    const plan = planRun({ ...BASE, scannedUntil: oldest + 1 });
    expect(plan.gap).toBeNull();
    expect(plan.slices[0]?.start).toBe(oldest);
    // The cursor exactly one ms before the limit: nothing unread either.
    expect(planRun({ ...BASE, scannedUntil: oldest - 1 }).gap).toBeNull();
    expect(planRun({ ...BASE, scannedUntil: oldest - 2 }).gap).toEqual({ start: oldest - 1, end: oldest - 1 });
  });

  test("a first run whose lookback is past the limit reports the gap too", () => {
    const plan = planRun({ ...BASE, lookbackMs: 100 * HOUR });
    expect(plan.gap).toEqual({ start: T0 - 100 * HOUR, end: T0 - 72 * HOUR - 1 });
  });

  test("same-millisecond boundaries: a one-millisecond window, one-millisecond slices", () => {
    expect(planRun({ ...BASE, scannedUntil: T0, overlapMs: 0 }).slices).toEqual([{ start: T0, end: T0 }]);
    const tiny = planRun({ ...BASE, scannedUntil: T0 - 2, overlapMs: 0, sliceMs: 1 });
    expect(tiny.slices).toEqual([
      { start: T0 - 2, end: T0 - 2 },
      { start: T0 - 1, end: T0 - 1 },
      { start: T0, end: T0 },
    ]);
  });

  test("seeded inputs: slices always cover [from, now] consecutively without overlap", () => {
    const rand = prng(41);
    for (let i = 0; i < 500; i++) {
      const p: PlanInput = {
        now: T0 + randInt(rand, 0, 1_000_000),
        scannedUntil: rand() < 0.2 ? null : T0 - randInt(rand, 0, 200 * HOUR),
        lookbackMs: randInt(rand, 1, 60) * MIN,
        overlapMs: randInt(rand, 0, 60) * MIN,
        sliceMs: randInt(rand, 1, 240) * MIN + randInt(rand, 0, 3),
        maxCatchUpMs: randInt(rand, 1, 100) * HOUR,
      };
      const plan = planRun(p);
      const wanted = p.scannedUntil === null ? p.now - p.lookbackMs : p.scannedUntil - p.overlapMs;
      const from = Math.max(wanted, p.now - p.maxCatchUpMs);
      expectCovers(plan.slices, from, p.now, p.sliceMs);
      if (plan.gap !== null) {
        // The gap ends right before the first slice: nothing is skipped silently.
        expect(plan.gap.end + 1).toBe(plan.slices[0]?.start);
        expect(plan.gap.start).toBeLessThanOrEqual(plan.gap.end);
      }
    }
  });
});

describe("planRun: what the checkpoint remembers", () => {
  test("a failed first run's window start is where the next first run begins, however late it comes", () => {
    const plan = planRun({ ...BASE, firstWindowStart: T0 - HOUR - 5 * MIN, sliceMs: 2 * HOUR });
    expect(plan.slices).toEqual([{ start: T0 - HOUR - 5 * MIN, end: T0 }]);
    // Past the catch-up limit it is a gap like any other.
    const late = planRun({ ...BASE, firstWindowStart: T0 - 80 * HOUR });
    expect(late.gap).toEqual({ start: T0 - 80 * HOUR, end: T0 - 72 * HOUR - 1 });
  });

  test("never reads before the de-duplication reach, whatever the overlap is now", () => {
    const plan = planRun({ ...BASE, scannedUntil: T0 - MIN, overlapMs: 60 * MIN, dedupFrom: T0 - 2 * MIN });
    expect(plan.slices[0]?.start).toBe(T0 - 2 * MIN);
    // A reach further back than the overlap changes nothing.
    expect(planRun({ ...BASE, scannedUntil: T0 - MIN, dedupFrom: T0 - HOUR }).slices[0]?.start).toBe(T0 - 16 * MIN);
  });
});
