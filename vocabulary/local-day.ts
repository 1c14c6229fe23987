// Calendar days in the site's time zone: "since local midnight" for the daily Bowie–Dick gate and
// "read that day" for a BI's positive control (reference/standards.md §1.5, §4.1). Pure.
//
// Zones come from the system's compiled zone files when the program installed a source for them
// (time-zone-source.ts; the CLI does, gateway/system/zoneinfo-files.ts), and from Intl otherwise: with no source,
// for a name without a zone file, or when the machine's zone cannot be told. Intl gives the same answers but
// costs ~6 MB of resident ICU data (docs/performance.md, "Memory").
import { intlIsTimeZone, intlLocalDate, intlSystemTimeZone, intlZoneOffsetMs } from './intl-time-zone.js';
import { sourceSystemZone, sourceZone } from './time-zone-source.js';

/** The names of UTC that Intl reports as `UTC`; a machine set to one of them says `UTC`, as it did through Intl. */
const UTC_ALIASES = new Set(['Etc/UTC', 'Etc/UCT', 'Etc/Universal', 'Etc/Zulu', 'Etc/GMT', 'Etc/GMT0', 'Etc/GMT+0', 'Etc/GMT-0']);
for (const n of [...UTC_ALIASES]) UTC_ALIASES.add(n.slice(4));
UTC_ALIASES.add('Etc/Greenwich').add('Greenwich');

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Whether `ms` is an instant a Date can hold; Intl answers the others (with the RangeError it always threw). */
const isInstant = (ms: number) => Math.abs(ms) <= 8.64e15;

/** The local calendar date (YYYY-MM-DD) of the instant `ms` in `timeZone` (an IANA name, e.g. Europe/Berlin). */
export function localDate(ms: number, timeZone: string): string {
  const zone = isInstant(ms) ? sourceZone(timeZone) : undefined;
  if (!zone) return intlLocalDate(ms, timeZone);
  const local = new Date(ms + zone.offsetAt(ms));
  return `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
}

/** Whether `timeZone` is a zone this runtime knows: one with a zone file, or else one Intl knows. */
export function isTimeZone(timeZone: string): boolean {
  return sourceZone(timeZone) !== undefined || intlIsTimeZone(timeZone);
}

/** The zone of the machine the gateway runs on (used when the config names none). */
export function systemTimeZone(): string {
  const name = sourceSystemZone();
  if (name === undefined) return intlSystemTimeZone();
  return UTC_ALIASES.has(name) ? 'UTC' : name;
}

/** Offset of `timeZone` from UTC at the instant `ms`, in ms (east positive). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const zone = isInstant(ms) ? sourceZone(timeZone) : undefined;
  return zone ? zone.offsetAt(ms) : intlZoneOffsetMs(ms, timeZone);
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
