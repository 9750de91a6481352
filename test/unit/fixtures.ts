// Shared fixtures for the unit tests: a seeded PRNG, builders for the handler's
// plain data, reference implementations computed without the code under test.

import type { CashOut } from "../../handler/core/cash-out.js";
import type { LogEvent } from "../../handler/core/log-event.js";
import { prng } from "../../scripts/lib/prng.mjs";
import { WATCHED } from "../support/pix-lines.js";

export { prng };

/** A whole number in [min, max) from a PRNG. */
export function randInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min));
}

export function digits(rand: () => number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(randInt(rand, 0, 10));
  return s;
}

const BRL = new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" });

/** The reference README "The Slack message" names: Intl on reais as a float (exact for |n| below ~1e14 centavos). */
export function intlBRL(centavos: number): string {
  return BRL.format(centavos / 100);
}

/** Intl on the exact decimal string of the amount: the reference for any size, bigint included. */
export function intlBRLExact(centavos: bigint): string {
  const neg = centavos < 0n;
  const abs = neg ? -centavos : centavos;
  const decimal = `${neg ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  return BRL.format(decimal as Intl.StringNumericLiteral);
}

/** 2026-11-27T12:00:00.000Z */
export const T0 = Date.UTC(2026, 10, 27, 12, 0, 0, 0);

/** A parsed CashOut record (what collect returns) of the watched account; log lines come from support/pix-lines.ts. */
export function cashOut(over: Partial<CashOut> & { readonly key: string }): CashOut {
  return {
    timestamp: T0,
    logGroup: "/aws/lambda/pix-payload",
    account: WATCHED,
    amount: 12_345,
    transactionId: `tx-${over.key}`,
    receiverKey: "123.456.789-09",
    requestId: undefined,
    ...over,
  };
}

export function logEvent(message: string, over: Partial<LogEvent> = {}): LogEvent {
  return {
    logGroup: "/aws/lambda/pix-payload",
    logStream: "2026/11/27/[$LATEST]abc",
    id: "0",
    timestamp: T0,
    message,
    ...over,
  };
}

/** One Pix key of every type, raw, with the characters a mask must not reveal in full. */
export const PIX_KEYS = {
  cpfRaw: "12345678909",
  cpfFormatted: "123.456.789-09",
  cnpjRaw: "12345678000195",
  cnpjFormatted: "12.345.678/0001-95",
  email: "fulano.silva@empresa.com.br",
  phone: "+5511987654321",
  evp: "7d9f0335-8dcc-4054-9bf9-0dbd61d36906",
  unknown: "chave-que-nao-e-de-tipo-nenhum",
} as const;

/** Strings that try to break Slack mrkdwn or a code span. */
export const HOSTILE_NAMES = ["conta`<!channel>`", "<@U123|x> & <http://evil|click>", "linha1\nlinha2\r\n*bold*", "&amp;&lt;&gt;"] as const;
