import type { CashOut } from "./cash-out.js";

export interface AccountTotal {
  readonly account: string;
  readonly count: number;
  readonly total: bigint;
}

export interface Totals {
  readonly count: number;
  readonly total: bigint;
}

export function totalsOf(cashOuts: readonly CashOut[]): Totals {
  let total = 0n;
  for (const c of cashOuts) total += BigInt(c.amount);
  return { count: cashOuts.length, total };
}

/** Count and total per account, the largest total first (ties by account name). */
export function perAccount(cashOuts: readonly CashOut[]): AccountTotal[] {
  const by = new Map<string, { count: number; total: bigint }>();
  for (const c of cashOuts) {
    const cur = by.get(c.account);
    if (cur) {
      cur.count++;
      cur.total += BigInt(c.amount);
    } else {
      by.set(c.account, { count: 1, total: BigInt(c.amount) });
    }
  }
  return [...by.entries()]
    .map(([account, v]) => ({ account, count: v.count, total: v.total }))
    .sort((a, b) => (a.total === b.total ? a.account.localeCompare(b.account) : a.total > b.total ? -1 : 1));
}
