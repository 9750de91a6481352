// When to try Slack again. Pure: the caller supplies the random number.

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

/** Retry-After in ms (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Slack statuses that another try cannot fix: a revoked, archived or refused webhook, or a bad payload. */
export function isPermanentSlackStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}
