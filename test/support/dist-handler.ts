import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { readZip, unpackZip } from "../../scripts/lib/zip.mjs";

export { readZip };

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const zipPath = join(repoRoot, "dist", "pxstream.zip");

export interface InvokeContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

export type DistHandler = (event: unknown, context: InvokeContext) => Promise<RunSummary>;

/** The fields of the run summary (README "Invocation") that tests read; the handler may return more. */
export interface RunSummary {
  readonly scanned: number;
  readonly matched: number;
  readonly malformed: number;
  readonly notified: number;
  readonly windowStart: number | null;
  readonly windowEnd: number | null;
  readonly [extra: string]: unknown;
}

/**
 * Unpacks dist/pxstream.zip into a fresh folder, as Lambda does, and imports
 * its index.mjs. Each call gives a new module instance (a new "container").
 */
export async function loadDistHandler(): Promise<DistHandler> {
  if (!existsSync(zipPath)) {
    throw new Error(`${zipPath} is missing: run \`make build\` first (make test does it for you).`);
  }
  const dir = await unpackZip(zipPath);
  const mod = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as { handler?: unknown };
  if (typeof mod.handler !== "function") throw new Error("index.mjs does not export a handler function");
  return mod.handler as DistHandler;
}

/** A Lambda context whose deadline is `ms` from now. */
export function lambdaContext(ms = 60_000, functionName = "pxstream-test"): InvokeContext {
  const deadline = Date.now() + ms;
  return {
    functionName,
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * Runs `fn` with exactly these PXSTREAM_/SLACK_/AWS_ variables set (others of
 * those prefixes removed), then restores the environment.
 */
export async function withEnv<T>(vars: Readonly<Record<string, string | undefined>>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) {
    if (k.startsWith("PXSTREAM_") || k === "SLACK_WEBHOOK" || k.startsWith("AWS_")) delete process.env[k];
  }
  for (const [k, v] of Object.entries(vars)) {
    if (v !== undefined) process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) {
      if (!(k in saved)) delete process.env[k];
    }
    Object.assign(process.env, saved);
  }
}
