// The Lambda entry point: reads the configuration, picks the run for the
// trigger, and reports. Everything it composes is in its own module.
import { randomUUID } from "node:crypto";
import { s3Client, ssmClient } from "./io/aws-clients.js";
import { loadConfig, type Config } from "./core/config.js";
import type { FetchStats } from "./io/log-source.js";
import { dryRunNotifier, slackNotifier, type Notifier } from "./io/notifier.js";
import { pushRun, watchFor } from "./push-run.js";
import { scheduledRun } from "./scheduled-run.js";
import { SlackError } from "./io/slack.js";
import { StateStore } from "./io/state-store.js";
import { decodeDelivery, isSubscriptionEvent } from "./core/subscription.js";
import { metricsDocument, newSummary, type RunSummary } from "./core/summary.js";
import { resolveWebhook } from "./io/webhook-parameter.js";

/** The parts of the Lambda context pxstream uses (a console test or a script may pass less). */
export interface InvocationContext {
  readonly functionName?: string;
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

const log = (line: string): void => console.log(line);

function notifierFor(config: Config, remainingMs: () => number): () => Promise<Notifier> {
  return async () => {
    if (config.dryRun || config.webhook === undefined) return dryRunNotifier(log);
    const url = await resolveWebhook(config.webhook, () => ssmClient());
    return slackNotifier(url, config.slackTimeoutMs, remainingMs);
  };
}

export async function handler(event: unknown, context: InvocationContext = {}): Promise<RunSummary> {
  const started = Date.now();
  const push = isSubscriptionEvent(event);
  const config = loadConfig(process.env, push ? "push" : "scheduled");
  const functionName = context.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? "pxstream";
  const remainingMs = (): number => context.getRemainingTimeInMillis?.() ?? 900_000;
  const summary = newSummary(push ? "push" : "scheduled", config.dryRun);
  const stats: FetchStats = { pages: 0, awsRetries: 0 };
  const notifier = notifierFor(config, remainingMs);
  let succeeded = false;
  try {
    if (push) {
      await pushRun(config, decodeDelivery(event, watchFor(config.watchedAccounts)), notifier, functionName, summary);
    } else {
      // loadConfig guarantees the bucket for scheduled runs.
      const store = new StateStore(s3Client(), config.stateBucket ?? "", config.stateKey, stats);
      await scheduledRun({
        config,
        store,
        notifier,
        functionName,
        owner: context.awsRequestId ?? randomUUID(),
        remainingMs,
        now: Date.now,
        summary,
        stats,
      });
    }
    succeeded = true;
    return summary;
  } catch (err) {
    // The retries of the send that failed are part of this run's story.
    if (err instanceof SlackError) summary.slackRetries += err.retries;
    throw err;
  } finally {
    summary.awsRetries += stats.awsRetries;
    summary.pages = stats.pages;
    summary.durationMs = Date.now() - started;
    if (succeeded) log(JSON.stringify(summary));
    else console.error(JSON.stringify({ level: "ERROR", message: "pxstream run failed; the checkpoint did not move past what Slack accepted", ...summary }));
    // EMF goes straight to stdout: Lambda's JSON log format would otherwise wrap it and CloudWatch would not see the metrics.
    process.stdout.write(`${JSON.stringify(metricsDocument(summary, functionName, Date.now(), succeeded))}\n`);
  }
}
