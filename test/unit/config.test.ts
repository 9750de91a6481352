import { describe, expect, test } from "vitest";
import { documentFromWatchedAccounts } from "../../handler/core/config-document.js";
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
      document: { kind: "watched-accounts", document: documentFromWatchedAccounts(["23463567342345"]) },
      receiverKeyParameter: undefined,
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
      serverFilter: true,
    });
  });

  test("PXSTREAM_SERVER_FILTER: on unless false; anything else is a problem", () => {
    expect(loadConfig({ ...VALID, PXSTREAM_SERVER_FILTER: " FALSE " }, "scheduled").serverFilter).toBe(false);
    expect(loadConfig({ ...VALID, PXSTREAM_SERVER_FILTER: "true" }, "scheduled").serverFilter).toBe(true);
    expect(loadConfig({ ...VALID, PXSTREAM_SERVER_FILTER: "" }, "scheduled").serverFilter).toBe(true);
    expect(problems({ ...VALID, PXSTREAM_SERVER_FILTER: "no" }).problems).toEqual(['PXSTREAM_SERVER_FILTER must be true or false (got "no")']);
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
    expect(problems(noBucket, "scheduled").problems).toEqual(["PXSTREAM_STATE_BUCKET is required for scheduled runs: the bucket of the checkpoint object"]);
  });

  describe("the configuration document", () => {
    const DOC = { accounts: { "23463567342345": "Tesouraria" }, rules: [{ name: "rajada", window: { minutes: 10, count: 5 } }] };
    const NO_LIST = { ...VALID, PXSTREAM_WATCHED_ACCOUNTS: undefined };

    test("inline (PXSTREAM_CONFIG): validated at load, and it replaces PXSTREAM_WATCHED_ACCOUNTS", () => {
      const c = loadConfig({ ...VALID, PXSTREAM_CONFIG: JSON.stringify(DOC) }, "scheduled");
      expect(c.document.kind).toBe("inline");
      expect(c.document.kind === "inline" && [...c.document.document.accounts.keys()]).toEqual(["23463567342345"]);
      expect(c.watchedAccounts).toEqual([]);
    });

    test("from S3 (PXSTREAM_CONFIG_KEY): an object in the state bucket, read later", () => {
      const c = loadConfig({ ...NO_LIST, PXSTREAM_CONFIG_KEY: "pxstream/config.json" }, "push");
      expect(c.document).toEqual({ kind: "object", bucket: "infosec-workloads-info", key: "pxstream/config.json" });
      expect(problems({ ...NO_LIST, PXSTREAM_STATE_BUCKET: undefined, PXSTREAM_CONFIG_KEY: "c.json" }, "push").problems).toEqual([
        "PXSTREAM_CONFIG_KEY names an object in PXSTREAM_STATE_BUCKET, which is not set",
      ]);
    });

    test("the document's problems are listed with the environment's, each prefixed", () => {
      const err = problems({
        ...NO_LIST,
        PXSTREAM_LOG_GROUPS: "",
        PXSTREAM_CONFIG: JSON.stringify({ accounts: { "1": "" }, rules: [{ name: "x", minAmout: 1 }, { name: "x" }] }),
      });
      expect(err.problems).toEqual([
        "PXSTREAM_LOG_GROUPS is required: comma-separated log group names to read",
        expect.stringMatching(/^PXSTREAM_CONFIG: rules\[0\] \("x"\): unknown field "minAmout"/),
        expect.stringMatching(/^PXSTREAM_CONFIG: rules\[1\] \("x"\)\.name "x" is also the name of rules\[0\]/),
      ]);
      expect(problems({ ...NO_LIST, PXSTREAM_CONFIG: "{not json" }).problems).toEqual([
        expect.stringMatching(/^PXSTREAM_CONFIG: the document is not valid JSON/),
      ]);
    });

    test("one way only; without any, PXSTREAM_WATCHED_ACCOUNTS is required", () => {
      expect(problems({ ...NO_LIST, PXSTREAM_CONFIG: JSON.stringify(DOC), PXSTREAM_CONFIG_KEY: "c.json" }).problems).toEqual([
        "PXSTREAM_CONFIG and PXSTREAM_CONFIG_KEY are both set: give the configuration document one way",
      ]);
      expect(problems(NO_LIST).problems).toEqual([
        expect.stringMatching(/^PXSTREAM_WATCHED_ACCOUNTS is required: .* \(or a configuration document: PXSTREAM_CONFIG_KEY or PXSTREAM_CONFIG\)$/),
      ]);
    });

    test("newReceiver needs PXSTREAM_RECEIVER_KEY_PARAMETER; stateful rules of push runs need the state bucket", () => {
      const doc = JSON.stringify({
        accounts: { "1": "" },
        rules: [
          { name: "chave nova", newReceiver: { days: 30 } },
          { name: "rajada", window: { minutes: 10, count: 5 } },
        ],
      });
      expect(problems({ ...NO_LIST, PXSTREAM_CONFIG: doc }).problems).toEqual([
        'PXSTREAM_CONFIG: rule "chave nova" uses newReceiver, which needs PXSTREAM_RECEIVER_KEY_PARAMETER (the SSM SecureString with the HMAC key for receiver hashes)',
      ]);
      const push = { ...NO_LIST, PXSTREAM_CONFIG: doc, PXSTREAM_STATE_BUCKET: undefined, PXSTREAM_RECEIVER_KEY_PARAMETER: "/pxstream/receiver-key" };
      expect(problems(push, "push").problems).toEqual([
        'PXSTREAM_CONFIG: rules "chave nova", "rajada" keep state between deliveries, which needs PXSTREAM_STATE_BUCKET (the state lives in the checkpoint)',
      ]);
      expect(loadConfig({ ...push, PXSTREAM_STATE_BUCKET: "b-u-c" }, "push").receiverKeyParameter).toBe("/pxstream/receiver-key");
      expect(problems({ ...VALID, PXSTREAM_RECEIVER_KEY_PARAMETER: "bad name!" }).problems).toEqual([
        expect.stringMatching(/PXSTREAM_RECEIVER_KEY_PARAMETER is not a valid SSM parameter name/),
      ]);
    });
  });
});

describe("a document from the environment is parsed once per text", () => {
  // Push deliveries come many times a minute: the rules compiled from a document (io/config-object.ts)
  // are reused only while it is the same object, and thousands of accounts must not be split per delivery.
  test("the same PXSTREAM_WATCHED_ACCOUNTS or PXSTREAM_CONFIG text gives the same objects; a new text new ones", () => {
    const many = Array.from({ length: 5000 }, (_, i) => String(10_000_000_000_000 + i)).join(",");
    const a = loadConfig({ ...VALID, PXSTREAM_WATCHED_ACCOUNTS: many }, "push");
    const b = loadConfig({ ...VALID, PXSTREAM_WATCHED_ACCOUNTS: `${many}` }, "push");
    expect(b.watchedAccounts).toBe(a.watchedAccounts);
    expect(b.document.kind === "watched-accounts" && b.document.document).toBe(a.document.kind === "watched-accounts" && a.document.document);
    const c = loadConfig({ ...VALID, PXSTREAM_WATCHED_ACCOUNTS: `${many},1` }, "push");
    expect(c.watchedAccounts).not.toBe(a.watchedAccounts);
    expect(c.watchedAccounts).toHaveLength(5001);
    const doc = JSON.stringify({ accounts: { "1": "" } });
    const d = loadConfig({ ...VALID, PXSTREAM_WATCHED_ACCOUNTS: undefined, PXSTREAM_CONFIG: doc }, "push");
    const e = loadConfig({ ...VALID, PXSTREAM_WATCHED_ACCOUNTS: undefined, PXSTREAM_CONFIG: doc }, "push");
    expect(e.document.kind === "inline" && e.document.document).toBe(d.document.kind === "inline" && d.document.document);
  });
});
