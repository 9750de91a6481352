// Scheduled runs of the built zip against moto_server and a real Slack sink.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cashOut, NOISE, WATCHED } from "../support/pix-lines.js";
import type { RunSummary } from "../support/dist-handler.js";
import { checkpointOf, invoke, scenario, startWorld, statedTotals, stopWorld, type World } from "../support/world.js";

const MIN = 60_000;
let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

describe("scheduled run", () => {
  it("first run reports the watched CashOuts once, then writes a JSON checkpoint", async () => {
    const s = await scenario(w);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "s1", [
      cashOut("E1", 123456, now - 10 * MIN),
      cashOut("E2", 100, now - 9 * MIN),
      cashOut("E3", 5000, now - 8 * MIN, "99999999999"),
      ...NOISE.map((message, i) => ({ timestamp: now - 7 * MIN + i, message })),
    ]);
    expect(await checkpointOf(w, s)).toBeNull();

    const summary = await invoke(w, s.env);

    // FilterLogEvents sends only the lines holding "transactionId" (PXSTREAM_SERVER_FILTER): the noise stays in CloudWatch.
    expect(summary).toMatchObject({ scanned: 3, matched: 2, malformed: 0, notified: 1 });
    expect(summary.windowStart).toBeLessThanOrEqual(now - 10 * MIN);
    expect(summary.windowEnd).toBeGreaterThanOrEqual(now);
    expect(w.sink.requests).toHaveLength(1);
    const msg = w.sink.requests[0]?.json;
    expect(msg?.text).toMatch(/^Pix CashOut: 2 eventos, R\$[\u00a0 ]1\.235,56$/);
    const blocks = JSON.stringify(msg?.blocks);
    expect(blocks).toContain("Relatório de Eventos Pix CashOut");
    expect(blocks).toContain(WATCHED);
    expect(blocks).not.toContain("99999999999");
    expect(blocks).toContain("***.456.789-**");
    expect(blocks).not.toContain("123.456.789-09");
    const cp = await checkpointOf(w, s);
    expect(cp?.version).toBe(2);
    expect(cp?.scannedUntil).toBe(summary.windowEnd);
    expect(cp?.lease).toBeNull();
  });

  it("a re-run posts nothing new, and new events are reported exactly once", async () => {
    const s = await scenario(w);
    const group = s.groups[0] ?? "";
    const now = Date.now();
    await w.aws.put(group, "s1", [cashOut("A1", 1000, now - 5 * MIN), cashOut("A2", 2000, now - 4 * MIN)]);
    await invoke(w, s.env);
    expect(w.sink.requests).toHaveLength(1);

    const again = await invoke(w, s.env);
    expect(again).toMatchObject({ matched: 0, notified: 0 });
    expect(again.duplicates).toBe(2);
    expect(w.sink.requests).toHaveLength(1);

    await w.aws.put(group, "s1", [cashOut("A3", 3000, Date.now() - 1000)]);
    const third = await invoke(w, s.env);
    expect(third).toMatchObject({ matched: 1, notified: 1 });
    expect(w.sink.requests).toHaveLength(2);
    expect(w.sink.requests[1]?.json?.text).toMatch(/^Pix CashOut: 1 evento, R\$[\u00a0 ]30,00$/);
    expect(JSON.stringify(w.sink.requests[1]?.json?.blocks)).toContain("A3");
    expect(JSON.stringify(w.sink.requests[1]?.json?.blocks)).not.toContain("`A1`");
  });

  it("reads every configured log group", async () => {
    const s = await scenario(w, { groups: 2 });
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "a", [cashOut("G1", 111, now - 3 * MIN)]);
    await w.aws.put(s.groups[1] ?? "", "b", [cashOut("G2", 222, now - 2 * MIN, WATCHED, { format: "python" })]);
    const summary = await invoke(w, s.env);
    expect(summary).toMatchObject({ scanned: 2, matched: 2, notified: 1 });
    expect(w.sink.requests[0]?.json?.text).toMatch(/^Pix CashOut: 2 eventos, R\$[\u00a0 ]3,33$/);
    const footer = JSON.stringify(w.sink.requests[0]?.json?.blocks);
    for (const g of s.groups) expect(footer).toContain(g);
  });

  it("follows nextToken past 10,000 events a page", async () => {
    const s = await scenario(w);
    const now = Date.now();
    const events = [];
    let expected = 0n;
    let watched = 0;
    for (let i = 0; i < 12_500; i++) {
      const ts = now - 40 * MIN + i * 100;
      if (i % 50 === 0) {
        events.push(cashOut(`P${i}`, 1000 + i, ts));
        expected += BigInt(1000 + i);
        watched++;
      } else {
        events.push(cashOut(`O${i}`, 500, ts, `other-${i % 7}`));
      }
    }
    await w.aws.put(s.groups[0] ?? "", "bulk", events);
    const summary = await invoke(w, s.env);
    expect(summary.scanned).toBe(12_500);
    expect(summary.pages).toBeGreaterThanOrEqual(2);
    expect(summary.matched).toBe(watched);
    expect(summary.totalCentavos).toBe(expected.toString());
    expect(statedTotals(w.sink.requests)).toEqual({ count: watched, centavos: expected });
  });

  it("reads the Lambda JSON log format, with the payload as an object or as a JSON string", async () => {
    const s = await scenario(w);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "json", [
      cashOut("J1", 700, now - 3 * MIN, WATCHED, { format: "lambda-json" }),
      cashOut("J2", 300, now - 2 * MIN, WATCHED, { format: "lambda-json-string" }),
      cashOut("J3", 50, now - 1 * MIN, WATCHED, { format: "bare" }),
    ]);
    const summary = await invoke(w, s.env);
    expect(summary).toMatchObject({ scanned: 3, matched: 3, malformed: 0 });
    expect(w.sink.requests[0]?.json?.text).toMatch(/^Pix CashOut: 3 eventos, R\$[\u00a0 ]10,50$/);
  });

  it("counts malformed lines and skips them without losing the good ones", async () => {
    const s = await scenario(w);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "bad", [
      cashOut("M1", 1.5, now - 4 * MIN),
      cashOut("M2", -10, now - 4 * MIN + 1),
      { timestamp: now - 3 * MIN, message: `2026-11-27T12:00:00Z\treq\tINFO\t{"Session":{"accountName":"${WATCHED}"},"Payload":{"body":{"transactionId":"X"` },
      cashOut("OK", 4200, now - 2 * MIN),
    ]);
    const summary = await invoke(w, s.env);
    expect(summary).toMatchObject({ scanned: 4, matched: 1, malformed: 3, notified: 1 });
    expect(w.sink.requests[0]?.json?.text).toMatch(/^Pix CashOut: 1 evento, R\$[\u00a0 ]42,00$/);
  });

  it("dry run builds the message, posts nothing and writes no state", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_DRY_RUN: "true" } });
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("D1", 999, Date.now() - MIN)]);
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    let summary: RunSummary | undefined;
    try {
      summary = await invoke(w, s.env);
    } finally {
      console.log = original;
    }
    expect(summary).toMatchObject({ matched: 1, notified: 0, dryRun: true });
    expect(w.sink.requests).toHaveLength(0);
    expect(await w.aws.getObject(s.bucket, s.key)).toBeNull();
    const rendered = lines.find((l) => l.includes('"slackMessage"'));
    expect(rendered).toContain("Pix CashOut: 1 evento");
  });

  it("reads the webhook from an SSM SecureString and never logs it", async () => {
    const param = "/pxstream/test/webhook";
    await w.aws.secureString(param, w.sink.url);
    const s = await scenario(w);
    const env: Record<string, string> = { ...s.env, PXSTREAM_SLACK_WEBHOOK_PARAMETER: param };
    delete env.SLACK_WEBHOOK;
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("S1", 1234, Date.now() - MIN)]);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const log = console.log;
    const err = console.error;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    console.log = (...a: unknown[]) => out.push(a.map(String).join(" "));
    console.error = (...a: unknown[]) => out.push(a.map(String).join(" "));
    let summary: RunSummary | undefined;
    try {
      summary = await invoke(w, env);
    } finally {
      process.stdout.write = write;
      console.log = log;
      console.error = err;
    }
    expect(summary?.notified).toBe(1);
    expect(w.sink.requests[0]?.path).toBe(w.sink.secretPath);
    expect(out.join("\n")).not.toContain("secret");
    expect(JSON.stringify(summary)).not.toContain("secret");
  });

  it("a Slack 500 fails the run, leaves the checkpoint, and the next run reports everything", async () => {
    const s = await scenario(w);
    const group = s.groups[0] ?? "";
    const now = Date.now();
    await w.aws.put(group, "s", [cashOut("F1", 100, now - 20 * MIN)]);
    await invoke(w, s.env);
    const before = await w.aws.getObject(s.bucket, s.key);
    await w.aws.put(group, "s", [cashOut("F2", 200, now - 2 * MIN), cashOut("F3", 300, now - MIN)]);

    w.sink.fallback = { status: 500, body: "internal_error" };
    await expect(invoke(w, s.env)).rejects.toThrow(/Slack answered 500: internal_error/);
    const after = await w.aws.getObject(s.bucket, s.key);
    expect(after?.body).toBe(before?.body);

    w.sink.clear();
    const next = await invoke(w, s.env);
    expect(next).toMatchObject({ matched: 2, notified: 1 });
    expect(w.sink.requests[0]?.json?.text).toMatch(/^Pix CashOut: 2 eventos, R\$[\u00a0 ]5,00$/);
  });

  it("accepts the original program's bare-integer lastId.txt and replaces it", async () => {
    const s = await scenario(w);
    await w.aws.putObject(s.bucket, s.key, "49612345678901234567890123456789012345678901234567890123");
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("L1", 1500, Date.now() - 2 * MIN)]);
    const summary = await invoke(w, s.env);
    expect(summary).toMatchObject({ matched: 1, notified: 1 });
    const cp = await checkpointOf(w, s);
    expect(cp?.version).toBe(2);
    expect(cp?.scannedUntil).toBe(summary.windowEnd);
  });
});
