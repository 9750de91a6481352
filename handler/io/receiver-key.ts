import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { MIN_RECEIVER_KEY_CHARS } from "../core/receiver-hash.js";
import { describeAwsError } from "./aws-errors.js";

// The HMAC key of the receiver hashes lives for the container's life, in memory only:
// never logged, never written beside the hashes (README "Rules", what newReceiver stores).
const cache = new Map<string, string>();

/** The HMAC key from its SSM SecureString (PXSTREAM_RECEIVER_KEY_PARAMETER). Errors name the parameter, never its value. */
export async function resolveReceiverKey(name: string, client: () => SSMClient): Promise<string> {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let value: string | undefined;
  try {
    const res = await client().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = res.Parameter?.Value;
  } catch (err) {
    throw new Error(`Reading the receiver HMAC key from SSM parameter ${JSON.stringify(name)} failed: ${describeAwsError(err)}`, { cause: err });
  }
  if (value === undefined || value.length < MIN_RECEIVER_KEY_CHARS) {
    throw new Error(`SSM parameter ${JSON.stringify(name)} must hold the receiver HMAC key: at least ${MIN_RECEIVER_KEY_CHARS} characters`);
  }
  cache.set(name, value);
  return value;
}
