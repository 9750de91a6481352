// `make bench`: throughput, cold start, size, memory and poll-mode figures of
// the built dist/pxstream.zip, every one measured in this run, printed as one
// table. Exits non-zero when a count or total differs from the corpus's
// expected values; never because of a time.
//
// Each measurement that isolation matters for runs in a fresh node process
// (scripts/bench/child.mjs). The Slack webhook is a local HTTP sink in this
// process, so the handler's real post path (fetch, JSON, pacing) is measured;
// moto_server stands in for CloudWatch Logs and S3 in poll mode.
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startMoto } from "../lib/moto.mjs";
import { readZip } from "../lib/zip.mjs";
import { expectedFor, generateCorpus, LOG_GROUP, WATCHED } from "./corpus.mjs";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const zipPath = join(root, "dist", "pxstream.zip");
const work = join(root, ".bench");
const lambdaDir = join(work, "lambda");
const childScript = join(here, "child.mjs");

const BATCH = 1_000;
const BATCHES = 200;
const PASSES = 3;
const COLD_RUNS = 9;
const POLL_EVENTS = 50_000;
const REGION = "sa-east-1";
const BUCKET = "pxstream-bench-state";

const failures = [];
const note = (s) => process.stderr.write(`bench: ${s}\n`);
const fmt = (n, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function check(what, got, want) {
  if (String(got) !== String(want)) failures.push(`${what}: got ${got}, expected ${want}`);
}

/** Checks a handler's figures against the corpus's. */
function checkCounts(what, got, want, times = 1) {
  check(`${what} scanned`, got.scanned, want.scanned * times);
  check(`${what} matched`, got.matched, want.matched * times);
  check(`${what} malformed`, got.malformed, want.malformed * times);
  check(`${what} totalCentavos`, got.totalCentavos, want.totalCentavos * BigInt(times));
}

// ---------- the Slack sink ----------

/** "Pix CashOut: 3 eventos, R$ 1.234,56" → [3, 123456n] */
function readText(text) {
  const m = /^Pix CashOut: (\d+) eventos?, (.*)$/.exec(text ?? "");
  if (!m) return null;
  return [Number(m[1]), BigInt(m[2].replace(/\D/g, "") || "0")];
}

function startSink() {
  const sink = { posts: 0, count: 0, total: 0n, unreadable: 0, url: "" };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      sink.posts++;
      try {
        const r = readText(JSON.parse(Buffer.concat(chunks).toString("utf8")).text);
        if (r) {
          sink.count += r[0];
          sink.total += r[1];
        } else sink.unreadable++;
      } catch {
        sink.unreadable++;
      }
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () => {
      sink.url = `http://127.0.0.1:${server.address().port}/services/T000/B000/bench`;
      sink.reset = () => Object.assign(sink, { posts: 0, count: 0, total: 0n, unreadable: 0 });
      sink.stop = () => new Promise((r) => server.close(() => r()));
      done(sink);
    }),
  );
}

// ---------- children ----------

function childEnv(vars) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("PXSTREAM_") || k === "SLACK_WEBHOOK" || k.startsWith("AWS_") || k.startsWith("NODE_")) continue;
    env[k] = v;
  }
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  return { ...env, ...vars };
}

/** Runs child.mjs; its stdout (the handler's logs) goes to /dev/null, its result comes on fd 3. */
function runChild(mode, file, vars, nodeFlags = []) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeFlags, childScript, mode, lambdaDir, file ?? ""], {
      env: childEnv(vars),
      stdio: ["ignore", "ignore", "inherit", "pipe"],
    });
    let out = "";
    child.stdio[3].on("data", (d) => (out += d));
    child.on("error", fail);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let result;
      try {
        result = JSON.parse(out.trim().split("\n").pop() ?? "");
      } catch {
        return fail(new Error(`bench child ${mode} exited ${code} without a result`));
      }
      if (result.error) return fail(new Error(`bench child ${mode} failed: ${result.error}`));
      done({ ...result, wallMs, code });
    });
  });
}

// ---------- inputs ----------

function delivery(events, stream, firstId, timestamp) {
  const body = {
    messageType: "DATA_MESSAGE",
    owner: "123456789012",
    logGroup: LOG_GROUP,
    logStream: stream,
    subscriptionFilters: ["pxstream"],
    logEvents: events.map((e, i) => ({
      id: String(firstId + i).padStart(56, "0"),
      timestamp: timestamp + i,
      message: e.message,
    })),
  };
  return gzipSync(Buffer.from(JSON.stringify(body))).toString("base64");
}

async function unpack() {
  rmSync(lambdaDir, { recursive: true, force: true });
  mkdirSync(lambdaDir, { recursive: true });
  for (const [name, bytes] of await readZip(zipPath)) {
    const target = join(lambdaDir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}

function machine() {
  const cpu = cpus();
  const py = spawnSync("python3", ["--version"], { encoding: "utf8" });
  return {
    cpu: `${cpu[0]?.model.trim() ?? "unknown CPU"}`,
    cores: cpu.length,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os: `${process.platform} ${release()}`,
    node: process.version,
    python: (py.stdout || py.stderr || "").trim().replace(/^Python /, "") || "not found",
  };
}

// ---------- poll mode ----------

async function pollBench(corpus, sink) {
  const moto = await startMoto();
  try {
    const aws = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
    const logs = new CloudWatchLogsClient(aws);
    const s3 = new S3Client({ ...aws, forcePathStyle: true });
    const stream = "2026/11/27/[$LATEST]bench";
    await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const events = corpus.slice(0, POLL_EVENTS);
    // The last 20 minutes, one event every 20 ms; PutLogEvents takes at most 10,000 events or 1 MB a call.
    const start = Date.now() - 20 * 60_000;
    let batch = [];
    let bytes = 0;
    let calls = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: batch }));
      calls++;
      batch = [];
      bytes = 0;
    };
    for (const [i, e] of events.entries()) {
      const size = Buffer.byteLength(e.message) + 26;
      if (batch.length === 10_000 || bytes + size > 1_000_000) await flush();
      batch.push({ timestamp: start + i * 20, message: e.message });
      bytes += size;
    }
    await flush();
    note(`poll: ${fmt(events.length)} events put in ${calls} PutLogEvents calls`);
    sink.reset();
    const r = await runChild("poll", "", {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      PXSTREAM_LOG_GROUPS: LOG_GROUP,
      PXSTREAM_WATCHED_ACCOUNTS: WATCHED.join(","),
      PXSTREAM_STATE_BUCKET: BUCKET,
      PXSTREAM_LOOKBACK_MINUTES: "30",
      SLACK_WEBHOOK: sink.url,
    });
    const s = r.summary;
    checkCounts("poll", { ...s, totalCentavos: BigInt(s.totalCentavos) }, expectedFor(events));
    check("poll Slack posts", sink.posts, s.notified);
    check("poll Slack text counts", sink.count, s.matched);
    check("poll Slack text totals", sink.total, s.totalCentavos);
    const state = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "lastId.txt" })).catch(() => null);
    if (state === null) failures.push("poll: no checkpoint was written");
    return { ms: r.ms, pages: s.pages, scanned: s.scanned, notified: s.notified };
  } finally {
    await moto.stop();
  }
}

// ---------- main ----------

async function main() {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make bench\` (it builds first) or \`make build\``);
  mkdirSync(work, { recursive: true });
  const host = machine();
  const zipBytes = statSync(zipPath).size;

  note("generating the corpus");
  const { events, expected } = generateCorpus();
  writeFileSync(join(work, "messages.jsonl"), `${events.map((e) => JSON.stringify(e.message)).join("\n")}\n`);
  const deliveries = [];
  for (let b = 0; b < BATCHES; b++) {
    deliveries.push(delivery(events.slice(b * BATCH, (b + 1) * BATCH), `2026/11/27/[$LATEST]stream${b % 8}`, b * BATCH + 1, Date.UTC(2026, 10, 27, 12) + b * BATCH));
  }
  const deliveriesFile = join(work, "deliveries.txt");
  writeFileSync(deliveriesFile, `${deliveries.join("\n")}\n`);
  // The cold-start delivery: 10 events, 2 of them watched CashOuts, so the first call also posts to Slack.
  const coldEvents = [...events.filter((e) => e.kind === "watched").slice(0, 2), ...events.filter((e) => e.kind === "other").slice(0, 8)];
  const coldFile = join(work, "cold-event.json");
  writeFileSync(coldFile, JSON.stringify({ awslogs: { data: delivery(coldEvents, "2026/11/27/[$LATEST]cold", 1, Date.UTC(2026, 10, 27, 11)) } }));
  const coldExpected = expectedFor(coldEvents);

  await unpack();
  const sink = await startSink();
  const pushEnv = { PXSTREAM_LOG_GROUPS: LOG_GROUP, PXSTREAM_WATCHED_ACCOUNTS: WATCHED.join(","), AWS_REGION: REGION };
  try {
    // 1. throughput, Slack answered by the sink
    note(`throughput: ${BATCHES} deliveries of ${fmt(BATCH)} events, ${PASSES} passes`);
    sink.reset();
    const tp = await runChild("throughput", deliveriesFile, { ...pushEnv, SLACK_WEBHOOK: sink.url, BENCH_WARMUP_EVENT: coldFile, BENCH_PASSES: String(PASSES) });
    for (const [i, p] of tp.passes.entries()) checkCounts(`throughput pass ${i + 1}`, { ...p, totalCentavos: BigInt(p.totalCentavos) }, expected);
    const tpNotified = tp.passes.reduce((n, p) => n + p.notified, 0);
    check("throughput Slack posts", sink.posts, tpNotified + 1); // + the warm-up delivery's
    check("throughput Slack text counts", sink.count, expected.matched * PASSES + coldExpected.matched);
    check("throughput Slack text totals", sink.total, expected.totalCentavos * BigInt(PASSES) + coldExpected.totalCentavos);
    const tpMs = median(tp.passes.map((p) => p.ms));

    // 1b. the same with PXSTREAM_DRY_RUN=true: no HTTP, the message is rendered and logged
    note("throughput, dry run");
    const dry = await runChild("throughput", deliveriesFile, { ...pushEnv, PXSTREAM_DRY_RUN: "true", BENCH_WARMUP_EVENT: coldFile, BENCH_PASSES: String(PASSES) });
    for (const [i, p] of dry.passes.entries()) checkCounts(`dry-run pass ${i + 1}`, { ...p, totalCentavos: BigInt(p.totalCentavos) }, expected);
    const dryMs = median(dry.passes.map((p) => p.ms));

    // 2. the Python reference, same messages, no decoding
    note("reference (Python)");
    const py = spawnSync("python3", [join(here, "reference.py"), join(work, "messages.jsonl"), WATCHED.join(","), String(PASSES)], { encoding: "utf8" });
    if (py.status !== 0) throw new Error(`reference.py failed: ${py.stderr}`);
    const ref = JSON.parse(py.stdout.trim().split("\n").pop());
    check("reference events", ref.events, expected.scanned);

    // 3. cold start
    note(`cold start: ${COLD_RUNS} fresh processes`);
    const colds = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      sink.reset();
      const c = await runChild("cold", coldFile, { ...pushEnv, SLACK_WEBHOOK: sink.url });
      checkCounts(`cold start ${i + 1}`, { ...c, totalCentavos: sink.total }, coldExpected);
      check(`cold start ${i + 1} Slack posts`, sink.posts, 1);
      check(`cold start ${i + 1} Slack total`, sink.total, coldExpected.totalCentavos);
      colds.push(c);
    }

    // 4. memory under a 128 MB Lambda's heap
    note("memory: --max-old-space-size=96");
    sink.reset();
    const mem = await runChild("memory", deliveriesFile, { ...pushEnv, SLACK_WEBHOOK: sink.url }, ["--max-old-space-size=96", "--expose-gc"]);
    checkCounts("memory run", { ...mem, totalCentavos: BigInt(mem.totalCentavos) }, expected);

    // 5. poll mode against moto_server
    note(`poll mode: ${fmt(POLL_EVENTS)} events in moto_server`);
    const poll = await pollBench(events, sink);

    // ---------- the table ----------
    const eps = (expected.scanned / tpMs) * 1000;
    const dryEps = (expected.scanned / dryMs) * 1000;
    const ratio = eps / ref.eventsPerSecond;
    const floorMs = median(tp.floors.map((f) => f.ms));
    const floorEps = (expected.scanned / floorMs) * 1000;
    const coldMs = median(colds.map((c) => c.totalMs));
    const coldWall = median(colds.map((c) => c.wallMs));
    const coldImport = median(colds.map((c) => c.importMs));
    const coldInvoke = median(colds.map((c) => c.firstInvokeMs));
    const coldNode = median(colds.map((c) => c.nodeStartMs));
    const MiB = 2 ** 20;
    const met = (ok) => (ok ? "met" : "**not met**");
    const rows = [
      ["Throughput: push deliveries (200 × 1,000 events, base64+gzip), Slack sink", `${fmt(eps)} events/s`, "", ""],
      ["Reference: the original's per-event loop in Python, no decoding", `${fmt(ref.eventsPerSecond)} events/s`, "", ""],
      ["Ratio (pxstream ÷ reference)", `${fmt(ratio, 1)}×`, "≥ 10×", met(ratio >= 10)],
      ["Throughput, PXSTREAM_DRY_RUN=true (no HTTP post)", `${fmt(dryEps)} events/s (${fmt(dryEps / ref.eventsPerSecond, 1)}×)`, "", ""],
      [
        "Decoding floor: base64 + gunzip of the same deliveries, nothing else",
        `${fmt(floorEps)} events/s (${fmt(floorEps / ref.eventsPerSecond, 1)}×; ${fmt(tp.floors[0].bytes / 1e6, 1)} MB of JSON)`,
        "",
        "",
      ],
      [
        `Cold start: process start → 10-event delivery handled (median of ${COLD_RUNS})`,
        `${fmt(coldMs, 1)} ms (node ${fmt(coldNode, 1)} + import ${fmt(coldImport, 1)} + first call ${fmt(coldInvoke, 1)}; wall ${fmt(coldWall, 1)} ms)`,
        "≤ 200 ms",
        met(coldMs <= 200),
      ],
      ["Zip size (dist/pxstream.zip)", `${fmt(zipBytes)} bytes (${fmt(zipBytes / 1000, 1)} kB)`, "≤ 250,000 bytes", met(zipBytes <= 250_000)],
      [
        "Memory: peak RSS added over 200,000 events, --max-old-space-size=96",
        `${fmt(mem.added / MiB, 1)} MiB (baseline ${fmt(mem.baseline / MiB, 1)}, peak ${fmt(mem.maxRss / MiB, 1)} MiB)`,
        "≤ 64 MiB",
        met(mem.added <= 64 * MiB),
      ],
      [
        `Poll mode: scheduled run over ${fmt(poll.scanned)} events in moto_server`,
        `${fmt((poll.pages / poll.ms) * 1000, 1)} pages/s, ${fmt((poll.scanned / poll.ms) * 1000)} events/s (${poll.pages} pages, ${fmt(poll.ms)} ms)`,
        "",
        "",
      ],
    ];
    const out = [];
    out.push(`pxstream benchmarks, ${new Date().toISOString().slice(0, 10)}`);
    out.push(`machine: ${host.cpu}, ${host.cores} cores, ${host.memory} RAM, ${host.os}; node ${host.node}; Python ${host.python}`);
    out.push("");
    out.push("| benchmark | result | target | |");
    out.push("|---|---|---|---|");
    for (const r of rows) out.push(`| ${r.join(" | ")} |`);
    out.push("");
    out.push(
      `Throughput and reference: median of ${PASSES} passes each. Corpus: ${fmt(expected.scanned)} events, ` +
        `${fmt(expected.matched)} watched CashOuts (R$ total ${expected.totalCentavos} centavos), ${fmt(expected.malformed)} malformed; ` +
        `${fmt(tpNotified / PASSES)} Slack posts a pass.`,
    );
    out.push(failures.length === 0 ? "Correctness: every count and total equals the corpus's expected values." : `Correctness: ${failures.length} MISMATCH(ES):\n- ${failures.join("\n- ")}`);
    process.stdout.write(`${out.join("\n")}\n`);
    writeFileSync(join(work, "results.json"), JSON.stringify({ host, zipBytes, tp, dry, ref, colds, mem, poll, failures }, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  } finally {
    await sink.stop();
  }
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
});
