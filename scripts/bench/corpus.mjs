// A deterministic benchmark corpus of CloudWatch log messages in every form
// README "Log lines" accepts, and the figures the handler must report for it.
//
//   node scripts/bench/corpus.mjs [count] [--out file.jsonl]
//
// prints the expected figures (and writes the messages as JSON lines).
//
// Every event is one of:
//   watched    a readable CashOut of a watched account: matched, amount summed
//   malformed  a line naming `transactionId` and a watched account that cannot
//              be read as a CashOut (core/collect.ts counts exactly these)
//   other      everything else: other accounts' CashOuts (readable or not),
//              Lambda START/END/REPORT lines, plain text, non-CashOut Pix
//              events, and lines that name a watched account without being
//              its CashOut
// The class is decided when the line is built, not by running handler code,
// so the benchmark checks the handler against an independent answer.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { prng } from "../lib/prng.mjs";

export const WATCHED = ["23463567342345", "11122233344455"];
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

export function generateCorpus({ count = DEFAULT_COUNT, seed = DEFAULT_SEED } = {}) {
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
  const format = (obj, i, shape) => {
    const req = uuid();
    switch (shape) {
      case 0:
        return `${iso(i)}\t${req}\tINFO\t${JSON.stringify(obj)}`;
      case 1:
        return `[INFO]\t${iso(i)}\t${req}\t${JSON.stringify(obj)}`;
      case 2:
        return JSON.stringify({ timestamp: iso(i), level: "INFO", requestId: req, message: obj });
      case 3:
        return JSON.stringify({ timestamp: iso(i), level: "INFO", requestId: req, message: JSON.stringify(obj) });
      default:
        return JSON.stringify(obj);
    }
  };
  const shape = () => int(5);

  // Lines that name `transactionId` and a watched account but are no readable CashOut.
  const malformedWatched = (i) => {
    const w = pick(WATCHED);
    const tx = txId(i);
    switch (int(8)) {
      case 0: // centavos must be integers
        return format(payload(w, tx, 12.5), i, shape());
      case 1: // amount as text
        return format(payload(w, tx, "1500"), i, shape());
      case 2: // negative amount
        return format(payload(w, tx, -amount()), i, shape());
      case 3: // truncated line (the log agent cut it)
        return `${iso(i)}\t${uuid()}\tINFO\t${JSON.stringify(payload(w, tx, amount())).slice(0, 125 + int(60))}`;
      case 4: // no Payload envelope
        return `${iso(i)}\t${uuid()}\tINFO\t${JSON.stringify({ Session: { accountName: w }, transactionId: tx, amount: amount() })}`;
      case 5: // transactionId null
        return format(payload(w, null, amount()), i, shape());
      case 6: // plain text, no JSON at all
        return `${iso(i)}\t${uuid()}\tERROR\tfalha ao registrar transactionId=${tx} conta ${w}`;
      default: // Lambda JSON format whose message string is broken JSON
        return JSON.stringify({ timestamp: iso(i), level: "INFO", requestId: uuid(), message: `{"Session":{"accountName":"${w}"},"Payload":{"body":{"transactionId":"${tx}",` });
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
        return format({ Session: { accountName: rand() < 0.1 ? pick(WATCHED) : otherAccount(), sessionId: `sess-${hex(12)}` }, Payload: { body: { endToEndId: `E${hex(20)}`, amount: amount() } } }, i, shape());
      default:
        return `[WARNING]\t${iso(i)}\t${req}\tlatência alta no SPI: ${int(5000)} ms`;
    }
  };

  // The classes above rely on it: a random id that happened to contain a watched account would change them.
  const mustNotNameWatched = (message) => {
    if (WATCHED.some((w) => message.includes(w))) throw new Error(`corpus: a line meant for another account names a watched one: ${message}`);
  };

  const events = new Array(count);
  let matched = 0;
  let malformed = 0;
  let totalCentavos = 0n;
  let otherCashOuts = 0;
  let otherTotal = 0n;
  for (let i = 0; i < count; i++) {
    const r = rand();
    let message;
    let kind = "other";
    let amt = 0;
    if (r < 0.05) {
      kind = "watched";
      amt = amount();
      message = format(payload(pick(WATCHED), txId(i), amt), i, shape());
    } else if (r < 0.051) {
      kind = "malformed";
      message = malformedWatched(i);
    } else if (r < 0.052) {
      // Another account's CashOut whose description names a watched account: read, not matched.
      const a = amount();
      otherCashOuts++;
      otherTotal += BigInt(a);
      message = format(payload(otherAccount(), txId(i), a, { description: `ref. conta ${pick(WATCHED)}` }), i, shape());
    } else if (r < 0.054) {
      // Another account's unreadable CashOut: not ours to count.
      message = format(payload(otherAccount(), txId(i), 99.9), i, shape());
      mustNotNameWatched(message);
    } else if (r < 0.5) {
      const a = amount();
      otherCashOuts++;
      otherTotal += BigInt(a);
      message = format(payload(otherAccount(), txId(i), a), i, shape());
      mustNotNameWatched(message);
    } else {
      message = noise(i);
    }
    if (kind === "watched") {
      matched++;
      totalCentavos += BigInt(amt);
    } else if (kind === "malformed") {
      malformed++;
    }
    events[i] = { id: String(i + 1), message, kind, amount: amt };
  }
  return { events, expected: expectedFor(events), otherCashOuts, otherTotal };
}

/** What the handler must report for these events: scanned, matched, malformed, total centavos (BigInt). */
export function expectedFor(events) {
  let matched = 0;
  let malformed = 0;
  let totalCentavos = 0n;
  for (const e of events) {
    if (e.kind === "watched") {
      matched++;
      totalCentavos += BigInt(e.amount);
    } else if (e.kind === "malformed") malformed++;
  }
  return { scanned: events.length, matched, malformed, totalCentavos };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf("--out");
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const count = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--out") ?? DEFAULT_COUNT);
  const { events, expected, otherCashOuts, otherTotal } = generateCorpus({ count });
  if (out) writeFileSync(out, `${events.map((e) => JSON.stringify(e.message)).join("\n")}\n`);
  console.log(JSON.stringify({ ...expected, totalCentavos: expected.totalCentavos.toString(), otherCashOuts, otherTotal: otherTotal.toString(), watched: WATCHED }));
}
