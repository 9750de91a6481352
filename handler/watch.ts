// Which accounts alert. The cheap substring test lets the hot loop skip
// JSON.parse for lines that cannot name a watched account.

export interface WatchList {
  readonly everyAccount: boolean;
  readonly accounts: ReadonlySet<string>;
}

export function watchList(accounts: readonly string[]): WatchList {
  const everyAccount = accounts.includes("*");
  return { everyAccount, accounts: new Set(everyAccount ? [] : accounts) };
}

export function isWatched(list: WatchList, account: string): boolean {
  return list.everyAccount || list.accounts.has(account);
}

/** False only when the raw line cannot be a CashOut of a watched account. */
export function mayMentionWatched(list: WatchList, message: string): boolean {
  if (list.everyAccount) return true;
  for (const account of list.accounts) {
    if (message.includes(account)) return true;
  }
  return false;
}
