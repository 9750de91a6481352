// Which accounts alert. The cheap substring test lets the hot loop skip
// JSON.parse for lines that cannot name a watched account.

export interface WatchList {
  readonly everyAccount: boolean;
  readonly accounts: ReadonlySet<string>;
  /** How a watched account can be spelled inside a raw log line. */
  readonly needles: readonly string[];
}

/**
 * A name as it may stand in a line's JSON: as is, JSON-escaped (quotes,
 * backslashes, control characters), and with non-ASCII as \uXXXX, which
 * Python's json.dumps writes by default.
 */
function spellings(account: string): string[] {
  const escaped = JSON.stringify(account).slice(1, -1);
  const ascii = escaped.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return [...new Set([account, escaped, ascii])];
}

export function watchList(accounts: readonly string[]): WatchList {
  const everyAccount = accounts.includes("*");
  const named = everyAccount ? [] : accounts;
  return { everyAccount, accounts: new Set(named), needles: [...new Set(named.flatMap(spellings))] };
}

export function isWatched(list: WatchList, account: string): boolean {
  return list.everyAccount || list.accounts.has(account);
}

/** False only when the raw line cannot be a CashOut of a watched account. */
export function mayMentionWatched(list: WatchList, message: string): boolean {
  if (list.everyAccount) return true;
  for (const needle of list.needles) {
    if (message.includes(needle)) return true;
  }
  return false;
}
