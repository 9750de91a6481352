import { describe, expect, test } from "vitest";
import {
  advance,
  type Checkpoint,
  CheckpointError,
  decodeCheckpoint,
  EMPTY_CHECKPOINT,
  encodeCheckpoint,
  heldCashOut,
  leasedByOther,
  startingPoint,
  toHeld,
  unavailableKeys,
  withClaim,
  withFirstWindowStart,
  withHeld,
  withLease,
  withoutClaim,
  withReported,
} from "../../handler/core/checkpoint.js";
import { cashOut, T0 } from "./fixtures.js";

const WHERE = "s3://state-bucket/lastId.txt";
const CP: Checkpoint = { ...EMPTY_CHECKPOINT, scannedUntil: T0, reported: { "g|s|1": T0 - 1000 }, lease: { owner: "run-a", expiresAt: T0 + 60_000 } };

function decodeError(body: string): CheckpointError {
  try {
    decodeCheckpoint(body, WHERE);
  } catch (err) {
    if (err instanceof CheckpointError) return err;
    throw err;
  }
  throw new Error(`decoded without error: ${body}`);
}

describe("decodeCheckpoint", () => {
  test("missing object", () => {
    expect(decodeCheckpoint(null, WHERE)).toEqual({ kind: "missing" });
  });

  test("an empty object holds no progress: read as missing, not refused", () => {
    expect(decodeCheckpoint("", WHERE)).toEqual({ kind: "missing" });
    expect(decodeCheckpoint(" \n", WHERE)).toEqual({ kind: "missing" });
  });

  test("the original program's bare integer is legacy, digits kept as a string", () => {
    expect(decodeCheckpoint("37516444617993733506336420845054203074004505000000000000\n", WHERE)).toEqual({
      kind: "legacy",
      lastEventId: "37516444617993733506336420845054203074004505000000000000",
    });
    expect(decodeCheckpoint(" 42 ", WHERE)).toEqual({ kind: "legacy", lastEventId: "42" });
  });

  test("the current format round-trips through encodeCheckpoint", () => {
    const body = encodeCheckpoint(CP);
    expect(body.endsWith("\n")).toBe(true);
    expect(decodeCheckpoint(body, WHERE)).toEqual({ kind: "current", checkpoint: CP });
    expect(decodeCheckpoint(encodeCheckpoint(EMPTY_CHECKPOINT), WHERE)).toEqual({ kind: "current", checkpoint: EMPTY_CHECKPOINT });
  });

  const corrupt: Array<[string, string, string]> = [
    ["broken JSON", '{"version":1,', "neither JSON nor a bare integer"],
    ["JSON null", "null", "not a JSON object"],
    ["JSON array", "[1]", "not a JSON object"],
    ["negative number", "-5", "not a JSON object"],
    ["a future version", '{"version":3,"scannedUntil":null,"reported":{},"lease":null}', "version is 3, expected 1 or 2"],
    ["no version", '{"scannedUntil":null,"reported":{},"lease":null}', "version is undefined, expected 1 or 2"],
    ["scannedUntil a string", '{"version":1,"scannedUntil":"1","reported":{},"lease":null}', "scannedUntil must be null or epoch milliseconds"],
    ["scannedUntil negative", '{"version":1,"scannedUntil":-1,"reported":{},"lease":null}', "scannedUntil must be null or epoch milliseconds"],
    ["scannedUntil a float", '{"version":1,"scannedUntil":1.5,"reported":{},"lease":null}', "scannedUntil must be null or epoch milliseconds"],
    ["reported an array", '{"version":1,"scannedUntil":null,"reported":[],"lease":null}', "reported must map event keys to timestamps"],
    ["reported a string value", '{"version":1,"scannedUntil":null,"reported":{"k":"1"},"lease":null}', "reported must map event keys to timestamps"],
    ["lease without owner", '{"version":1,"scannedUntil":null,"reported":{},"lease":{"expiresAt":1}}', "lease must be null or {owner, expiresAt}"],
    ["lease missing", '{"version":1,"scannedUntil":null,"reported":{}}', "lease must be null or {owner, expiresAt}"],
  ];
  test.each(corrupt)("%s is refused with a message that says how to fix it", (_name, body, problem) => {
    const err = decodeError(body);
    expect(err.name).toBe("CheckpointError");
    expect(err.message).toContain(WHERE);
    expect(err.message).toContain(problem);
    expect(err.message).toContain("Restore a previous version");
    expect(err.message).toContain("delete it");
  });

  test("every problem is named at once", () => {
    const err = decodeError('{"version":0,"scannedUntil":"x","reported":7,"lease":5}');
    for (const p of ["version is 0", "scannedUntil", "reported must", "lease must"]) expect(err.message).toContain(p);
  });
});

describe("startingPoint", () => {
  test("current checkpoint as stored; missing and legacy start empty", () => {
    expect(startingPoint({ kind: "current", checkpoint: CP })).toBe(CP);
    expect(startingPoint({ kind: "missing" })).toEqual(EMPTY_CHECKPOINT);
    expect(startingPoint({ kind: "legacy", lastEventId: "1" })).toEqual(EMPTY_CHECKPOINT);
  });
});

describe("leases", () => {
  const now = T0;
  test("own lease, expired lease, no lease: free; another's live lease: held", () => {
    const lease = (owner: string, expiresAt: number): Checkpoint => withLease(EMPTY_CHECKPOINT, { owner, expiresAt });
    expect(leasedByOther(lease("me", now + 1), "me", now)).toBe(false);
    expect(leasedByOther(lease("other", now - 1), "me", now)).toBe(false);
    expect(leasedByOther(lease("other", now), "me", now)).toBe(false);
    expect(leasedByOther(EMPTY_CHECKPOINT, "me", now)).toBe(false);
    expect(leasedByOther(lease("other", now + 1), "me", now)).toBe(true);
  });

  test("withLease sets and clears without touching the rest", () => {
    const held = withLease(CP, { owner: "b", expiresAt: 5 });
    expect(held).toEqual({ ...CP, lease: { owner: "b", expiresAt: 5 } });
    expect(withLease(held, null)).toEqual({ ...CP, lease: null });
    expect(CP.lease).toEqual({ owner: "run-a", expiresAt: T0 + 60_000 });
  });
});

describe("withReported", () => {
  test("records keys, cursor stays", () => {
    const next = withReported(CP, [cashOut({ key: "g|s|2", timestamp: T0 - 10 })]);
    expect(next.scannedUntil).toBe(CP.scannedUntil);
    expect(next.reported).toEqual({ "g|s|1": T0 - 1000, "g|s|2": T0 - 10 });
    expect(CP.reported).toEqual({ "g|s|1": T0 - 1000 });
  });
});

describe("advance", () => {
  const overlap = 15 * 60_000;
  const end = T0 + 30 * 60_000;
  const horizon = end - overlap;

  test("moves the cursor; keeps keys at or after end - overlap, drops older", () => {
    const cp: Checkpoint = {
      ...EMPTY_CHECKPOINT,
      scannedUntil: T0,
      reported: { old: horizon - 1, edge: horizon, fresh: horizon + 1 },
      lease: { owner: "me", expiresAt: end + 1 },
    };
    const next = advance(cp, end, [cashOut({ key: "new-old", timestamp: horizon - 5 }), cashOut({ key: "new", timestamp: end })], overlap);
    expect(next).toEqual({
      ...EMPTY_CHECKPOINT,
      scannedUntil: end,
      reported: { edge: horizon, fresh: horizon + 1, new: end },
      dedupFrom: horizon,
      lease: { owner: "me", expiresAt: end + 1 },
    });
    expect(Object.keys(cp.reported)).toEqual(["old", "edge", "fresh"]);
  });

  test("from an empty checkpoint; never moves the cursor backwards", () => {
    expect(advance(EMPTY_CHECKPOINT, end, [], overlap).scannedUntil).toBe(end);
    expect(advance({ ...EMPTY_CHECKPOINT, scannedUntil: end + 5 }, end, [], overlap).scannedUntil).toBe(end + 5);
  });

  test("what advance keeps is exactly what the next run's overlap can re-read", () => {
    // The next run starts at scannedUntil - overlap = horizon: anything older is never read again.
    const next = advance(EMPTY_CHECKPOINT, end, [cashOut({ key: "a", timestamp: horizon }), cashOut({ key: "b", timestamp: horizon - 1 })], overlap);
    expect((next.scannedUntil ?? 0) - overlap).toBe(horizon);
    expect(Object.keys(next.reported)).toEqual(["a"]);
  });
});

describe("version 2: claims, held CashOuts, the de-duplication reach, the first window, rules", () => {
  const now = T0;
  const a = cashOut({ key: "g|s|a", timestamp: T0 - 3000, receiverKey: "123.456.789-09" });
  const b = cashOut({ key: "g|s|b", timestamp: T0 - 2000, receiverKey: "fulano.silva@empresa.com.br" });
  const c = cashOut({ key: "g|s|c", timestamp: T0 - 1000 });

  test("a version 1 object reads as version 2 with nothing claimed or held and no recorded reach", () => {
    const v1 = '{"version":1,"scannedUntil":5,"reported":{"k":4},"lease":null}';
    expect(decodeCheckpoint(v1, WHERE)).toEqual({ kind: "current", checkpoint: { ...EMPTY_CHECKPOINT, scannedUntil: 5, reported: { k: 4 } } });
  });

  test("encode writes version 2 with every field, and equal checkpoints give equal bytes", () => {
    const body = encodeCheckpoint({ ...CP, rules: { learnt: [1, 2] } });
    expect(JSON.parse(body)).toMatchObject({
      version: 2,
      claims: {},
      held: {},
      dedupFrom: null,
      firstWindowStart: null,
      lastPostAt: null,
      rules: { learnt: [1, 2] },
    });
    expect(encodeCheckpoint(decodeCheckpoint(body, WHERE).kind === "current" ? CP : EMPTY_CHECKPOINT)).toBe(encodeCheckpoint({ ...CP }));
  });

  test("corrupt version 2 fields are refused, each named", () => {
    const err = decodeError(
      '{"version":2,"scannedUntil":null,"reported":{},"lease":null,"claims":[],"held":{"k":{"amount":1.5}},"dedupFrom":"x","firstWindowStart":-1,"lastPostAt":"y"}',
    );
    for (const p of ["claims must", "held must", "dedupFrom must", "firstWindowStart must", "lastPostAt must"]) expect(err.message).toContain(p);
  });

  test("claim: takes what nobody reported, holds or is posting; a claim that expired is free again", () => {
    const cp: Checkpoint = {
      ...EMPTY_CHECKPOINT,
      reported: { [a.key]: a.timestamp },
      claims: { push: { expiresAt: now + 1000, keys: [b.key] }, dead: { expiresAt: now - 1, keys: [c.key] } },
    };
    const { next, mine } = withClaim(cp, "me", [a, b, c], now + 60_000, now, false);
    expect(mine.map((x) => x.key)).toEqual([c.key]);
    expect(next.claims).toEqual({ push: { expiresAt: now + 1000, keys: [b.key] }, me: { expiresAt: now + 60_000, keys: [c.key] } });
    expect(unavailableKeys(next, "other", now)).toEqual(new Set([a.key, b.key, c.key]));
    // This run's own claim (a retry of the same invocation) is not in its way.
    expect(unavailableKeys(next, "me", now).has(c.key)).toBe(false);
  });

  test("held CashOuts keep the receiver key masked only, and go out with the next run that claims with them", () => {
    const { next, added } = withHeld(EMPTY_CHECKPOINT, "push-1", [a, b], now);
    expect(added).toBe(2);
    const body = encodeCheckpoint(next);
    expect(body).not.toContain("123.456.789-09");
    expect(body).not.toContain("fulano.silva");
    expect(body).toContain("***.456.789-**");
    const { mine } = withClaim(next, "sched", [c], now + 1000, now, true);
    expect(mine.map((x) => x.key)).toEqual([a.key, b.key, c.key]);
    expect(mine[0]?.receiverKey).toBeUndefined();
    expect(mine[0]?.receiverKeyMasked).toBe("***.456.789-**");
    // Without withHeld they stay for someone else; held keys are never scanned again either.
    expect(withClaim(next, "push-2", [a], now + 1000, now, false).mine).toEqual([]);
  });

  test("recording moves keys out of held and the claim; giving a claim back can hold what was not posted", () => {
    const held = withHeld(EMPTY_CHECKPOINT, "p", [a], now).next;
    const claimed = withClaim(held, "me", [b, c], now + 1000, now, true).next;
    const recorded = withReported(claimed, [heldCashOut(a.key, held.held[a.key] ?? toHeld(a)), b], "me");
    expect(recorded.held).toEqual({});
    expect(recorded.claims).toEqual({ me: { expiresAt: now + 1000, keys: [c.key] } });
    const back = withoutClaim(recorded, "me", [c]);
    expect(back.claims).toEqual({});
    expect(Object.keys(back.held)).toEqual([c.key]);
  });

  test("a push run's keys are kept until the reach passes the time it recorded them", () => {
    const recorded = withReported(EMPTY_CHECKPOINT, [a], "p", T0 + 10 * 60_000);
    expect(recorded.reported[a.key]).toBe(T0 + 10 * 60_000);
    // An advance whose reach lies past the event but before the recording keeps the key.
    expect(advance(recorded, T0 + 20 * 60_000, [], 15 * 60_000).reported).toHaveProperty(a.key);
  });

  test("the reach never moves back when the overlap is raised, and keys are pruned at the reach", () => {
    const first = advance(EMPTY_CHECKPOINT, T0, [a, c], 2000);
    expect(first.dedupFrom).toBe(T0 - 2000);
    expect(Object.keys(first.reported)).toEqual([c.key]);
    const raised = advance(first, T0 + 1, [], 15 * 60_000);
    expect(raised.dedupFrom).toBe(T0 - 2000);
  });

  test("the first window's start is kept until a window completes, never replaced by a later one", () => {
    const once = withFirstWindowStart(EMPTY_CHECKPOINT, T0 - 5000);
    expect(once.firstWindowStart).toBe(T0 - 5000);
    expect(withFirstWindowStart(once, T0)).toBe(once);
    expect(withFirstWindowStart({ ...EMPTY_CHECKPOINT, scannedUntil: T0 }, T0 - 5000).firstWindowStart).toBeNull();
    expect(advance(once, T0, [], 0).firstWindowStart).toBeNull();
  });

  test("rules: carried unchanged by every other change, updated in the same write as reported keys", () => {
    const withState: Checkpoint = { ...CP, rules: { seen: ["x"] } };
    for (const next of [
      withLease(withState, null),
      withClaim(withState, "me", [c], now + 1, now, true).next,
      withHeld(withState, "me", [c], now).next,
      withoutClaim(withState, "me", [c]),
      advance(withState, T0, [], 0),
    ]) {
      expect(next.rules).toEqual({ seen: ["x"] });
    }
    const updated = withReported(withState, [c], "me", undefined, (cur) => ({ before: cur ?? null, now: 1 }));
    expect(updated.rules).toEqual({ before: { seen: ["x"] }, now: 1 });
    expect(updated.reported).toHaveProperty(c.key);
    expect("rules" in withReported(withState, [], "me", undefined, () => undefined)).toBe(false);
  });
});
