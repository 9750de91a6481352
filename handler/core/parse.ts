// Reads one CloudWatch log message into a CashOut. Never throws: every line is
// a CashOut, something else (skipped), or malformed (counted).

import { isValidAmount } from "./money.js";

export type ParsedLine =
  | { readonly kind: "cashout"; readonly fields: CashOutFields }
  | { readonly kind: "other" }
  /** `account`: Session.accountName, when the line got far enough to read it (collect counts only watched ones). */
  | { readonly kind: "malformed"; readonly reason: string; readonly account?: string };

export interface CashOutFields {
  readonly account: string;
  readonly amount: number;
  readonly transactionId: string;
  readonly receiverKey: string | undefined;
  readonly requestId: string | undefined;
}

const OTHER: ParsedLine = { kind: "other" };

/**
 * The CloudWatch Logs filter pattern that keeps exactly the lines parseLine can
 * read as anything but `other`: every such line contains `transactionId`, an
 * alphanumeric term that JSON never escapes and always sets between quotes
 * (README, Performance, says why the pattern cannot miss a CashOut).
 */
export const CASHOUT_FILTER_PATTERN = '"transactionId"';

function malformed(reason: string, account?: string): ParsedLine {
  return account === undefined ? { kind: "malformed", reason } : { kind: "malformed", reason, account };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Where the Pix payload sits in a line, and the Lambda request id beside it. */
interface Located {
  readonly json: string | Json;
  readonly requestId: string | undefined;
}

/**
 * Finds the JSON payload in the four accepted forms: Node text
 * (`ts\treqId\tLEVEL\t{json}`), Python text (`[LEVEL]\tts\treqId\t{json}`),
 * Lambda JSON log format (payload in `message`) and a bare JSON object.
 */
function locate(message: string): Located | ParsedLine {
  const trimmed = message.trim();
  if (trimmed.startsWith("{")) {
    const parsed = tryJson(trimmed);
    if (!parsed.ok || !isObject(parsed.value)) return malformed("invalid JSON");
    const obj = parsed.value;
    if ("Session" in obj || "Payload" in obj) return { json: obj, requestId: undefined };
    const requestId = typeof obj.requestId === "string" ? obj.requestId : undefined;
    const inner = obj.message;
    if (isObject(inner)) return { json: inner, requestId };
    if (typeof inner === "string") {
      const start = inner.indexOf("{");
      if (start < 0) return OTHER;
      return { json: inner.slice(start), requestId };
    }
    return OTHER;
  }
  // The fields split on tabs, by position rather than split(): only the first three and the last are read.
  const tab1 = message.indexOf("\t");
  if (tab1 < 0) return OTHER;
  const last = message.slice(message.lastIndexOf("\t") + 1).trim();
  if (!last.startsWith("{")) return OTHER;
  const first = message.slice(0, tab1);
  const isPython = first.startsWith("[") && first.endsWith("]");
  const tab2 = message.indexOf("\t", tab1 + 1);
  let field: string | undefined;
  if (!isPython) field = message.slice(tab1 + 1, tab2 < 0 ? message.length : tab2);
  else if (tab2 >= 0) {
    const tab3 = message.indexOf("\t", tab2 + 1);
    field = message.slice(tab2 + 1, tab3 < 0 ? message.length : tab3);
  }
  const requestId = field?.trim();
  return { json: last, requestId: requestId === "" ? undefined : requestId };
}

function str(v: unknown): string | undefined {
  if (typeof v === "string" && v.trim() !== "") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Classifies one log message. A line that mentions `transactionId` looks like a
 * CashOut: if it cannot be read as one it is malformed; lines that do not are
 * START/END/REPORT, other Pix events or noise.
 */
export function parseLine(message: string): ParsedLine {
  if (!message.includes("transactionId")) return OTHER;
  const located = locate(message);
  if ("kind" in located) return located.kind === "other" ? malformed("no JSON payload") : located;
  let payload: unknown = located.json;
  if (typeof payload === "string") {
    const parsed = tryJson(payload);
    if (!parsed.ok) return malformed("invalid JSON");
    payload = parsed.value;
  }
  if (!isObject(payload)) return malformed("payload is not an object");
  const session = payload.Session;
  const envelope = payload.Payload;
  // The account first: a malformed line counts only when it is a watched account's (or nobody can tell whose).
  const account = isObject(session) ? str(session.accountName) : undefined;
  if (!isObject(session) || !isObject(envelope)) return malformed("missing Session or Payload", account);
  let body: unknown = envelope.body;
  if (typeof body === "string") {
    const parsed = tryJson(body);
    if (!parsed.ok) return malformed("Payload.body is not JSON", account);
    body = parsed.value;
  }
  if (!isObject(body)) return malformed("missing Payload.body", account);
  const transactionId = str(body.transactionId);
  if (transactionId === undefined) return malformed("missing transactionId", account);
  if (account === undefined) return malformed("missing Session.accountName");
  const amount = body.amount;
  if (!isValidAmount(amount)) {
    return malformed("amount is not a positive integer of centavos", account);
  }
  const receiverKey = typeof body.receiverKeyValue === "string" ? body.receiverKeyValue : undefined;
  return {
    kind: "cashout",
    fields: { account, amount, transactionId, receiverKey, requestId: located.requestId },
  };
}
