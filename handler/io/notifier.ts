import { SLACK_RETRY } from "./slack.js";
import type { SlackMessage } from "../core/render.js";
import { postToSlack, SlackError } from "./slack.js";

export interface Notifier {
  /** Posts messages in order, paced to Slack's one-per-second; returns the retries it took. */
  send(messages: readonly SlackMessage[]): Promise<number>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function slackNotifier(url: string, timeoutMs: number, remainingMs: () => number): Notifier {
  let lastPost = 0;
  return {
    async send(messages) {
      let retries = 0;
      for (const m of messages) {
        const wait = lastPost + SLACK_RETRY.minIntervalMs - Date.now();
        if (lastPost > 0 && wait > 0) await sleep(wait);
        try {
          retries += await postToSlack(url, m, { timeoutMs, policy: SLACK_RETRY, remainingMs });
        } catch (err) {
          if (err instanceof SlackError) err.retries += retries;
          throw err;
        }
        lastPost = Date.now();
      }
      return retries;
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
      return 0;
    },
  };
}
