// How big the checkpoint gets with a day of stateful-rule state for 5,000 watched
// accounts (README "Rules", state bounds): a simulated day of CashOuts evaluated in
// five-minute scheduled runs, the state carried between them as the checkpoint does.
// Prints a table; `node scripts/rule-state-size.mjs [accounts] [cashOutsPerAccount]`.
import { build } from "esbuild";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { prng } from "./lib/prng.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ACCOUNTS = Number(process.argv[2] ?? 5000);
const PER_ACCOUNT = Number(process.argv[3] ?? 20);
const MIN = 60_000;
const RUN = 5 * MIN;
const OVERLAP = 15 * MIN;
const DAY = 24 * 60 * MIN;

// The core modules as the zip bundles them (pure: no AWS, no network).
const dir = await mkdtemp(join(tmpdir(), "pxstream-state-"));
const entry = join(dir, "entry.ts");
await writeFile(
  entry,
  ["rules", "config-document", "checkpoint"].map((m) => `export * from ${JSON.stringify(join(root, "handler", "core", `${m}.ts`))};`).join("\n"),
);
await build({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", outfile: join(dir, "core.mjs"), logLevel: "error" });
const core = await import(pathToFileURL(join(dir, "core.mjs")).href);
await rm(dir, { recursive: true, force: true });

const rand = prng(20261201);
const accounts = Array.from({ length: ACCOUNTS }, (_, i) => String(10_000_000_000_000 + i));
const doc = core.validateConfigDocument({
  accounts: Object.fromEntries(accounts.map((a, i) => [a, `Conta ${i}`])),
  rules: [
    { name: "contas vigiadas", minAmount: 1_000_000 },
    { name: "acima de R$ 50 mil", accounts: "*", minAmount: 5_000_000, mention: "here" },
    { name: "limite noturno", hours: [20, 6], window: { minutes: 600, sum: 100_000 } },
    { name: "rajada", window: { minutes: 10, count: 5 } },
    { name: "chave nova", newReceiver: { days: 30 } },
  ],
});
if (!doc.ok) throw new Error(doc.problems.join("; "));
const rules = core.compileRules(doc.document, { latenessMs: OVERLAP, receiverKey: "size-measurement-receiver-hmac-key-0123456789" });

// A day: each account pays PER_ACCOUNT times, to one of ~8 receivers of its own, at any hour; one in fifty accounts bursts.
const t0 = Date.UTC(2026, 10, 27, 3, 0, 0); // 00:00 in São Paulo
const events = [];
for (const [i, account] of accounts.entries()) {
  const n = PER_ACCOUNT + (i % 50 === 0 ? 10 : 0);
  const burstAt = t0 + Math.floor(rand() * (DAY - 20 * MIN));
  for (let k = 0; k < n; k++) {
    const ts = k >= PER_ACCOUNT ? burstAt + k * 30_000 : t0 + Math.floor(rand() * DAY);
    events.push({
      key: `/aws/lambda/pix-payload|2026/11/27/[$LATEST]${(i % 40).toString(16).padStart(32, "0")}|${String(events.length).padStart(56, "0")}`,
      timestamp: ts,
      logGroup: "/aws/lambda/pix-payload",
      account,
      amount: 100 + Math.floor(rand() * 60_000),
      transactionId: `E${String(events.length).padStart(31, "0")}`,
      receiverKey: `${Math.floor(rand() * 8)}-${account}@recebedor.com.br`,
      requestId: undefined,
    });
  }
}
events.sort((a, b) => a.timestamp - b.timestamp);

const encoded = (cp) => Buffer.byteLength(core.encodeCheckpoint(cp));

/** The day, run by run, with these rules: the checkpoint and what the rules did. */
function simulate(rules) {
  let checkpoint = { ...core.EMPTY_CHECKPOINT, scannedUntil: t0 };
  const before = encoded(checkpoint);
  let maxBytes = 0;
  let maxRules = 0;
  let reported = 0;
  const forgotten = { windowEntries: 0, pending: 0, receivers: 0 };
  let at = 0;
  const started = performance.now();
  // The rule is turned on a month before this day: its learning period is over.
  const turnedOn = core.evaluateRules(rules, [], core.EMPTY_RULE_STATE, t0 - 31 * DAY).next;
  checkpoint = { ...checkpoint, rules: core.storedRuleState(turnedOn) };
  for (let end = t0 + RUN; end <= t0 + DAY; end += RUN) {
    const batch = [];
    while (at < events.length && events[at].timestamp <= end) batch.push(events[at++]);
    const e = core.evaluateForRun(rules, batch, checkpoint.rules, (k) => Object.hasOwn(checkpoint.reported, k), end);
    reported += e.cashOuts.length;
    for (const k of Object.keys(forgotten)) forgotten[k] += e.forgotten[k];
    checkpoint = core.advance(checkpoint, end, e.cashOuts, OVERLAP, undefined, e.update());
    maxBytes = Math.max(maxBytes, encoded(checkpoint));
    maxRules = Math.max(maxRules, Buffer.byteLength(JSON.stringify(checkpoint.rules ?? null)));
  }
  return { checkpoint, before, maxBytes, maxRules, reported, forgotten, ms: performance.now() - started };
}

const baseline = simulate(core.compileRules(core.documentFromWatchedAccounts(accounts), { latenessMs: OVERLAP }));
const { checkpoint, before, maxBytes, maxRules, reported, forgotten, ms } = simulate(rules);
const state = core.decodeRuleState(checkpoint.rules).state;
const receivers = Object.values(state.receivers.accounts).reduce((n, s) => n + ((s.length - s.indexOf("|") - 1) * 0.75) / 9, 0);
const windowMembers = Object.values(state.windows).reduce(
  (n, byAccount) => n + Object.values(byAccount).reduce((m, s) => m + core.decodeMembers(s).length, 0),
  0,
);
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const rows = [
  ["accounts watched", ACCOUNTS.toLocaleString("en")],
  ["CashOuts in the day", events.length.toLocaleString("en")],
  ["CashOuts reported", reported.toLocaleString("en")],
  ["scheduled runs (5 min)", String(DAY / RUN)],
  ["checkpoint before (no rule state)", kib(before)],
  ["after the day, stateless (watched accounts only)", kib(encoded(baseline.checkpoint))],
  ["checkpoint after the day", kib(encoded(checkpoint))],
  ["largest checkpoint during the day", kib(maxBytes)],
  ["of which rule state (largest)", kib(maxRules)],
  ["receivers remembered", Math.round(receivers).toLocaleString("en")],
  ["window members kept", windowMembers.toLocaleString("en")],
  ["CashOuts waiting with details", Object.keys(state.pending).length.toLocaleString("en")],
  ["forgotten at the bounds", JSON.stringify(forgotten)],
  ["evaluation time, whole day", `${Math.round(ms)} ms`],
];
const width = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
