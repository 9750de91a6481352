// The webhook cache: one SSM call per burst, but a fixed parameter is heard by
// the next run (the entry expires, and goes when Slack refuses the URL).
import type { SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, test } from "vitest";
import { forgetWebhook, resolveWebhook, WEBHOOK_TTL_MS } from "../../handler/io/webhook-parameter.js";
import { T0 } from "./fixtures.js";

/** An SSM client that answers GetParameter with whatever `value` holds now, counting calls. */
function fakeSsm(): { client: () => SSMClient; calls: () => number; set: (v: string) => void } {
  let value = "https://hooks.example/old";
  let calls = 0;
  const client = {
    send: async () => {
      calls++;
      return { Parameter: { Value: value } };
    },
  };
  return {
    client: () => client as unknown as SSMClient,
    calls: () => calls,
    set: (v) => {
      value = v;
    },
  };
}

describe("resolveWebhook", () => {
  test("cached within the TTL, read again after it", async () => {
    const ssm = fakeSsm();
    const source = { kind: "parameter", name: "/ttl/test" } as const;
    let now = T0;
    expect(await resolveWebhook(source, ssm.client, () => now)).toBe("https://hooks.example/old");
    ssm.set("https://hooks.example/new");
    now = T0 + WEBHOOK_TTL_MS - 1;
    expect(await resolveWebhook(source, ssm.client, () => now)).toBe("https://hooks.example/old");
    expect(ssm.calls()).toBe(1);
    now = T0 + WEBHOOK_TTL_MS;
    expect(await resolveWebhook(source, ssm.client, () => now)).toBe("https://hooks.example/new");
    expect(ssm.calls()).toBe(2);
  });

  test("forgetWebhook drops the entry: the next call reads the parameter again", async () => {
    const ssm = fakeSsm();
    const source = { kind: "parameter", name: "/forget/test" } as const;
    await resolveWebhook(source, ssm.client, () => T0);
    ssm.set("https://hooks.example/fixed");
    forgetWebhook(source);
    expect(await resolveWebhook(source, ssm.client, () => T0 + 1)).toBe("https://hooks.example/fixed");
    expect(ssm.calls()).toBe(2);
  });
});
