// The configuration document and the alert rules, end to end: the built zip,
// moto_server (logs, S3, SSM) and the Slack sink.
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FaultProxy, HOUR, MIN } from "../support/faults.js";
import { cashOut, WATCHED } from "../support/pix-lines.js";
import type { SlackPayload } from "../support/slack-sink.js";
import { checkpointOf, invoke, scenario, startWorld, statedTotals, stopWorld, subscriptionEvent, unique, type Scenario, type World } from "../support/world.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));
beforeEach(() => w.sink.clear());

const UNWATCHED = "55555555555555";
const RECEIVER_KEY = "integration-test-receiver-hmac-key-0123456789";

/** The scenario's environment with a configuration document instead of PXSTREAM_WATCHED_ACCOUNTS. */
function withDocument(s: Scenario, doc: unknown, extra: Record<string, string> = {}): Record<string, string> {
  const { PXSTREAM_WATCHED_ACCOUNTS: _list, ...rest } = s.env;
  return { ...rest, PXSTREAM_CONFIG: JSON.stringify(doc), ...extra };
}

function withDocumentKey(s: Scenario, key: string, extra: Record<string, string> = {}): Record<string, string> {
  const { PXSTREAM_WATCHED_ACCOUNTS: _list, ...rest } = s.env;
  return { ...rest, PXSTREAM_CONFIG_KEY: key, ...extra };
}

function only(): SlackPayload {
  expect(w.sink.requests).toHaveLength(1);
  const p = w.sink.requests[0]?.json;
  if (p === undefined) throw new Error("not JSON");
  return p;
}

function blocksText(p: SlackPayload): string {
  return JSON.stringify(p.blocks);
}

/** The Lambda environment as the module sets it (not the emulator's AWS_* variables): its size counts toward the 4 KB limit. */
function lambdaEnvBytes(env: Record<string, string>): number {
  return Object.entries(env)
    .filter(([k]) => !k.startsWith("AWS_"))
    .reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

describe("the configuration document", () => {
  it("inline: labels beside accounts, rule names, and a rule on every account with a mention", async () => {
    const s = await scenario(w);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "s1", [
      cashOut("W1", 1_000, now - 5 * MIN),
      cashOut("BIG", 6_000_000, now - 4 * MIN, UNWATCHED),
      cashOut("SMALL", 4_999_999, now - 3 * MIN, UNWATCHED),
    ]);
    const doc = {
      accounts: { [WATCHED]: "Tesouraria SP" },
      rules: [{ name: "contas vigiadas" }, { name: "acima de R$ 50 mil", accounts: "*", minAmount: 5_000_000, mention: "here" }],
    };
    const summary = await invoke(w, withDocument(s, doc));
    expect(summary).toMatchObject({ scanned: 3, matched: 2, notified: 1 });
    const p = only();
    expect(p.text).toMatch(/^<!here> Pix CashOut: 2 eventos, R\$[\u00a0 ]60\.010,00$/);
    expect(p.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "<!here> · *acima de R$ 50 mil*" } });
    const text = blocksText(p);
    expect(text).toContain(`\`${WATCHED}\` (Tesouraria SP)`);
    expect(text).toContain("tx `BIG` · regra: acima de R$ 50 mil");
    expect(text).toContain("tx `W1` · regra: contas vigiadas");
    expect(text).not.toContain("SMALL");
  });

  it("from S3 with 5,000 labelled accounts: the Lambda environment stays under 4 KB", async () => {
    const s = await scenario(w);
    const accounts = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [String(10_000_000_000_000 + i), `Conta ${i}`]));
    const key = "pxstream/config.json";
    const body = JSON.stringify({ accounts });
    expect(body.length).toBeGreaterThan(100_000);
    await w.aws.putObject(s.bucket, key, body);
    const now = Date.now();
    await w.aws.put(s.groups[0] ?? "", "s1", [cashOut("LAST", 4_321, now - 2 * MIN, "10000000004999"), cashOut("NOT", 1, now - MIN, UNWATCHED)]);
    const env = withDocumentKey(s, key);
    expect(lambdaEnvBytes(env)).toBeLessThan(4096);
    const summary = await invoke(w, env);
    expect(summary).toMatchObject({ matched: 1, notified: 1 });
    const p = only();
    expect(p.text).toMatch(/^Pix CashOut: 1 evento, R\$[\u00a0 ]43,21$/);
    expect(blocksText(p)).toContain("`10000000004999` (Conta 4999)");
    // The implicit rule names no rule: the message of before, with labels.
    expect(blocksText(p)).not.toContain("regra");
  });

  it("a warm container re-reads the S3 document only when its ETag changes (conditional GET), and uses the new one", async () => {
    const s = await scenario(w);
    const key = `config/${unique("doc")}.json`;
    await w.aws.putObject(s.bucket, key, JSON.stringify({ accounts: { [WATCHED]: "Antes" } }));
    const documentGets: Array<string | undefined> = [];
    const proxy = new FaultProxy(w.moto.endpoint, (req: IncomingMessage) => {
      if (req.method === "GET" && (req.url ?? "").includes(key)) {
        const h = req.headers["if-none-match"];
        documentGets.push(typeof h === "string" ? h : undefined);
      }
      return undefined;
    });
    await proxy.start();
    try {
      const env = { ...withDocumentKey(s, key), AWS_ENDPOINT_URL: proxy.endpoint };
      const group = s.groups[0] ?? "";
      await w.aws.put(group, "s1", [cashOut("R1", 100, Date.now() - MIN)]);
      await invoke(w, env);
      await w.aws.put(group, "s1", [cashOut("R2", 200, Date.now() - 1000)]);
      await invoke(w, env);
      const first = await w.aws.getObject(s.bucket, key);
      await w.aws.putObject(s.bucket, key, JSON.stringify({ accounts: { [WATCHED]: "Depois" } }));
      await w.aws.put(group, "s1", [cashOut("R3", 300, Date.now() - 500)]);
      await invoke(w, env);

      const labels = w.sink.requests.map((r) =>
        blocksText(r.json as SlackPayload).includes("(Antes)") ? "Antes" : blocksText(r.json as SlackPayload).includes("(Depois)") ? "Depois" : "?",
      );
      expect(labels).toEqual(["Antes", "Antes", "Depois"]);
      // First read unconditional; then every read names the ETag it holds (304 while unchanged).
      expect(documentGets).toEqual([undefined, first?.etag, first?.etag]);
    } finally {
      await proxy.stop();
    }
  });

  it("a bad document fails the run with every problem named; nothing is read, posted or written", async () => {
    const s = await scenario(w);
    const key = "bad/config.json";
    await w.aws.putObject(
      s.bucket,
      key,
      JSON.stringify({
        accounts: { [WATCHED]: 7 },
        rules: [{ name: "a", minAmmount: 1 }, { name: "a" }, { name: "w", window: { minutes: 10 } }, { name: "h", hours: [20, 25] }],
        extra: true,
      }),
    );
    await w.aws.put(s.groups[0] ?? "", "s1", [cashOut("X", 100, Date.now() - MIN)]);
    const calls: string[] = [];
    const proxy = new FaultProxy(w.moto.endpoint, (req: IncomingMessage) => {
      const target = req.headers["x-amz-target"];
      calls.push(typeof target === "string" ? target : `${req.method} ${req.url}`);
      return undefined;
    });
    await proxy.start();
    try {
      const err = await invoke(w, { ...withDocumentKey(s, key), AWS_ENDPOINT_URL: proxy.endpoint }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const msg = err?.message ?? "";
      expect(msg).toMatch(/pxstream is misconfigured \(6 problems\)/);
      for (const needle of [
        'unknown field "extra"',
        `accounts.${WATCHED}: the label must be a string`,
        'unknown field "minAmmount" (did you mean "minAmount"?)',
        'name "a" is also the name of rules[0]',
        "window needs count (CashOuts) or sum (centavos)",
        "hours: to must be a whole hour from 0 to 23",
      ]) {
        expect(msg).toContain(needle);
      }
      expect(msg).toContain(`s3://${s.bucket}/${key}: `);
      expect(w.sink.requests).toHaveLength(0);
      expect(calls.filter((c) => c.includes("Logs"))).toEqual([]);
      expect(calls.filter((c) => c.startsWith("PUT"))).toEqual([]);
      expect(await checkpointOf(w, s)).toBeNull();
    } finally {
      await proxy.stop();
    }
  });

  it("a missing document and a newReceiver rule without its key parameter are configuration errors too", async () => {
    const s = await scenario(w);
    await expect(invoke(w, withDocumentKey(s, "nowhere.json"))).rejects.toThrow(
      /configuration document s3:\/\/.*\/nowhere\.json \(PXSTREAM_CONFIG_KEY\) does not exist/,
    );
    await expect(invoke(w, withDocument(s, { accounts: { [WATCHED]: "" }, rules: [{ name: "chave nova", newReceiver: { days: 30 } }] }))).rejects.toThrow(
      /rule "chave nova" uses newReceiver, which needs PXSTREAM_RECEIVER_KEY_PARAMETER/,
    );
    expect(w.sink.requests).toHaveLength(0);
  });
});

describe("each rule kind, end to end", () => {
  it("hours: only CashOuts from from:00 up to before to:00 in America/Sao_Paulo", async () => {
    const s = await scenario(w, { extraEnv: { PXSTREAM_LOOKBACK_MINUTES: "300" } });
    const now = Date.now();
    const inside = now - 5 * MIN;
    const outside = now - 3 * HOUR;
    const hourOf = (ms: number): number =>
      Number(new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", hourCycle: "h23" }).format(ms));
    const from = hourOf(inside);
    await w.aws.put(s.groups[0] ?? "", "s1", [cashOut("IN", 1_000, inside), cashOut("OUT", 1_000, outside)]);
    const summary = await invoke(w, withDocument(s, { accounts: { [WATCHED]: "" }, rules: [{ name: "horário", hours: [from, (from + 1) % 24] }] }));
    expect(summary).toMatchObject({ matched: 1 });
    expect(blocksText(only())).toContain("tx `IN` · regra: horário");
  });

  it("window: a burst a later run completes is reported then, every CashOut of it once, earlier ones with masked keys", async () => {
    // A one-minute overlap: the second run does not read the first four again, they come back from the rule state.
    const s = await scenario(w, { extraEnv: { PXSTREAM_OVERLAP_MINUTES: "1" } });
    const group = s.groups[0] ?? "";
    const env = withDocument(s, { accounts: { [WATCHED]: "Caixa" }, rules: [{ name: "rajada", window: { minutes: 10, count: 5 }, mention: "channel" }] });
    const t = Date.now() - 8 * MIN;
    await w.aws.put(
      group,
      "s1",
      [0, 1, 2, 3].map((m) => cashOut(`B${m}`, 10_000, t + m * MIN, WATCHED, { receiverKey: "123.456.789-09" })),
    );
    expect(await invoke(w, env)).toMatchObject({ matched: 0, notified: 0 });
    const between = await checkpointOf(w, s);
    const stored = JSON.stringify(between);
    expect(stored).toContain('"pending"');
    expect(stored).not.toContain("123.456.789-09");
    expect(stored).not.toContain("12345678909");

    await w.aws.put(group, "s1", [cashOut("B4", 10_000, Date.now())]);
    expect(await invoke(w, env)).toMatchObject({ scanned: 1, matched: 5, notified: 1 });
    const p = only();
    expect(p.text).toMatch(/^<!channel> Pix CashOut: 5 eventos, R\$[\u00a0 ]500,00$/);
    const text = blocksText(p);
    for (const tx of ["B0", "B1", "B2", "B3", "B4"]) expect(text).toContain(`tx \`${tx}\` · regra: rajada`);
    expect(text).toContain("***.456.789-**");
    expect(statedTotals(w.sink.requests)).toEqual({ count: 5, centavos: 50_000n });

    // Nothing more: the group was reported once.
    w.sink.clear();
    expect(await invoke(w, env)).toMatchObject({ matched: 0, notified: 0 });
  });

  it("newReceiver: learns quietly, stores keyed hashes only, then alerts on a receiver the account has not paid", async () => {
    const s = await scenario(w);
    const group = s.groups[0] ?? "";
    const parameter = `/pxstream/${unique("receiver-key")}`;
    await w.aws.secureString(parameter, RECEIVER_KEY);
    const env = withDocument(
      s,
      { accounts: { [WATCHED]: "" }, rules: [{ name: "chave nova", newReceiver: { days: 30 } }] },
      { PXSTREAM_RECEIVER_KEY_PARAMETER: parameter },
    );
    const known = "maria.silva@example.com.br";
    const fresh = "+5511987654321";
    await w.aws.put(group, "s1", [cashOut("K1", 1_000, Date.now() - 5 * MIN, WATCHED, { receiverKey: known })]);
    // Learning: the first run remembers, alerts on nothing.
    expect(await invoke(w, env)).toMatchObject({ matched: 0, notified: 0 });
    const raw = await w.aws.getObject(s.bucket, s.key);
    for (const secret of [known, "maria", RECEIVER_KEY]) expect(raw?.body).not.toContain(secret);

    // Thirty-one days later (the learning period over): the account's memory began that long ago.
    const cp = JSON.parse(raw?.body ?? "{}") as { rules: { receivers: { accounts: Record<string, string> } } };
    const memory = cp.rules.receivers.accounts[WATCHED] ?? "";
    const [since, records] = memory.split("|");
    cp.rules.receivers.accounts[WATCHED] = `${Number(since) - 31 * 24}|${records}`;
    await w.aws.putObject(s.bucket, s.key, JSON.stringify(cp));
    await w.aws.put(group, "s1", [
      cashOut("K2", 2_000, Date.now() - 2 * MIN, WATCHED, { receiverKey: "MARIA.SILVA@example.com.br" }),
      cashOut("N1", 3_000, Date.now() - MIN, WATCHED, { receiverKey: fresh }),
    ]);
    expect(await invoke(w, env)).toMatchObject({ matched: 1, notified: 1 });
    expect(blocksText(only())).toContain("tx `N1` · regra: chave nova");
    expect(blocksText(only())).toContain("+5511 *****-4321");

    // Paid now: no longer new.
    w.sink.clear();
    await w.aws.put(group, "s1", [cashOut("N2", 4_000, Date.now() - 500, WATCHED, { receiverKey: "+55 11 98765-4321" })]);
    expect(await invoke(w, env)).toMatchObject({ matched: 0, notified: 0 });
  });

  it("push with the shared checkpoint: a burst spread over three deliveries is reported by the one that completes it, once", async () => {
    const s = await scenario(w);
    const group = s.groups[0] ?? "";
    const doc = { accounts: { [WATCHED]: "Caixa" }, rules: [{ name: "rajada", window: { minutes: 10, count: 3 } }] };
    const env = { ...withDocument(s, doc), PXSTREAM_PUSH_COALESCE_SECONDS: "0" };
    const now = Date.now();
    const deliver = (id: string, ts: number) => invoke(w, env, subscriptionEvent(group, [{ id, timestamp: ts, message: cashOut(id, 1_000, ts).message }]));
    expect(await deliver("D1", now - 3 * MIN)).toMatchObject({ matched: 0, notified: 0 });
    expect(await deliver("D2", now - 2 * MIN)).toMatchObject({ matched: 0, notified: 0 });
    const stored = await w.aws.getObject(s.bucket, s.key);
    expect(stored?.body).toContain('"rules"');
    expect(await deliver("D3", now - MIN)).toMatchObject({ matched: 3, notified: 1 });
    const text = blocksText(only());
    for (const tx of ["D1", "D2", "D3"]) expect(text).toContain(`tx \`${tx}\` · regra: rajada`);
    // The same delivery again (a Lambda retry, a redelivery): nothing more; a fourth within the window is reported alone.
    w.sink.clear();
    expect(await deliver("D3", now - MIN)).toMatchObject({ notified: 0 });
    expect(await deliver("D4", now - 30_000)).toMatchObject({ matched: 1, notified: 1 });
    expect(w.sink.requests[0]?.json?.text).toMatch(/^Pix CashOut: 1 evento, R\$[\u00a0 ]10,00$/);
  });

  it("push: a rule on every account with minAmount alerts on the delivery's large CashOuts of any account", async () => {
    const now = Date.now();
    const event = subscriptionEvent("/aws/lambda/pix-payload", [
      { id: "e1", timestamp: now, message: cashOut("P1", 7_500_000, now, UNWATCHED).message },
      { id: "e2", timestamp: now, message: cashOut("P2", 100, now, UNWATCHED).message },
      { id: "e3", timestamp: now, message: cashOut("P3", 100, now).message },
    ]);
    const doc = { rules: [{ name: "acima de R$ 50 mil", accounts: "*", minAmount: 5_000_000, mention: "SAZ94GDB8" }] };
    const summary = await invoke(w, { PXSTREAM_LOG_GROUPS: "/aws/lambda/pix-payload", PXSTREAM_CONFIG: JSON.stringify(doc), SLACK_WEBHOOK: w.sink.url }, event);
    expect(summary).toMatchObject({ scanned: 3, matched: 1, notified: 1 });
    const p = only();
    expect(p.text).toMatch(/^<!subteam\^SAZ94GDB8> Pix CashOut: 1 evento, R\$[\u00a0 ]75\.000,00$/);
    expect(blocksText(p)).toContain("tx `P1` · regra: acima de R$ 50 mil");
  });
});
