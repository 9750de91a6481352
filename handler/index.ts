// The Lambda entry point: reads the configuration, picks the run for the
// trigger, and reports. Everything it composes is in its own module.
import { randomUUID } from "node:crypto";
import { loadConfig, type Config, type RunMode } from "./core/config.js";
import { CASHOUT_FILTER_PATTERN } from "./core/parse.js";
import type { CompiledRules } from "./core/rules.js";
import { decodeDelivery, isSubscriptionEvent } from "./core/subscription.js";
import { metricsDocument, newSummary, type Counters, type RunSummary } from "./core/summary.js";
import { logsClient, s3Client, ssmClient } from "./io/aws-clients.js";
import { loadRules } from "./io/config-object.js";
import { DryRunCheckpoint, LeasedCheckpoint, type RunCheckpoint } from "./io/leased-checkpoint.js";
import { readLogGroup } from "./io/log-source.js";
import { dryRunNotifier, slackNotifier, type Notifier } from "./io/notifier.js";
import { StateStore, type CheckpointStore } from "./io/state-store.js";
import { forgetWebhook, resolveWebhook } from "./io/webhook-parameter.js";
import { pushRun, watchFor } from "./push-run.js";
import { scheduledRun, type LogSource } from "./scheduled-run.js";

/** The parts of the Lambda context pxstream uses (a console test or a script may pass less). */
export interface InvocationContext {
  readonly functionName?: string;
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

/** Where a run's lines go. Lambda sends stdout and stderr to CloudWatch Logs; tests capture them instead. */
export interface Outputs {
  /** The summary of a successful run: one JSON line. */
  readonly summary: (line: string) => void;
  /** The summary of a failed run, and warnings: one JSON line each. */
  readonly failure: (line: string) => void;
  /** The embedded-metric-format document: one JSON line. */
  readonly metrics: (line: string) => void;
  /** Anything else worth a line (a dry run's messages). */
  readonly log: (line: string) => void;
}

export const STANDARD_OUTPUTS: Outputs = {
  summary: (line) => console.log(line),
  failure: (line) => console.error(line),
  // EMF goes straight to stdout: Lambda's JSON log format would wrap a console line and CloudWatch would not see the metrics.
  metrics: (line) => process.stdout.write(`${line}\n`),
  log: (line) => console.log(line),
};

/** What touches the world, built per invocation; the counters are the run's summary, which the adapters add to. */
export interface Adapters {
  readonly store: (config: Config, counters: Counters) => CheckpointStore;
  readonly logs: (counters: Counters, config: Config) => LogSource;
  /** The Slack notifier of a run that posts (not used by dry runs). */
  readonly notifier: (config: Config, remainingMs: () => number, counters: Counters) => Promise<Notifier>;
  /** The watch list and rules (the S3 document, the receiver HMAC key); AWS's when not given. */
  readonly rules?: (config: Config, mode: RunMode, counters: Counters) => Promise<CompiledRules>;
}

function awsRules(config: Config, mode: RunMode, counters: Counters): Promise<CompiledRules> {
  return loadRules(config, mode, { s3: () => s3Client(), ssm: () => ssmClient(), counters });
}

export const AWS_ADAPTERS: Adapters = {
  // loadConfig guarantees the bucket for scheduled runs.
  store: (config, counters) => new StateStore(s3Client(), config.stateBucket ?? "", config.stateKey, counters),
  logs: (counters, config) => {
    const client = logsClient();
    // Only CashOut lines cross the wire unless PXSTREAM_SERVER_FILTER=false (README, Performance).
    const pattern = config.serverFilter ? CASHOUT_FILTER_PATTERN : undefined;
    return { read: (group, window) => readLogGroup(client, group, window, counters, pattern) };
  },
  notifier: async (config, remainingMs, counters) => {
    const source = config.webhook;
    if (source === undefined) throw new Error("no webhook configured");
    const url = await resolveWebhook(source, () => ssmClient());
    return slackNotifier(url, config.slackTimeoutMs, remainingMs, counters, () => forgetWebhook(source));
  },
};

export interface HandlerDeps {
  readonly outputs: Outputs;
  readonly adapters: Adapters;
  readonly env: () => Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
}

export type Handler = (event: unknown, context?: InvocationContext) => Promise<RunSummary>;

function notifierFor(deps: HandlerDeps, config: Config, remainingMs: () => number, counters: Counters): () => Promise<Notifier> {
  return async () => {
    if (config.dryRun || config.webhook === undefined) return dryRunNotifier(deps.outputs.log);
    return deps.adapters.notifier(config, remainingMs, counters);
  };
}

/** A handler over these outputs and adapters (tests pass their own; Lambda gets `handler`). */
export function createHandler(partial: Partial<HandlerDeps> = {}): Handler {
  const deps: HandlerDeps = {
    outputs: partial.outputs ?? STANDARD_OUTPUTS,
    adapters: partial.adapters ?? AWS_ADAPTERS,
    env: partial.env ?? (() => process.env),
    // Read the clock at each call, not a reference taken at load: a test that moves the clock (fake timers) moves the handler's too.
    now: partial.now ?? (() => Date.now()),
  };
  return async (event, context = {}) => {
    const started = deps.now();
    const mode = isSubscriptionEvent(event) ? "push" : "scheduled";
    const functionName = context.functionName ?? deps.env().AWS_LAMBDA_FUNCTION_NAME ?? "pxstream";
    const remainingMs = (): number => context.getRemainingTimeInMillis?.() ?? 900_000;
    // Made before the configuration is read: a configuration error is a failed run and reports like one.
    let summary = newSummary(mode, false);
    let succeeded = false;
    try {
      const config = loadConfig(deps.env(), mode);
      summary = newSummary(mode, config.dryRun);
      const notifier = notifierFor(deps, config, remainingMs, summary);
      // An invalid document (inline or in S3) fails here, every problem named, before any log is read.
      const rules = await (deps.adapters.rules ?? awsRules)(config, mode, summary);
      const owner = context.awsRequestId ?? randomUUID();
      const warn = deps.outputs.failure;
      const store = config.stateBucket === undefined ? null : deps.adapters.store(config, summary);
      const checkpointFor = (role: "scheduled" | "push"): RunCheckpoint =>
        store === null || config.dryRun ? new DryRunCheckpoint(store) : new LeasedCheckpoint(store, { owner, now: deps.now, warn, role });
      if (isSubscriptionEvent(event)) {
        const delivery = decodeDelivery(event, watchFor(rules.watchAccounts));
        await pushRun({
          config,
          rules,
          delivery,
          checkpoint: checkpointFor("push"),
          shared: store !== null,
          notifier,
          functionName,
          remainingMs,
          now: deps.now,
          summary,
        });
      } else {
        await scheduledRun({
          config,
          rules,
          checkpoint: checkpointFor("scheduled"),
          logs: deps.adapters.logs(summary, config),
          notifier,
          functionName,
          owner,
          remainingMs,
          now: deps.now,
          summary,
        });
      }
      succeeded = true;
      return summary;
    } finally {
      summary.durationMs = deps.now() - started;
      if (succeeded) deps.outputs.summary(JSON.stringify(summary));
      else
        deps.outputs.failure(
          JSON.stringify({ level: "ERROR", message: "pxstream run failed; the checkpoint did not move past what Slack accepted", ...summary }),
        );
      deps.outputs.metrics(JSON.stringify(metricsDocument(summary, functionName, deps.now(), succeeded)));
    }
  };
}

export const handler: Handler = createHandler();
