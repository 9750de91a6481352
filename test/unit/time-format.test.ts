import { describe, expect, test } from "vitest";
import { fullTime, shortTime } from "../../handler/core/time-format.js";

describe("times in America/Sao_Paulo", () => {
  const cases: Array<[string, number, string, string]> = [
    ["UTC-3 today", Date.UTC(2026, 10, 27, 12, 0, 1), "27/11 09:00:01", "27/11/2026 09:00:01"],
    ["day and year roll back", Date.UTC(2026, 0, 1, 2, 59, 59), "31/12 23:59:59", "31/12/2025 23:59:59"],
    ["midnight local", Date.UTC(2026, 5, 15, 3, 0, 0), "15/06 00:00:00", "15/06/2026 00:00:00"],
    // Brazil still had daylight saving time (UTC-2) until February 2019: the tz database, not a fixed offset.
    ["2018 summer time", Date.UTC(2018, 11, 25, 12, 0, 0), "25/12 10:00:00", "25/12/2018 10:00:00"],
  ];
  test.each(cases)("%s", (_name, ms, short, full) => {
    expect(shortTime(ms)).toBe(short);
    expect(fullTime(ms)).toBe(full);
  });
});
