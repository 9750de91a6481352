import type { ContextBlock, DividerBlock, HeaderBlock, SectionBlock } from "@slack/types";
import { perAccount, totalsOf, type AccountTotal } from "./aggregate.js";
import { maskPixKey } from "./mask.js";
import { formatBRL } from "./money.js";
import { fullTime, shortTime } from "./time-format.js";
import type { CashOut } from "./cash-out.js";
import type { TimeWindow } from "./plan.js";

export const HEADER = "Relatório de Eventos Pix CashOut";

/** Slack Block Kit limits (https://api.slack.com/reference/block-kit). */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionChars: 3000,
  headerChars: 150,
  contextChars: 3000,
} as const;

/** Event lines listed per message; the rest are counted in "+N mais". */
export const EVENT_LINES_PER_MESSAGE = 20;
/** A burst never becomes more messages than this: further accounts fold into the last one. */
export const MAX_MESSAGES = 10;
const NAME_CHARS = 64;
const LABEL_CHARS = 40;
const RULE_NAME_CHARS = 80;
/** The rule names on one event line, at most this long ("+N" beyond). */
const LINE_RULES_CHARS = 120;
/** Lines are built to stay under these lengths (see eventLine); the cut is a safety net. */
const EVENT_LINE_CHARS = 450;
const RULE_LINE_CHARS = 150;
// mention, header, summary, divider, "+N mais", footer
const FIXED_BLOCKS = 6;
// 20 event lines of at most EVENT_LINE_CHARS: 6 to a section, 4 sections.
const EVENT_SECTIONS = 4;
// 50 rules (the document's bound) of at most RULE_LINE_CHARS: 19 to a section, 3 sections.
const RULE_SECTIONS = 3;
const ACCOUNT_SECTIONS = LIMITS.blocksPerMessage - FIXED_BLOCKS - EVENT_SECTIONS - RULE_SECTIONS;

/** The Block Kit blocks pxstream posts, as Slack's own types define them. */
export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
  /** CashOuts this message reports, and their total: the messages of a run add up to the run's. */
  readonly count: number;
  readonly total: bigint;
  /** Event keys of the CashOuts this message reports (none for a warning). */
  readonly keys?: readonly string[];
}

/** A CashOut to report and why (core/rules.ts's RuleMatch is this type). */
export interface ReportItem {
  readonly cashOut: CashOut;
  /** Names of the rules that matched, in document order. */
  readonly rules: readonly string[];
  /** Slack markup of those rules' mentions (`<!here>`, `<!channel>`, `<@U…>`, `<!subteam^S…>`), in document order, each once. */
  readonly mentions: readonly string[];
}

export interface ReportContext {
  readonly functionName: string;
  readonly logGroups: readonly string[];
  /** The scanned window; null for a push delivery. */
  readonly window: TimeWindow | null;
  /** Account → label, shown beside the account. */
  readonly labels?: ReadonlyMap<string, string>;
  /** The document's rules, in its order: when given, messages name the rules each CashOut matched. */
  readonly rules?: ReadonlyArray<{ readonly name: string; readonly mention?: string | undefined }>;
}

/**
 * Cuts to at most `max` UTF-16 units, `…` included, never between the two
 * halves of a surrogate pair (half an emoji is invalid text).
 */
export function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const last = s.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Escaped text cut to `max`, never inside an entity (`&am`) nor a surrogate pair. */
function escapedCut(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let c = cut(escaped, max).slice(0, -1);
  const amp = c.lastIndexOf("&");
  if (amp >= 0 && !c.includes(";", amp)) c = c.slice(0, amp);
  return `${c}…`;
}

/**
 * Inline code span for a value read from logs: it cannot break out of the span or the message.
 * At most NAME_CHARS once escaped (`&` → `&amp;` grows fivefold), so the block budget holds.
 */
function code(s: string): string {
  return `\`${escapedCut(s.replace(/[`\r\n]/g, "'"), NAME_CHARS)}\``;
}

function eventos(n: number): string {
  return n === 1 ? "1 evento" : `${n} eventos`;
}

/** The top-level text phones show: `Pix CashOut: 3 eventos, R$ 1.234,56`, after the mentions when there are any. */
export function notificationText(count: number, total: bigint, mentions: readonly string[] = []): string {
  const shape = `Pix CashOut: ${eventos(count)}, ${formatBRL(total)}`;
  return mentions.length > 0 ? `${mentions.join(" ")} ${shape}` : shape;
}

/** Packs lines into section texts of at most `max` characters each. */
export function packLines(lines: readonly string[], max: number = LIMITS.sectionChars): string[] {
  const out: string[] = [];
  let cur = "";
  for (const raw of lines) {
    const line = cut(raw, max);
    if (cur === "") cur = line;
    else if (cur.length + 1 + line.length <= max) cur += `\n${line}`;
    else {
      out.push(cur);
      cur = line;
    }
  }
  if (cur !== "") out.push(cur);
  return out;
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function context(text: string): ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: cut(text, LIMITS.contextChars) }] };
}

function header(text: string): HeaderBlock {
  return { type: "header", text: { type: "plain_text", text: cut(text, LIMITS.headerChars), emoji: false } };
}

/** How loudly a rule's mention calls: the channel, then who is here, then a person or group. */
function loudness(mention: string): number {
  if (mention === "<!channel>") return 3;
  if (mention === "<!here>") return 2;
  return 1;
}

function severity(item: ReportItem): number {
  let s = 0;
  for (const m of item.mentions) s = Math.max(s, loudness(m));
  return s;
}

function accountName(account: string, labels: ReadonlyMap<string, string> | undefined): string {
  const label = labels
    ?.get(account)
    ?.replace(/[\r\n]+/g, " ")
    .trim();
  return label ? `${code(account)} (${escapedCut(label, LABEL_CHARS)})` : code(account);
}

function ruleList(names: readonly string[]): string {
  let out = "";
  for (const [i, raw] of names.entries()) {
    const name = escapedCut(raw, RULE_NAME_CHARS);
    const more = names.length - i - 1;
    const next = out === "" ? name : `${out}, ${name}`;
    if (next.length + (more > 0 ? 6 : 0) > LINE_RULES_CHARS && out !== "") return `${out} +${names.length - i}`;
    out = next;
  }
  return out;
}

interface Shown {
  readonly labels: ReadonlyMap<string, string> | undefined;
  readonly rules: boolean;
}

function accountLine(a: AccountTotal, shown: Shown): string {
  return `• ${accountName(a.account, shown.labels)}: ${eventos(a.count)}, ${formatBRL(a.total)}`;
}

// The masked key goes in a code span: its asterisks would otherwise read as mrkdwn bold.
function eventLine(item: ReportItem, shown: Shown): string {
  const c = item.cashOut;
  const key = c.receiverKeyMasked ?? maskPixKey(c.receiverKey);
  const base = `${shortTime(c.timestamp)} · ${accountName(c.account, shown.labels)} · *${formatBRL(c.amount)}* · chave ${code(key)} · tx ${code(c.transactionId)}`;
  const why = shown.rules && item.rules.length > 0 ? ` · ${item.rules.length === 1 ? "regra" : "regras"}: ${ruleList(item.rules)}` : "";
  return cut(`${base}${why}`, EVENT_LINE_CHARS);
}

export function footerText(ctx: ReportContext): string {
  const groups = cut(ctx.logGroups.map(code).join(", "), 1500);
  const when =
    ctx.window === null
      ? "entrega por assinatura do CloudWatch Logs"
      : `janela ${fullTime(ctx.window.start)} – ${fullTime(ctx.window.end)} (horário de Brasília)`;
  return `Função ${code(ctx.functionName)} · grupos ${groups} · ${when}`;
}

/** Splits accounts into the groups each message reports, keeping every message under the block limit. */
function partitionAccounts(accounts: readonly AccountTotal[], shown: Shown): AccountTotal[][] {
  const groups: AccountTotal[][] = [];
  let cur: AccountTotal[] = [];
  let sections = 0;
  let chars = 0;
  for (const a of accounts) {
    const len = accountLine(a, shown).length + 1;
    if (sections === 0) {
      sections = 1;
      chars = len;
    } else if (chars + len > LIMITS.sectionChars) {
      sections++;
      chars = len;
    } else {
      chars += len;
    }
    // Leave one section's room for the "+N outras contas" line of a folded last message.
    if (sections > ACCOUNT_SECTIONS - 1 && groups.length < MAX_MESSAGES - 1) {
      groups.push(cur);
      cur = [];
      sections = 1;
      chars = len;
    }
    cur.push(a);
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

/** The first block of a message that carries mentions: the mentions, then the rules that call them. */
function mentionBlock(mine: readonly ReportItem[], ctx: ReportContext, mentions: readonly string[]): SectionBlock {
  const calling = (ctx.rules ?? []).filter((r) => r.mention !== undefined && mentions.includes(r.mention) && mine.some((m) => m.rules.includes(r.name)));
  let text = mentions.join(" ");
  const names = calling.map((r) => `*${escapedCut(r.name, RULE_NAME_CHARS)}*`);
  for (const [i, n] of names.entries()) {
    const add = `${i === 0 ? " · " : ", "}${n}`;
    if (text.length + add.length + 8 > LIMITS.sectionChars) {
      text += ` +${names.length - i}`;
      break;
    }
    text += add;
  }
  return section(text);
}

function ruleLines(mine: readonly ReportItem[], ctx: ReportContext): string[] {
  const lines: Array<{ line: string; loud: number; order: number }> = [];
  for (const [order, r] of (ctx.rules ?? []).entries()) {
    const hits = mine.filter((m) => m.rules.includes(r.name));
    if (hits.length === 0) continue;
    const { count, total } = totalsOf(hits.map((m) => m.cashOut));
    lines.push({
      line: cut(`• *${escapedCut(r.name, RULE_NAME_CHARS)}*: ${eventos(count)}, ${formatBRL(total)}`, RULE_LINE_CHARS),
      loud: r.mention === undefined ? 0 : loudness(r.mention),
      order,
    });
  }
  return lines.sort((a, b) => b.loud - a.loud || a.order - b.order).map((l) => l.line);
}

function mentionsOf(items: readonly ReportItem[]): string[] {
  const seen = new Set<string>();
  for (const m of items) for (const x of m.mentions) seen.add(x);
  return [...seen].sort((a, b) => loudness(b) - loudness(a));
}

/**
 * Renders the CashOuts of a run as Slack messages: one when it fits, more when
 * Block Kit limits demand, never more than MAX_MESSAGES. The messages' counts
 * and totals add up to the run's.
 */
export function renderReport(cashOuts: readonly CashOut[], ctx: ReportContext): SlackMessage[] {
  return renderMatches(
    cashOuts.map((cashOut) => ({ cashOut, rules: [], mentions: [] })),
    ctx,
  );
}

/**
 * Renders what the rules matched. The loudest first: accounts whose CashOuts
 * carry the loudest mention open the first message, and in each message the
 * rules and the listed CashOuts go by how loudly their rules call, then by rule
 * order and time. A message whose CashOuts carry mentions begins with them, in
 * its first block and in its text.
 */
export function renderMatches(items: readonly ReportItem[], ctx: ReportContext): SlackMessage[] {
  if (items.length === 0) return [];
  const shown: Shown = { labels: ctx.labels, rules: ctx.rules !== undefined };
  const cashOuts = items.map((m) => m.cashOut);
  const loudest = new Map<string, number>();
  const byAccount = new Map<string, ReportItem[]>();
  for (const m of items) {
    const a = m.cashOut.account;
    loudest.set(a, Math.max(loudest.get(a) ?? 0, severity(m)));
    const list = byAccount.get(a);
    if (list) list.push(m);
    else byAccount.set(a, [m]);
  }
  // perAccount orders by total; a stable sort by loudness keeps that order within each level.
  const accounts = perAccount(cashOuts).sort((a, b) => (loudest.get(b.account) ?? 0) - (loudest.get(a.account) ?? 0));
  const groups = partitionAccounts(accounts, shown);
  const runTotals = totalsOf(cashOuts);
  const footer = context(footerText(ctx));
  return groups.map((group, i) => {
    const mine = group.flatMap((a) => byAccount.get(a.account) ?? []);
    const { count, total } = totalsOf(mine.map((m) => m.cashOut));
    const mentions = mentionsOf(mine);
    const title = groups.length > 1 ? `${HEADER} (${i + 1}/${groups.length})` : HEADER;
    const summary =
      groups.length > 1
        ? `*${eventos(count)}* · *${formatBRL(total)}* nesta mensagem (de ${eventos(runTotals.count)}, ${formatBRL(runTotals.total)} no total)`
        : `*${eventos(count)}* · total *${formatBRL(total)}*`;
    const accountSections = packLines(group.map((a) => accountLine(a, shown)));
    let folded: string[] = [];
    if (accountSections.length > ACCOUNT_SECTIONS) {
      // Only the last of MAX_MESSAGES messages can overflow: fold its tail into one line.
      const keep = accountSections.slice(0, ACCOUNT_SECTIONS - 1);
      const shownCount = keep.join("\n").split("\n").length;
      const rest = group.slice(shownCount);
      const restTotals = totalsOf(rest.flatMap((a) => (byAccount.get(a.account) ?? []).map((m) => m.cashOut)));
      folded = [...keep, `• +${rest.length} outras contas: ${eventos(restTotals.count)}, ${formatBRL(restTotals.total)}`];
    }
    const listed = [...mine]
      .sort((a, b) => severity(b) - severity(a) || b.cashOut.amount - a.cashOut.amount || a.cashOut.timestamp - b.cashOut.timestamp)
      .slice(0, EVENT_LINES_PER_MESSAGE)
      .sort((a, b) => severity(b) - severity(a) || a.cashOut.timestamp - b.cashOut.timestamp || a.cashOut.key.localeCompare(b.cashOut.key));
    const blocks: Block[] = [
      ...(mentions.length > 0 ? [mentionBlock(mine, ctx, mentions)] : []),
      header(title),
      section(summary),
      ...(shown.rules ? packLines(ruleLines(mine, ctx)).slice(0, RULE_SECTIONS).map(section) : []),
      ...(folded.length > 0 ? folded : accountSections).map(section),
      { type: "divider" },
      ...packLines(listed.map((m) => eventLine(m, shown))).map(section),
    ];
    if (mine.length > listed.length) {
      const which = mentions.length > 0 ? "mais graves, depois os maiores valores" : "maiores valores";
      blocks.push(context(`+${mine.length - listed.length} mais (listados os ${listed.length} ${which})`));
    }
    blocks.push(footer);
    return { text: notificationText(count, total, mentions), blocks, count, total, keys: mine.map((m) => m.cashOut.key) };
  });
}

/** The warning posted when a run gives up on part of a long outage: it names the window never scanned. */
export function renderGapWarning(gap: TimeWindow, ctx: ReportContext): SlackMessage {
  const body =
    `:warning: *Janela não verificada*: ${fullTime(gap.start)} – ${fullTime(gap.end)} (horário de Brasília). ` +
    "O pxstream ficou parado por mais tempo que o limite de recuperação (PXSTREAM_MAX_CATCHUP_HOURS); " +
    "CashOuts desse intervalo não foram verificados. Consulte os logs desse período manualmente.";
  return {
    text: `${notificationText(0, 0n)} · atenção: janela não verificada ${fullTime(gap.start)} – ${fullTime(gap.end)}`,
    blocks: [header(`${HEADER}: atenção`), section(body), context(footerText(ctx))],
    count: 0,
    total: 0n,
  };
}
