import { type CloudWatchLogsClient, FilterLogEventsCommand, type FilterLogEventsCommandOutput } from "@aws-sdk/client-cloudwatch-logs";
import { describeAwsError, retriesOf } from "./aws-errors.js";
import type { LogEvent } from "../core/log-event.js";
import type { TimeWindow } from "../core/plan.js";

export interface FetchStats {
  pages: number;
  awsRetries: number;
}

/**
 * Every event of a log group in a window, a page at a time, following
 * nextToken until it is absent (a page may be empty while a token remains).
 * With a filter pattern, CloudWatch Logs sends only the events that match it.
 */
export async function* readLogGroup(
  client: CloudWatchLogsClient,
  logGroup: string,
  window: TimeWindow,
  stats: FetchStats,
  filterPattern?: string,
): AsyncGenerator<LogEvent[]> {
  let nextToken: string | undefined;
  do {
    let page: FilterLogEventsCommandOutput;
    try {
      page = await client.send(
        new FilterLogEventsCommand({
          logGroupName: logGroup,
          startTime: window.start,
          endTime: window.end,
          nextToken,
          limit: 10_000,
          interleaved: true,
          ...(filterPattern === undefined ? {} : { filterPattern }),
        }),
      );
    } catch (err) {
      stats.awsRetries += retriesOf(err);
      const hint = err instanceof Error && err.name === "ResourceNotFoundException" ? " (does the log group exist in this account and Region?)" : "";
      throw new Error(`FilterLogEvents on log group ${JSON.stringify(logGroup)} failed: ${describeAwsError(err)}${hint}`, { cause: err });
    }
    stats.pages++;
    stats.awsRetries += retriesOf(page);
    const events: LogEvent[] = [];
    for (const e of page.events ?? []) {
      if (e.message === undefined || e.eventId === undefined || e.timestamp === undefined) continue;
      events.push({ logGroup, logStream: e.logStreamName ?? "", id: e.eventId, timestamp: e.timestamp, message: e.message });
    }
    yield events;
    nextToken = page.nextToken;
  } while (nextToken);
}
