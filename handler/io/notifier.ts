import type { SlackMessage } from "../core/render.js";
import type { Counters } from "../core/summary.js";
import { postToSlack, SLACK_RETRY, SlackError } from "./slack.js";

export interface Notifier {
  /** Posts messages in order, paced to Slack's one-per-second; the retries it takes go into the run's counters. */
  send(messages: readonly SlackMessage[]): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Slack's answers that say the webhook itself is wrong (revoked, archived, refused): a cached URL must go. */
export const REFUSED_WEBHOOK = new Set([400, 403, 404, 410]);

export function slackNotifier(
  url: string,
  timeoutMs: number,
  remainingMs: () => number,
  counters: Pick<Counters, "slackRetries">,
  onRefused: () => void = () => {},
): Notifier {
  let lastPost = 0;
  return {
    async send(messages) {
      for (const m of messages) {
        const wait = lastPost + SLACK_RETRY.minIntervalMs - Date.now();
        if (lastPost > 0 && wait > 0) await sleep(wait);
        try {
          counters.slackRetries += await postToSlack(url, m, { timeoutMs, policy: SLACK_RETRY, remainingMs });
        } catch (err) {
          // The retries of the send that failed are part of the failed run's story too.
          if (err instanceof SlackError) {
            counters.slackRetries += err.retries;
            if (err.status !== undefined && REFUSED_WEBHOOK.has(err.status)) onRefused();
          }
          throw err;
        }
        lastPost = Date.now();
      }
    },
  };
}

/** A dry run logs what it would post, in full, and posts nothing. */
export function dryRunNotifier(log: (line: string) => void): Notifier {
  return {
    async send(messages) {
      for (const m of messages) {
        log(JSON.stringify({ dryRun: true, slackMessage: { text: m.text, blocks: m.blocks } }));
      }
    },
  };
}
