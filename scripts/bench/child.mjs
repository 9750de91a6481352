// One benchmark in a fresh node process, started by run.mjs:
//
//   node child.mjs <mode> <lambdaDir> [file]
//
// mode: cold | throughput | memory | poll | matchers. The handler comes from <lambdaDir>/index.mjs
// (dist/pxstream.zip unpacked, as Lambda does). Configuration comes from the
// environment run.mjs sets. The handler's own stdout (summaries, EMF, dry-run
// messages) goes wherever run.mjs pointed stdout (/dev/null); the result is one
// JSON line written to fd 3.
//
// Time zero for `cold` is the process's own start: performance.now() counts
// from performance.timeOrigin, which node sets when the process starts.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";

const atScriptStart = performance.now();
const [mode, lambdaDir, file] = process.argv.slice(2);

/** CPU time of this process (user + system), ms: steadier than wall time on a machine other work shares. */
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function report(result) {
  writeFileSync(3, `${JSON.stringify(result)}\n`);
}

function context() {
  const deadline = Date.now() + 900_000;
  return {
    functionName: "pxstream-bench",
    awsRequestId: `bench-${process.pid}-${Math.random().toString(16).slice(2)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

async function importHandler() {
  const mod = await import(pathToFileURL(join(lambdaDir, "index.mjs")).href);
  if (typeof mod.handler !== "function") throw new Error("index.mjs does not export handler");
  return mod.handler;
}

/** The deliveries: one base64 string per line (each a gzipped CloudWatch Logs subscription payload). */
function loadDeliveries(path) {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((data) => ({ awslogs: { data } }));
}

async function deliverAll(handler, deliveries) {
  const acc = { invocations: 0, scanned: 0, matched: 0, malformed: 0, notified: 0, totalCentavos: 0n };
  for (const event of deliveries) {
    const s = await handler(event, context());
    acc.invocations++;
    acc.scanned += s.scanned;
    acc.matched += s.matched;
    acc.malformed += s.malformed;
    acc.notified += s.notified;
    acc.totalCentavos += BigInt(s.totalCentavos);
  }
  return { ...acc, totalCentavos: acc.totalCentavos.toString() };
}

function gunzipSized(gz) {
  const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return gunzipSync(gz, { chunkSize: Math.min(Math.max(size + 1, 64 * 1024), 8 * 1024 * 1024) });
}

function vm(field) {
  const m = readFileSync("/proc/self/status", "utf8").match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) * 1024 : undefined;
}

async function main() {
  if (mode === "cold") {
    // One 10-event delivery in a process that has done nothing else.
    const event = JSON.parse(readFileSync(file, "utf8"));
    const t0 = performance.now();
    const handler = await importHandler();
    const t1 = performance.now();
    const s = await handler(event, context());
    const t2 = performance.now();
    report({
      nodeStartMs: atScriptStart,
      importMs: t1 - t0,
      firstInvokeMs: t2 - t1,
      totalMs: t2,
      scanned: s.scanned,
      matched: s.matched,
      malformed: s.malformed,
      notified: s.notified,
    });
    return;
  }
  if (mode === "throughput") {
    const deliveries = loadDeliveries(file);
    const warm = JSON.parse(readFileSync(process.env.BENCH_WARMUP_EVENT, "utf8"));
    const handler = await importHandler();
    await handler(warm, context()); // a warm container: module loaded, first call done
    const passes = [];
    for (let p = 0; p < Number(process.env.BENCH_PASSES ?? 3); p++) {
      const t0 = process.hrtime.bigint();
      const c0 = cpuMs();
      const acc = await deliverAll(handler, deliveries);
      const cpu = cpuMs() - c0;
      const ns = process.hrtime.bigint() - t0;
      passes.push({ ms: Number(ns) / 1e6, cpuMs: cpu, ...acc });
    }
    // What any reader of the real delivery format must pay before looking at one event: base64 and gunzip,
    // into one buffer of the size the gzip trailer states (as core/subscription.ts decodes).
    const floors = [];
    for (let p = 0; p < Number(process.env.BENCH_PASSES ?? 3); p++) {
      const t0 = process.hrtime.bigint();
      const c0 = cpuMs();
      let bytes = 0;
      for (const d of deliveries) bytes += gunzipSized(Buffer.from(d.awslogs.data, "base64")).length;
      floors.push({ ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: cpuMs() - c0, bytes });
    }
    // The same with zlib's default 16 KiB output chunks, what a plain gunzipSync pays (the older floor).
    const defaultFloors = [];
    for (let p = 0; p < Number(process.env.BENCH_PASSES ?? 3); p++) {
      const c0 = cpuMs();
      for (const d of deliveries) gunzipSync(Buffer.from(d.awslogs.data, "base64"));
      defaultFloors.push({ cpuMs: cpuMs() - c0 });
    }
    report({ passes, floors, defaultFloors });
    return;
  }
  if (mode === "memory") {
    const deliveries = loadDeliveries(file);
    const handler = await importHandler();
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    // Loading the deliveries may have peaked above the baseline; reset the kernel's
    // high-water mark so the peak below is the handler's (Linux: clear_refs 5).
    let hwmReset = false;
    try {
      writeFileSync("/proc/self/clear_refs", "5");
      hwmReset = true;
    } catch {
      // not Linux, or not allowed: maxRSS then also covers the loading
    }
    const t0 = process.hrtime.bigint();
    const acc = await deliverAll(handler, deliveries);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const maxRss = process.resourceUsage().maxRSS * 1024;
    // getrusage's peak is never reset: after clear_refs the kernel's VmHWM is the handler's own peak.
    const vmHwm = vm("VmHWM");
    const peak = hwmReset && vmHwm !== undefined ? vmHwm : maxRss;
    report({ baseline, maxRss, vmHwm, hwmReset, peak, added: peak - baseline, heapUsedAfter: process.memoryUsage().heapUsed, ms, ...acc });
    return;
  }
  if (mode === "poll") {
    const handler = await importHandler();
    const t0 = process.hrtime.bigint();
    const c0 = cpuMs();
    const s = await handler({}, context());
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    report({ ms, cpuMs: cpuMs() - c0, summary: s });
    return;
  }
  if (mode === "matchers") {
    // Matchers of the watch list side by side (scripts/bench/matchers.ts, bundled into <lambdaDir>/../matchers.mjs).
    const { compareMatchers } = await import(pathToFileURL(join(lambdaDir, "..", "matchers.mjs")).href);
    const input = JSON.parse(readFileSync(file, "utf8"));
    report({ rows: compareMatchers(input.messages, input.watchedFlags, input.sizes, input.accounts, cpuMs) });
    return;
  }
  throw new Error(`unknown mode ${mode}`);
}

main().catch((err) => {
  report({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
});
