import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { SLACK_RETRY, type RetryPolicy } from "../../handler/io/slack.js";
import { renderReport, type SlackMessage } from "../../handler/core/render.js";
import { postToSlack, SlackError, type PostOptions } from "../../handler/io/slack.js";
import { SlackSink } from "../support/slack-sink.js";
import { cashOut } from "./fixtures.js";

const sink = new SlackSink();
beforeAll(() => sink.start());
afterAll(() => sink.stop());
beforeEach(() => sink.clear());

const [MESSAGE] = renderReport([cashOut({ key: "k1", amount: 123_456 })], { functionName: "f", logGroups: ["/g"], window: null });
if (MESSAGE === undefined) throw new Error("no message rendered");
const MSG: SlackMessage = MESSAGE;
const RANDOM = 0.25;

/** Options with a recording sleep (no real waiting) and a fixed random number. */
function options(over: Partial<PostOptions> = {}): { opts: PostOptions; sleeps: number[] } {
  const sleeps: number[] = [];
  const opts: PostOptions = {
    timeoutMs: 2_000,
    policy: SLACK_RETRY,
    remainingMs: () => 600_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => RANDOM,
    ...over,
  };
  return { opts, sleeps };
}

async function slackError(p: Promise<unknown>): Promise<SlackError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof SlackError) return err;
    throw err;
  }
  throw new Error("posted without error");
}

/** Equal jitter by hand: half the ceiling plus random times half. */
function jitter(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * RANDOM);
}

describe("postToSlack against a local HTTP server", () => {
  test("posts text and blocks as JSON; no retries", async () => {
    const { opts, sleeps } = options();
    expect(await postToSlack(sink.url, MSG, opts)).toBe(0);
    expect(sleeps).toEqual([]);
    expect(sink.requests).toHaveLength(1);
    const req = sink.requests[0];
    expect(req?.path).toBe(sink.secretPath);
    expect(req?.contentType).toMatch(/^application\/json/);
    expect(req?.json).toEqual({ text: MSG.text, blocks: JSON.parse(JSON.stringify(MSG.blocks)) as unknown });
    expect(req?.json?.text).toBe("Pix CashOut: 1 evento, R$\u00a01.234,56");
  });

  test("5xx and resets are retried with exponential backoff and jitter", async () => {
    sink.enqueue({ status: 500, body: "oops" }, { status: 0, reset: true }, { status: 503 });
    const { opts, sleeps } = options();
    expect(await postToSlack(sink.url, MSG, opts)).toBe(3);
    expect(sleeps).toEqual([jitter(SLACK_RETRY, 1), jitter(SLACK_RETRY, 2), jitter(SLACK_RETRY, 3)]);
    expect(sleeps).toEqual([313, 625, 1250]);
    expect(sink.requests).toHaveLength(4);
  });

  test("gives up after maxAttempts tries, reporting the retries", async () => {
    sink.fallback = { status: 502, body: "bad gateway" };
    const { opts, sleeps } = options();
    const err = await slackError(postToSlack(sink.url, MSG, opts));
    expect(sink.requests).toHaveLength(SLACK_RETRY.maxAttempts);
    expect(sleeps).toHaveLength(SLACK_RETRY.maxAttempts - 1);
    expect(err.retries).toBe(SLACK_RETRY.maxAttempts - 1);
    expect(err.message).toBe(`Slack answered 502: bad gateway (gave up after ${SLACK_RETRY.maxAttempts} tries)`);
  });

  test("429 waits what Retry-After says (seconds), then retries", async () => {
    sink.enqueue({ status: 429, body: "rate_limited", headers: { "retry-after": "3" } });
    const { opts, sleeps } = options();
    expect(await postToSlack(sink.url, MSG, opts)).toBe(1);
    expect(sleeps).toEqual([3_000]);
  });

  test("429 with Retry-After in fractions of a second waits them, rounded up to the ms", async () => {
    sink.enqueue({ status: 429, body: "rate_limited", headers: { "retry-after": "2.5" } }, { status: 429, headers: { "retry-after": "0.0004" } });
    const { opts, sleeps } = options();
    expect(await postToSlack(sink.url, MSG, opts)).toBe(2);
    expect(sleeps).toEqual([2_500, 1]);
  });

  test.each([301, 302, 303, 307, 308])("%d fails at once, naming the Location's host and never its path", async (status) => {
    const token = "xoxb-redirect-secret-token";
    sink.enqueue({ status, body: `moved to ${sink.url}`, headers: { location: `https://hooks.example.net:8443/services/T1/B2/${token}?q=1` } });
    const { opts, sleeps } = options();
    const err = await slackError(postToSlack(sink.url, MSG, opts));
    expect(err.status).toBe(status);
    expect(err.retries).toBe(0);
    expect(err.message).toContain(`Slack answered ${status}, a redirect to hooks.example.net:8443`);
    for (const secret of [token, "/services", "T1/B2", sink.url, sink.secretPath, "q=1"]) expect(err.message).not.toContain(secret);
    expect(sleeps).toEqual([]);
    expect(sink.requests).toHaveLength(1);
  });

  test("a redirect without a usable Location says so", async () => {
    sink.enqueue({ status: 302 }, { status: 301, headers: { location: "http://[broken" } });
    expect((await slackError(postToSlack(sink.url, MSG, options().opts))).message).toContain("a redirect to nowhere (no Location header)");
    expect((await slackError(postToSlack(sink.url, MSG, options().opts))).message).toContain("a redirect to an unreadable Location");
  });

  test("a relative Location names the webhook's own host", async () => {
    sink.enqueue({ status: 307, headers: { location: "/services/elsewhere/secret-path" } });
    const err = await slackError(postToSlack(sink.url, MSG, options().opts));
    expect(err.message).toContain(`a redirect to 127.0.0.1:${sink.port}`);
    expect(err.message).not.toContain("secret-path");
  });

  test("429 without Retry-After waits one second", async () => {
    sink.enqueue({ status: 429, body: "rate_limited" });
    const { opts, sleeps } = options();
    expect(await postToSlack(sink.url, MSG, opts)).toBe(1);
    expect(sleeps).toEqual([1_000]);
  });

  test("a Retry-After longer than pxstream waits fails at once", async () => {
    sink.enqueue({ status: 429, body: "rate_limited", headers: { "retry-after": "600" } });
    const { opts, sleeps } = options();
    const err = await slackError(postToSlack(sink.url, MSG, opts));
    expect(err.status).toBe(429);
    expect(err.message).toContain("Retry-After 600 s is longer than pxstream waits");
    expect(sleeps).toEqual([]);
    expect(sink.requests).toHaveLength(1);
  });

  test.each([
    [400, "invalid_payload"],
    [403, "action_prohibited"],
    [404, "no_service"],
    [410, "channel_is_archived"],
  ])("%d %s is not retried and fails with Slack's words", async (status, body) => {
    sink.enqueue({ status, body });
    const { opts, sleeps } = options();
    const err = await slackError(postToSlack(sink.url, MSG, opts));
    expect(err.status).toBe(status);
    expect(err.retries).toBe(0);
    expect(err.message).toContain(`Slack answered ${status}: ${body}`);
    expect(sleeps).toEqual([]);
    expect(sink.requests).toHaveLength(1);
  });

  test("an error page echoing the webhook URL does not leak it", async () => {
    const token = sink.secretPath.split("/").pop() ?? "";
    sink.enqueue({ status: 404, body: `<html>POST ${sink.url} not found; path ${sink.secretPath}; token ${token}</html>` });
    const err = await slackError(postToSlack(sink.url, MSG, options().opts));
    for (const secret of [sink.url, sink.secretPath, token]) expect(err.message).not.toContain(secret);
    expect(err.message).toContain("[webhook]");
  });

  test("a hang times out, and the error says so without the URL", async () => {
    sink.enqueue({ status: 200, hang: true });
    const { opts } = options({ timeoutMs: 200, policy: { ...SLACK_RETRY, maxAttempts: 1 } });
    const err = await slackError(postToSlack(sink.url, MSG, opts));
    expect(err.message).toBe("Slack request failed: timed out (gave up after 1 tries)");
    expect(err.message).not.toContain(String(sink.port));
  });

  test("no retry when the Lambda deadline leaves no time for it", async () => {
    sink.enqueue({ status: 500 });
    const { opts, sleeps } = options({ remainingMs: () => 2_100 });
    const err = await slackError(postToSlack(sink.url, MSG, opts));
    expect(err.message).toContain("no time left before the Lambda deadline");
    expect(sleeps).toEqual([]);
    expect(sink.requests).toHaveLength(1);
  });
});
