import { describe, expect, test } from "vitest";
import { requestTimeoutMs } from "../../handler/io/aws-clients.js";

describe("AWS request timeout", () => {
  test("15 s unless PXSTREAM_AWS_TIMEOUT_SECONDS says otherwise", () => {
    expect(requestTimeoutMs({})).toBe(15_000);
    expect(requestTimeoutMs({ PXSTREAM_AWS_TIMEOUT_SECONDS: " " })).toBe(15_000);
    expect(requestTimeoutMs({ PXSTREAM_AWS_TIMEOUT_SECONDS: "1" })).toBe(1_000);
    expect(requestTimeoutMs({ PXSTREAM_AWS_TIMEOUT_SECONDS: "900" })).toBe(900_000);
  });

  test.each(["0", "901", "1.5", "-1", "15s"])("%s is an error that names the variable", (value) => {
    expect(() => requestTimeoutMs({ PXSTREAM_AWS_TIMEOUT_SECONDS: value })).toThrow(
      `PXSTREAM_AWS_TIMEOUT_SECONDS must be a whole number from 1 to 900 (got ${JSON.stringify(value)})`,
    );
  });
});
