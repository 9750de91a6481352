import { describe, expect, test } from "vitest";
import { backoffDelay, isPermanentSlackStatus, retryAfterMs, SLACK_RETRY, type RetryPolicy } from "../../handler/io/slack.js";
import { prng } from "./fixtures.js";

const POLICY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 30_000, minIntervalMs: 1_100 };

describe("backoffDelay", () => {
  test("exponential growth up to the cap (random = 1 gives the ceiling, 0 half of it)", () => {
    const ceilings = [100, 200, 400, 800, 1000, 1000, 1000];
    ceilings.forEach((ceiling, i) => {
      expect(backoffDelay(POLICY, i + 1, 1)).toBe(ceiling);
      expect(backoffDelay(POLICY, i + 1, 0)).toBe(ceiling / 2);
    });
  });

  test("jitter stays within [ceiling/2, ceiling] and actually varies", () => {
    const rand = prng(8);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
      const seen = new Set<number>();
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(POLICY, attempt, rand());
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
        seen.add(d);
      }
      expect(seen.size).toBeGreaterThan(10);
    }
  });

  test("the shipped Slack policy: 500 ms base, 8 s cap, 4 tries, paced above 1 s", () => {
    expect(SLACK_RETRY).toMatchObject({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 });
    expect(SLACK_RETRY.minIntervalMs).toBeGreaterThanOrEqual(1_000);
    expect(backoffDelay(SLACK_RETRY, 3, 0.5)).toBe(1_500);
  });
});

describe("retryAfterMs", () => {
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  test("seconds", () => {
    expect(retryAfterMs("2", now)).toBe(2_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("120", now)).toBe(120_000);
    // Not the RFC's form, but proxies send it; Date.parse would take it for a date in 2001.
    expect(retryAfterMs("2.5", now)).toBe(2_500);
    expect(retryAfterMs("0.25", now)).toBe(250);
    expect(retryAfterMs("1.0001", now)).toBe(1_001);
  });

  test("HTTP date: the time left until it, never negative", () => {
    expect(retryAfterMs("Fri, 27 Nov 2026 12:00:05 GMT", now)).toBe(5_000);
    expect(retryAfterMs(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(retryAfterMs("Fri, 27 Nov 2026 11:59:00 GMT", now)).toBe(0);
  });

  test("absent or unreadable", () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("", now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
  });
});

describe("isPermanentSlackStatus", () => {
  test.each([400, 403, 404, 410])("%d is permanent", (s) => expect(isPermanentSlackStatus(s)).toBe(true));
  test.each([408, 429, 500, 502, 503, 504])("%d is retried", (s) => expect(isPermanentSlackStatus(s)).toBe(false));
});
