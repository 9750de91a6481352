// Times shown to people are in Brasília time (America/Sao_Paulo), the way the team reads them.

const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "America/Sao_Paulo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function fields(ms: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

/** `27/11 09:00:01` */
export function shortTime(ms: number): string {
  const f = fields(ms);
  return `${f.day}/${f.month} ${f.hour}:${f.minute}:${f.second}`;
}

/** `27/11/2026 09:00:01` */
export function fullTime(ms: number): string {
  const f = fields(ms);
  return `${f.day}/${f.month}/${f.year} ${f.hour}:${f.minute}:${f.second}`;
}

const hourOnly = new Intl.DateTimeFormat("en-GB", { timeZone: "America/Sao_Paulo", hour: "2-digit", hourCycle: "h23" });
const HOUR_MS = 3_600_000;
// São Paulo's offset from UTC has been whole hours since 1914 and changes only on hour
// boundaries, so the local hour of every instant in one UTC hour is the same: one
// Intl call per UTC hour instead of one per CashOut (rules look at every CashOut's hour).
const localHourOf = new Map<number, number>();

/** The hour of the day (0–23) in America/Sao_Paulo, from the tz database (Brazil had daylight saving time until 2019). */
export function saoPauloHour(ms: number): number {
  const utcHour = Math.floor(ms / HOUR_MS);
  let h = localHourOf.get(utcHour);
  if (h === undefined) {
    h = Number(hourOnly.format(new Date(utcHour * HOUR_MS)));
    if (localHourOf.size >= 100_000) localHourOf.clear();
    localHourOf.set(utcHour, h);
  }
  return h;
}
