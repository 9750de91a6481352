// Realistic Pix log lines in every form the handler accepts (README "Log lines"), and the
// watched account every unit and integration test uses.
import type { Seed } from "./aws-fixtures.js";

/** The account the tests watch (PXSTREAM_WATCHED_ACCOUNTS). */
export const WATCHED = "23463567342345";

export type LineFormat = "node" | "python" | "lambda-json" | "lambda-json-string" | "bare";

export interface CashOutSpec {
  readonly account: string;
  readonly amount: unknown;
  readonly transactionId: string;
  readonly receiverKey?: string;
  readonly requestId?: string;
}

export function pixPayload(c: CashOutSpec): Record<string, unknown> {
  return {
    Session: { accountName: c.account, sessionId: `sess-${c.transactionId}` },
    Payload: {
      body: {
        transactionId: c.transactionId,
        amount: c.amount,
        receiverKeyValue: c.receiverKey ?? "123.456.789-09",
        qrCodeIdentifier: null,
        scheduledDate: null,
        description: "pagamento",
      },
    },
  };
}

export function pixLine(c: CashOutSpec, format: LineFormat = "node", when = "2026-11-27T12:00:00.000Z"): string {
  const req = c.requestId ?? `req-${c.transactionId}`;
  const json = JSON.stringify(pixPayload(c));
  switch (format) {
    case "node":
      return `${when}\t${req}\tINFO\t${json}`;
    case "python":
      return `[INFO]\t${when}\t${req}\t${json}`;
    case "lambda-json":
      return JSON.stringify({ timestamp: when, level: "INFO", requestId: req, message: pixPayload(c) });
    case "lambda-json-string":
      return JSON.stringify({ timestamp: when, level: "INFO", requestId: req, message: json });
    case "bare":
      return json;
  }
}

/** A CashOut log event (as put to CloudWatch Logs) from `account`, in the Node.js text format unless told. */
export function cashOut(
  tx: string,
  amount: unknown,
  ts: number,
  account = WATCHED,
  opts: { readonly format?: LineFormat; readonly receiverKey?: string } = {},
): Seed {
  const spec: CashOutSpec =
    opts.receiverKey === undefined ? { account, amount, transactionId: tx } : { account, amount, transactionId: tx, receiverKey: opts.receiverKey };
  return { timestamp: ts, message: pixLine(spec, opts.format) };
}

export const NOISE = [
  "START RequestId: 6f1c2b7e-1111-4c4c-9d9d-000000000001 Version: $LATEST",
  "END RequestId: 6f1c2b7e-1111-4c4c-9d9d-000000000001",
  "REPORT RequestId: 6f1c2b7e-1111-4c4c-9d9d-000000000001\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB",
  "2026-11-27T12:00:00.000Z\treq-x\tINFO\tconnecting to pix gateway",
  '{"level":"INFO","message":"health check ok"}',
] as const;
