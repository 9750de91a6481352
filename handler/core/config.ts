// Reads the environment variables README "Configuration" lists. Every problem is collected so one
// failed invocation tells the operator everything to fix.
import { documentFromWatchedAccounts, parseConfigDocument, type ConfigDocument } from "./config-document.js";

export type RunMode = "scheduled" | "push";

export type WebhookSource = { readonly kind: "parameter"; readonly name: string } | { readonly kind: "url"; readonly url: string };

/** Where the watch list and the rules come from (README "Rules"). */
export type DocumentSource =
  /** PXSTREAM_WATCHED_ACCOUNTS: those accounts, no labels, the implicit rule. */
  | { readonly kind: "watched-accounts"; readonly document: ConfigDocument }
  /** PXSTREAM_CONFIG: the document itself (already validated). */
  | { readonly kind: "inline"; readonly document: ConfigDocument }
  /** PXSTREAM_CONFIG_KEY: an object in the state bucket, read (and validated) by io/config-object.ts. */
  | { readonly kind: "object"; readonly bucket: string; readonly key: string };

export interface Config {
  readonly logGroups: readonly string[];
  /** PXSTREAM_WATCHED_ACCOUNTS as given (empty when a configuration document replaces it); the rules decide what is read. */
  readonly watchedAccounts: readonly string[];
  readonly document: DocumentSource;
  /** SSM SecureString holding the HMAC key of receiver hashes (newReceiver rules). */
  readonly receiverKeyParameter: string | undefined;
  readonly stateBucket: string | undefined;
  readonly stateKey: string;
  /** Undefined only in a dry run, which posts nothing. */
  readonly webhook: WebhookSource | undefined;
  readonly lookbackMs: number;
  readonly overlapMs: number;
  readonly sliceMs: number;
  readonly maxCatchUpMs: number;
  readonly slackTimeoutMs: number;
  /**
   * Push runs post only when no push run took its turn in the last this-many ms;
   * otherwise they hold their CashOuts back in the checkpoint (0: never; without a
   * state bucket there is nowhere to hold them, so push runs always post).
   */
  readonly pushCoalesceMs: number;
  readonly dryRun: boolean;
  /** PXSTREAM_SERVER_FILTER: scheduled runs ask FilterLogEvents for CashOut lines only (README, Performance). */
  readonly serverFilter: boolean;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`pxstream is misconfigured (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n- ${problems.join("\n- ")}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const MINUTE = 60_000;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PARAMETER = /^[a-zA-Z0-9_.\-/]{1,2048}$/;

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function blank(value: string | undefined): boolean {
  return value === undefined || value.trim() === "";
}

/** A whole number in [min, max], or the default when unset. */
function wholeNumber(env: Env, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (blank(raw)) return fallback;
  const text = (raw ?? "").trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`);
    return fallback;
  }
  return n;
}

// The configuration is read at every invocation, and a push delivery comes many times a
// minute: a document given in the environment is parsed again only when its text changes,
// so the same document object (and the rules compiled from it, io/config-object.ts) serves
// every invocation of a container. Without this, 5,000 watched accounts cost 2.5 ms a delivery.
let lastInline: { readonly text: string; readonly parsed: ReturnType<typeof parseConfigDocument> } | undefined;
let lastWatched: { readonly text: string; readonly accounts: string[]; readonly document: ConfigDocument } | undefined;

function inlineDocument(text: string): ReturnType<typeof parseConfigDocument> {
  if (lastInline?.text !== text) lastInline = { text, parsed: parseConfigDocument(text) };
  return lastInline.parsed;
}

function watchedAccountsDocument(text: string): { readonly accounts: string[]; readonly document: ConfigDocument } {
  if (lastWatched?.text !== text) {
    const accounts = list(text);
    lastWatched = { text, accounts, document: documentFromWatchedAccounts(accounts) };
  }
  return lastWatched;
}

export function loadConfig(env: Env, mode: RunMode): Config {
  const problems: string[] = [];

  const logGroups = list(env.PXSTREAM_LOG_GROUPS);
  if (logGroups.length === 0) problems.push("PXSTREAM_LOG_GROUPS is required: comma-separated log group names to read");
  for (const g of logGroups) {
    if (!LOG_GROUP.test(g)) problems.push(`PXSTREAM_LOG_GROUPS has an invalid log group name: ${JSON.stringify(g)}`);
  }
  if (new Set(logGroups).size !== logGroups.length) problems.push("PXSTREAM_LOG_GROUPS names a log group twice");

  const stateBucket = blank(env.PXSTREAM_STATE_BUCKET) ? undefined : (env.PXSTREAM_STATE_BUCKET ?? "").trim();
  const receiverKeyParameter = blank(env.PXSTREAM_RECEIVER_KEY_PARAMETER) ? undefined : (env.PXSTREAM_RECEIVER_KEY_PARAMETER ?? "").trim();
  if (receiverKeyParameter !== undefined && !PARAMETER.test(receiverKeyParameter)) {
    problems.push(`PXSTREAM_RECEIVER_KEY_PARAMETER is not a valid SSM parameter name: ${JSON.stringify(receiverKeyParameter)}`);
  }

  // The configuration document replaces PXSTREAM_WATCHED_ACCOUNTS when it is given.
  const inline = env.PXSTREAM_CONFIG ?? "";
  const objectKey = (env.PXSTREAM_CONFIG_KEY ?? "").trim();
  let watchedAccounts: string[] = [];
  let document: DocumentSource = { kind: "watched-accounts", document: documentFromWatchedAccounts([]) };
  if (inline.trim() !== "" && objectKey !== "") {
    problems.push("PXSTREAM_CONFIG and PXSTREAM_CONFIG_KEY are both set: give the configuration document one way");
  } else if (inline.trim() !== "") {
    const parsed = inlineDocument(inline);
    if (parsed.ok) {
      document = { kind: "inline", document: parsed.document };
      for (const p of documentProblems(parsed.document, { stateBucket, receiverKeyParameter }, mode)) problems.push(`PXSTREAM_CONFIG: ${p}`);
    } else {
      for (const p of parsed.problems) problems.push(`PXSTREAM_CONFIG: ${p}`);
    }
  } else if (objectKey !== "") {
    if (objectKey.length > 1024) problems.push("PXSTREAM_CONFIG_KEY is longer than 1024 characters");
    if (stateBucket === undefined) problems.push("PXSTREAM_CONFIG_KEY names an object in PXSTREAM_STATE_BUCKET, which is not set");
    document = { kind: "object", bucket: stateBucket ?? "", key: objectKey };
  } else {
    const fromList = watchedAccountsDocument(env.PXSTREAM_WATCHED_ACCOUNTS ?? "");
    watchedAccounts = fromList.accounts;
    if (watchedAccounts.length === 0) {
      problems.push(
        "PXSTREAM_WATCHED_ACCOUNTS is required: comma-separated Session.accountName values, or * for every account (or a configuration document: PXSTREAM_CONFIG_KEY or PXSTREAM_CONFIG)",
      );
    }
    document = { kind: "watched-accounts", document: fromList.document };
  }

  if (stateBucket === undefined && mode === "scheduled") {
    problems.push("PXSTREAM_STATE_BUCKET is required for scheduled runs: the bucket of the checkpoint object");
  }
  if (stateBucket !== undefined && !BUCKET.test(stateBucket)) {
    problems.push(`PXSTREAM_STATE_BUCKET is not a valid S3 bucket name: ${JSON.stringify(stateBucket)}`);
  }
  const stateKey = blank(env.PXSTREAM_STATE_KEY) ? "lastId.txt" : (env.PXSTREAM_STATE_KEY ?? "").trim();
  if (stateKey.length > 1024) problems.push("PXSTREAM_STATE_KEY is longer than 1024 characters");

  const dryRunRaw = (env.PXSTREAM_DRY_RUN ?? "").trim().toLowerCase();
  if (!["", "true", "false"].includes(dryRunRaw)) {
    problems.push(`PXSTREAM_DRY_RUN must be true or false (got ${JSON.stringify(env.PXSTREAM_DRY_RUN)})`);
  }
  const dryRun = dryRunRaw === "true";

  const serverFilterRaw = (env.PXSTREAM_SERVER_FILTER ?? "").trim().toLowerCase();
  if (!["", "true", "false"].includes(serverFilterRaw)) {
    problems.push(`PXSTREAM_SERVER_FILTER must be true or false (got ${JSON.stringify(env.PXSTREAM_SERVER_FILTER)})`);
  }

  let webhook: WebhookSource | undefined;
  const parameter = (env.PXSTREAM_SLACK_WEBHOOK_PARAMETER ?? "").trim();
  const url = (env.SLACK_WEBHOOK ?? "").trim();
  if (parameter !== "") {
    if (!PARAMETER.test(parameter)) problems.push(`PXSTREAM_SLACK_WEBHOOK_PARAMETER is not a valid SSM parameter name: ${JSON.stringify(parameter)}`);
    webhook = { kind: "parameter", name: parameter };
  } else if (url !== "") {
    // The URL is a secret: say what is wrong with it, never what it is.
    if (!/^https?:\/\/[^\s]+$/.test(url)) problems.push("SLACK_WEBHOOK is not an http(s) URL");
    webhook = { kind: "url", url };
  } else if (!dryRun) {
    problems.push("PXSTREAM_SLACK_WEBHOOK_PARAMETER (an SSM SecureString name) or SLACK_WEBHOOK (the webhook URL) is required");
  }

  const lookback = wholeNumber(env, "PXSTREAM_LOOKBACK_MINUTES", 5, 1, 20_160, problems);
  const overlap = wholeNumber(env, "PXSTREAM_OVERLAP_MINUTES", 15, 0, 1_440, problems);
  const slice = wholeNumber(env, "PXSTREAM_SLICE_MINUTES", 60, 1, 1_440, problems);
  const maxCatchUpHours = wholeNumber(env, "PXSTREAM_MAX_CATCHUP_HOURS", 72, 1, 336, problems);
  const slackTimeout = wholeNumber(env, "PXSTREAM_SLACK_TIMEOUT_SECONDS", 10, 1, 120, problems);
  const coalesce = wholeNumber(env, "PXSTREAM_PUSH_COALESCE_SECONDS", 0, 0, 3_600, problems);

  if (lookback > maxCatchUpHours * 60) {
    problems.push("PXSTREAM_LOOKBACK_MINUTES reaches further back than PXSTREAM_MAX_CATCHUP_HOURS: the first run would start with a gap warning");
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    logGroups,
    watchedAccounts,
    document,
    receiverKeyParameter,
    stateBucket,
    stateKey,
    webhook,
    lookbackMs: lookback * MINUTE,
    overlapMs: overlap * MINUTE,
    sliceMs: slice * MINUTE,
    maxCatchUpMs: maxCatchUpHours * 60 * MINUTE,
    slackTimeoutMs: slackTimeout * 1000,
    pushCoalesceMs: coalesce * 1000,
    dryRun,
    serverFilter: serverFilterRaw !== "false",
  };
}

/**
 * What a valid document still needs from the environment: the HMAC key for
 * newReceiver, the state bucket for the stateful rules of push runs (their
 * state lives in the checkpoint). Checked at load for PXSTREAM_CONFIG, after
 * the read for PXSTREAM_CONFIG_KEY.
 */
export function documentProblems(
  doc: ConfigDocument,
  env: { readonly stateBucket: string | undefined; readonly receiverKeyParameter: string | undefined },
  mode: RunMode,
): string[] {
  const problems: string[] = [];
  const receivers = doc.rules.filter((r) => r.newReceiver !== undefined).map((r) => JSON.stringify(r.name));
  if (receivers.length > 0 && env.receiverKeyParameter === undefined) {
    const who = receivers.length === 1 ? `rule ${receivers[0]} uses` : `rules ${receivers.join(", ")} use`;
    problems.push(`${who} newReceiver, which needs PXSTREAM_RECEIVER_KEY_PARAMETER (the SSM SecureString with the HMAC key for receiver hashes)`);
  }
  const stateful = doc.rules.filter((r) => r.window !== undefined || r.newReceiver !== undefined).map((r) => JSON.stringify(r.name));
  if (mode === "push" && stateful.length > 0 && env.stateBucket === undefined) {
    const who = stateful.length === 1 ? `rule ${stateful[0]} keeps` : `rules ${stateful.join(", ")} keep`;
    problems.push(`${who} state between deliveries, which needs PXSTREAM_STATE_BUCKET (the state lives in the checkpoint)`);
  }
  return problems;
}
