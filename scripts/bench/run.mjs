// `make bench`: throughput, watch-list scaling, the every-account rule, the
// server-side filter, cold start, size and memory of the built dist/pxstream.zip,
// every one measured in this run, printed as one table. Every row checks the
// handler's counts and totals against the corpus's expected values; the run exits
// non-zero when one differs, never because of a time.
//
// Each measurement that isolation matters for runs in a fresh node process
// (scripts/bench/child.mjs). Times are the process's CPU time (user + system),
// steadier than wall time on a machine other work shares; ratios compare figures
// of this one run. The Slack webhook is a local HTTP sink in this process;
// moto_server stands in for CloudWatch Logs and S3, behind a counting proxy.
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { cpus, release, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startMoto } from "../lib/moto.mjs";
import { prng } from "../lib/prng.mjs";
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
const SIZES = [3, 100, 1_000, 5_000];
/** The every-account rule of README "Rules" (Valor alto, qualquer conta), without its mention. */
const RULE = { name: "acima de R$ 50 mil", accounts: "*", minAmount: 5_000_000 };
const FILTER = '"transactionId"';
const REGION = "sa-east-1";
const BUCKET = "pxstream-bench-state";

const failures = [];
const note = (s) => process.stderr.write(`bench: ${s}\n`);
const fmt = (n, digits = 0) => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const MiB = 2 ** 20;
const met = (ok) => (ok ? "met" : "**not met**");

function check(what, got, want) {
  if (String(got) !== String(want)) failures.push(`${what}: got ${got}, expected ${want}`);
}

/** Checks a handler's figures against the corpus's. */
function checkCounts(what, got, want, times = 1) {
  check(`${what} scanned`, got.scanned, want.scanned * times);
  check(`${what} matched`, got.matched, want.matched * times);
  check(`${what} malformed`, got.malformed, want.malformed * times);
  check(`${what} totalCentavos`, BigInt(got.totalCentavos), want.totalCentavos * BigInt(times));
}

/** Accounts the corpus never names: the watch lists past WATCHED are made of these, so every size reports the same CashOuts. */
function decoys(n) {
  const rand = prng(4242);
  const out = new Set();
  while (out.size < n) {
    // 14 digits below the corpus's other accounts (30,000,000,000,000 and up).
    const a = String(12_000_000_000_000 + Math.floor(rand() * 10_000_000_000_000));
    if (!WATCHED.includes(a)) out.add(a);
  }
  return [...out];
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

// ---------- a proxy in front of moto that counts what FilterLogEvents sends back ----------

function startCountingProxy(target) {
  const upstream = new URL(target);
  const counts = { calls: 0, bytes: 0 };
  const server = createServer((req, res) => {
    const isFilter = req.headers["x-amz-target"] === "Logs_20140328.FilterLogEvents";
    const fwd = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.on("data", (c) => {
        if (isFilter) counts.bytes += c.length;
      });
      up.pipe(res);
    });
    if (isFilter) counts.calls++;
    fwd.on("error", () => res.destroy());
    req.pipe(fwd);
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () =>
      done({
        endpoint: `http://127.0.0.1:${server.address().port}`,
        counts,
        reset: () => Object.assign(counts, { calls: 0, bytes: 0 }),
        stop: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
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

/** The events as a subscription delivers them, BATCH to a delivery: one base64 line each in `file`. */
function writeDeliveries(events, file) {
  const out = [];
  for (let b = 0; b * BATCH < events.length; b++) {
    out.push(delivery(events.slice(b * BATCH, (b + 1) * BATCH), `2026/11/27/[$LATEST]stream${b % 8}`, b * BATCH + 1, Date.UTC(2026, 10, 27, 12) + b * BATCH));
  }
  writeFileSync(file, `${out.join("\n")}\n`);
  return { count: out.length, bytes: out.reduce((n, d) => n + d.length, 0) };
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

// ---------- moto: poll mode with and without the filter, scheduled cold starts ----------

async function withMoto(events, sink, pushEnv) {
  const moto = await startMoto();
  const proxy = await startCountingProxy(moto.endpoint);
  try {
    const aws = { region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
    const logs = new CloudWatchLogsClient(aws);
    const s3 = new S3Client({ ...aws, forcePathStyle: true });
    const stream = "2026/11/27/[$LATEST]bench";
    await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
    const polled = events.slice(0, POLL_EVENTS);
    // The last 20 minutes, one event every 20 ms; PutLogEvents takes at most 10,000 events or 1 MB a call.
    const start = Date.now() - 20 * 60_000;
    let batch = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await logs.send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: batch }));
      batch = [];
      bytes = 0;
    };
    for (const [i, e] of polled.entries()) {
      const size = Buffer.byteLength(e.message) + 26;
      if (batch.length === 10_000 || bytes + size > 1_000_000) await flush();
      batch.push({ timestamp: start + i * 20, message: e.message });
      bytes += size;
    }
    await flush();
    const awsEnv = { AWS_ENDPOINT_URL: proxy.endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" };

    // Poll mode: one scheduled run over the 50,000 events, each setting with its own checkpoint.
    const poll = {};
    for (const filter of [true, false]) {
      note(`poll mode: ${fmt(POLL_EVENTS)} events in moto_server, server-side filter ${filter ? "on" : "off"}`);
      sink.reset();
      proxy.reset();
      const key = `poll-${filter}.json`;
      const r = await runChild("poll", "", {
        ...awsEnv,
        PXSTREAM_LOG_GROUPS: LOG_GROUP,
        PXSTREAM_WATCHED_ACCOUNTS: WATCHED.join(","),
        PXSTREAM_STATE_BUCKET: BUCKET,
        PXSTREAM_STATE_KEY: key,
        PXSTREAM_LOOKBACK_MINUTES: "30",
        PXSTREAM_SERVER_FILTER: String(filter),
        SLACK_WEBHOOK: sink.url,
      });
      const s = r.summary;
      const what = `poll (filter ${filter ? "on" : "off"})`;
      checkCounts(what, s, expectedFor(polled, { filtered: filter }));
      check(`${what} Slack posts`, sink.posts, s.notified);
      check(`${what} Slack text counts`, sink.count, s.matched);
      check(`${what} Slack text totals`, sink.total, s.totalCentavos);
      const state = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).catch(() => null);
      if (state === null) failures.push(`${what}: no checkpoint was written`);
      poll[filter ? "on" : "off"] = { cpuMs: r.cpuMs, ms: r.ms, pages: s.pages, scanned: s.scanned, calls: proxy.counts.calls, bytes: proxy.counts.bytes };
    }

    // Cold start of a scheduled run: a fresh process, a first run (its own checkpoint key) over 10 events.
    note(`cold start, scheduled: ${COLD_RUNS} fresh processes against moto_server`);
    const coldGroup = "/aws/lambda/pix-payload-cold";
    await logs.send(new CreateLogGroupCommand({ logGroupName: coldGroup }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: coldGroup, logStreamName: stream }));
    const coldEvents = coldSet(events);
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: coldGroup,
        logStreamName: stream,
        logEvents: coldEvents.map((e, i) => ({ timestamp: Date.now() - 60_000 + i, message: e.message })),
      }),
    );
    const coldFile = join(work, "cold-scheduled.json");
    writeFileSync(coldFile, "{}");
    const coldExpected = expectedFor(coldEvents, { filtered: true });
    const colds = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      sink.reset();
      const c = await runChild("cold", coldFile, {
        ...pushEnv,
        ...awsEnv,
        PXSTREAM_LOG_GROUPS: coldGroup,
        PXSTREAM_STATE_BUCKET: BUCKET,
        PXSTREAM_STATE_KEY: `cold-${i}.json`,
        PXSTREAM_LOOKBACK_MINUTES: "5",
        SLACK_WEBHOOK: sink.url,
      });
      checkCounts(`scheduled cold start ${i + 1}`, { ...c, totalCentavos: sink.total }, coldExpected);
      check(`scheduled cold start ${i + 1} Slack posts`, sink.posts, 1);
      colds.push(c);
    }
    return { poll, coldScheduled: colds };
  } finally {
    await proxy.stop();
    await moto.stop();
  }
}

/** 10 events, 2 of them watched CashOuts: the first call also posts to Slack. */
function coldSet(events) {
  return [...events.filter((e) => e.kind === "cashout" && e.account === WATCHED[0]).slice(0, 2), ...events.filter((e) => e.kind === "other").slice(0, 8)];
}

/** Bundles scripts/bench/matchers.ts (the matchers compared) next to the unpacked lambda. */
async function bundleMatchers() {
  await build({
    absWorkingDir: root,
    entryPoints: [join(here, "matchers.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    outfile: join(work, "matchers.mjs"),
    logLevel: "warning",
  });
}

// ---------- main ----------

async function main() {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make bench\` (it builds first) or \`make build\``);
  mkdirSync(work, { recursive: true });
  const host = machine();
  const zipBytes = statSync(zipPath).size;

  note("generating the corpora");
  const { events, expected } = generateCorpus();
  const sparse = generateCorpus({ sparse: true }).events;
  writeFileSync(join(work, "messages.jsonl"), `${events.map((e) => JSON.stringify(e.message)).join("\n")}\n`);
  const deliveriesFile = join(work, "deliveries.txt");
  writeDeliveries(events, deliveriesFile);
  // The push-invocation figures: the sparse corpus as a subscription delivers it without a filter
  // pattern, and with "transactionId" (a substring match, as moto and, for this term, CloudWatch Logs do).
  const sparseAllFile = join(work, "sparse-all.txt");
  const sparseFilteredFile = join(work, "sparse-filtered.txt");
  const sparseAll = writeDeliveries(sparse, sparseAllFile);
  const sparseFiltered = writeDeliveries(
    sparse.filter((e) => e.message.includes("transactionId")),
    sparseFilteredFile,
  );
  const coldEvents = coldSet(events);
  const coldFile = join(work, "cold-event.json");
  writeFileSync(coldFile, JSON.stringify({ awslogs: { data: delivery(coldEvents, "2026/11/27/[$LATEST]cold", 1, Date.UTC(2026, 10, 27, 11)) } }));
  const coldExpected = expectedFor(coldEvents);
  const accountsFor = [...WATCHED, ...decoys(SIZES[SIZES.length - 1] - WATCHED.length)];

  await unpack();
  await bundleMatchers();
  const sink = await startSink();
  const pushEnv = { PXSTREAM_LOG_GROUPS: LOG_GROUP, PXSTREAM_WATCHED_ACCOUNTS: WATCHED.join(","), AWS_REGION: REGION };
  const results = { host, zipBytes };
  try {
    // 1. throughput, Slack answered by the sink
    note(`throughput: ${BATCHES} deliveries of ${fmt(BATCH)} events, ${PASSES} passes`);
    sink.reset();
    const tp = await runChild("throughput", deliveriesFile, {
      ...pushEnv,
      SLACK_WEBHOOK: sink.url,
      BENCH_WARMUP_EVENT: coldFile,
      BENCH_PASSES: String(PASSES),
    });
    for (const [i, p] of tp.passes.entries()) checkCounts(`throughput pass ${i + 1}`, p, expected);
    const tpNotified = tp.passes.reduce((n, p) => n + p.notified, 0);
    check("throughput Slack posts", sink.posts, tpNotified + 1); // + the warm-up delivery's
    check("throughput Slack text counts", sink.count, expected.matched * PASSES + coldExpected.matched);
    check("throughput Slack text totals", sink.total, expected.totalCentavos * BigInt(PASSES) + coldExpected.totalCentavos);
    results.tp = tp;

    // 2. dry runs: the watch list at 3 to 5,000 accounts (the same CashOuts each time), then the every-account rule
    const dry = {};
    for (const size of SIZES) {
      note(`dry run, ${fmt(size)} watched accounts`);
      const accounts = accountsFor.slice(0, size);
      const r = await runChild("throughput", deliveriesFile, {
        ...pushEnv,
        PXSTREAM_WATCHED_ACCOUNTS: accounts.join(","),
        PXSTREAM_DRY_RUN: "true",
        BENCH_WARMUP_EVENT: coldFile,
        BENCH_PASSES: String(PASSES),
      });
      const want = expectedFor(events, { accounts });
      for (const [i, p] of r.passes.entries()) checkCounts(`dry run ${size} accounts, pass ${i + 1}`, p, want);
      dry[size] = r;
    }
    note(`dry run, the every-account rule (accounts "*", minAmount ${RULE.minAmount})`);
    const ruleDoc = JSON.stringify({ accounts: Object.fromEntries(WATCHED.map((a) => [a, ""])), rules: [RULE] });
    const rule = await runChild("throughput", deliveriesFile, {
      ...pushEnv,
      PXSTREAM_WATCHED_ACCOUNTS: "",
      PXSTREAM_CONFIG: ruleDoc,
      PXSTREAM_DRY_RUN: "true",
      BENCH_WARMUP_EVENT: coldFile,
      BENCH_PASSES: String(PASSES),
    });
    const ruleExpected = expectedFor(events, { minAmount: RULE.minAmount });
    for (const [i, p] of rule.passes.entries()) checkCounts(`every-account rule pass ${i + 1}`, p, ruleExpected);
    results.dry = dry;
    results.rule = rule;

    // 3. the Python reference, same messages, no decoding
    note("reference (Python)");
    const py = spawnSync("python3", [join(here, "reference.py"), join(work, "messages.jsonl"), WATCHED.join(","), String(PASSES)], { encoding: "utf8" });
    if (py.status !== 0) throw new Error(`reference.py failed: ${py.stderr}`);
    const ref = JSON.parse(py.stdout.trim().split("\n").pop());
    check("reference events", ref.events, expected.scanned);
    results.ref = ref;

    // 4. the matchers side by side, on the lines collect asks about
    note("matchers: Set reader, Aho-Corasick, substrings");
    const asked = events.filter((e) => e.message.includes("transactionId"));
    const matcherInput = join(work, "matchers-input.json");
    writeFileSync(
      matcherInput,
      JSON.stringify({
        messages: asked.map((e) => e.message),
        watchedFlags: asked.map((e) => e.kind === "cashout" && WATCHED.includes(e.account)),
        sizes: SIZES,
        accounts: accountsFor,
      }),
    );
    const matchers = (await runChild("matchers", matcherInput, {})).rows;
    for (const r of matchers) check(`matcher ${r.method} at ${r.accounts} accounts: watched CashOut lines let through`, r.watchedKept, r.watchedLines);
    results.matchers = matchers;

    // 5. push invocations per 200,000 events (5% CashOut lines), with and without the subscription filter pattern
    note("push deliveries of the sparse corpus, with and without the filter pattern");
    const invocations = {};
    for (const [name, file, shape, filtered] of [
      ["off", sparseAllFile, sparseAll, false],
      ["on", sparseFilteredFile, sparseFiltered, true],
    ]) {
      const r = await runChild("throughput", file, { ...pushEnv, PXSTREAM_DRY_RUN: "true", BENCH_WARMUP_EVENT: coldFile, BENCH_PASSES: "1" });
      const p = r.passes[0];
      checkCounts(`sparse deliveries, filter ${name}`, p, expectedFor(sparse, { filtered }));
      check(`sparse deliveries, filter ${name}: invocations`, p.invocations, shape.count);
      invocations[name] = { ...shape, cpuMs: p.cpuMs };
    }
    results.invocations = invocations;

    // 6. cold start of a push delivery
    note(`cold start, push: ${COLD_RUNS} fresh processes`);
    const colds = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      sink.reset();
      const c = await runChild("cold", coldFile, { ...pushEnv, SLACK_WEBHOOK: sink.url });
      checkCounts(`push cold start ${i + 1}`, { ...c, totalCentavos: sink.total }, coldExpected);
      check(`push cold start ${i + 1} Slack posts`, sink.posts, 1);
      colds.push(c);
    }
    results.colds = colds;

    // 7. memory under a 128 MB Lambda's heap, 3 and 5,000 watched accounts
    const mem = {};
    for (const size of [SIZES[0], SIZES[SIZES.length - 1]]) {
      note(`memory: --max-old-space-size=96, ${fmt(size)} watched accounts`);
      sink.reset();
      const accounts = accountsFor.slice(0, size);
      const m = await runChild("memory", deliveriesFile, { ...pushEnv, PXSTREAM_WATCHED_ACCOUNTS: accounts.join(","), SLACK_WEBHOOK: sink.url }, [
        "--max-old-space-size=96",
        "--expose-gc",
      ]);
      checkCounts(`memory run, ${size} accounts`, m, expectedFor(events, { accounts }));
      mem[size] = m;
    }
    results.mem = mem;

    // 8. moto: poll mode with and without the server-side filter, scheduled cold starts
    const moto = await withMoto(events, sink, pushEnv);
    Object.assign(results, moto);

    process.stdout.write(`${table(results, expected)}\n`);
    writeFileSync(
      join(work, "results.json"),
      JSON.stringify(results, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2),
    );
  } finally {
    await sink.stop();
  }
  if (failures.length > 0) process.exitCode = 1;
}

// ---------- the table ----------

function table(r, expected) {
  const cpu = (child) => median(child.passes.map((p) => p.cpuMs));
  const eps = (ms) => (expected.scanned / ms) * 1000;
  const floorMs = median(r.dry[SIZES[0]].floors.map((f) => f.cpuMs));
  const dry3 = cpu(r.dry[SIZES[0]]);
  const refEps = r.ref.eventsPerSecond;
  const coldMs = (cs) => median(cs.map((c) => c.totalMs));
  const coldParts = (cs) =>
    `node ${fmt(median(cs.map((c) => c.nodeStartMs)), 1)} + import ${fmt(median(cs.map((c) => c.importMs)), 1)} + first call ${fmt(median(cs.map((c) => c.firstInvokeMs)), 1)}; wall ${fmt(median(cs.map((c) => c.wallMs)), 1)} ms`;
  const rows = [];
  const row = (what, result, target = "", verdict = "") => rows.push([what, result, target, verdict]);

  const sinkMs = cpu(r.tp);
  row("Throughput: push deliveries (200 × 1,000 events, base64+gzip), Slack sink, 3 watched accounts", `${fmt(eps(sinkMs))} events/s`);
  row("Reference: the original's per-event loop in Python, no decoding", `${fmt(refEps)} events/s`);
  row("Ratio (pxstream ÷ reference)", `${fmt(eps(sinkMs) / refEps, 1)}×`, "≥ 10×", met(eps(sinkMs) / refEps >= 10));
  for (const size of SIZES) {
    const ms = cpu(r.dry[size]);
    const ratio = dry3 / ms;
    const isLast = size === SIZES[SIZES.length - 1];
    row(
      `Dry run (PXSTREAM_DRY_RUN=true), ${fmt(size)} watched accounts`,
      `${fmt(eps(ms))} events/s${size === SIZES[0] ? "" : ` (${fmt(ratio, 2)}× the 3-account figure)`}`,
      isLast ? "≥ 0.8× the 3-account figure" : "",
      isLast ? met(ratio >= 0.8) : "",
    );
  }
  const floorBytes = r.dry[SIZES[0]].floors[0].bytes;
  row("Decoding floor: base64 + gunzip of the same deliveries, nothing else", `${fmt(eps(floorMs))} events/s (${fmt(floorBytes / 1e6, 1)} MB of JSON)`);
  const defaultFloorMs = median(r.dry[SIZES[0]].defaultFloors.map((f) => f.cpuMs));
  row(
    "Dry run ÷ decoding floor, 3 watched accounts (time)",
    `${fmt(dry3 / floorMs, 2)}× (÷ gunzip in default 16 KiB chunks: ${fmt(dry3 / defaultFloorMs, 2)}×; dry run ${fmt(eps(dry3) / refEps, 1)}× the reference's events/s, the floor ${fmt(eps(floorMs) / refEps, 1)}×)`,
    "≤ 2×",
    met(dry3 / floorMs <= 2),
  );
  const ruleMs = cpu(r.rule);
  row(
    `Every-account rule (\`"accounts": "*"\`, \`minAmount\` ${fmt(RULE.minAmount)}): every CashOut line parsed, dry run`,
    `${fmt(eps(ruleMs))} events/s (${fmt(dry3 / ruleMs, 2)}× the 3-account figure)`,
    "≥ 0.5× the 3-account figure",
    met(dry3 / ruleMs >= 0.5),
  );
  for (const size of SIZES) {
    const by = Object.fromEntries(r.matchers.filter((m) => m.accounts === size).map((m) => [m.method, m]));
    row(
      `Matcher per CashOut line, ${fmt(size)} watched accounts: Set reader · Aho–Corasick · substrings`,
      `${fmt(by.set.nsPerLine)} · ${fmt(by.automaton.nsPerLine)} · ${fmt(by.substrings.nsPerLine)} ns (build ${fmt(by.set.buildMs, 1)} · ${fmt(by.automaton.buildMs, 1)} · ${fmt(by.substrings.buildMs, 1)} ms)`,
    );
  }
  const on = r.poll.on;
  const off = r.poll.off;
  row(
    `Scheduled run over ${fmt(POLL_EVENTS)} events in moto_server, FilterLogEvents with ${FILTER} · without`,
    `${fmt(on.pages)} · ${fmt(off.pages)} pages, ${fmt(on.bytes / 1e6, 1)} · ${fmt(off.bytes / 1e6, 1)} MB received, ${fmt(on.scanned)} · ${fmt(off.scanned)} events read, ${fmt(on.cpuMs)} · ${fmt(off.cpuMs)} ms CPU`,
  );
  const inv = r.invocations;
  row(
    `Push invocations per 200,000 events (5% CashOut lines), subscription filter ${FILTER} · none`,
    `${fmt(inv.on.count)} · ${fmt(inv.off.count)} deliveries of ≤ ${fmt(BATCH)} events, ${fmt(inv.on.bytes / 1e6, 1)} · ${fmt(inv.off.bytes / 1e6, 1)} MB of payload, ${fmt(inv.on.cpuMs)} · ${fmt(inv.off.cpuMs)} ms CPU`,
  );
  const push = coldMs(r.colds);
  const sched = coldMs(r.coldScheduled);
  row(
    `Cold start, push: process start → 10-event delivery handled and posted (median of ${COLD_RUNS})`,
    `${fmt(push, 1)} ms (${coldParts(r.colds)})`,
    "≤ 200 ms",
    met(push <= 200),
  );
  // No target: a scheduled run's first call waits on several moto_server answers (checkpoint read and writes, FilterLogEvents).
  row(
    `Cold start, scheduled: process start → first run over 10 events in moto_server, checkpoint written, posted (median of ${COLD_RUNS})`,
    `${fmt(sched, 1)} ms (${coldParts(r.coldScheduled)})`,
  );
  row("Zip size (dist/pxstream.zip)", `${fmt(r.zipBytes)} bytes (${fmt(r.zipBytes / 1000, 1)} kB)`, "≤ 250,000 bytes", met(r.zipBytes <= 250_000));
  for (const size of [SIZES[0], SIZES[SIZES.length - 1]]) {
    const m = r.mem[size];
    row(
      `Memory: peak RSS added over 200,000 events, --max-old-space-size=96, ${fmt(size)} watched accounts`,
      `${fmt(m.added / MiB, 1)} MiB (baseline ${fmt(m.baseline / MiB, 1)}, peak ${fmt(m.peak / MiB, 1)} MiB)`,
      "≤ 64 MiB",
      met(m.added <= 64 * MiB),
    );
  }

  const out = [];
  out.push(`pxstream benchmarks, ${new Date().toISOString().slice(0, 10)}`);
  out.push(`machine: ${r.host.cpu}, ${r.host.cores} cores, ${r.host.memory} RAM, ${r.host.os}; node ${r.host.node}; Python ${r.host.python}`);
  out.push("");
  out.push("| benchmark | result | target | |");
  out.push("|---|---|---|---|");
  for (const x of rows) out.push(`| ${x.join(" | ")} |`);
  out.push("");
  out.push(
    `Times: the process's CPU time, median of ${PASSES} passes (cold starts: wall time inside the process). Corpus: ${fmt(expected.scanned)} events, ` +
      `${fmt(expected.matched)} watched CashOuts (total ${expected.totalCentavos} centavos), ${fmt(expected.malformed)} malformed; ` +
      `${fmt(r.tp.passes.reduce((n, p) => n + p.notified, 0) / PASSES)} Slack posts a pass.`,
  );
  out.push(
    failures.length === 0
      ? "Correctness: every count and total equals the corpus's expected values."
      : `Correctness: ${failures.length} MISMATCH(ES):\n- ${failures.join("\n- ")}`,
  );
  return out.join("\n");
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 2;
});
