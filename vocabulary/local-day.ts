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
