// Fault injection on what pxstream reads and emits: bursts, bad lines, AWS
// throttling through a real HTTP proxy, secrets, personal data and metrics.
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Seed } from "../support/aws-fixtures.js";
import {
  capture,
  cashOut,
  FaultProxy,
  gapsBetween,
  jsonLines,
  MIN,
  rawCheckpoint,
  settle,
  TIMER_SLACK_MS,
  viaParameter,
  WATCHED,
  type InjectedReply,
  type SeenRequest,
} from "../support/faults.js";
import { NOISE, pixLine } from "../support/pix-lines.js";
import { invoke, scenario, startWorld, statedTotals, stopWorld, subscriptionEvent, type World } from "../support/world.js";

let w: World;

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

/** A Node.js-format line whose JSON is written out by hand (for payloads pixLine cannot express). */
function rawLine(json: string): string {
  return `2026-11-27T12:00:00.000Z\treq-raw\tINFO\t${json}`;
}

describe("faults: bursts", () => {
  it("thousands of CashOuts of few accounts: one message, at most 50 blocks, the largest events listed, totals exact", async () => {
    const s = await scenario(w);
    const now = Date.now();
    const events: Seed[] = [];
    let total = 0n;
    for (let i = 0; i < 5000; i++) {
      const amount = 100 + ((i * 7919) % 100_000);
      total += BigInt(amount);
      events.push(cashOut(`BURST-${i}`, amount, now - 30 * MIN + i * 300, `${WATCHED}${i % 8}`));
    }
    await w.aws.put(s.groups[0] ?? "", "burst", events);

    const summary = await invoke(w, { ...s.env, PXSTREAM_WATCHED_ACCOUNTS: "*" });

    expect(summary).toMatchObject({ matched: 5000, notified: 1, totalCentavos: total.toString() });
    expect(w.sink.requests).toHaveLength(1);
    const blocks = w.sink.requests[0]?.json?.blocks ?? [];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks)).toContain("+4980 mais");
    expect(statedTotals(w.sink.requests)).toEqual({ count: 5000, centavos: total });
  });

  it("CashOuts of thousands of accounts: at most 10 messages, each <= 50 blocks, paced, adding up to the corpus", async () => {
    const s = await scenario(w);
    const now = Date.now();
    const events: Seed[] = [];
    let total = 0n;
    const accounts = 16_000;
    for (let i = 0; i < accounts; i++) {
      const amount = 1_000_000 + i;
      total += BigInt(amount);
      // 60-character account names: about 1,400 account lines fit in a message.
      events.push(cashOut(`T${i}`, amount, now - 30 * MIN + i * 100, `conta-${String(i).padStart(6, "0")}-${"x".repeat(47)}`));
    }
    await w.aws.put(s.groups[0] ?? "", "accounts", events);

    const summary = await invoke(w, { ...s.env, PXSTREAM_WATCHED_ACCOUNTS: "*" });

    expect(summary).toMatchObject({ matched: accounts, notified: 10, totalCentavos: total.toString() });
    expect(w.sink.requests).toHaveLength(10);
    for (const r of w.sink.requests) {
      const blocks = r.json?.blocks ?? [];
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) {
        const text = (b as { text?: { text?: string } }).text?.text ?? "";
        expect(text.length).toBeLessThanOrEqual(b.type === "header" ? 150 : 3000);
      }
    }
    expect(JSON.stringify(w.sink.requests[9]?.json?.blocks)).toMatch(/outras contas/);
    expect(statedTotals(w.sink.requests)).toEqual({ count: accounts, centavos: total });
    for (const gap of gapsBetween(w.sink.requests)) expect(gap).toBeGreaterThanOrEqual(1100 - TIMER_SLACK_MS);
  });
});

describe("faults: bad input", () => {
  it("wrong amounts, huge lines and odd encodings are counted as malformed or read correctly, never a crash, the total exact", async () => {
    const s = await scenario(w);
    const now = Date.now();
    let t = now - 20 * MIN;
    const at = (): number => (t += 1000);
    const huge = "x".repeat(200_000);
    const bad: Array<unknown> = [1.5, -10, 0, "NaN", "1000", null, Number.MAX_SAFE_INTEGER + 2, 1e30];
    const good: Array<[string, number, string]> = [
      ["HUGE-OK", 12_345, huge],
      ["SURROGATE", 101, "pagamento \ud800 quebrado"],
      ["MOJIBAKE", 202, "pagamento Ã§Ã£o Ã©"],
      ["CONTROL", 303, "linha\u0000com\u0007controle\u001b[31m"],
      ["EMOJI", 404, "💸 pix 🇧🇷"],
      ["MAX1", Number.MAX_SAFE_INTEGER, "grande"],
      ["MAX2", Number.MAX_SAFE_INTEGER, "grande"],
    ];
    const payload = (tx: string, amount: unknown, description: string): string =>
      JSON.stringify({
        Session: { accountName: WATCHED, sessionId: `sess-${tx}` },
        Payload: { body: { transactionId: tx, amount, receiverKeyValue: "123.456.789-09", description } },
      });
    const events: Seed[] = [
      ...bad.map((amount, i) => ({ timestamp: at(), message: pixLine({ account: WATCHED, amount, transactionId: `BAD-${i}` }) })),
      ...good.map(([tx, amount, d]) => ({ timestamp: at(), message: rawLine(payload(tx, amount, d)) })),
      // A bare JSON line behind a byte-order mark.
      { timestamp: at(), message: `\ufeff${payload("BOM", 505, "bom")}` },
      // A 200 KB line cut off mid-JSON (what a truncating logger leaves).
      { timestamp: at(), message: rawLine(payload("HUGE-CUT", 999, huge)).slice(0, 150_000) },
      // Payload.body as a string that is not JSON, and Payload not an object.
      { timestamp: at(), message: rawLine(`{"Session":{"accountName":"${WATCHED}"},"Payload":{"body":"{transactionId: 1"}}`) },
      { timestamp: at(), message: rawLine(`{"Session":{"accountName":"${WATCHED}"},"Payload":"transactionId"}`) },
      // A UTF-16LE line read as Latin-1: unreadable, not recognisable as a CashOut.
      { timestamp: at(), message: Buffer.from(payload("UTF16", 606, "x"), "utf16le").toString("latin1") },
      ...NOISE.map((message) => ({ timestamp: at(), message })),
    ];
    await w.aws.put(s.groups[0] ?? "", "bad", events);
    const expected = good.reduce((sum, [, amount]) => sum + BigInt(amount), 505n);

    const run = await capture(() => invoke(w, s.env));

    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({
      // The server-side filter keeps the noise and the UTF-16 line (no "transactionId" in it as text) in CloudWatch.
      scanned: events.length - NOISE.length - 1,
      matched: good.length + 1,
      malformed: bad.length + 3,
      notified: 1,
      totalCentavos: expected.toString(),
    });
    expect(expected > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(statedTotals(w.sink.requests)).toEqual({ count: good.length + 1, centavos: expected });
    const text = w.sink.requests[0]?.body ?? "";
    expect(text.length).toBeLessThan(40_000);
    expect(text).not.toContain(huge);
  });
});

describe("faults: AWS throttling and transient errors", () => {
  const throttle: InjectedReply = {
    status: 400,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "ThrottlingException" },
    body: JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }),
  };
  const slowDown: InjectedReply = {
    status: 503,
    headers: { "content-type": "application/xml" },
    body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
  };

  /** The first FilterLogEvents is throttled and the first checkpoint read gets a 503; the rest reach moto. */
  function firstOfEach(bucket: string): (req: IncomingMessage, seen: readonly SeenRequest[]) => InjectedReply | undefined {
    return (req, seen) => {
      const target = req.headers["x-amz-target"];
      if (target === "Logs_20140328.FilterLogEvents" && !seen.some((r) => r.injected && r.target === target)) return throttle;
      const isRead = req.method === "GET" && (req.url ?? "").startsWith(`/${bucket}/`);
      if (isRead && !seen.some((r) => r.injected && r.method === "GET")) return slowDown;
      return undefined;
    };
  }

  it("a throttled FilterLogEvents and a 503 from S3 are retried by the SDK; the run succeeds and counts the retries", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_LOOKBACK_MINUTES: "30" } });
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("AWS1", 1000, Date.now() - MIN)]);
    const proxy = new FaultProxy(w.moto.endpoint, firstOfEach(s.bucket));
    await proxy.start();
    try {
      const summary = await invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint });
      expect(summary).toMatchObject({ matched: 1, notified: 1 });
      expect(summary.awsRetries).toBeGreaterThanOrEqual(2);
      expect(proxy.seen.filter((r) => r.injected)).toHaveLength(2);
    } finally {
      await proxy.stop();
    }
  });

  it("an AWS call that never answers times out and is retried; the run succeeds", async () => {
    // The request timeout is 15 s; a 1 s one makes the same point without the wait.
    const s = await scenario(w, { extraEnv: { PXSTREAM_AWS_TIMEOUT_SECONDS: "1" } });
    await settle(w, s);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("AWS3", 3000, Date.now() - MIN)]);
    const hang: InjectedReply = { hang: true, status: 0, headers: {}, body: "" };
    const proxy = new FaultProxy(w.moto.endpoint, (req, seen) =>
      req.headers["x-amz-target"] === "Logs_20140328.FilterLogEvents" && !seen.some((r) => r.injected) ? hang : undefined,
    );
    await proxy.start();
    try {
      const summary = await invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint });
      expect(summary).toMatchObject({ matched: 1, notified: 1 });
      expect(summary.awsRetries).toBeGreaterThanOrEqual(1);
      expect(proxy.seen.filter((r) => r.injected)).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it("without retries (AWS_MAX_ATTEMPTS=1) the same throttle fails the run, names the call, posts nothing", async () => {
    const s = await scenario(w);
    const before = await settle(w, s);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("AWS2", 1000, Date.now() - MIN)]);
    const proxy = new FaultProxy(w.moto.endpoint, (req, seen) =>
      req.headers["x-amz-target"] === "Logs_20140328.FilterLogEvents" && !seen.some((r) => r.injected) ? throttle : undefined,
    );
    await proxy.start();
    try {
      await expect(invoke(w, { ...s.env, AWS_ENDPOINT_URL: proxy.endpoint, AWS_MAX_ATTEMPTS: "1" })).rejects.toThrow(
        /FilterLogEvents on log group .* failed: ThrottlingException: Rate exceeded/,
      );
    } finally {
      await proxy.stop();
    }
    expect(w.sink.requests).toHaveLength(0);
    expect((await rawCheckpoint(w, s))?.body).toBe(before);
  });
});

describe("faults: secrets and personal data", () => {
  const KEYS = {
    cpf: "123.456.789-09",
    cpfDigits: "98765432100",
    cnpj: "12.345.678/0001-95",
    cnpjDigits: "11222333000181",
    email: "fulano.silva@example.com.br",
    phone: "+5511987654321",
    evp: "123e4567-e89b-12d3-a456-426614174000",
    other: "minha chave aleatória 42",
  } as const;

  function expectNoPixKey(text: string): void {
    for (const [type, key] of Object.entries(KEYS)) {
      expect(text, type).not.toContain(key);
      const digits = key.replace(/\D/g, "");
      if (["cpf", "cnpj", "phone"].includes(type)) expect(text, type).not.toContain(digits);
    }
    expect(text).not.toContain("fulano");
    expect(text).not.toContain("987654321");
  }

  it("no unmasked Pix key of any type reaches Slack or the logs (scheduled, dry and push runs, malformed lines)", async () => {
    const s = await scenario(w);
    const now = Date.now();
    const keyed = Object.entries(KEYS).map(([type, key], i) => ({
      id: String(i + 1),
      timestamp: now - 10 * MIN + i * 1000,
      message: pixLine({ account: WATCHED, amount: 1000 + i, transactionId: `KEY-${type}`, receiverKey: key }),
    }));
    const malformed = pixLine({ account: WATCHED, amount: 1.5, transactionId: "KEY-BAD", receiverKey: KEYS.cpf });
    await w.aws.put(s.groups[0] ?? "", "keys", [...keyed, { timestamp: now - MIN, message: malformed }]);

    // The dry run first: it writes no checkpoint, so the scheduled run still reports everything.
    const dry = await capture(() => invoke(w, { ...s.env, PXSTREAM_DRY_RUN: "true" }));
    const scheduled = await capture(() => invoke(w, s.env));
    const push = await capture(() => invoke(w, s.env, subscriptionEvent(s.groups[0] ?? "", keyed)));

    expect(scheduled.result).toMatchObject({ matched: keyed.length, malformed: 1, notified: 1 });
    expect(dry.result).toMatchObject({ matched: keyed.length, notified: 0 });
    expect(push.result).toMatchObject({ matched: keyed.length, notified: 1 });
    expect(dry.text).toContain("slackMessage");
    const posted = w.sink.requests.map((r) => r.body).join("\n");
    expect(posted).toContain("***.456.789-**");
    expect(posted).toContain("+55");
    for (const out of [posted, scheduled.text, dry.text, push.text]) expectNoPixKey(out);
  });

  it("the webhook URL never appears in logs, errors or summaries, even when the run fails", async () => {
    const param = "/pxstream/faults/webhook";
    await w.aws.secureString(param, w.sink.url);
    const s = await scenario(w);
    const env = viaParameter(s, param);
    await w.aws.put(s.groups[0] ?? "", "s", [cashOut("W1", 1000, Date.now() - MIN)]);

    w.sink.enqueue({ status: 404, body: "no_service" });
    const refused = await capture(() => invoke(w, env));
    w.sink.fallback = { status: 200, reset: true };
    const reset = await capture(() => invoke(w, env));
    // A proxy's error page that echoes the request line back.
    w.sink.enqueue({ status: 404, body: `<html>404 Not Found: POST ${w.sink.secretPath} via ${w.sink.url}</html>` });
    w.sink.fallback = { status: 200, body: "ok" };
    const echoed = await capture(() => invoke(w, env));
    const ok = await capture(() => invoke(w, env));
    const badUrl = await capture(() => invoke(w, { ...s.env, SLACK_WEBHOOK: `ftp://hooks.example${w.sink.secretPath}` }));

    expect(String(refused.error)).toContain("no_service");
    expect(String(reset.error)).toContain("Slack request failed");
    expect(ok.result).toMatchObject({ notified: 1 });
    expect(String(badUrl.error)).toContain("SLACK_WEBHOOK is not an http(s) URL");
    expect(w.sink.requests.every((r) => r.path === w.sink.secretPath)).toBe(true);
    expect(String(echoed.error)).toContain("404 Not Found: POST");
    for (const run of [refused, reset, echoed, ok, badUrl]) {
      expect(run.text).not.toContain("XXXXsecretXXXXtokenXXXX");
      expect(run.text).not.toContain("B00000000");
    }
  });
});

describe("faults: observability", () => {
  it("one summary line and one EMF line per run, with the run's values", async () => {
    const s = await scenario(w);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "s", [
      cashOut("M1", 1000, now - 3 * MIN),
      cashOut("M2", 2500, now - 2 * MIN),
      cashOut("M3", 1.5, now - 2 * MIN + 1),
      { timestamp: now - MIN, message: NOISE[0] },
    ]);
    w.sink.enqueue({ status: 500, body: "oops" });

    const run = await capture(() => invoke(w, s.env, {}, { functionName: "pxstream-emf", awsRequestId: "emf-1", getRemainingTimeInMillis: () => 60_000 }));

    const summary = run.result;
    // The NOISE line holds no "transactionId": the server-side filter leaves it in CloudWatch.
    expect(summary).toMatchObject({ scanned: 3, matched: 2, malformed: 1, notified: 1, slackRetries: 1, lease: "acquired" });
    const planned = (summary?.slices as { planned: number } | undefined)?.planned;
    expect(planned).toBeGreaterThanOrEqual(1);
    const logged = jsonLines(run.lines).filter((l) => l.mode === "scheduled");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      slackRetries: 1,
      awsRetries: 0,
      lease: "acquired",
      slices: { planned: planned, completed: planned, pending: 0 },
      unscanned: null,
      cursorLagSeconds: summary?.cursorLagSeconds,
    });
    const emf = jsonLines(run.stdout).filter((l) => "_aws" in l);
    expect(emf).toHaveLength(1);
    const doc = emf[0] ?? {};
    expect(doc).toMatchObject({
      FunctionName: "pxstream-emf",
      EventsScanned: 3,
      EventsMatched: 2,
      EventsMalformed: 1,
      MessagesPosted: 1,
      SlackRetries: 1,
      AwsRetries: 0,
      RunsSucceeded: 1,
      RunsFailed: 0,
      CursorLagSeconds: summary?.cursorLagSeconds,
    });
    const aws = doc._aws as {
      Timestamp: number;
      CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
    };
    expect(aws.Timestamp).toBeGreaterThanOrEqual(now);
    const directive = aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe("pxstream");
    expect(directive?.Dimensions).toEqual([["FunctionName"]]);
    const names = directive?.Metrics.map((m) => m.Name) ?? [];
    for (const name of names) expect(typeof doc[name]).toBe("number");
    expect(names).toEqual(expect.arrayContaining(["EventsScanned", "EventsMatched", "EventsMalformed", "MessagesPosted", "SlackRetries", "CursorLagSeconds"]));
    expect(directive?.Metrics.find((m) => m.Name === "CursorLagSeconds")?.Unit).toBe("Seconds");
  });
});
