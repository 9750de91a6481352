// Helpers shared by the fault-injection suites (test/integration/faults-*.test.ts).
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { InvokeContext } from "./dist-handler.js";
import type { SlackRequest } from "./slack-sink.js";
import { invoke, type Scenario, type StoredCheckpoint, type World } from "./world.js";

// The fault suites take the shared CashOut builder and watched account from here, with their other helpers.
export { cashOut, WATCHED } from "./pix-lines.js";
export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A Lambda context whose remaining time the test scripts (e.g. dropping once Slack got a message). */
export function scriptedContext(remaining: () => number, functionName = "pxstream-faults"): InvokeContext {
  return {
    functionName,
    awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
    getRemainingTimeInMillis: remaining,
  };
}

/** Writes a checkpoint object in the handler's format (what a previous run would have left). */
export async function seedCheckpoint(w: World, s: Scenario, cp: Partial<StoredCheckpoint> & { scannedUntil: number | null }): Promise<string> {
  const body = `${JSON.stringify({ version: 1, reported: {}, lease: null, ...cp })}\n`;
  await w.aws.putObject(s.bucket, s.key, body);
  return body;
}

/** The raw checkpoint object (body and ETag), or null. */
export function rawCheckpoint(w: World, s: Scenario): Promise<{ body: string; etag: string } | null> {
  return w.aws.getObject(s.bucket, s.key);
}

/** A run with nothing to report, as a deployed function would have made: leaves a checkpoint; returns its bytes. */
export async function settle(w: World, s: Scenario): Promise<string> {
  await invoke(w, s.env);
  const cp = await w.aws.getObject(s.bucket, s.key);
  if (cp === null) throw new Error("the settling run left no checkpoint");
  w.sink.clear();
  return cp.body;
}

/** The scenario's environment with the webhook read from an SSM parameter instead of SLACK_WEBHOOK. */
export function viaParameter(s: Scenario, parameter: string): Record<string, string> {
  const { SLACK_WEBHOOK: _url, ...rest } = s.env;
  return { ...rest, PXSTREAM_SLACK_WEBHOOK_PARAMETER: parameter };
}

/**
 * Allowance when comparing the sink's receivedAt gaps with a wait the code
 * promises: Node timers may fire a millisecond or so early by Date.now().
 * A gap still proves the wait (backoff, Retry-After, pacing), not speed.
 */
export const TIMER_SLACK_MS = 10;

/** Milliseconds between consecutive requests the sink received. */
export function gapsBetween(requests: readonly SlackRequest[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < requests.length; i++) out.push((requests[i]?.receivedAt ?? 0) - (requests[i - 1]?.receivedAt ?? 0));
  return out;
}

export interface Captured<T> {
  readonly result: T | undefined;
  readonly error: unknown;
  /** Everything written to stdout, stderr and the console while `fn` ran, plus the error's message, stack and causes. */
  readonly text: string;
  readonly lines: readonly string[];
  /** Only what went through process.stdout.write itself (where EMF must go). */
  readonly stdout: readonly string[];
}

function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    if (cur instanceof Error) {
      parts.push(String(cur), cur.stack ?? "", JSON.stringify(cur));
      cur = (cur as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(cur));
      cur = undefined;
    }
  }
  return parts.join("\n");
}

/** Runs `fn` with every output channel of this process recorded (and silenced); never throws. */
export async function capture<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const lines: string[] = [];
  const stdout: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug };
  const record = (chunk: string | Uint8Array): boolean => {
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return record(chunk);
  }) as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  const con = (...a: unknown[]): void => {
    lines.push(a.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join(" "));
  };
  console.log = con;
  console.error = con;
  console.warn = con;
  console.info = con;
  console.debug = con;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await fn();
  } catch (e) {
    error = e;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    Object.assign(console, saved);
  }
  const text = [...lines, error === undefined ? "" : describeError(error), result === undefined ? "" : JSON.stringify(result)].join("\n");
  return { result, error, text, lines, stdout };
}

/** The JSON lines among captured output (one per line, non-JSON skipped). */
export function jsonLines(lines: readonly string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const chunk of lines) {
    for (const line of chunk.split("\n")) {
      const t = line.trim();
      if (!t.startsWith("{")) continue;
      try {
        const v: unknown = JSON.parse(t);
        if (typeof v === "object" && v !== null && !Array.isArray(v)) out.push(v as Record<string, unknown>);
      } catch {
        // not JSON
      }
    }
  }
  return out;
}

/** What a fault proxy answers instead of forwarding. */
export interface InjectedReply {
  /** Never answer: the client must time out. */
  readonly hang?: boolean;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly target: string | undefined;
  readonly injected: boolean;
  /** The request body as sent (AWS JSON protocols carry the call's parameters here). */
  readonly body: string;
}

/**
 * A real HTTP proxy in front of moto: `decide` may answer a request with a
 * fault (a throttle, a 503) instead of forwarding it. Point AWS_ENDPOINT_URL at it.
 */
export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private server: Server | undefined;
  endpoint = "";

  constructor(
    private readonly target: string,
    private readonly decide: (req: IncomingMessage, seen: readonly SeenRequest[]) => InjectedReply | undefined,
  ) {}

  async start(): Promise<void> {
    const upstream = new URL(this.target);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const fault = this.decide(req, this.seen);
        const targetHeader = req.headers["x-amz-target"];
        this.seen.push({
          method: req.method ?? "",
          url: req.url ?? "",
          target: typeof targetHeader === "string" ? targetHeader : undefined,
          injected: fault !== undefined,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        if (fault?.hang) return;
        if (fault !== undefined) {
          res.writeHead(fault.status, { ...fault.headers, "content-length": String(Buffer.byteLength(fault.body)) });
          res.end(fault.body);
          return;
        }
        const fwd = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        fwd.on("error", () => res.destroy());
        fwd.end(Buffer.concat(chunks));
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", () => r()));
    const addr = this.server.address();
    if (addr === null || typeof addr === "string") throw new Error("proxy has no port");
    this.endpoint = `http://127.0.0.1:${addr.port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}
