import { describe, expect, test } from "vitest";
import { metricsDocument, newSummary } from "../../handler/core/summary.js";
import { T0 } from "./fixtures.js";

describe("newSummary", () => {
  test("zeroed counters; lease outcome by mode", () => {
    const s = newSummary("scheduled", false);
    expect(s).toMatchObject({ mode: "scheduled", scanned: 0, matched: 0, malformed: 0, notified: 0, windowStart: null, windowEnd: null });
    expect(s.lease).toBe("not-needed");
    expect(newSummary("scheduled", true).lease).toBe("dry-run");
    expect(newSummary("push", false).lease).toBe("none");
    expect(newSummary("push", true).lease).toBe("none");
  });
});

describe("metricsDocument (CloudWatch EMF)", () => {
  const names = ["EventsScanned", "EventsMatched", "EventsMalformed", "MessagesPosted", "SlackRetries", "AwsRetries", "RunsSucceeded", "RunsFailed"];

  test("namespace pxstream, one FunctionName dimension, every metric declared and valued", () => {
    const s = { ...newSummary("scheduled", false), scanned: 10, matched: 3, malformed: 1, notified: 2, slackRetries: 4, awsRetries: 5, cursorLagSeconds: 42 };
    const doc = metricsDocument(s, "pxstream-prod", T0, true);
    expect(doc).toEqual({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [
          {
            Namespace: "pxstream",
            Dimensions: [["FunctionName"]],
            Metrics: [...names.map((Name) => ({ Name, Unit: "Count" })), { Name: "CursorLagSeconds", Unit: "Seconds" }],
          },
        ],
      },
      FunctionName: "pxstream-prod",
      EventsScanned: 10,
      EventsMatched: 3,
      EventsMalformed: 1,
      MessagesPosted: 2,
      SlackRetries: 4,
      AwsRetries: 5,
      RunsSucceeded: 1,
      RunsFailed: 0,
      CursorLagSeconds: 42,
    });
  });

  test("a failed run; no cursor lag without a checkpoint", () => {
    const doc = metricsDocument(newSummary("push", false), "f", T0, false);
    expect(doc).toMatchObject({ RunsSucceeded: 0, RunsFailed: 1 });
    expect(doc).not.toHaveProperty("CursorLagSeconds");
    // Every declared metric has a numeric value at the top level, as EMF requires.
    const aws = doc._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> };
    const declared = aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name) ?? [];
    expect(declared).toEqual(names);
    for (const n of declared) expect(typeof doc[n]).toBe("number");
  });
});
