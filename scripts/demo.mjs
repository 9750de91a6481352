// `make demo`: the whole pxstream flow on this machine, no AWS account needed.
// moto_server stands in for AWS, a local HTTP server for Slack; the handler is
// the built dist/pxstream.zip, unpacked as Lambda would.
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createServer } from "node:http";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startMoto } from "./lib/moto.mjs";
import { previewSlackMessage } from "./demo/slack-preview.mjs";
import { unpackZip } from "./lib/zip.mjs";

// Lambda runs Node.js 22; on an older local Node the SDK's upgrade notice would only clutter the story.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const REGION = "sa-east-1";
const LOG_GROUP = "/aws/lambda/pix-payload";
const BUCKET = "infosec-workloads-info";
const PARAMETER = "/pxstream/demo/slack-webhook";
const STREAM = "2026/11/27/[$LATEST]demo";
const CONFIG_KEY = "pxstream/config.json";
const TESOURARIA = "23463567342345";
const FOLHA = "11122233344455";
const STRANGER = "98765432109876";
// The configuration document as the module writes it to the state bucket (README "Rules").
const DOCUMENT = {
  accounts: { [TESOURARIA]: "Tesouraria SP", [FOLHA]: "Folha de pagamento" },
  rules: [
    { name: "acima de R$ 50 mil", accounts: "*", minAmount: 5_000_000, mention: "here" },
    { name: "limite noturno", hours: [20, 6], window: { minutes: 600, sum: 100_000 } },
    { name: "rajada", window: { minutes: 10, count: 5 }, mention: "channel" },
  ],
};
// What each rule means, printed under a message that names it.
const WHY = {
  "acima de R$ 50 mil":
    'accounts "*", minAmount 5000000: a CashOut of R$ 50.000,00 or more from any account, watched or not (this one is not on the watch list); mention "here" puts @here first, in the message and in its notification text.',
  "limite noturno":
    "hours [20, 6], window 600 min, sum 100000: a watched account's CashOuts between 20:00 and 06:00 (São Paulo) adding up to R$ 1.000,00 within ten hours, the Central Bank's night-time limit for individuals; every CashOut of the group is listed.",
  rajada:
    'window 10 min, count 5: five CashOuts of one account within ten minutes. Run 1 saw four and kept them in the rule state (masked); the fifth, in run 2, completed the group, so all five are reported now, once; mention "channel" calls @channel.',
};
const say = (s = "") => process.stdout.write(`${s}\n`);

// A small seeded PRNG so every demo shows the same story.
let seed = 20261127;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join("");

const KEYS = ["123.456.789-09", "98765432100", "12.345.678/0001-95", "maria.silva@example.com.br", "+5511987654321", "9f3c2a10-5b7e-4c1d-8e2f-a1b2c3d4e5f6"];
const MIN = 60_000;

let serial = 0;
function cashOutLine(account, amount, when) {
  const i = serial++;
  const req = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const payload = {
    Session: { accountName: account, sessionId: `sess-${hex(10)}` },
    Payload: {
      body: {
        transactionId: `E${hex(8).toUpperCase()}${String(i).padStart(6, "0")}`,
        amount,
        receiverKeyValue: pick(KEYS),
        qrCodeIdentifier: null,
        scheduledDate: null,
        description: "Pagamento",
      },
    },
  };
  const iso = new Date(when).toISOString();
  switch (i % 4) {
    case 0:
      return `${iso}\t${req}\tINFO\t${JSON.stringify(payload)}`;
    case 1:
      return `[INFO]\t${iso}\t${req}\t${JSON.stringify(payload)}`;
    case 2:
      return JSON.stringify({ timestamp: iso, level: "INFO", requestId: req, message: payload });
    default:
      return JSON.stringify(payload);
  }
}

const localHour = new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
/** The most recent past minute that reads `hh:mm` in São Paulo. */
function lastLocal(hhmm, now) {
  let t = Math.floor(now / MIN) * MIN;
  while (localHour.format(t) !== hhmm) t -= MIN;
  return t;
}

/** The log lines of the story, with the usual noise around them; `burst` is what run 2 adds. */
function corpus(now) {
  const events = [];
  const push = (timestamp, message) => events.push({ timestamp, message });
  // Traffic: other accounts' small CashOuts, Lambda noise, a watched line with a float amount and a truncated one (malformed).
  for (let i = 0; i < 240; i++) {
    const when = now - 4 * MIN + i * 900;
    const r = rand();
    if (r < 0.55) push(when, cashOutLine(String(10_000_000_000_000 + Math.floor(rand() * 9e12)), 100 + Math.floor(rand() * 90_000), when));
    else if (r < 0.95)
      push(
        when,
        pick([
          `START RequestId: ${hex(8)} Version: $LATEST`,
          `END RequestId: ${hex(8)}`,
          `REPORT RequestId: ${hex(8)}\tDuration: 12.3 ms`,
          `${new Date(when).toISOString()}\t${hex(8)}\tINFO\tconsultando DICT`,
        ]),
      );
    else if (r < 0.975) push(when, cashOutLine(FOLHA, 12.5, when));
    else push(when, `${new Date(when).toISOString()}\t${hex(8)}\tINFO\t{"Session":{"accountName":"${TESOURARIA}"},"Payload":{"body":{"transactionId":`);
  }
  // A large CashOut from an account nobody watches.
  push(now - 3 * MIN, cashOutLine(STRANGER, 7_500_000, now - 3 * MIN));
  // Last night: the payroll account sends R$ 700 at 23:20 and R$ 450 at 00:50 (R$ 1.150 at night); the treasury R$ 200 at 02:10 (under the limit).
  const oneAm = lastLocal("01:00", now);
  push(oneAm - 100 * MIN, cashOutLine(FOLHA, 70_000, oneAm - 100 * MIN));
  push(oneAm - 10 * MIN, cashOutLine(FOLHA, 45_000, oneAm - 10 * MIN));
  push(oneAm + 70 * MIN, cashOutLine(TESOURARIA, 20_000, oneAm + 70 * MIN));
  // The start of a burst on the treasury account: four CashOuts in four minutes.
  for (let k = 0; k < 4; k++) push(now - (6 - k) * MIN, cashOutLine(TESOURARIA, 9_000 + k * 1_000, now - (6 - k) * MIN));
  events.sort((a, b) => a.timestamp - b.timestamp);
  return { events, earliest: oneAm - 100 * MIN };
}

async function main() {
  const moto = await startMoto();
  const posts = [];
  const slack = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      posts.push(JSON.parse(body));
      res.end("ok");
    });
  });
  await new Promise((r) => slack.listen(0, "127.0.0.1", r));
  const webhook = `http://127.0.0.1:${slack.address().port}/services/T000/B000/demo-secret`;
  try {
    say(`moto_server (AWS emulator) on ${moto.endpoint}; Slack stand-in on 127.0.0.1:${slack.address().port}`);
    const aws = { endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: "demo", secretAccessKey: "demo" } };
    const logs = new CloudWatchLogsClient(aws);
    const s3 = new S3Client({ ...aws, forcePathStyle: true });
    const ssm = new SSMClient(aws);
    await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: STREAM }));
    const now = Date.now();
    const { events, earliest } = corpus(now);
    await logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: STREAM, logEvents: events }));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: CONFIG_KEY, Body: JSON.stringify(DOCUMENT, null, 2), ContentType: "application/json" }));
    await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: webhook, Type: "SecureString" }));
    say(
      `created log group ${LOG_GROUP} with ${events.length} lines (last night's included), bucket ${BUCKET} with the configuration document ${CONFIG_KEY}, SecureString ${PARAMETER}`,
    );
    say("the document: two labelled accounts and three rules:");
    for (const r of DOCUMENT.rules) say(`  ${JSON.stringify(r)}`);

    const dir = await unpackZip(join(root, "dist", "pxstream.zip"));
    const { handler } = await import(pathToFileURL(join(dir, "index.mjs")).href);
    // The first run reads back far enough to see last night (a deployed function has read it already).
    const lookback = Math.ceil((now - earliest) / MIN) + 5;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "demo",
      AWS_SECRET_ACCESS_KEY: "demo",
      PXSTREAM_LOG_GROUPS: LOG_GROUP,
      PXSTREAM_CONFIG_KEY: CONFIG_KEY,
      PXSTREAM_STATE_BUCKET: BUCKET,
      PXSTREAM_SLACK_WEBHOOK_PARAMETER: PARAMETER,
      PXSTREAM_LOOKBACK_MINUTES: String(lookback),
      PXSTREAM_SLICE_MINUTES: "1440",
    });
    for (const run of [1, 2]) {
      say();
      if (run === 2) {
        const fifth = Date.now() - 1000;
        await logs.send(
          new PutLogEventsCommand({
            logGroupName: LOG_GROUP,
            logStreamName: STREAM,
            logEvents: [{ timestamp: fifth, message: cashOutLine(TESOURARIA, 13_000, fifth) }],
          }),
        );
        say("a fifth CashOut of the treasury account arrives (five within ten minutes)");
      }
      say(`━━ run ${run}: a scheduled invocation of dist/pxstream.zip ━━`);
      const before = posts.length;
      const silence = [console.log, process.stdout.write];
      console.log = () => {};
      process.stdout.write = () => true;
      let summary;
      try {
        summary = await handler({}, { functionName: "pxstream-demo", awsRequestId: `demo-run-${run}`, getRemainingTimeInMillis: () => 60_000 });
      } finally {
        [console.log, process.stdout.write] = silence;
      }
      const fresh = posts.slice(before);
      if (fresh.length === 0) say("Slack: no message (nothing new since the last run)");
      for (const p of fresh) {
        say(previewSlackMessage(p));
        const shown = JSON.stringify(p.blocks);
        const fired = DOCUMENT.rules.filter((r) => shown.includes(`regra: ${r.name}`) || shown.includes(`regras: ${r.name}`) || shown.includes(`, ${r.name}`));
        if (fired.length > 0) say("why:");
        for (const r of fired) say(`  • ${r.name}: ${WHY[r.name]}`);
        if (shown.includes("(Tesouraria SP)") || shown.includes("(Folha de pagamento)"))
          say("  • labels: the document's accounts map gives each watched account the label shown beside its number.");
      }
      const { scanned, matched, malformed, duplicates, notified, windowStart, windowEnd, lease } = summary;
      say(`summary: ${JSON.stringify({ scanned, matched, malformed, duplicates, notified, windowStart, windowEnd, lease })}`);
    }
    const cp = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "lastId.txt" }));
    const text = await cp.Body.transformToString();
    const body = JSON.parse(text);
    const rules = body.rules ?? { windows: {}, pending: {}, receivers: { accounts: {} } };
    const members = Object.values(rules.windows).reduce((n, byAccount) => n + Object.values(byAccount).reduce((m, s) => m + s.split(";").length, 0), 0);
    say();
    say(
      `checkpoint s3://${BUCKET}/lastId.txt (${Buffer.byteLength(text)} bytes): scannedUntil=${new Date(body.scannedUntil).toISOString()}, ${Object.keys(body.reported).length} recent CashOut ids kept for de-duplication, lease=${JSON.stringify(body.lease)}`,
    );
    const waiting = Object.keys(rules.pending).length;
    say(
      `  rule state: ${members} window members, ${waiting} CashOut${waiting === 1 ? "" : "s"} waiting for a group; no Pix key in clear: ${KEYS.every((k) => !text.includes(k)) ? "yes" : "NO"}`,
    );
  } finally {
    slack.closeAllConnections();
    await new Promise((r) => slack.close(r));
    await moto.stop();
    say("stopped moto_server and the Slack stand-in");
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
