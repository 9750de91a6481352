import { describe, expect, test } from "vitest";
import { advance, CheckpointError, decodeCheckpoint, EMPTY_CHECKPOINT, encodeCheckpoint, leasedByOther, startingPoint, withLease, withReported, type Checkpoint } from "../../handler/core/checkpoint.js";
import { cashOut, T0 } from "./fixtures.js";

const WHERE = "s3://state-bucket/lastId.txt";
const CP: Checkpoint = { version: 1, scannedUntil: T0, reported: { "g|s|1": T0 - 1000 }, lease: { owner: "run-a", expiresAt: T0 + 60_000 } };

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
    ["wrong version", '{"version":2,"scannedUntil":null,"reported":{},"lease":null}', "version is 2, expected 1"],
    ["no version", '{"scannedUntil":null,"reported":{},"lease":null}', "version is undefined, expected 1"],
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
    expect(startingPoint({ kind: "missing" })).toEqual({ version: 1, scannedUntil: null, reported: {}, lease: null });
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
      version: 1,
      scannedUntil: T0,
      reported: { old: horizon - 1, edge: horizon, fresh: horizon + 1 },
      lease: { owner: "me", expiresAt: end + 1 },
    };
    const next = advance(cp, end, [cashOut({ key: "new-old", timestamp: horizon - 5 }), cashOut({ key: "new", timestamp: end })], overlap);
    expect(next).toEqual({
      version: 1,
      scannedUntil: end,
      reported: { edge: horizon, fresh: horizon + 1, new: end },
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
