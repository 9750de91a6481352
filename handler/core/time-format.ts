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
