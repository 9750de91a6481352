import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { describeAwsError } from "./aws-errors.js";
import type { WebhookSource } from "../core/config.js";

// The decrypted URL lives for the container's life: one SSM call per cold start.
const cache = new Map<string, string>();

/** The webhook URL. Errors name the parameter, never its value. */
export async function resolveWebhook(source: WebhookSource, client: () => SSMClient): Promise<string> {
  if (source.kind === "url") return source.url;
  const hit = cache.get(source.name);
  if (hit !== undefined) return hit;
  let value: string | undefined;
  try {
    const res = await client().send(new GetParameterCommand({ Name: source.name, WithDecryption: true }));
    value = res.Parameter?.Value;
  } catch (err) {
    throw new Error(`Reading the Slack webhook from SSM parameter ${JSON.stringify(source.name)} failed: ${describeAwsError(err)}`, { cause: err });
  }
  if (value === undefined || !/^https?:\/\/\S+$/.test(value.trim())) {
    throw new Error(`SSM parameter ${JSON.stringify(source.name)} does not hold an http(s) webhook URL`);
  }
  cache.set(source.name, value.trim());
  return value.trim();
}
