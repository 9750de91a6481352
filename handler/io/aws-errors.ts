// What an AWS SDK error or response says, in the words an operator needs.

/** Retries the SDK made for a call (its attempts beyond the first), from a response or an error. */
export function retriesOf(x: unknown): number {
  const meta = typeof x === "object" && x !== null && "$metadata" in x ? (x as { $metadata?: { attempts?: number } }).$metadata : undefined;
  return Math.max(0, (meta?.attempts ?? 1) - 1);
}

/** `Name: message` of an AWS SDK error, for an error that also says which resource was involved. */
export function describeAwsError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // A 403 whose body the SDK could not read still means one thing: the role lacks a permission.
  if (status === 403 && !/denied|not authorized|forbidden/i.test(`${err.name} ${err.message}`)) {
    return `access denied (HTTP 403; check the function's IAM policy): ${err.name}: ${err.message}`;
  }
  return `${err.name}: ${err.message}`;
}
