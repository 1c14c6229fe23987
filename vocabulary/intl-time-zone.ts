// Time zones through Intl (ICU): the fallback of local-day.ts when no zone file can be read (no source installed,
// a container without tzdata, a name only ICU knows), and the oracle the zone-file path is tested against.
// Constructing the first Intl.DateTimeFormat with a timeZone makes Node touch ~6 MB of ICU data. Pure.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, f);
  }
  return f;
}

/** The local calendar date (YYYY-MM-DD) of the instant `ms` in `timeZone`, through Intl. */
export function intlLocalDate(ms: number, timeZone: string): string {
  const parts = formatFor(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Whether Intl knows `timeZone`. */
export function intlIsTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone of the machine as Intl tells it. */
export function intlSystemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock formatter of `timeZone`, kept per zone like formatFor (building one per call cost ~20 KB each). */
function offsetFormatFor(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at the instant `ms`, in ms (east positive), through Intl. */
export function intlZoneOffsetMs(ms: number, timeZone: string): number {
  const parts = offsetFormatFor(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000;
}
