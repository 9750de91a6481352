// Bad configuration fails the invocation at once, naming every problem.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoke, startWorld, stopWorld, type World } from "../support/world.js";

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => stopWorld(w));

describe("configuration", () => {
  it("names every missing variable in one error, before any AWS or Slack call", async () => {
    const err = await invoke(w, { ...w.aws.awsEnv() }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/PXSTREAM_LOG_GROUPS is required/);
    expect(err?.message).toMatch(/PXSTREAM_WATCHED_ACCOUNTS is required/);
    expect(err?.message).toMatch(/PXSTREAM_STATE_BUCKET is required/);
    expect(err?.message).toMatch(/PXSTREAM_SLACK_WEBHOOK_PARAMETER .* or SLACK_WEBHOOK .* is required/);
    expect(w.sink.requests).toHaveLength(0);
  });

  it("lists invalid values without echoing the webhook", async () => {
    const err = await invoke(w, {
      PXSTREAM_LOG_GROUPS: "/ok,bad group!",
      PXSTREAM_WATCHED_ACCOUNTS: "1",
      PXSTREAM_STATE_BUCKET: "Not_A_Bucket",
      SLACK_WEBHOOK: "ftp://hooks.example/secret-token",
      PXSTREAM_LOOKBACK_MINUTES: "five",
      PXSTREAM_DRY_RUN: "yes",
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const msg = err?.message ?? "";
    expect(msg).toMatch(/5 problems/);
    for (const needle of ["bad group!", "Not_A_Bucket", "SLACK_WEBHOOK is not an http(s) URL", "PXSTREAM_LOOKBACK_MINUTES", "PXSTREAM_DRY_RUN"]) {
      expect(msg).toContain(needle);
    }
    expect(msg).not.toContain("secret-token");
  });
});
