// Renders a Slack Block Kit message for a terminal, roughly as the channel shows it.

const BOLD = process.stdout.isTTY ? "\x1b[1m" : "";
const DIM = process.stdout.isTTY ? "\x1b[2m" : "";
const RESET = process.stdout.isTTY ? "\x1b[0m" : "";

function mrkdwn(text) {
  // Code spans first: Slack formats nothing inside them.
  return (
    text
      .split(/(`[^`\n]*`)/)
      .map((part) => (part.startsWith("`") ? part.slice(1, -1) : part.replace(/\*([^*\n]+)\*/g, `${BOLD}$1${RESET}`)))
      .join("")
      // Mentions as the channel shows them (before the entities: an escaped < is text, not a mention).
      .replace(/<!(here|channel)>/g, "@$1")
      .replace(/<@([UW][A-Z0-9]+)>/g, "@$1")
      .replace(/<!subteam\^(S[A-Z0-9]+)>/g, "@$1")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
      .replace(/:warning:/g, "⚠")
  );
}

export function previewSlackMessage(payload, width = 100) {
  const rule = "─".repeat(width);
  const lines = [`┌${rule}`];
  const push = (text) => {
    for (const l of text.split("\n")) lines.push(`│ ${l}`);
  };
  push(`${DIM}notificação: ${mrkdwn(payload.text)}${RESET}`);
  push("");
  for (const block of payload.blocks ?? []) {
    if (block.type === "header") push(`${BOLD}${block.text.text}${RESET}`);
    else if (block.type === "section") push(mrkdwn(block.text.text));
    else if (block.type === "divider") lines.push(`├${"╌".repeat(width)}`);
    else if (block.type === "context") push(`${DIM}${block.elements.map((e) => mrkdwn(e.text)).join("  ")}${RESET}`);
  }
  lines.push(`└${rule}`);
  return lines.join("\n");
}
