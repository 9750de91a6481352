// Money is integer centavos end to end. Totals are bigint so sums stay exact past 2^53.

const NBSP = "\u00a0";

/** Groups the digits of a non-negative integer string with "." every three, as pt-BR does. */
function groupThousands(digits: string): string {
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ".";
    out += digits[i];
  }
  return out;
}

/**
 * Formats centavos as BRL exactly as
 * `new Intl.NumberFormat('pt-BR', {style: 'currency', currency: 'BRL'})` does
 * (`R$ 1.234,56`, no-break space), without going through floating point.
 */
export function formatBRL(centavos: bigint | number): string {
  const value = typeof centavos === "bigint" ? centavos : BigInt(centavos);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const reais = (abs / 100n).toString();
  const cents = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}R$${NBSP}${groupThousands(reais)},${cents}`;
}

/** True when `n` is a whole number of centavos that JSON could carry exactly and that can be money sent. */
export function isValidAmount(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0;
}
