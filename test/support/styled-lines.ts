// Pix log lines written the way other languages' loggers write JSON
// (scripts/lib/json-styles.mjs): Python's json.dumps, .NET's System.Text.Json,
// PHP's json_encode, and JSON.stringify, in every accepted log form.
import { encodeJson, JSON_STYLES, type JsonStyle } from "../../scripts/lib/json-styles.mjs";
import { pixPayload, type CashOutSpec, type LineFormat } from "./pix-lines.js";

export { encodeJson, JSON_STYLES, type JsonStyle };

export const LINE_FORMATS: readonly LineFormat[] = ["node", "python", "lambda-json", "lambda-json-string", "bare"];

/**
 * A CashOut line whose payload JSON is written in `inner` style; for the Lambda
 * JSON log format, the runtime's wrapper is written in `outer` style (so a string
 * message holds the payload escaped twice, as `Jo\\u00e3o`).
 */
export function styledLine(c: CashOutSpec, format: LineFormat, inner: JsonStyle, outer: JsonStyle = "js", payload: unknown = pixPayload(c)): string {
  const when = "2026-11-27T12:00:00.000Z";
  const req = c.requestId ?? `req-${c.transactionId}`;
  switch (format) {
    case "node":
      return `${when}\t${req}\tINFO\t${encodeJson(payload, inner)}`;
    case "python":
      return `[INFO]\t${when}\t${req}\t${encodeJson(payload, inner)}`;
    case "lambda-json":
      return encodeJson({ timestamp: when, level: "INFO", requestId: req, message: payload }, inner);
    case "lambda-json-string":
      return encodeJson({ timestamp: when, level: "INFO", requestId: req, message: encodeJson(payload, inner) }, outer);
    case "bare":
      return encodeJson(payload, inner);
  }
}

/** Account names that need escaping somewhere: quotes, backslashes, `/`, non-ASCII, astral, control and HTML characters. */
export const TRICKY_ACCOUNTS: readonly string[] = [
  "João da Silva",
  "Tesouraria São Paulo/01",
  'acme "br"',
  "back\\slash\\",
  "C:\\\\share\\\\",
  "emoji 😀 conta",
  "tab\there",
  "<script>&'+`",
  "ñandú-ä-ö-ü-€",
  "\\u00e3 literal",
  "accountName",
];
