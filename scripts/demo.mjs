// `make demo`: the whole pxstream flow on this machine, no AWS account needed.
// moto_server stands in for AWS, a local HTTP server for Slack; the handler is
// the built dist/pxstream.zip, unpacked as Lambda would.
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
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
const WATCHED = ["23463567342345", "11122233344455"];
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

function cashOutLine(account, amount, when, i) {
  const req = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const payload = {
    Session: { accountName: account, sessionId: `sess-${hex(10)}` },
    Payload: { body: { transactionId: `E${hex(8).toUpperCase()}${String(i).padStart(6, "0")}`, amount, receiverKeyValue: pick(KEYS), qrCodeIdentifier: null, scheduledDate: null, description: "Pagamento" } },
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

function corpus(now) {
  const events = [];
  for (let i = 0; i < 300; i++) {
    const when = now - 4 * 60_000 + i * 700;
    const r = rand();
    let message;
    if (r < 0.1) message = cashOutLine(pick(WATCHED), 500 + Math.floor(rand() * 250_000), when, i);
    else if (r < 0.6) message = cashOutLine(String(10_000_000_000_000 + Math.floor(rand() * 9e12)), 100 + Math.floor(rand() * 90_000), when, i);
    else if (r < 0.9) message = pick([`START RequestId: ${hex(8)} Version: $LATEST`, `END RequestId: ${hex(8)}`, `REPORT RequestId: ${hex(8)}\tDuration: 12.3 ms`, `${new Date(when).toISOString()}\t${hex(8)}\tINFO\tconsultando DICT`]);
    else if (r < 0.95) message = cashOutLine(pick(WATCHED), 12.5, when, i); // a float amount: malformed
    else message = `${new Date(when).toISOString()}\t${hex(8)}\tINFO\t{"Session":{"accountName":"${WATCHED[0]}"},"Payload":{"body":{"transactionId":`; // truncated line
    events.push({ timestamp: when, message });
  }
  return events;
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
    await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: "2026/11/27/[$LATEST]demo" }));
    const events = corpus(Date.now());
    await logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: "2026/11/27/[$LATEST]demo", logEvents: events }));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: webhook, Type: "SecureString" }));
    say(`created log group ${LOG_GROUP} with ${events.length} lines, bucket ${BUCKET}, SecureString ${PARAMETER}`);

    const dir = await unpackZip(join(root, "dist", "pxstream.zip"));
    const { handler } = await import(pathToFileURL(join(dir, "index.mjs")).href);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "demo",
      AWS_SECRET_ACCESS_KEY: "demo",
      PXSTREAM_LOG_GROUPS: LOG_GROUP,
      PXSTREAM_WATCHED_ACCOUNTS: WATCHED.join(","),
      PXSTREAM_STATE_BUCKET: BUCKET,
      PXSTREAM_SLACK_WEBHOOK_PARAMETER: PARAMETER,
    });
    for (const run of [1, 2]) {
      say();
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
      for (const p of fresh) say(previewSlackMessage(p));
      const { scanned, matched, malformed, duplicates, notified, windowStart, windowEnd, lease } = summary;
      say(`summary: ${JSON.stringify({ scanned, matched, malformed, duplicates, notified, windowStart, windowEnd, lease })}`);
    }
    const cp = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "lastId.txt" }));
    const body = JSON.parse(await cp.Body.transformToString());
    say();
    say(`checkpoint s3://${BUCKET}/lastId.txt: scannedUntil=${new Date(body.scannedUntil).toISOString()}, ${Object.keys(body.reported).length} recent CashOut ids kept for de-duplication, lease=${JSON.stringify(body.lease)}`);
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
