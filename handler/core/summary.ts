// What a run reports: returned to the caller, logged as one JSON line, and
// turned into CloudWatch embedded-metric-format metrics.

export type LeaseOutcome =
  /** This run held the checkpoint's lease while it posted. */
  | "acquired"
  /** Nothing to post, so no lease was needed. */
  | "not-needed"
  /** Another run holds an unexpired lease: this one left without reading or posting. */
  | "held-by-other"
  /** Another run wrote the checkpoint first: this one left without posting. */
  | "lost"
  | "dry-run"
  /** Push deliveries keep no checkpoint. */
  | "none";

/**
 * What the adapters count as they work. The run's summary is this object: the
 * S3 store, the log source and the Slack notifier add to it directly, so nothing
 * is threaded through return values or copied back at the end.
 */
export interface Counters {
  /** FilterLogEvents pages read (pages can be empty while a token remains). */
  pages: number;
  awsRetries: number;
  slackRetries: number;
}

export interface RunSummary extends Counters {
  mode: "scheduled" | "push";
  dryRun: boolean;
  /** Log events read. */
  scanned: number;
  /** CashOuts of watched accounts alerted on (in a dry run: that would have been). */
  matched: number;
  /** Lines that looked like a watched CashOut but could not be read. */
  malformed: number;
  /** Watched CashOuts skipped because an earlier run already reported them. */
  duplicates: number;
  /** Slack messages posted. */
  notified: number;
  /** CashOuts a push run held back in the checkpoint (coalescing): a later run reports them. */
  held: number;
  /** Sum of the matched amounts, integer centavos as a decimal string (exact past 2^53). */
  totalCentavos: string;
  windowStart: number | null;
  windowEnd: number | null;
  slices: { planned: number; completed: number; pending: number };
  /** A window past PXSTREAM_MAX_CATCHUP_HOURS that was not scanned. */
  unscanned: { start: number; end: number } | null;
  lease: LeaseOutcome;
  /** Seconds between now and the checkpoint's cursor after this run; null without a checkpoint. */
  cursorLagSeconds: number | null;
  durationMs: number;
  malformedSamples: Array<{ id: string; logGroup: string; reason: string }>;
  /** Rule state the bounds made this run forget (window members, waiting CashOuts' details, receivers: README "Rules"). */
  ruleStateForgotten: number;
  /** Why the stored rule state was unreadable and started over, or null. */
  ruleStateProblem: string | null;
}

export function newSummary(mode: RunSummary["mode"], dryRun: boolean): RunSummary {
  return {
    mode,
    dryRun,
    scanned: 0,
    matched: 0,
    malformed: 0,
    duplicates: 0,
    notified: 0,
    held: 0,
    totalCentavos: "0",
    windowStart: null,
    windowEnd: null,
    pages: 0,
    slices: { planned: 0, completed: 0, pending: 0 },
    unscanned: null,
    lease: mode === "push" ? "none" : dryRun ? "dry-run" : "not-needed",
    awsRetries: 0,
    slackRetries: 0,
    cursorLagSeconds: null,
    durationMs: 0,
    malformedSamples: [],
    ruleStateForgotten: 0,
    ruleStateProblem: null,
  };
}

/** One EMF document (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html). */
export function metricsDocument(s: RunSummary, functionName: string, now: number, succeeded: boolean): Record<string, unknown> {
  const metrics: Record<string, number> = {
    EventsScanned: s.scanned,
    EventsMatched: s.matched,
    EventsMalformed: s.malformed,
    MessagesPosted: s.notified,
    SlackRetries: s.slackRetries,
    AwsRetries: s.awsRetries,
    RunsSucceeded: succeeded ? 1 : 0,
    RunsFailed: succeeded ? 0 : 1,
  };
  if (s.cursorLagSeconds !== null) metrics.CursorLagSeconds = s.cursorLagSeconds;
  const units: Record<string, string> = { CursorLagSeconds: "Seconds" };
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: "pxstream",
          Dimensions: [["FunctionName"]],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: units[Name] ?? "Count" })),
        },
      ],
    },
    FunctionName: functionName,
    ...metrics,
  };
}
