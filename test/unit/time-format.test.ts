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

describe("the per-hour offset cache agrees with Intl", () => {
  const intl = new Intl.DateTimeFormat("en-GB", {
    timeZone: "America/Sao_Paulo",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const reference = (ms: number): string => {
    const f: Record<string, string> = {};
    for (const p of intl.formatToParts(new Date(ms))) f[p.type] = p.value;
    return `${f.day}/${f.month}/${f.year} ${f.hour}:${f.minute}:${f.second}`;
  };

  test("around the clock changes of 2017-2019 (summer time began and ended at local midnight)", () => {
    // 2018-11-04 00:00 local became 01:00; 2019-02-17 00:00 local became 2019-02-16 23:00.
    for (const edge of [Date.UTC(2018, 10, 4, 3), Date.UTC(2019, 1, 17, 2), Date.UTC(2017, 9, 15, 3), Date.UTC(2018, 1, 18, 2)]) {
      for (let ms = edge - 2 * 3_600_000; ms <= edge + 2 * 3_600_000; ms += 599_999) expect(fullTime(ms), String(ms)).toBe(reference(ms));
    }
  });

  test("seeded instants from 1990 to 2040", () => {
    let seed = 99;
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const ms = Date.UTC(1990, 0, 1) + Math.floor((seed / 2 ** 31) * 50 * 365.25 * 86_400_000);
      expect(fullTime(ms), String(ms)).toBe(reference(ms));
    }
  });
});
