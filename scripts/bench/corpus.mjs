// A deterministic benchmark corpus of CloudWatch log messages in every form
// README "Log lines" accepts, and the figures the handler must report for it.
//
//   node scripts/bench/corpus.mjs [count] [--out file.jsonl] [--sparse]
//
// prints the expected figures (and writes the messages as JSON lines).
//
// Every event is one of:
//   cashout  a readable CashOut of `account` (watched or not), `amount` centavos
//   broken   a line naming `transactionId` that cannot be read as a CashOut, of
//            `account`: whether it counts as malformed depends on the watch list
//            (README "Log lines": only lines that could be a watched account's)
//   other    everything else: Lambda START/END/REPORT lines, plain text,
//            non-CashOut Pix events, lines that name a watched account without
//            being its CashOut
// The class and account are decided when the line is built, not by running
// handler code, so the benchmark checks the handler against an independent
// answer. The third watched account needs escaping, and its lines are written
// as Python's json.dumps, .NET's System.Text.Json and PHP's json_encode write
// JSON (scripts/lib/json-styles.mjs), inside Lambda's JSON log format too.
//
// The default corpus is half CashOut lines (most of other accounts); `sparse`
// makes 5% of the lines CashOuts, the rest noise (the push-invocation figures).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encodeJson } from "../lib/json-styles.mjs";
import { prng } from "../lib/prng.mjs";

export const WATCHED = ["23463567342345", "11122233344455", "Tesouraria São Paulo/01"];
/** The watched account whose name needs escaping. */
const ESCAPED = WATCHED[2];
export const LOG_GROUP = "/aws/lambda/pix-payload";
export const DEFAULT_COUNT = 200_000;
export const DEFAULT_SEED = 20261127;
/** Message timestamps start here (the text; delivery timestamps are set by whoever sends them). */
const BASE_TIME = Date.UTC(2026, 10, 27, 12, 0, 0);

const PIX_KEYS = [
  "123.456.789-09",
  "98765432100",
  "12.345.678/0001-95",
  "maria.silva@example.com.br",
  "joao.souza@empresa.com",
  "+5511987654321",
  "+5521912345678",
  "9f3c2a10-5b7e-4c1d-8e2f-a1b2c3d4e5f6",
];
const DESCRIPTIONS = ["Pagamento", "Aluguel novembro", "Transferência", "", "Fornecedor 4471", "Reembolso"];
const NOISE_TEXT = ["consultando DICT", "conectando ao SPI", "token renovado", "cache miss: chave Pix", "retry 1/3 gateway"];

/**
 * @param {{ count?: number, seed?: number, sparse?: boolean }} [options]
 */
export function generateCorpus({ count = DEFAULT_COUNT, seed = DEFAULT_SEED, sparse = false } = {}) {
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const hex = (n) => {
    let s = "";
    for (let i = 0; i < n; i++) s += "0123456789abcdef"[int(16)];
    return s;
  };
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const iso = (i) => new Date(BASE_TIME + i * 3).toISOString();
  // 14-digit account numbers that cannot contain a watched one (checked below anyway).
  const otherAccount = () => {
    for (;;) {
      const a = String(30_000_000_000_000 + int(60_000_000_000_000));
      if (!WATCHED.some((w) => a.includes(w))) return a;
    }
  };
  const txId = (i) => `E${hex(8).toUpperCase()}${String(i).padStart(7, "0")}`;
  // Amounts: mostly small, a few large (up to R$ 10 million), always whole centavos.
  const amount = () => {
    const r = rand();
    if (r < 0.7) return 100 + int(50_000);
    if (r < 0.98) return 50_000 + int(5_000_000);
    return 5_000_000 + int(995_000_000);
  };
  const payload = (account, tx, amt, extra = {}) => ({
    Session: { accountName: account, sessionId: `sess-${hex(12)}` },
    Payload: {
      body: {
        transactionId: tx,
        amount: amt,
        receiverKeyValue: pick(PIX_KEYS),
        qrCodeIdentifier: rand() < 0.2 ? hex(24) : null,
        scheduledDate: rand() < 0.1 ? "2026-12-01" : null,
        description: pick(DESCRIPTIONS),
        ...extra,
      },
    },
  });
  // The five shapes of a Pix line: Node text, Python text, Lambda JSON (object and string message), bare JSON.
  // `style` writes the payload's JSON, `outer` the Lambda runtime's wrapper around a string message.
  const format = (obj, i, shape, style = "js", outer = "js") => {
    const req = uuid();
    const json = (v, st) => (st === "js" ? JSON.stringify(v) : encodeJson(v, st));
    switch (shape) {
      case 0:
        return `${iso(i)}\t${req}\tINFO\t${json(obj, style)}`;
      case 1:
        return `[INFO]\t${iso(i)}\t${req}\t${json(obj, style)}`;
      case 2:
        return json({ timestamp: iso(i), level: "INFO", requestId: req, message: obj }, style);
      case 3:
        return json({ timestamp: iso(i), level: "INFO", requestId: req, message: json(obj, style) }, outer);
      default:
        return json(obj, style);
    }
  };
  // The escaped account is written by every encoder; the others as JSON.stringify does.
  const STYLES = ["js", "python", "dotnet", "php"];
  const formatFor = (account, obj, i) => (account === ESCAPED ? format(obj, i, shape(), pick(STYLES), pick(STYLES)) : format(obj, i, shape()));
  const shape = () => int(5);

  // Lines that name `transactionId` and a watched account but are no readable CashOut.
  const malformedWatched = (i, w) => {
    const tx = txId(i);
    switch (int(8)) {
      case 0: // centavos must be integers
        return formatFor(w, payload(w, tx, 12.5), i);
      case 1: // amount as text
        return formatFor(w, payload(w, tx, "1500"), i);
      case 2: // negative amount
        return formatFor(w, payload(w, tx, -amount()), i);
      case 3: // truncated line (the log agent cut it), after the account and the term
        return `${iso(i)}\t${uuid()}\tINFO\t${JSON.stringify(payload(w, tx, amount())).slice(0, 125 + int(60))}`;
      case 4: // no Payload envelope
        return `${iso(i)}\t${uuid()}\tINFO\t${JSON.stringify({ Session: { accountName: w }, transactionId: tx, amount: amount() })}`;
      case 5: // transactionId null
        return formatFor(w, payload(w, null, amount()), i);
      case 6: // plain text, no JSON at all
        return `${iso(i)}\t${uuid()}\tERROR\tfalha ao registrar transactionId=${tx} conta ${w}`;
      default: // Lambda JSON format whose message string is broken JSON
        return JSON.stringify({
          timestamp: iso(i),
          level: "INFO",
          requestId: uuid(),
          message: `{"Session":{"accountName":"${w}"},"Payload":{"body":{"transactionId":"${tx}",`,
        });
    }
  };

  const noise = (i) => {
    const req = uuid();
    switch (int(8)) {
      case 0:
        return `START RequestId: ${req} Version: $LATEST`;
      case 1:
        return `END RequestId: ${req}`;
      case 2:
        return `REPORT RequestId: ${req}\tDuration: ${(rand() * 900).toFixed(2)} ms\tBilled Duration: ${1 + int(900)} ms\tMemory Size: 128 MB\tMax Memory Used: ${60 + int(40)} MB`;
      case 3:
      case 4:
        return `${iso(i)}\t${req}\tINFO\t${pick(NOISE_TEXT)}`;
      case 5:
        return JSON.stringify({ timestamp: iso(i), level: "INFO", requestId: req, message: pick(NOISE_TEXT) });
      case 6: // another Pix event (a CashIn): Session and Payload, no transactionId
        return format(
          {
            Session: { accountName: rand() < 0.1 ? pick(WATCHED) : otherAccount(), sessionId: `sess-${hex(12)}` },
            Payload: { body: { endToEndId: `E${hex(20)}`, amount: amount() } },
          },
          i,
          shape(),
        );
      default:
        return `[WARNING]\t${iso(i)}\t${req}\tlatência alta no SPI: ${int(5000)} ms`;
    }
  };

  // The classes above rely on it: a random id that happened to contain a watched account would change them.
  const mustNotNameWatched = (message) => {
    if (WATCHED.some((w) => message.includes(w))) throw new Error(`corpus: a line meant for another account names a watched one: ${message}`);
  };

  // Where each kind of line starts in [0, 1): watched CashOuts, watched broken lines, other accounts'
  // CashOuts naming a watched account, other accounts' broken lines (plain, then naming a watched
  // account), other accounts' CashOuts; noise above the last.
  const [cWatched, cBroken, cNaming, cOtherBroken, cOtherBrokenNaming, cOther] = sparse
    ? [0.01, 0.0105, 0.011, 0.0115, 0.012, 0.05]
    : [0.05, 0.051, 0.052, 0.054, 0.0545, 0.5];
  const events = new Array(count);
  for (let i = 0; i < count; i++) {
    const r = rand();
    let message;
    let kind = "other";
    let account = null;
    let amt = 0;
    if (r < cWatched) {
      kind = "cashout";
      account = pick(WATCHED);
      amt = amount();
      message = formatFor(account, payload(account, txId(i), amt), i);
    } else if (r < cBroken) {
      kind = "broken";
      account = pick(WATCHED);
      message = malformedWatched(i, account);
    } else if (r < cNaming) {
      // Another account's CashOut whose description names a watched account: read, not matched.
      kind = "cashout";
      account = otherAccount();
      amt = amount();
      message = format(payload(account, txId(i), amt, { description: `ref. conta ${pick(WATCHED)}` }), i, shape());
    } else if (r < cOtherBroken) {
      // Another account's unreadable CashOut: not ours to count.
      kind = "broken";
      account = otherAccount();
      message = format(payload(account, txId(i), 99.9), i, shape());
      mustNotNameWatched(message);
    } else if (r < cOtherBrokenNaming) {
      // Another account's unreadable CashOut that names a watched account: still not ours to count.
      kind = "broken";
      account = otherAccount();
      message = format(payload(account, txId(i), "12,50", { description: `estorno p/ ${pick(WATCHED)}` }), i, shape());
    } else if (r < cOther) {
      kind = "cashout";
      account = otherAccount();
      amt = amount();
      message = format(payload(account, txId(i), amt), i, shape());
      mustNotNameWatched(message);
    } else {
      message = noise(i);
    }
    events[i] = { id: String(i + 1), message, kind, account, amount: amt };
  }
  return { events, expected: expectedFor(events) };
}

/**
 * What the handler must report for these events under a watch list (`*`: every
 * account), or under rules (`minAmount`: one rule on every account from that
 * amount, as the every-account benchmark configures): scanned, matched,
 * malformed, total centavos (BigInt). `filtered`: only the events the server-side
 * filter pattern lets through are read.
 * @param {ReadonlyArray<{ kind: string, account: string | null, amount: number, message: string }>} events
 * @param {{ accounts?: readonly string[], minAmount?: number, filtered?: boolean }} [options]
 */
export function expectedFor(events, { accounts = WATCHED, minAmount, filtered = false } = {}) {
  const every = minAmount !== undefined || accounts.includes("*");
  const watched = new Set(accounts);
  let scanned = 0;
  let matched = 0;
  let malformed = 0;
  let totalCentavos = 0n;
  for (const e of events) {
    if (filtered && !e.message.includes("transactionId")) continue;
    scanned++;
    const ours = every || (e.account !== null && watched.has(e.account));
    if (e.kind === "cashout" && ours && (minAmount === undefined || e.amount >= minAmount)) {
      matched++;
      totalCentavos += BigInt(e.amount);
    } else if (e.kind === "broken" && ours) malformed++;
  }
  return { scanned, matched, malformed, totalCentavos };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const count = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--out") ?? DEFAULT_COUNT);
  const { events, expected } = generateCorpus({ count, sparse: args.includes("--sparse") });
  if (out) writeFileSync(out, `${events.map((e) => JSON.stringify(e.message)).join("\n")}\n`);
  const all = expectedFor(events, { accounts: ["*"] });
  console.log(
    JSON.stringify({
      ...expected,
      totalCentavos: expected.totalCentavos.toString(),
      everyAccount: { ...all, totalCentavos: all.totalCentavos.toString() },
      cashOutLines: events.filter((e) => e.message.includes("transactionId")).length,
      watched: WATCHED,
    }),
  );
}
