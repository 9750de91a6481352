// The configuration document (README "Rules"): the watch list with labels and
// the alert rules. Validated completely before anything is read or posted:
// every problem, unknown fields included, is listed in one error, because the
// operator fixes a document in one edit, not one problem per failed run.

/** Which accounts a rule looks at. */
export type AccountSelector = { readonly kind: "watched" } | { readonly kind: "every" } | { readonly kind: "list"; readonly accounts: readonly string[] };

export type WindowSpec =
  | { readonly minutes: number; readonly count: number; readonly sum?: undefined }
  | { readonly minutes: number; readonly sum: number; readonly count?: undefined };

export type Mention =
  | { readonly kind: "here" }
  | { readonly kind: "channel" }
  | { readonly kind: "user"; readonly id: string }
  | { readonly kind: "group"; readonly id: string };

export interface RuleSpec {
  readonly name: string;
  readonly accounts: AccountSelector;
  readonly minAmount?: number;
  /** [from, to): hours 0–23 in America/Sao_Paulo; from > to runs past midnight. */
  readonly hours?: readonly [number, number];
  readonly window?: WindowSpec;
  readonly newReceiver?: { readonly days: number };
  readonly mention?: Mention;
}

export interface ConfigDocument {
  /** Watched account → label ("" for none), in document order. */
  readonly accounts: ReadonlyMap<string, string>;
  readonly rules: readonly RuleSpec[];
  /** False when the document has no `rules`: the one implicit rule "watched" (the behaviour before rules existed). */
  readonly explicitRules: boolean;
}

export type DocumentResult = { readonly ok: true; readonly document: ConfigDocument } | { readonly ok: false; readonly problems: readonly string[] };

/** Bounds of the document. They keep the rule state (README "Rules", state bounds) and the messages bounded. */
export const DOCUMENT_LIMITS = {
  accounts: 100_000,
  accountChars: 256,
  labelChars: 80,
  rules: 50,
  nameChars: 64,
  windowMinutes: 1_440,
  windowCount: 500,
  newReceiverDays: 365,
} as const;

/** The rule every document without `rules` has: every watched account, every CashOut. */
export const IMPLICIT_RULE: RuleSpec = { name: "watched", accounts: { kind: "watched" } };

const TOP_FIELDS = ["accounts", "rules"] as const;
const RULE_FIELDS = ["name", "accounts", "minAmount", "hours", "window", "newReceiver", "mention"] as const;
const WINDOW_FIELDS = ["minutes", "count", "sum"] as const;
const NEW_RECEIVER_FIELDS = ["days"] as const;
const USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const GROUP_ID = /^S[A-Z0-9]{2,20}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Levenshtein distance, small strings only: for "did you mean" hints on unknown fields. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] ?? 0;
      row[j] = Math.min(up + 1, (row[j - 1] ?? 0) + 1, diag + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] ?? 0;
}

function unknownFields(obj: Record<string, unknown>, known: readonly string[], where: string, problems: string[]): void {
  for (const field of Object.keys(obj)) {
    if (known.includes(field)) continue;
    const near = known.find((k) => distance(field, k) <= 2);
    const hint = near === undefined ? `known fields: ${known.join(", ")}` : `did you mean "${near}"?`;
    problems.push(`${where}: unknown field ${JSON.stringify(field)} (${hint})`);
  }
}

function wholeNumber(v: unknown, min: number, max: number): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
}

function accountName(v: unknown): v is string {
  return typeof v === "string" && v.trim() !== "" && v === v.trim() && v.length <= DOCUMENT_LIMITS.accountChars;
}

function readAccounts(v: unknown, problems: string[]): Map<string, string> {
  const accounts = new Map<string, string>();
  if (v === undefined) return accounts;
  if (!isRecord(v)) {
    problems.push(`accounts must be an object mapping account names to labels, e.g. {"23463567342345": "Tesouraria"} (got ${kind(v)})`);
    return accounts;
  }
  const entries = Object.entries(v);
  if (entries.length > DOCUMENT_LIMITS.accounts) problems.push(`accounts has ${entries.length} entries; at most ${DOCUMENT_LIMITS.accounts} are allowed`);
  let badNames = 0;
  let badLabels = 0;
  for (const [account, label] of entries) {
    // Thousands of accounts: name the first few offenders, count the rest, so the error stays readable.
    if (account === "*") {
      problems.push('accounts: "*" is not an account; a rule with "accounts": "*" looks at every account');
      continue;
    }
    if (!accountName(account)) {
      if (badNames++ < 5)
        problems.push(
          `accounts: ${JSON.stringify(account)} is not an account name (non-empty, no surrounding spaces, at most ${DOCUMENT_LIMITS.accountChars} characters)`,
        );
      continue;
    }
    if (typeof label !== "string" || label.length > DOCUMENT_LIMITS.labelChars) {
      if (badLabels++ < 5)
        problems.push(`accounts.${account}: the label must be a string of at most ${DOCUMENT_LIMITS.labelChars} characters ("" for none; got ${kind(label)})`);
      continue;
    }
    accounts.set(account, label);
  }
  if (badNames > 5) problems.push(`accounts: ${badNames - 5} more invalid account names`);
  if (badLabels > 5) problems.push(`accounts: ${badLabels - 5} more invalid labels`);
  return accounts;
}

function readSelector(v: unknown, where: string, problems: string[]): AccountSelector {
  if (v === undefined || v === "watched") return { kind: "watched" };
  if (v === "*") return { kind: "every" };
  if (!Array.isArray(v)) {
    problems.push(`${where}.accounts must be "watched", "*" or a list of account names (got ${kind(v)})`);
    return { kind: "watched" };
  }
  if (v.length === 0) problems.push(`${where}.accounts is an empty list: the rule would match nothing`);
  if (v.length > DOCUMENT_LIMITS.accounts) problems.push(`${where}.accounts lists ${v.length} accounts; at most ${DOCUMENT_LIMITS.accounts} are allowed`);
  const seen = new Set<string>();
  for (const [i, a] of v.entries()) {
    if (a === "*") problems.push(`${where}.accounts[${i}]: write "accounts": "*" (not inside a list) for every account`);
    else if (!accountName(a)) problems.push(`${where}.accounts[${i}] is not an account name (got ${kind(a)})`);
    else if (seen.has(a)) problems.push(`${where}.accounts lists ${JSON.stringify(a)} twice`);
    else seen.add(a);
  }
  return { kind: "list", accounts: [...seen] };
}

function readHours(v: unknown, where: string, problems: string[]): readonly [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2) {
    problems.push(`${where}.hours must be [from, to], two hours 0–23 in America/Sao_Paulo, e.g. [20, 6] (got ${kind(v)})`);
    return undefined;
  }
  const [from, to] = v as unknown[];
  let ok = true;
  for (const [label, h] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (!wholeNumber(h, 0, 23)) {
      problems.push(`${where}.hours: ${label} must be a whole hour from 0 to 23 (got ${kind(h)})`);
      ok = false;
    }
  }
  if (ok && from === to) {
    problems.push(`${where}.hours: from and to are both ${String(from)}; omit hours for the whole day`);
    ok = false;
  }
  return ok ? [from as number, to as number] : undefined;
}

function readWindow(v: unknown, where: string, problems: string[]): WindowSpec | undefined {
  if (v === undefined) return undefined;
  const at = `${where}.window`;
  if (!isRecord(v)) {
    problems.push(`${at} must be {"minutes": M, "count": N} or {"minutes": M, "sum": S} (got ${kind(v)})`);
    return undefined;
  }
  unknownFields(v, WINDOW_FIELDS, at, problems);
  let ok = true;
  if (!wholeNumber(v.minutes, 1, DOCUMENT_LIMITS.windowMinutes)) {
    problems.push(`${at}.minutes must be a whole number of minutes from 1 to ${DOCUMENT_LIMITS.windowMinutes} (got ${kind(v.minutes)})`);
    ok = false;
  }
  const hasCount = v.count !== undefined;
  const hasSum = v.sum !== undefined;
  if (hasCount && hasSum) {
    problems.push(`${at} has both count and sum: a window counts CashOuts or sums their amounts, give one`);
    return undefined;
  }
  if (!hasCount && !hasSum) {
    problems.push(`${at} needs count (CashOuts) or sum (centavos)`);
    return undefined;
  }
  if (hasCount && !wholeNumber(v.count, 2, DOCUMENT_LIMITS.windowCount)) {
    problems.push(`${at}.count must be a whole number from 2 to ${DOCUMENT_LIMITS.windowCount} (got ${kind(v.count)})`);
    ok = false;
  }
  if (hasSum && !wholeNumber(v.sum, 1, Number.MAX_SAFE_INTEGER)) {
    problems.push(`${at}.sum must be a positive whole number of centavos (R$ 1.000,00 is 100000; got ${kind(v.sum)})`);
    ok = false;
  }
  if (!ok) return undefined;
  const minutes = v.minutes as number;
  return hasCount ? { minutes, count: v.count as number } : { minutes, sum: v.sum as number };
}

function readNewReceiver(v: unknown, where: string, problems: string[]): { days: number } | undefined {
  if (v === undefined) return undefined;
  const at = `${where}.newReceiver`;
  if (!isRecord(v)) {
    problems.push(`${at} must be {"days": D} (got ${kind(v)})`);
    return undefined;
  }
  unknownFields(v, NEW_RECEIVER_FIELDS, at, problems);
  if (!wholeNumber(v.days, 1, DOCUMENT_LIMITS.newReceiverDays)) {
    problems.push(`${at}.days must be a whole number of days from 1 to ${DOCUMENT_LIMITS.newReceiverDays} (got ${kind(v.days)})`);
    return undefined;
  }
  return { days: v.days };
}

function readMention(v: unknown, where: string, problems: string[]): Mention | undefined {
  if (v === undefined) return undefined;
  if (v === "here") return { kind: "here" };
  if (v === "channel") return { kind: "channel" };
  if (typeof v === "string" && USER_ID.test(v)) return { kind: "user", id: v };
  if (typeof v === "string" && GROUP_ID.test(v)) return { kind: "group", id: v };
  problems.push(`${where}.mention must be "here", "channel", a Slack user id (U…/W…) or a user group id (S…) (got ${kind(v)})`);
  return undefined;
}

function readRule(v: unknown, i: number, names: Map<string, number>, problems: string[]): RuleSpec | undefined {
  if (!isRecord(v)) {
    problems.push(`rules[${i}] must be an object with at least a name (got ${kind(v)})`);
    return undefined;
  }
  const name = v.name;
  const where = typeof name === "string" && name.trim() !== "" ? `rules[${i}] (${JSON.stringify(name)})` : `rules[${i}]`;
  const before = problems.length;
  unknownFields(v, RULE_FIELDS, where, problems);
  if (typeof name !== "string" || name.trim() === "") problems.push(`${where}.name is required: a non-empty string shown in the message`);
  else if (name.length > DOCUMENT_LIMITS.nameChars) problems.push(`${where}.name is longer than ${DOCUMENT_LIMITS.nameChars} characters`);
  else if (names.has(name)) problems.push(`${where}.name ${JSON.stringify(name)} is also the name of rules[${names.get(name)}]: names must be unique`);
  else names.set(name, i);
  const accounts = readSelector(v.accounts, where, problems);
  let minAmount: number | undefined;
  if (v.minAmount !== undefined) {
    if (wholeNumber(v.minAmount, 1, Number.MAX_SAFE_INTEGER)) minAmount = v.minAmount;
    else problems.push(`${where}.minAmount must be a positive whole number of centavos (R$ 50.000,00 is 5000000; got ${kind(v.minAmount)})`);
  }
  const hours = readHours(v.hours, where, problems);
  const window = readWindow(v.window, where, problems);
  const newReceiver = readNewReceiver(v.newReceiver, where, problems);
  const mention = readMention(v.mention, where, problems);
  if (problems.length > before || typeof name !== "string") return undefined;
  return {
    name,
    accounts,
    ...(minAmount !== undefined ? { minAmount } : {}),
    ...(hours !== undefined ? { hours } : {}),
    ...(window !== undefined ? { window } : {}),
    ...(newReceiver !== undefined ? { newReceiver } : {}),
    ...(mention !== undefined ? { mention } : {}),
  };
}

/** Checks a parsed document. Every problem is reported, each naming where it is. */
export function validateConfigDocument(value: unknown): DocumentResult {
  const problems: string[] = [];
  if (!isRecord(value)) return { ok: false, problems: [`the document must be a JSON object with "accounts" and optionally "rules" (got ${kind(value)})`] };
  unknownFields(value, TOP_FIELDS, "the document", problems);
  const accounts = readAccounts(value.accounts, problems);
  const explicitRules = value.rules !== undefined;
  const rules: RuleSpec[] = [];
  if (explicitRules) {
    if (!Array.isArray(value.rules)) problems.push(`rules must be a list of rules (got ${kind(value.rules)})`);
    else if (value.rules.length === 0)
      problems.push("rules is an empty list: nothing would ever be reported (omit rules to alert on every CashOut of the watched accounts)");
    else {
      if (value.rules.length > DOCUMENT_LIMITS.rules) problems.push(`rules has ${value.rules.length} rules; at most ${DOCUMENT_LIMITS.rules} are allowed`);
      const names = new Map<string, number>();
      for (const [i, r] of value.rules.entries()) {
        const rule = readRule(r, i, names, problems);
        if (rule !== undefined) rules.push(rule);
      }
    }
  } else {
    rules.push(IMPLICIT_RULE);
  }
  // A rule on "watched" with nothing watched can never fire: almost certainly a mistake (a forgotten or misnamed "accounts").
  // (Only when none was given: invalid entries or a wrong shape are already reported, each.)
  const given = value.accounts === undefined ? 0 : isRecord(value.accounts) ? Object.keys(value.accounts).length : -1;
  if (given === 0) {
    if (!explicitRules)
      problems.push('accounts is empty and there are no rules: nothing would ever be reported (add accounts, or a rule with "accounts": "*")');
    for (const [i, r] of Array.isArray(value.rules) ? value.rules.entries() : []) {
      if (isRecord(r) && (r.accounts === undefined || r.accounts === "watched")) {
        const name = typeof r.name === "string" ? ` (${JSON.stringify(r.name)})` : "";
        problems.push(`rules[${i}]${name} looks at the watched accounts, but accounts is empty`);
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, document: { accounts, rules, explicitRules } };
}

/** Parses and checks the document's text (a leading byte-order mark is allowed: editors on Windows add one). */
export function parseConfigDocument(text: string): DocumentResult {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") return { ok: false, problems: ["the document is empty"] };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, problems: [`the document is not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return validateConfigDocument(value);
}

/** The document PXSTREAM_WATCHED_ACCOUNTS stands for: those accounts, unlabelled, and the implicit rule ("*" makes it a rule on every account). */
export function documentFromWatchedAccounts(accounts: readonly string[]): ConfigDocument {
  const every = accounts.includes("*");
  return {
    accounts: new Map(accounts.filter((a) => a !== "*").map((a) => [a, ""])),
    rules: [every ? { name: "watched", accounts: { kind: "every" } } : IMPLICIT_RULE],
    explicitRules: false,
  };
}

/** Slack's markup for a mention: `<!here>`, `<!channel>`, `<@U…>`, `<!subteam^S…>`. */
export function mentionMarkup(m: Mention): string {
  switch (m.kind) {
    case "here":
      return "<!here>";
    case "channel":
      return "<!channel>";
    case "user":
      return `<@${m.id}>`;
    case "group":
      return `<!subteam^${m.id}>`;
  }
}
