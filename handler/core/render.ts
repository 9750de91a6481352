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
// header, summary, divider, "+N mais", footer
const FIXED_BLOCKS = 5;
// 20 lines of at most ~300 characters fit in 3 sections; one spare.
const EVENT_SECTIONS = 4;
const ACCOUNT_SECTIONS = LIMITS.blocksPerMessage - FIXED_BLOCKS - EVENT_SECTIONS;

export type Block =
  | { readonly type: "header"; readonly text: { readonly type: "plain_text"; readonly text: string; readonly emoji: boolean } }
  | { readonly type: "section"; readonly text: { readonly type: "mrkdwn"; readonly text: string } }
  | { readonly type: "context"; readonly elements: ReadonlyArray<{ readonly type: "mrkdwn"; readonly text: string }> }
  | { readonly type: "divider" };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly Block[];
  /** CashOuts this message reports, and their total: the messages of a run add up to the run's. */
  readonly count: number;
  readonly total: bigint;
  /** Event keys of the CashOuts this message reports (none for a warning). */
  readonly keys?: readonly string[];
}

export interface ReportContext {
  readonly functionName: string;
  readonly logGroups: readonly string[];
  /** The scanned window; null for a push delivery. */
  readonly window: TimeWindow | null;
}

function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/**
 * Inline code span for a value read from logs: it cannot break out of the span or the message.
 * At most NAME_CHARS once escaped (`&` → `&amp;` grows fivefold), so the block budget holds.
 */
function code(s: string): string {
  const escaped = escapeMrkdwn(s.replace(/[`\r\n]/g, "'"));
  if (escaped.length <= NAME_CHARS) return `\`${escaped}\``;
  let cut = escaped.slice(0, NAME_CHARS - 1);
  // Never end in half an entity (`&am`).
  const amp = cut.lastIndexOf("&");
  if (amp >= 0 && !cut.includes(";", amp)) cut = cut.slice(0, amp);
  return `\`${cut}…\``;
}

function eventos(n: number): string {
  return n === 1 ? "1 evento" : `${n} eventos`;
}

/** The top-level text phones show: `Pix CashOut: 3 eventos, R$ 1.234,56`. */
export function notificationText(count: number, total: bigint): string {
  return `Pix CashOut: ${eventos(count)}, ${formatBRL(total)}`;
}

/** Packs lines into section texts of at most `max` characters each. */
export function packLines(lines: readonly string[], max: number = LIMITS.sectionChars): string[] {
  const out: string[] = [];
  let cur = "";
  for (const raw of lines) {
    const line = truncate(raw, max);
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

function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function context(text: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: truncate(text, LIMITS.contextChars) }] };
}

function header(text: string): Block {
  return { type: "header", text: { type: "plain_text", text: truncate(text, LIMITS.headerChars), emoji: false } };
}

function accountLine(a: AccountTotal): string {
  return `• ${code(a.account)}: ${eventos(a.count)}, ${formatBRL(a.total)}`;
}

// The masked key goes in a code span: its asterisks would otherwise read as mrkdwn bold.
function eventLine(c: CashOut): string {
  return `${shortTime(c.timestamp)} · ${code(c.account)} · *${formatBRL(c.amount)}* · chave ${code(c.receiverKeyMasked ?? maskPixKey(c.receiverKey))} · tx ${code(c.transactionId)}`;
}

export function footerText(ctx: ReportContext): string {
  const groups = truncate(ctx.logGroups.map(code).join(", "), 1500);
  const when =
    ctx.window === null
      ? "entrega por assinatura do CloudWatch Logs"
      : `janela ${fullTime(ctx.window.start)} – ${fullTime(ctx.window.end)} (horário de Brasília)`;
  return `Função ${code(ctx.functionName)} · grupos ${groups} · ${when}`;
}

/** Splits accounts into the groups each message reports, keeping every message under the block limit. */
function partitionAccounts(accounts: readonly AccountTotal[]): AccountTotal[][] {
  const groups: AccountTotal[][] = [];
  let cur: AccountTotal[] = [];
  let sections = 0;
  let chars = 0;
  for (const a of accounts) {
    const len = accountLine(a).length + 1;
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

/**
 * Renders the CashOuts of a run as Slack messages: one when it fits, more when
 * Block Kit limits demand, never more than MAX_MESSAGES. The messages' counts
 * and totals add up to the run's.
 */
export function renderReport(cashOuts: readonly CashOut[], ctx: ReportContext): SlackMessage[] {
  if (cashOuts.length === 0) return [];
  const accounts = perAccount(cashOuts);
  const groups = partitionAccounts(accounts);
  const runTotals = totalsOf(cashOuts);
  const byAccount = new Map<string, CashOut[]>();
  for (const c of cashOuts) {
    const list = byAccount.get(c.account);
    if (list) list.push(c);
    else byAccount.set(c.account, [c]);
  }
  const footer = context(footerText(ctx));
  return groups.map((group, i) => {
    const mine = group.flatMap((a) => byAccount.get(a.account) ?? []);
    const { count, total } = totalsOf(mine);
    const title = groups.length > 1 ? `${HEADER} (${i + 1}/${groups.length})` : HEADER;
    const summary =
      groups.length > 1
        ? `*${eventos(count)}* · *${formatBRL(total)}* nesta mensagem (de ${eventos(runTotals.count)}, ${formatBRL(runTotals.total)} no total)`
        : `*${eventos(count)}* · total *${formatBRL(total)}*`;
    const accountSections = packLines(group.map(accountLine));
    let folded: string[] = [];
    if (accountSections.length > ACCOUNT_SECTIONS) {
      // Only the last of MAX_MESSAGES messages can overflow: fold its tail into one line.
      const keep = accountSections.slice(0, ACCOUNT_SECTIONS - 1);
      const shown = keep.join("\n").split("\n").length;
      const rest = group.slice(shown);
      const restTotals = totalsOf(rest.flatMap((a) => byAccount.get(a.account) ?? []));
      folded = [...keep, `• +${rest.length} outras contas: ${eventos(restTotals.count)}, ${formatBRL(restTotals.total)}`];
    }
    const largest = [...mine]
      .sort((a, b) => b.amount - a.amount || a.timestamp - b.timestamp)
      .slice(0, EVENT_LINES_PER_MESSAGE)
      .sort((a, b) => a.timestamp - b.timestamp || a.key.localeCompare(b.key));
    const blocks: Block[] = [
      header(title),
      section(summary),
      ...(folded.length > 0 ? folded : accountSections).map(section),
      { type: "divider" },
      ...packLines(largest.map(eventLine)).map(section),
    ];
    if (mine.length > largest.length) {
      blocks.push(context(`+${mine.length - largest.length} mais (listados os ${largest.length} maiores valores)`));
    }
    blocks.push(footer);
    return { text: notificationText(count, total), blocks, count, total, keys: mine.map((c) => c.key) };
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
