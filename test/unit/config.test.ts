import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig, type RunMode } from "../../handler/core/config.js";

type Env = Record<string, string | undefined>;

const WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/SeCrEtToKeN123456";
const VALID: Env = {
  PXSTREAM_LOG_GROUPS: "/aws/lambda/pix-payload",
  PXSTREAM_WATCHED_ACCOUNTS: "23463567342345",
  PXSTREAM_STATE_BUCKET: "infosec-workloads-info",
  SLACK_WEBHOOK: WEBHOOK,
};

function problems(env: Env, mode: RunMode = "scheduled"): ConfigError {
  try {
    loadConfig(env, mode);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("config loaded without error");
}

describe("loadConfig", () => {
  test("defaults", () => {
    expect(loadConfig(VALID, "scheduled")).toEqual({
      logGroups: ["/aws/lambda/pix-payload"],
      watchedAccounts: ["23463567342345"],
      stateBucket: "infosec-workloads-info",
      stateKey: "lastId.txt",
      webhook: { kind: "url", url: WEBHOOK },
      lookbackMs: 5 * 60_000,
      overlapMs: 15 * 60_000,
      sliceMs: 60 * 60_000,
      maxCatchUpMs: 72 * 3_600_000,
      slackTimeoutMs: 10_000,
      pushCoalesceMs: 0,
      dryRun: false,
    });
  });

  test("lists split on commas and trimmed; numbers in minutes/hours/seconds", () => {
    const c = loadConfig(
      {
        ...VALID,
        PXSTREAM_LOG_GROUPS: " /a , /b ,",
        PXSTREAM_WATCHED_ACCOUNTS: "1, 2",
        PXSTREAM_STATE_KEY: "state/pxstream.json",
        PXSTREAM_LOOKBACK_MINUTES: "30",
        PXSTREAM_OVERLAP_MINUTES: "0",
        PXSTREAM_SLICE_MINUTES: "10",
        PXSTREAM_MAX_CATCHUP_HOURS: "24",
        PXSTREAM_SLACK_TIMEOUT_SECONDS: "3",
        PXSTREAM_PUSH_COALESCE_SECONDS: "60",
        PXSTREAM_DRY_RUN: "TRUE",
      },
      "scheduled",
    );
    expect(c).toMatchObject({
      logGroups: ["/a", "/b"],
      watchedAccounts: ["1", "2"],
      stateKey: "state/pxstream.json",
      lookbackMs: 1_800_000,
      overlapMs: 0,
      sliceMs: 600_000,
      maxCatchUpMs: 86_400_000,
      slackTimeoutMs: 3000,
      pushCoalesceMs: 60_000,
      dryRun: true,
    });
  });

  test("* watches every account", () => {
    expect(loadConfig({ ...VALID, PXSTREAM_WATCHED_ACCOUNTS: "*" }, "scheduled").watchedAccounts).toEqual(["*"]);
  });

  test("the SSM parameter wins over the URL", () => {
    const c = loadConfig({ ...VALID, PXSTREAM_SLACK_WEBHOOK_PARAMETER: "/pxstream/slack-webhook" }, "scheduled");
    expect(c.webhook).toEqual({ kind: "parameter", name: "/pxstream/slack-webhook" });
  });

  test("every problem is listed at once, in one ConfigError", () => {
    const err = problems({});
    expect(err.problems).toHaveLength(4);
    expect(err.message).toMatch(/^pxstream is misconfigured \(4 problems\):\n- /);
    for (const name of ["PXSTREAM_LOG_GROUPS", "PXSTREAM_WATCHED_ACCOUNTS", "PXSTREAM_STATE_BUCKET", "SLACK_WEBHOOK"]) {
      expect(err.message).toContain(name);
    }
    expect(err.message.split("\n- ")).toHaveLength(5);
  });

  test("invalid values, each named", () => {
    const err = problems({
      ...VALID,
      PXSTREAM_LOG_GROUPS: "/ok,bad group!,/ok",
      PXSTREAM_STATE_BUCKET: "Bad_Bucket",
      PXSTREAM_STATE_KEY: "k".repeat(1025),
      PXSTREAM_DRY_RUN: "yes",
      PXSTREAM_LOOKBACK_MINUTES: "0",
      PXSTREAM_OVERLAP_MINUTES: "1.5",
      PXSTREAM_SLICE_MINUTES: "-3",
      PXSTREAM_MAX_CATCHUP_HOURS: "999",
      PXSTREAM_SLACK_TIMEOUT_SECONDS: "ten",
    });
    const expected = [
      'invalid log group name: "bad group!"',
      "names a log group twice",
      'not a valid S3 bucket name: "Bad_Bucket"',
      "PXSTREAM_STATE_KEY is longer than 1024",
      "PXSTREAM_DRY_RUN must be true or false",
      'PXSTREAM_LOOKBACK_MINUTES must be a whole number from 1 to 20160 (got "0")',
      "PXSTREAM_OVERLAP_MINUTES must be a whole number from 0 to 1440",
      "PXSTREAM_SLICE_MINUTES must be a whole number from 1 to 1440",
      "PXSTREAM_MAX_CATCHUP_HOURS must be a whole number from 1 to 336",
      "PXSTREAM_SLACK_TIMEOUT_SECONDS must be a whole number from 1 to 120",
    ];
    expect(err.problems).toHaveLength(expected.length);
    for (const [i, e] of expected.entries()) expect(err.problems[i]).toContain(e);
  });

  test("a first-run lookback past the catch-up limit is refused", () => {
    const err = problems({ ...VALID, PXSTREAM_LOOKBACK_MINUTES: "181", PXSTREAM_MAX_CATCHUP_HOURS: "3" });
    expect(err.problems).toEqual([expect.stringContaining("PXSTREAM_LOOKBACK_MINUTES reaches further back than PXSTREAM_MAX_CATCHUP_HOURS")]);
    expect(() => loadConfig({ ...VALID, PXSTREAM_LOOKBACK_MINUTES: "180", PXSTREAM_MAX_CATCHUP_HOURS: "3" }, "scheduled")).not.toThrow();
  });

  test("the SLACK_WEBHOOK value never appears in the error", () => {
    const notUrl = "hooks.slack.com/services/T0000/B0000/SeCrEtToKeN123456";
    const bad = problems({ ...VALID, SLACK_WEBHOOK: notUrl });
    expect(bad.problems).toEqual(["SLACK_WEBHOOK is not an http(s) URL"]);
    expect(bad.message).not.toContain("SeCrEtToKeN");
    // A valid URL beside other problems is not echoed either.
    const other = problems({ ...VALID, PXSTREAM_LOG_GROUPS: "" });
    expect(other.message).not.toContain("SeCrEtToKeN");
    expect(other.message).not.toContain("hooks.slack.com");
  });

  test("a dry run needs no webhook; a real run does", () => {
    const dry = { ...VALID, SLACK_WEBHOOK: undefined, PXSTREAM_DRY_RUN: "true" };
    expect(loadConfig(dry, "scheduled").webhook).toBeUndefined();
    expect(problems({ ...dry, PXSTREAM_DRY_RUN: "false" }).problems).toHaveLength(1);
  });

  test("the bucket is required only for scheduled runs", () => {
    const noBucket = { ...VALID, PXSTREAM_STATE_BUCKET: " " };
    expect(loadConfig(noBucket, "push").stateBucket).toBeUndefined();
    expect(problems(noBucket, "scheduled").problems).toEqual([
      "PXSTREAM_STATE_BUCKET is required for scheduled runs: the bucket of the checkpoint object",
    ]);
  });
});
