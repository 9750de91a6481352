import { describe, expect, test } from "vitest";
import { maskPixKey } from "../../handler/core/mask.js";
import { formatBRL } from "../../handler/core/money.js";
import {
  cut,
  EVENT_LINES_PER_MESSAGE,
  footerText,
  HEADER,
  LIMITS,
  MAX_MESSAGES,
  notificationText,
  packLines,
  renderGapWarning,
  renderMatches,
  renderReport,
  type Block,
  type ReportContext,
  type ReportItem,
  type SlackMessage,
} from "../../handler/core/render.js";
import type { ContextBlock } from "@slack/types";
import type { CashOut } from "../../handler/core/cash-out.js";
import { cashOut, HOSTILE_NAMES, intlBRL, intlBRLExact, PIX_KEYS, prng, randInt, T0 } from "./fixtures.js";

const CTX: ReportContext = {
  functionName: "pxstream-prod",
  logGroups: ["/aws/lambda/pix-payload", "/aws/lambda/pix-other"],
  window: { start: T0 - 5 * 60_000, end: T0 },
};

/** The text of a block element (pxstream's context blocks hold mrkdwn text only). */
function elementText(e: ContextBlock["elements"][number]): string {
  return "text" in e ? e.text : "";
}

function texts(m: SlackMessage): string[] {
  return m.blocks.flatMap((b: Block) => {
    if (b.type === "header") return [b.text.text];
    if (b.type === "section") return [b.text?.text ?? ""];
    if (b.type === "context") return b.elements.map(elementText);
    return [];
  });
}

function sections(m: SlackMessage): string[] {
  return m.blocks.flatMap((b) => (b.type === "section" ? [b.text?.text ?? ""] : []));
}

function eventLines(m: SlackMessage): string[] {
  return sections(m)
    .flatMap((t) => t.split("\n"))
    .filter((l) => l.includes(" · tx `"));
}

function json(ms: readonly SlackMessage[]): string {
  return JSON.stringify(ms, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** The `text` a message must carry, built from Intl rather than the code under test. */
function expectedText(count: number, totalCentavos: bigint): string {
  return `Pix CashOut: ${count === 1 ? "1 evento" : `${count} eventos`}, ${intlBRLExact(totalCentavos)}`;
}

/** Every Block Kit limit README "The Slack message" names (50 blocks, 3,000 characters a section, 150 a header), for every message. */
function expectWithinLimits(ms: readonly SlackMessage[]): void {
  expect(ms.length).toBeLessThanOrEqual(MAX_MESSAGES);
  for (const m of ms) {
    expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of m.blocks) {
      if (b.type === "header") expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerChars);
      if (b.type === "section") expect(b.text?.text.length).toBeLessThanOrEqual(LIMITS.sectionChars);
      if (b.type === "context") for (const e of b.elements) expect(elementText(e).length).toBeLessThanOrEqual(LIMITS.contextChars);
    }
    expect(m.text).toBe(expectedText(m.count, m.total));
  }
}

function expectAddsUp(ms: readonly SlackMessage[], cs: readonly CashOut[]): void {
  expect(ms.reduce((s, m) => s + m.count, 0)).toBe(cs.length);
  expect(ms.reduce((s, m) => s + m.total, 0n)).toBe(cs.reduce((s, c) => s + BigInt(c.amount), 0n));
  const keys = ms.flatMap((m) => m.keys ?? []);
  expect(new Set(keys).size).toBe(cs.length);
  expect(keys.length).toBe(cs.length);
}

describe("notificationText", () => {
  test("shape of the top-level text", () => {
    expect(notificationText(1, 12_345n)).toBe(`Pix CashOut: 1 evento, ${intlBRL(12_345)}`);
    expect(notificationText(3, 123_456n)).toBe("Pix CashOut: 3 eventos, R$\u00a01.234,56");
    expect(notificationText(0, 0n)).toBe(`Pix CashOut: 0 eventos, ${intlBRL(0)}`);
  });
});

describe("packLines", () => {
  test("sections stay under the limit and keep every line in order", () => {
    const rand = prng(5);
    const lines = Array.from({ length: 500 }, (_, i) => `${i}:${"x".repeat(randInt(rand, 0, 400))}`);
    const packed = packLines(lines);
    for (const p of packed) expect(p.length).toBeLessThanOrEqual(LIMITS.sectionChars);
    expect(packed.join("\n").split("\n")).toEqual(lines);
    expect(packed.length).toBeGreaterThan(1);
  });

  test("a line longer than a section is truncated to fit", () => {
    const [only, ...rest] = packLines(["y".repeat(10_000)], 100);
    expect(rest).toEqual([]);
    expect(only?.length).toBe(100);
    expect(only?.endsWith("…")).toBe(true);
  });
});

describe("renderReport", () => {
  test("nothing matched: no message", () => {
    expect(renderReport([], CTX)).toEqual([]);
  });

  test("one event: header, summary, event line with São Paulo time, account, amount, masked key, transactionId", () => {
    const c = cashOut({ key: "k1", timestamp: T0 + 1000, amount: 123_456, receiverKey: PIX_KEYS.cpfFormatted, transactionId: "E123" });
    const [m, ...rest] = renderReport([c], CTX);
    expect(rest).toEqual([]);
    if (m === undefined) throw new Error("no message");
    expect(m.text).toBe("Pix CashOut: 1 evento, R$\u00a01.234,56");
    expect(m.count).toBe(1);
    expect(m.total).toBe(123_456n);
    expect(m.keys).toEqual(["k1"]);
    expect(m.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: HEADER, emoji: false } });
    const [line, ...more] = eventLines(m);
    expect(more).toEqual([]);
    // 12:00:01Z is 09:00:01 in São Paulo (UTC-3).
    expect(line).toBe("27/11 09:00:01 · `23463567342345` · *R$\u00a01.234,56* · chave `***.456.789-**` · tx `E123`");
    expect(sections(m).join("\n")).toContain("`23463567342345`: 1 evento, R$\u00a01.234,56");
  });

  test("the context line names the function, the log groups and the window", () => {
    const [m] = renderReport([cashOut({ key: "k" })], CTX);
    const last = m?.blocks[m.blocks.length - 1];
    expect(last?.type).toBe("context");
    const first = last?.type === "context" ? last.elements[0] : undefined;
    const footer = first === undefined ? undefined : elementText(first);
    expect(footer).toBe(footerText(CTX));
    expect(footer).toContain("`pxstream-prod`");
    expect(footer).toContain("`/aws/lambda/pix-payload`, `/aws/lambda/pix-other`");
    expect(footer).toContain("27/11/2026 08:55:00 – 27/11/2026 09:00:00");
    expect(footerText({ ...CTX, window: null })).toContain("assinatura");
  });

  test("per-account summary for a few accounts, largest first", () => {
    const cs = [
      cashOut({ key: "a1", account: "acc-a", amount: 100 }),
      cashOut({ key: "b1", account: "acc-b", amount: 5_000 }),
      cashOut({ key: "a2", account: "acc-a", amount: 200 }),
    ];
    const [m] = renderReport(cs, CTX);
    if (m === undefined) throw new Error("no message");
    expect(m.text).toBe("Pix CashOut: 3 eventos, R$\u00a053,00");
    const body = sections(m).join("\n");
    expect(body).toContain(`• \`acc-b\`: 1 evento, ${intlBRL(5_000)}\n• \`acc-a\`: 2 eventos, ${intlBRL(300)}`);
    expect(eventLines(m)).toHaveLength(3);
  });

  test("thousands of events for one account: one message, 20 event lines (the largest), +N mais", () => {
    const rand = prng(17);
    const cs = Array.from({ length: 5000 }, (_, i) => cashOut({ key: `k${i}`, timestamp: T0 + i, amount: randInt(rand, 1, 10_000_000) }));
    const ms = renderReport(cs, CTX);
    expect(ms).toHaveLength(1);
    expectWithinLimits(ms);
    expectAddsUp(ms, cs);
    const m = ms[0];
    if (m === undefined) throw new Error("no message");
    const lines = eventLines(m);
    expect(lines).toHaveLength(EVENT_LINES_PER_MESSAGE);
    expect(texts(m).join("\n")).toContain(`+${5000 - EVENT_LINES_PER_MESSAGE} mais`);
    const top = [...cs].sort((a, b) => b.amount - a.amount).slice(0, EVENT_LINES_PER_MESSAGE);
    for (const c of top) expect(lines.some((l) => l.includes(`tx \`${c.transactionId}\``))).toBe(true);
  });

  test("5,000 distinct accounts (watch '*'): several messages, within limits, adding up to the run", () => {
    const rand = prng(23);
    const cs = Array.from({ length: 5000 }, (_, i) =>
      cashOut({ key: `k${i}`, account: `conta-${String(i).padStart(5, "0")}`, timestamp: T0 + i, amount: randInt(rand, 1, 100_000_000) }),
    );
    const ms = renderReport(cs, CTX);
    expect(ms.length).toBeGreaterThan(1);
    expectWithinLimits(ms);
    expectAddsUp(ms, cs);
    for (const [i, m] of ms.entries()) expect(m.blocks[0]?.type === "header" && m.blocks[0].text.text).toBe(`${HEADER} (${i + 1}/${ms.length})`);
    // Every account is listed once across the messages.
    const listed = ms.flatMap((m) => sections(m).flatMap((t) => t.split("\n"))).filter((l) => /^• `conta-\d{5}`:/.test(l));
    expect(listed).toHaveLength(5000);
  });

  test("more accounts than MAX_MESSAGES can list: the last message folds the rest, totals still add up", () => {
    const cs = Array.from({ length: 25_000 }, (_, i) =>
      cashOut({ key: `k${i}`, account: `${"c".repeat(56)}-${String(i).padStart(6, "0")}`, amount: 1_000 + (i % 97) }),
    );
    const ms = renderReport(cs, CTX);
    expect(ms).toHaveLength(MAX_MESSAGES);
    expectWithinLimits(ms);
    expectAddsUp(ms, cs);
    expect(texts(ms[MAX_MESSAGES - 1] as SlackMessage).join("\n")).toMatch(/• \+\d+ outras contas: \d+ eventos, R\$/);
  });

  test("account names and ids with backticks, <>& and newlines cannot break the markup", () => {
    const cs = HOSTILE_NAMES.map((name, i) => cashOut({ key: `k${i}`, account: name, transactionId: `tx<${i}>&\`` }));
    const [m] = renderReport(cs, CTX);
    if (m === undefined) throw new Error("no message");
    for (const t of texts(m)) {
      // No raw control characters for Slack: <, > only as entities; & only starting an entity.
      expect(t).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    for (const line of sections(m).flatMap((t) => t.split("\n"))) {
      // Code spans stay balanced on every line: a name cannot close one early or span lines.
      expect((line.match(/`/g) ?? []).length % 2).toBe(0);
    }
    expect(eventLines(m)).toHaveLength(HOSTILE_NAMES.length);
    expect(json([m])).not.toContain("<!channel>");
  });

  test("hostile names everywhere, thousands of accounts: still within Block Kit limits", () => {
    // Escaping can make a value five times longer (& → &amp;): the limits must hold for escaped text.
    const cs = Array.from({ length: 5000 }, (_, i) =>
      cashOut({
        key: `k${i}`,
        account: `${"&".repeat(60)}${String(i).padStart(4, "0")}`,
        transactionId: "<".repeat(64),
        receiverKey: `a@b.${"&".repeat(70)}`,
        amount: 100 + i,
      }),
    );
    const ms = renderReport(cs, CTX);
    expectWithinLimits(ms);
    expectAddsUp(ms, cs);
    for (const m of ms) {
      for (const t of texts(m)) expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      for (const l of eventLines(m)) expect(l).toContain(`tx \`${"&lt;".repeat(15)}…\``);
    }
  });

  test("no unmasked Pix key of any type appears anywhere in the messages", () => {
    const keys = Object.values(PIX_KEYS);
    const cs = keys.map((k, i) => cashOut({ key: `k${i}`, receiverKey: k, account: `acc-${i}`, amount: 1000 + i }));
    const out = json(renderReport(cs, CTX));
    for (const k of keys) {
      expect(out).not.toContain(k);
      expect(out).toContain(maskPixKey(k));
      const d = k.replace(/\D/g, "");
      if (d.length >= 8) expect(out).not.toContain(d);
    }
  });

  test("amounts past 2^53 in one account add up exactly in text and summary", () => {
    const cs = Array.from({ length: 10 }, (_, i) => cashOut({ key: `k${i}`, amount: Number.MAX_SAFE_INTEGER }));
    const [m] = renderReport(cs, CTX);
    const total = BigInt(Number.MAX_SAFE_INTEGER) * 10n;
    expect(m?.total).toBe(total);
    expect(m?.text).toBe("Pix CashOut: 10 eventos, R$\u00a0900.719.925.474.099,10");
    expect(formatBRL(total)).toBe("R$\u00a0900.719.925.474.099,10");
  });
});

describe("renderGapWarning", () => {
  test("names the window not scanned, in São Paulo time, reporting no events", () => {
    const gap = { start: Date.UTC(2026, 10, 24, 3, 0, 0), end: Date.UTC(2026, 10, 27, 2, 59, 59) };
    const m = renderGapWarning(gap, CTX);
    expect(m.count).toBe(0);
    expect(m.total).toBe(0n);
    expect(m.text.startsWith(`Pix CashOut: 0 eventos, ${intlBRL(0)}`)).toBe(true);
    for (const t of [m.text, texts(m).join("\n")]) expect(t).toContain("24/11/2026 00:00:00 – 26/11/2026 23:59:59");
    expectWithinLimits([{ ...m, text: notificationText(0, 0n) }]);
  });
});

describe("rules, labels and mentions in the message", () => {
  const RULES = [
    { name: "contas vigiadas" },
    { name: "acima de R$ 50 mil", mention: "<!here>" },
    { name: "noite" },
    { name: "rajada", mention: "<!subteam^SAZ94GDB8>" },
    { name: "incêndio", mention: "<!channel>" },
  ];
  const LABELS = new Map([["23463567342345", "Tesouraria SP"]]);
  const RCTX: ReportContext = { ...CTX, labels: LABELS, rules: RULES };
  const item = (c: CashOut, rules: string[], mentions: string[] = []): ReportItem => ({ cashOut: c, rules, mentions });

  test("labels stand beside account numbers, in account lines and event lines", () => {
    const [m] = renderMatches([item(cashOut({ key: "k1", transactionId: "E1" }), ["contas vigiadas"])], RCTX);
    if (m === undefined) throw new Error("no message");
    const body = sections(m).join("\n");
    expect(body).toContain("• `23463567342345` (Tesouraria SP): 1 evento");
    expect(eventLines(m)[0]).toBe(
      "27/11 09:00:00 · `23463567342345` (Tesouraria SP) · *R$\u00a0123,45* · chave `***.456.789-**` · tx `E1` · regra: contas vigiadas",
    );
    // An account without a label shows its number alone.
    const [n] = renderMatches([item(cashOut({ key: "k2", account: "777" }), ["noite"])], RCTX);
    expect(sections(n as SlackMessage).join("\n")).toContain("• `777`: 1 evento");
  });

  test("each CashOut names the rules it matched; a section counts each rule's CashOuts", () => {
    const a = cashOut({ key: "a", amount: 6_000_000, timestamp: T0 });
    const b = cashOut({ key: "b", amount: 100, timestamp: T0 + 1 });
    const [m] = renderMatches([item(a, ["contas vigiadas", "acima de R$ 50 mil"], ["<!here>"]), item(b, ["contas vigiadas"])], RCTX);
    if (m === undefined) throw new Error("no message");
    const lines = eventLines(m);
    expect(lines[0]).toMatch(/ · regras: contas vigiadas, acima de R\$ 50 mil$/);
    expect(lines[1]).toMatch(/ · regra: contas vigiadas$/);
    const body = sections(m).join("\n");
    // The loudest rule first, then document order.
    expect(body).toContain(`• *acima de R$ 50 mil*: 1 evento, ${intlBRL(6_000_000)}\n• *contas vigiadas*: 2 eventos, ${intlBRL(6_000_100)}`);
    expect(body).not.toContain("*noite*");
  });

  test("without the document's rules (the implicit rule), no rule is named: the message of before", () => {
    const [m] = renderMatches([item(cashOut({ key: "k", transactionId: "E1" }), ["watched"])], CTX);
    expect(eventLines(m as SlackMessage)[0]).toBe("27/11 09:00:00 · `23463567342345` · *R$\u00a0123,45* · chave `***.456.789-**` · tx `E1`");
    expect(json([m as SlackMessage])).not.toContain("watched");
  });

  test("a message carrying a rule's CashOuts begins with its mention, in the first block and in text, before the contract's shape", () => {
    const cs = [
      item(cashOut({ key: "a", amount: 6_000_000 }), ["acima de R$ 50 mil"], ["<!here>"]),
      item(cashOut({ key: "b", amount: 100, account: "777" }), ["rajada"], ["<!subteam^SAZ94GDB8>"]),
      item(cashOut({ key: "c", amount: 200, account: "888" }), ["noite"]),
    ];
    const [m] = renderMatches(cs, RCTX);
    if (m === undefined) throw new Error("no message");
    expect(m.text).toBe(`<!here> <!subteam^SAZ94GDB8> ${expectedText(3, 6_000_300n)}`);
    expect(m.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "<!here> <!subteam^SAZ94GDB8> · *acima de R$ 50 mil*, *rajada*" } });
    expect(m.blocks[1]?.type).toBe("header");
    // Each kind of mention.
    for (const [mention, rule] of [
      ["<!channel>", "incêndio"],
      ["<@U024BE7LH>", "contas vigiadas"],
    ] as const) {
      const [x] = renderMatches([item(cashOut({ key: "x" }), [rule], [mention])], RCTX);
      expect(x?.text.startsWith(`${mention} Pix CashOut: 1 evento, `)).toBe(true);
      const first = x?.blocks[0];
      expect(first?.type === "section" && first.text?.text.startsWith(mention)).toBe(true);
    }
    // No mention, no mention block.
    const [quiet] = renderMatches([item(cashOut({ key: "q" }), ["noite"])], RCTX);
    expect(quiet?.blocks[0]?.type).toBe("header");
    expect(quiet?.text).toBe(expectedText(1, 12_345n));
  });

  test("ordered by severity: the loudest CashOuts listed first and their accounts in the first message", () => {
    const rand = prng(41);
    const quiet = Array.from({ length: 3000 }, (_, i) =>
      item(cashOut({ key: `q${i}`, account: `conta-${i}`, amount: randInt(rand, 1_000, 9_000_000) }), ["noite"]),
    );
    const loud = item(cashOut({ key: "loud", account: "conta-alvo", amount: 50, timestamp: T0 + 5 }), ["incêndio"], ["<!channel>"]);
    const here = item(cashOut({ key: "here", account: "conta-alvo", amount: 60, timestamp: T0 + 1 }), ["acima de R$ 50 mil"], ["<!here>"]);
    const ms = renderMatches([...quiet, here, loud], RCTX);
    expect(ms.length).toBeGreaterThan(1);
    expectAddsUp(
      ms,
      [...quiet, here, loud].map((x) => x.cashOut),
    );
    const first = ms[0] as SlackMessage;
    expect(first.text.startsWith("<!channel> <!here> Pix CashOut: ")).toBe(true);
    const lines = eventLines(first);
    expect(lines[0]).toContain("tx `tx-loud`");
    expect(lines[1]).toContain("tx `tx-here`");
    // The other messages carry no mention: nobody is called for them.
    for (const m of ms.slice(1)) expect(m.text.startsWith("Pix CashOut: ")).toBe(true);
    for (const m of ms) expect(m.text.replace(/^(<[^>]+> )*/, "")).toBe(expectedText(m.count, m.total));
  });

  test("Block Kit limits hold with 50 long hostile rule names, labels and mentions on thousands of accounts", () => {
    const rules = Array.from({ length: 50 }, (_, i) => ({
      name: `${"&<".repeat(31)}${String(i).padStart(2, "0")}`,
      mention: `<!subteam^S${String(i).padStart(20, "0")}>`,
    }));
    const labels = new Map(
      Array.from({ length: 5000 }, (_, i) => [`${"&".repeat(60)}${String(i).padStart(4, "0")}`, `${"<&>".repeat(26)}xx`] as [string, string]),
    );
    const items = [...labels.keys()].map((account, i) =>
      item(
        cashOut({ key: `k${i}`, account, transactionId: "<".repeat(64), receiverKey: `a@b.${"&".repeat(70)}`, amount: 100 + i }),
        rules.map((r) => r.name),
        rules.map((r) => r.mention),
      ),
    );
    const ms = renderMatches(items, { ...CTX, labels, rules });
    for (const m of ms) {
      expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
      for (const t of texts(m)) {
        expect(t.length).toBeLessThanOrEqual(LIMITS.sectionChars);
        expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
      expect(m.text.replace(/^(<[^>]+> )*/, "")).toBe(expectedText(m.count, m.total));
    }
    expectAddsUp(
      ms,
      items.map((x) => x.cashOut),
    );
  });

  test("the folded last message keeps the limits too, with rules, labels and mentions", () => {
    // Every part at its longest once escaped: each budget of the message is used up.
    const rules = Array.from({ length: 50 }, (_, i) => ({
      name: `${"&<".repeat(31)}${String(i).padStart(2, "0")}`,
      mention: `<!subteam^S${String(i).padStart(20, "0")}>`,
    }));
    const accounts = Array.from({ length: 25_000 }, (_, i) => `${"&".repeat(56)}-${String(i).padStart(6, "0")}`);
    const labels = new Map(accounts.map((a) => [a, "<".repeat(80)] as [string, string]));
    const items = accounts.map((account, i) =>
      item(
        cashOut({ key: `k${i}`, account, amount: 1_000 + (i % 97), transactionId: "&".repeat(64), receiverKey: `a@b.${"&".repeat(70)}` }),
        rules.map((r) => r.name),
        rules.map((r) => r.mention),
      ),
    );
    const ms = renderMatches(items, { ...CTX, labels, rules });
    expect(ms).toHaveLength(MAX_MESSAGES);
    for (const m of ms) expect(m.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(Math.max(...ms.map((m) => m.blocks.length))).toBeGreaterThanOrEqual(LIMITS.blocksPerMessage - 3);
    expect(texts(ms[MAX_MESSAGES - 1] as SlackMessage).join("\n")).toMatch(/• \+\d+ outras contas: \d+ eventos, R\$/);
    expectAddsUp(
      ms,
      items.map((x) => x.cashOut),
    );
  });

  test("a CashOut restored from the rule state shows its already masked key", () => {
    const c = cashOut({ key: "r", receiverKey: undefined, receiverKeyMasked: "***.456.789-**" });
    expect(eventLines(renderMatches([item(c, ["rajada"])], RCTX)[0] as SlackMessage)[0]).toContain("chave `***.456.789-**`");
  });
});

describe("cuts never split a surrogate pair", () => {
  const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  test("cut at every position of an emoji string", () => {
    const s = "💸".repeat(40);
    for (let max = 1; max <= 81; max++) {
      const c = cut(s, max);
      expect(c.length).toBeLessThanOrEqual(max);
      expect(LONE.test(c), `max ${max}: ${JSON.stringify(c)}`).toBe(false);
    }
    expect(cut("abc", 3)).toBe("abc");
    expect(cut("abcd", 3)).toBe("ab…");
  });

  test("account names, labels, transaction ids, rule names and long lines full of emoji stay well-formed", () => {
    for (let shift = 0; shift < 3; shift++) {
      const pad = "x".repeat(shift);
      const c = cashOut({ key: `k${shift}`, account: `${pad}${"🏦".repeat(60)}`, transactionId: `${pad}${"🧾".repeat(60)}` });
      const ms = renderMatches([{ cashOut: c, rules: [`${pad}${"🌙".repeat(60)}`], mentions: [] }], {
        ...CTX,
        labels: new Map([[c.account, `${pad}${"🏷".repeat(60)}`]]),
        rules: [{ name: `${pad}${"🌙".repeat(60)}` }],
      });
      for (const m of ms) for (const t of [m.text, ...texts(m)]) expect(LONE.test(t), t).toBe(false);
      const packed = packLines([`${pad}${"😀".repeat(3000)}`]);
      expect(LONE.test(packed[0] ?? "")).toBe(false);
    }
  });
});
