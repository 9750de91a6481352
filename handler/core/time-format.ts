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

interface Fields {
  readonly year: string;
  readonly month: string;
  readonly day: string;
  readonly hour: string;
  readonly minute: string;
  readonly second: string;
}

function intlFields(ms: number): Fields {
  const out: Record<string, string> = {};
  for (const p of parts.formatToParts(new Date(ms))) out[p.type] = p.value;
  return out as unknown as Fields;
}

// formatToParts costs several microseconds and a message lists up to 20 times:
// the zone's offset is looked up once per UTC hour (São Paulo's clock changes
// fell on whole UTC hours) and the fields computed from it. An hour whose two
// ends disagree, whatever the zone did, keeps the slow path.
const HOUR = 3_600_000;
const offsets = new Map<number, number | null>();

/** Local wall time minus UTC, in ms, at the whole second `ms`. */
function offsetAt(ms: number): number {
  const f = intlFields(ms);
  return Date.UTC(Number(f.year), Number(f.month) - 1, Number(f.day), Number(f.hour), Number(f.minute), Number(f.second)) - ms;
}

const two = (n: number): string => String(n).padStart(2, "0");

function fields(ms: number): Fields {
  const bucket = Math.floor(ms / HOUR);
  let offset = offsets.get(bucket);
  if (offset === undefined) {
    const a = offsetAt(bucket * HOUR);
    offset = a === offsetAt(bucket * HOUR + HOUR - 1000) ? a : null;
    if (offsets.size >= 4096) offsets.clear();
    offsets.set(bucket, offset);
  }
  if (offset === null || !Number.isFinite(ms)) return intlFields(ms);
  const d = new Date(Math.floor(ms / 1000) * 1000 + offset);
  const year = d.getUTCFullYear();
  // Intl writes years past four digits or before year 1000 its own way: leave those to it.
  if (year < 1000 || year > 9999) return intlFields(ms);
  return {
    year: String(year),
    month: two(d.getUTCMonth() + 1),
    day: two(d.getUTCDate()),
    hour: two(d.getUTCHours()),
    minute: two(d.getUTCMinutes()),
    second: two(d.getUTCSeconds()),
  };
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
