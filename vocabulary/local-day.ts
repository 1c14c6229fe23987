// Calendar days in the site's time zone: "since local midnight" for the daily Bowie–Dick gate and
// "read that day" for a BI's positive control (reference/standards.md §1.5, §4.1). Pure.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

/** The local calendar date (YYYY-MM-DD) of the instant `ms` in `timeZone` (an IANA name, e.g. Europe/Berlin). */
export function localDate(ms: number, timeZone: string): string {
  const parts = formatFor(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whether `timeZone` is a zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone of the machine the gateway runs on (used when the config names none). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Offset of `timeZone` from UTC at the instant `ms`, in ms (east positive). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000;
}

/** The UTC instant of the local wall time `ymd` (YYYY-MM-DD) `hour`:`minute` in `timeZone`; null for a date or time that does not exist. */
export function localTimeUtc(ymd: string, hour: number, minute: number, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m || !Number.isInteger(hour) || !Number.isInteger(minute) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  const day = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(day) || new Date(day).toISOString().slice(0, 10) !== ymd) return null;
  const wall = day + (hour * 60 + minute) * 60_000;
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** The UTC instant of local midnight starting the calendar day `ymd` (YYYY-MM-DD) in `timeZone`. */
export function localMidnightUtc(ymd: string, timeZone: string): number | null {
  return localTimeUtc(ymd, 0, 0, timeZone);
}
