import { postJson } from "./http-post.js";
import type { SlackMessage } from "../core/render.js";

// When to try Slack again (backoffDelay is pure: the caller supplies the random number).

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Longest Retry-After pxstream will honour; past it the run fails instead. */
  readonly maxRetryAfterMs: number;
  /** Least time between two posts to one webhook (Slack allows about one a second). */
  readonly minIntervalMs: number;
}

export const SLACK_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  minIntervalMs: 1_100,
};

/** Exponential backoff with equal jitter before try number `attempt + 1` (attempt counts from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** Retry-After in ms (seconds, whole or not, or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  // `2.5` is seconds too (a proxy's, not the RFC's): Date.parse would read it as a date in 2001 and wait 0 ms.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Slack statuses that another try cannot fix: a revoked, archived or refused webhook, or a bad payload. */
export function isPermanentSlackStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export class SlackError extends Error {
  override readonly name = "SlackError";
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Retries made before giving up: a failed run still reports them (the caller adds its earlier ones). */
    public retries = 0,
  ) {
    super(message);
  }
}

export interface PostOptions {
  readonly timeoutMs: number;
  readonly policy: RetryPolicy;
  /** Milliseconds left before the Lambda deadline. */
  readonly remainingMs: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const sleepFor = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The webhook URL and the parts of it that are secret on their own: its path and its token. */
function secretParts(url: string): string[] {
  try {
    const path = new URL(url).pathname;
    const token = path.split("/").pop() ?? "";
    return [url, path, ...(token.length >= 8 ? [token] : [])].filter((p) => p.length > 1);
  } catch {
    return [url];
  }
}

/** Slack's own words for a refusal (`invalid_payload`, `channel_is_archived`...), kept short; a proxy's page echoing the webhook URL is redacted. */
function slackText(body: string, url: string): string {
  let text = body;
  for (const secret of secretParts(url)) text = text.split(secret).join("[webhook]");
  text = text.replace(/\s+/g, " ").trim();
  return text === "" ? "(empty body)" : text.slice(0, 200);
}

/** The host a redirect points to (its path and query may hold a secret), or what stands in for it. */
function redirectHost(location: string | null, url: string): string {
  if (location === null || location.trim() === "") return "nowhere (no Location header)";
  try {
    const host = new URL(location.trim(), url).host;
    return host === "" ? "an unreadable Location" : host;
  } catch {
    return "an unreadable Location";
  }
}

/** A network failure described without the URL: the webhook path is the secret. */
function networkReason(err: unknown): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return "timed out";
  const code = typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
  return code ?? (err instanceof Error ? err.name : "network error");
}

/**
 * Posts one message, retrying 5xx, 429 and network failures a bounded number
 * of times; a permanent refusal (400/403/404/410) fails at once. Returns the
 * number of retries it took. Errors never carry the webhook URL.
 */
export async function postToSlack(url: string, message: SlackMessage, opts: PostOptions): Promise<number> {
  const sleep = opts.sleep ?? sleepFor;
  const random = opts.random ?? Math.random;
  const body = JSON.stringify({ text: message.text, blocks: message.blocks });
  let last = "";
  for (let attempt = 1; ; attempt++) {
    let wait: number | undefined;
    try {
      const res = await postJson(url, body, opts.timeoutMs);
      if (res.status >= 200 && res.status < 300) return attempt - 1;
      if (res.status >= 300 && res.status < 400) {
        // A webhook never redirects: the URL is wrong or moved. Following it would post the message (and
        // the path, the secret) elsewhere; retrying cannot help. Name where it points: the host, never the path.
        throw new SlackError(
          `Slack answered ${res.status}, a redirect to ${redirectHost(res.location, url)} (not retried: check the webhook URL; the checkpoint did not move)`,
          res.status,
          attempt - 1,
        );
      }
      last = `Slack answered ${res.status}: ${slackText(res.body, url)}`;
      if (isPermanentSlackStatus(res.status)) {
        throw new SlackError(`${last} (not retried: fix the webhook or the payload; the checkpoint did not move)`, res.status, attempt - 1);
      }
      if (res.status === 429) {
        const asked = retryAfterMs(res.retryAfter, Date.now()) ?? 1_000;
        if (asked > opts.policy.maxRetryAfterMs) {
          throw new SlackError(`${last}; Retry-After ${Math.ceil(asked / 1000)} s is longer than pxstream waits`, res.status, attempt - 1);
        }
        wait = asked;
      }
    } catch (err) {
      if (err instanceof SlackError) throw err;
      last = `Slack request failed: ${networkReason(err)}`;
    }
    if (attempt >= opts.policy.maxAttempts) {
      throw new SlackError(`${last} (gave up after ${attempt} tries)`, undefined, attempt - 1);
    }
    const delay = wait ?? backoffDelay(opts.policy, attempt, random());
    if (delay + opts.timeoutMs > opts.remainingMs()) {
      throw new SlackError(`${last} (no time left before the Lambda deadline to try again)`, undefined, attempt - 1);
    }
    await sleep(delay);
  }
}
