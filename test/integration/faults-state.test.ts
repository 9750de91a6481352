// Fault injection on the run's state and timing: concurrent runs, leases, late
// logs, long outages, the Lambda deadline and bad state, against the built zip.
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lambdaContext, loadDistHandler, withEnv } from "../support/dist-handler.js";
import { cashOut, FaultProxy, HOUR, type InjectedReply, MIN, rawCheckpoint, scriptedContext, seedCheckpoint, settle, viaParameter } from "../support/faults.js";
import { checkpointOf, invoke, scenario, startWorld, statedTotals, stopWorld, unique, type Scenario, type World } from "../support/world.js";

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

/** A three-hour outage with one CashOut in the first, second and last hourly slice (R$ 6,00 in all). */
async function outage(): Promise<{ s: Scenario; seeded: number; c3: number }> {
  const s = await scenario(w, { extraEnv: { PXSTREAM_SLICE_MINUTES: "60" } });
  const now = Date.now();
  const seeded = now - 3 * HOUR;
  await seedCheckpoint(w, s, { scannedUntil: seeded });
  const c3 = now - 5 * MIN;
  await w.aws.put(s.groups[0] ?? "", "s", [cashOut("C1", 100, now - 3 * HOUR + MIN), cashOut("C2", 200, now - 2 * HOUR), cashOut("C3", 300, c3)]);
  return { s, seeded, c3 };
}

/** `27/11/2026 09:00:01` in Brasília time, as the warning writes it. */
function brasilia(ms: number): string {
  return new Intl.DateTimeFormat("pt-BR", { timeZone: "America/Sao_Paulo", dateStyle: "short", timeStyle: "medium" }).format(ms).replace(", ", " ");
}

describe("faults: concurrent runs and the lease", () => {
  it("two scheduled runs at the same time (two containers, slow Slack) post one message", async () => {
    const s = await scenario(w);
    await settle(w, s);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("K1", 1000, now - 2 * MIN), cashOut("K2", 2000, now - MIN)]);
    w.sink.fallback = { status: 200, body: "ok", delayMs: 1500 };
    const otherContainer = await loadDistHandler();

    const summaries = await withEnv(s.env, () => Promise.all([w.handler({}, lambdaContext()), otherContainer({}, lambdaContext())]));

    expect(w.sink.requests).toHaveLength(1);
    expect(statedTotals(w.sink.requests)).toEqual({ count: 2, centavos: 3000n });
    const leases = summaries.map((x) => x.lease).sort();
    expect(leases[0]).toBe("acquired");
    expect(["held-by-other", "lost"]).toContain(leases[1]);
    expect(summaries.reduce((n, x) => n + x.notified, 0)).toBe(1);
    const cp = await checkpointOf(w, s);
    expect(cp?.lease).toBeNull();

    w.sink.clear();
    expect(await invoke(w, s.env)).toMatchObject({ notified: 0, duplicates: 2 });
    expect(w.sink.requests).toHaveLength(0);
  });

  it("a live lease held by another run: exits cleanly without reading on or posting, object untouched", async () => {
    const s = await scenario(w);
    const now = Date.now();
    const body = await seedCheckpoint(w, s, { scannedUntil: now - 10 * MIN, lease: { owner: "another-invocation", expiresAt: now + 10 * MIN } });
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("H1", 1000, now - MIN)]);
    const etag = (await rawCheckpoint(w, s))?.etag;

    const summary = await invoke(w, s.env);

    expect(summary).toMatchObject({ lease: "held-by-other", notified: 0, matched: 0, scanned: 0 });
    expect(w.sink.requests).toHaveLength(0);
    expect(await rawCheckpoint(w, s)).toEqual({ body, etag });
  });

  it("an expired lease (its run died) is taken over, and the takeover reports what was pending", async () => {
    const s = await scenario(w);
    const now = Date.now();
    await seedCheckpoint(w, s, { scannedUntil: now - 10 * MIN, lease: { owner: "a-dead-invocation", expiresAt: now - 1000 } });
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("X1", 1000, now - MIN)]);

    const summary = await invoke(w, s.env);

    expect(summary).toMatchObject({ lease: "acquired", matched: 1, notified: 1 });
    const cp = await checkpointOf(w, s);
    expect(cp?.lease).toBeNull();
    expect(cp?.scannedUntil).toBe(summary.windowEnd);
  });
});

describe("faults: late logs, outages, the deadline", () => {
  it("a late-arriving event (older than the last run's end, put after it) is reported once by the next run", async () => {
    const s = await scenario(w);
    const group = s.groups[0] ?? "";
    await w.aws.put(group, "s", [cashOut("E1", 1000, Date.now() - 2 * MIN)]);
    const first = await invoke(w, s.env);
    expect(first).toMatchObject({ matched: 1, notified: 1 });
    const end = first.windowEnd ?? 0;

    // Arrives after the run, stamped 3 minutes before the end of the window that run scanned.
    await w.aws.put(group, "late", [cashOut("LATE", 700, end - 3 * MIN)]);
    const second = await invoke(w, s.env);
    expect(second).toMatchObject({ matched: 1, notified: 1, duplicates: 1 });
    expect(second.windowStart).toBeLessThanOrEqual(end - 3 * MIN);
    expect(w.sink.requests[1]?.json?.text).toMatch(/^Pix CashOut: 1 evento, R\$[\u00a0 ]7,00$/);
    expect(JSON.stringify(w.sink.requests[1]?.json?.blocks)).toContain("LATE");

    expect(await invoke(w, s.env)).toMatchObject({ notified: 0, duplicates: 2 });
    expect(statedTotals(w.sink.requests)).toEqual({ count: 2, centavos: 1700n });
  });

  it("the limit: an event arriving later than PXSTREAM_OVERLAP_MINUTES behind the cursor is not reported", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_OVERLAP_MINUTES: "1" } });
    const first = await invoke(w, s.env);
    const end = first.windowEnd ?? 0;

    await w.aws.put(s.groups[0] ?? "", "late", [cashOut("TOO-LATE", 700, end - 5 * MIN)]);
    const second = await invoke(w, s.env);

    expect(second.windowStart).toBe(end - MIN);
    expect(second).toMatchObject({ matched: 0, notified: 0 });
    expect(w.sink.requests).toHaveLength(0);
  });

  it("a long outage past PXSTREAM_MAX_CATCHUP_HOURS: catches up the last hours in slices and warns of the unscanned window", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_MAX_CATCHUP_HOURS: "1", PXSTREAM_SLICE_MINUTES: "30" } });
    const now = Date.now();
    const seeded = now - 3 * HOUR;
    await seedCheckpoint(w, s, { scannedUntil: seeded });
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("IN-GAP", 9900, now - 2 * HOUR), cashOut("R1", 100, now - 50 * MIN), cashOut("R2", 200, now - 10 * MIN)]);

    const summary = await invoke(w, s.env);

    const unscanned = summary.unscanned as { start: number; end: number };
    expect(unscanned.start).toBe(seeded + 1);
    expect(unscanned.end).toBeGreaterThanOrEqual(now - HOUR - 1);
    expect(unscanned.end).toBeLessThan(now - HOUR + 60_000);
    expect(summary.slices).toMatchObject({ planned: 3, completed: 3, pending: 0 });
    expect(summary).toMatchObject({ matched: 2 });
    const warning = w.sink.requests[0]?.json;
    expect(warning?.text).toContain("janela não verificada");
    expect(warning?.text).toContain(brasilia(unscanned.start));
    expect(JSON.stringify(warning?.blocks)).toContain("PXSTREAM_MAX_CATCHUP_HOURS");
    expect(statedTotals(w.sink.requests)).toEqual({ count: 2, centavos: 300n });
    expect(JSON.stringify(w.sink.requests.map((r) => r.json))).not.toContain("IN-GAP");
    expect((await checkpointOf(w, s))?.scannedUntil).toBe(summary.windowEnd);

    w.sink.clear();
    expect(await invoke(w, s.env)).toMatchObject({ unscanned: null, notified: 0 });
  });

  it("catch-up checkpoints after each slice: a failure in the last slice keeps the earlier ones, the next run reports only the rest", async () => {
    const { s, seeded, c3 } = await outage();
    w.sink.enqueue({ status: 200, body: "ok" }, { status: 200, body: "ok" }, { status: 404, body: "no_service" });

    await expect(invoke(w, s.env)).rejects.toThrow(/Slack answered 404: no_service/);

    const cp = await checkpointOf(w, s);
    expect(cp?.lease).toBeNull();
    expect(cp?.scannedUntil).toBeGreaterThan(seeded + 2 * HOUR);
    expect(cp?.scannedUntil).toBeLessThan(c3);
    const firstRun = w.sink.accepted.slice();
    expect(statedTotals(firstRun)).toEqual({ count: 2, centavos: 300n });

    w.sink.clear();
    const next = await invoke(w, s.env);
    expect(next).toMatchObject({ matched: 1, notified: 1 });
    expect(statedTotals([...firstRun, ...w.sink.accepted])).toEqual({ count: 3, centavos: 600n });
  });

  it("a failure after quiet slices keeps their progress: giving the lease back does not rewind the cursor", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_SLICE_MINUTES: "60" } });
    const now = Date.now();
    const seeded = now - 3 * HOUR;
    await seedCheckpoint(w, s, { scannedUntil: seeded });
    // Nothing to report until the last slice, whose only CashOut Slack refuses.
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("Q1", 700, now - 5 * MIN)]);
    w.sink.fallback = { status: 404, body: "no_service" };

    await expect(invoke(w, s.env)).rejects.toThrow(/Slack answered 404/);

    const cp = await checkpointOf(w, s);
    expect(cp?.lease).toBeNull();
    // The quiet slices before it stay scanned; the refused one is not.
    expect(cp?.scannedUntil).toBeGreaterThan(seeded + 2 * HOUR);
    expect(cp?.scannedUntil).toBeLessThan(now - 5 * MIN);

    w.sink.clear();
    const next = await invoke(w, s.env);
    expect(next).toMatchObject({ matched: 1, notified: 1 });
  });

  it("the Lambda deadline: stops after the slice it completed, checkpoints it; the next run finishes, nothing lost or repeated", async () => {
    const { s, seeded } = await outage();
    // Plenty of time until Slack has the first slice's message, then 5 s: under the reserve.
    const ctx = scriptedContext(() => (w.sink.requests.length === 0 ? 600_000 : 5_000));

    const first = await invoke(w, s.env, {}, ctx);

    expect(first.slices).toMatchObject({ completed: 1, pending: 3 });
    expect(first).toMatchObject({ matched: 1, notified: 1 });
    const cp = await checkpointOf(w, s);
    expect(cp?.scannedUntil).toBe(first.windowEnd);
    expect(cp?.scannedUntil).toBeGreaterThan(seeded);
    expect(cp?.lease).toBeNull();

    const second = await invoke(w, s.env);
    expect(second.slices).toMatchObject({ pending: 0 });
    expect(second).toMatchObject({ matched: 2, notified: 2 });
    expect(statedTotals(w.sink.requests)).toEqual({ count: 3, centavos: 600n });
  });
});

describe("faults: bad state", () => {
  it("a corrupt checkpoint is refused with how to fix it, left byte-for-byte, nothing posted", async () => {
    const s = await scenario(w);
    const garbage = '{"version":1,"scannedUntil":"yesterday","reported":[]}';
    await w.aws.putObject(s.bucket, s.key, garbage);
    const before = await rawCheckpoint(w, s);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B1", 1000, Date.now() - MIN)]);

    const err = await invoke(w, s.env).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(String(err)).toContain(`s3://${s.bucket}/${s.key}`);
    expect(String(err)).toMatch(/corrupt: .*scannedUntil/);
    expect(String(err)).toMatch(/Restore a previous version.*or delete it/);
    expect(await rawCheckpoint(w, s)).toEqual(before);
    expect(before?.body).toBe(garbage);
    expect(w.sink.requests).toHaveLength(0);
  });

  it("a missing state bucket: the error names it, nothing posted", async () => {
    const s = await scenario(w);
    const missing = unique("no-such-bucket").toLowerCase();
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B2", 1000, Date.now() - MIN)]);

    await expect(invoke(w, { ...s.env, PXSTREAM_STATE_BUCKET: missing })).rejects.toThrow(
      new RegExp(`s3://${missing}/lastId.txt.*NoSuchBucket.*does not exist`),
    );
    expect(w.sink.requests).toHaveLength(0);
  });

  // What real S3 answers for a missing key when the role may not list it (moto answers 404 whatever the policy).
  const denied: InjectedReply = {
    status: 403,
    headers: { "content-type": "application/xml" },
    body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
  };
  /** GetObject on the bucket's keys is denied; ListObjectsV2 (`GET /bucket/?list-type=2…`, path-style) is denied too when `listing` is false. */
  const s3Denial =
    (bucket: string, listing: boolean) =>
    (req: IncomingMessage): InjectedReply | undefined => {
      if (req.method !== "GET") return undefined;
      const path = new URL(req.url ?? "/", "http://proxy").pathname;
      if (!path.startsWith(`/${bucket}`)) return undefined;
      const key = path.slice(bucket.length + 1).replace(/^\//, "");
      if (key !== "") return denied;
      return listing ? undefined : denied;
    };

  it("a 403 reading a checkpoint that does not exist yet, listing allowed: a listing of the key tells it is missing, the first run proceeds", async () => {
    const s = await scenario(w);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B6", 1000, Date.now() - MIN)]);
    const proxy = new FaultProxy(w.moto.endpoint, s3Denial(s.bucket, true));
    await proxy.start();
    try {
      const summary = await invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint });
      expect(summary).toMatchObject({ matched: 1, notified: 1 });
      expect(proxy.seen.some((r) => r.url.includes("list-type=2") && !r.injected)).toBe(true);
    } finally {
      await proxy.stop();
    }
    expect(await rawCheckpoint(w, s)).not.toBeNull();
  });

  it("a 403 on a checkpoint that exists: a denial, not a first run; nothing posted, the checkpoint untouched", async () => {
    const s = await scenario(w);
    const before = await settle(w, s);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B7", 1000, Date.now() - MIN)]);
    const proxy = new FaultProxy(w.moto.endpoint, s3Denial(s.bucket, true));
    await proxy.start();
    try {
      await expect(invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint })).rejects.toThrow(/AccessDenied/);
    } finally {
      await proxy.stop();
    }
    expect(w.sink.requests).toHaveLength(0);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
  });

  it("a 403 reading a checkpoint that does not exist yet, listing denied too (no s3:ListBucket): the error says what to grant, nothing posted", async () => {
    const s = await scenario(w);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B5", 1000, Date.now() - MIN)]);
    const proxy = new FaultProxy(w.moto.endpoint, s3Denial(s.bucket, false));
    await proxy.start();
    try {
      const err = await invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String(err)).toContain(`s3://${s.bucket}/${s.key}`);
      expect(String(err)).toMatch(/AccessDenied/);
      expect(String(err)).toContain(`s3:ListBucket on arn:aws:s3:::${s.bucket} with the condition s3:prefix = "${s.key}"`);
    } finally {
      await proxy.stop();
    }
    expect(w.sink.requests).toHaveLength(0);
  });

  it("a missing log group (beside one with events): the error names it, nothing posted, checkpoint untouched", async () => {
    const s = await scenario(w);
    const before = await settle(w, s);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B3", 1000, Date.now() - MIN)]);
    const missing = `/aws/lambda/${unique("not-created")}`;

    await expect(invoke(w, { ...s.env, PXSTREAM_LOG_GROUPS: `${s.groups[0] ?? ""},${missing}` })).rejects.toThrow(
      new RegExp(`log group "${missing}" failed: ResourceNotFoundException`),
    );
    expect(w.sink.requests).toHaveLength(0);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
  });

  it("a missing SSM webhook parameter: the error names it, nothing posted, checkpoint untouched", async () => {
    const s = await scenario(w);
    const before = await settle(w, s);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("B4", 1000, Date.now() - MIN)]);
    const env = viaParameter(s, "/pxstream/faults/missing-webhook");

    await expect(invoke(w, env)).rejects.toThrow(/SSM parameter "\/pxstream\/faults\/missing-webhook" failed: ParameterNotFound/);
    expect(w.sink.requests).toHaveLength(0);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
  });
});
