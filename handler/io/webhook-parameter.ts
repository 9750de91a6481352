import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { WebhookSource } from "../core/config.js";
import { describeAwsError } from "./aws-errors.js";

/**
 * The decrypted URL is kept for a while so push bursts make one SSM call, not one
 * per delivery. It expires, and is dropped when Slack refuses it, so an operator
 * who fixes the parameter is heard by the next run of a warm container.
 */
export const WEBHOOK_TTL_MS = 5 * 60_000;

const cache = new Map<string, { readonly url: string; readonly until: number }>();

/** The webhook URL. Errors name the parameter, never its value. */
export async function resolveWebhook(source: WebhookSource, client: () => SSMClient, now: () => number = () => Date.now()): Promise<string> {
  if (source.kind === "url") return source.url;
  const hit = cache.get(source.name);
  if (hit !== undefined && hit.until > now()) return hit.url;
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
  cache.set(source.name, { url: value.trim(), until: now() + WEBHOOK_TTL_MS });
  return value.trim();
}

/** Forgets the cached URL (Slack refused it: the operator will fix the parameter). */
export function forgetWebhook(source: WebhookSource): void {
  if (source.kind === "parameter") cache.delete(source.name);
}
