// Civil dates and local times of day -> epoch milliseconds. Pure: the offset comes in as an argument.
// `tzOffsetMinutes` is minutes EAST of UTC (CET = 60, New York winter = -300); when it is undefined
// the process's local time zone is used (the gateway's TZ, as docs/devices.md says), DST included.

/** A calendar day as a count of days since 1970-01-01. */
export type CivilDay = number;

const DAY_MS = 86_400_000;
export const HALF_DAY_S = 43_200;

/** `YYYY-MM-DD` -> CivilDay, or undefined if it is not a real calendar date. */
export function parseIsoDate(text: string): CivilDay | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

export function formatCivilDay(day: CivilDay): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The local calendar day that contains instant `ts`. */
export function civilDayOf(ts: number, tzOffsetMinutes?: number): CivilDay {
  if (tzOffsetMinutes !== undefined) return Math.floor((ts + tzOffsetMinutes * 60_000) / DAY_MS);
  const d = new Date(ts);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / DAY_MS;
}

/** Local `day` at `secondsOfDay` -> epoch ms. */
export function localTimeToEpochMs(day: CivilDay, secondsOfDay: number, tzOffsetMinutes?: number): number {
  if (tzOffsetMinutes !== undefined) return day * DAY_MS + secondsOfDay * 1000 - tzOffsetMinutes * 60_000;
  const d = new Date(day * DAY_MS);
  const h = Math.floor(secondsOfDay / 3600);
  const m = Math.floor((secondsOfDay % 3600) / 60);
  return new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m, secondsOfDay % 60).getTime();
}

/** The instant with this local time of day that lies nearest to `recvTs` (yesterday, today or tomorrow):
 * how a line is dated when no ticket date is known, robust to a receive just past midnight. */
export function nearestLocalTime(secondsOfDay: number, recvTs: number, tzOffsetMinutes?: number): number {
  const today = civilDayOf(recvTs, tzOffsetMinutes);
  let best = localTimeToEpochMs(today, secondsOfDay, tzOffsetMinutes);
  for (const day of [today - 1, today + 1]) {
    const candidate = localTimeToEpochMs(day, secondsOfDay, tzOffsetMinutes);
    if (Math.abs(candidate - recvTs) < Math.abs(best - recvTs)) best = candidate;
  }
  return best;
}

/**
 * A printed time of day -> seconds since midnight, or undefined if it is not a valid time. With `ampm`
 * (`AM`/`PM`, `A`/`P`, any case) the hour is on the 12-hour clock (12 AM is midnight, 12 PM noon); a blank
 * or missing `ampm` means the 24-hour clock (AMSCO prints spaces there when set to 24 h).
 */
export function secondOfDay(hh: number, mm: number, ss: number, ampm?: string): number | undefined {
  if (!(Number.isInteger(hh) && Number.isInteger(mm) && Number.isInteger(ss) && mm >= 0 && mm <= 59 && ss >= 0 && ss <= 59)) return undefined;
  const marker = ampm?.trim().toUpperCase() ?? '';
  if (marker === '') return hh >= 0 && hh <= 23 ? hh * 3600 + mm * 60 + ss : undefined;
  if (!/^[AP]\.?(?:M\.?)?$/.test(marker) || hh < 1 || hh > 12) return undefined;
  const h24 = (hh % 12) + (marker.startsWith('P') ? 12 : 0);
  return h24 * 3600 + mm * 60 + ss;
}

/** Printed year, month, day (a two-digit year is 20yy) -> `YYYY-MM-DD`, or undefined if it is not a real date. */
export function isoDateFromParts(year: string, month: string, day: string): string | undefined {
  if (!/^\d{2}(?:\d{2})?$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return undefined;
  const yyyy = year.length === 2 ? `20${year}` : year;
  const iso = `${yyyy}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  return parseIsoDate(iso) === undefined ? undefined : iso;
}

/** A printed duration -> seconds: `ss`, `mm:ss` or `hh:mm:ss`, the last part may have decimals (`25:35` = 1535). */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(?:(\d+):)?(\d+):)?(\d+(?:[.,]\d+)?)$/.exec(text.trim());
  if (m === null) return undefined;
  const [h, min, s] = [Number(m[1] ?? 0), Number(m[2] ?? 0), Number((m[3] ?? '').replace(',', '.'))];
  if ((m[2] !== undefined && s >= 60) || (m[1] !== undefined && min >= 60)) return undefined;
  return h * 3600 + min * 60 + s;
}
