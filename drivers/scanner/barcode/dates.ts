// Barcode dates: two-digit years (GS1 century rule), YYMMDD with DD=00, Julian days. Pure: "now" is a parameter.

/** A date read from a code, or why it is not one. */
export type DateResult = { ok: true; iso: string } | { ok: false; reason: string };

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function isoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The four-digit year of a two-digit year `yy`, by the GS1 General Specifications rule
 * ("determination of century in dates"): with S = yy − (the current year's last two digits),
 * S in 51…99 means the previous century, S in −99…−50 the next one, anything else this century.
 * The result lies in [currentYear − 49, currentYear + 50]. HIBC dates use the same window.
 */
export function centuryYear(yy: number, currentYear: number): number {
  const century = Math.floor(currentYear / 100) * 100;
  const s = yy - (currentYear % 100);
  if (s >= 51) return century - 100 + yy;
  if (s <= -50) return century + 100 + yy;
  return century + yy;
}

const DIGITS = /^\d+$/;

function monthProblem(month: number): string | undefined {
  if (month === 0) return 'month 00 is not a month';
  if (month > 12) return `month ${pad(month)} is not a month`;
  return undefined;
}

/**
 * Year, month, day -> ISO date. `dayZero: 'last-day'` reads day 00 as the last day of the month
 * (every barcode date); `dayZero: 'invalid'` rejects it (ISO dates given to the API).
 */
export function calendarDate(year: number, month: number, day: number, dayZero: 'last-day' | 'invalid'): DateResult {
  const bad = monthProblem(month);
  if (bad) return { ok: false, reason: bad };
  const last = daysInMonth(year, month);
  if (day === 0) {
    return dayZero === 'last-day' ? { ok: true, iso: isoDate(year, month, last) } : { ok: false, reason: 'day 00 is not a day' };
  }
  if (day > last) return { ok: false, reason: `day ${pad(day)} does not exist in ${pad(year, 4)}-${pad(month)}` };
  return { ok: true, iso: isoDate(year, month, day) };
}

/** GS1 `YYMMDD` (AIs 11–17): DD=00 is the month's last day; month 00 or 13+ is invalid. */
export function parseYymmdd(text: string, currentYear: number): DateResult {
  if (text.length !== 6 || !DIGITS.test(text)) return { ok: false, reason: `"${text}" is not YYMMDD` };
  const year = centuryYear(Number(text.slice(0, 2)), currentYear);
  return calendarDate(year, Number(text.slice(2, 4)), Number(text.slice(4, 6)), 'last-day');
}

/** `YYYYMMDD` (HIBC supplemental 14D/16D): day 00 is the month's last day, as everywhere else. */
export function parseYyyymmdd(text: string): DateResult {
  if (text.length !== 8 || !DIGITS.test(text)) return { ok: false, reason: `"${text}" is not YYYYMMDD` };
  return calendarDate(Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6, 8)), 'last-day');
}

/** Julian `YYJJJ`: day of year 001–365 (366 in a leap year). */
export function parseYyjjj(text: string, currentYear: number): DateResult {
  if (text.length !== 5 || !DIGITS.test(text)) return { ok: false, reason: `"${text}" is not YYJJJ` };
  const year = centuryYear(Number(text.slice(0, 2)), currentYear);
  const dayOfYear = Number(text.slice(2));
  const yearDays = isLeapYear(year) ? 366 : 365;
  if (dayOfYear < 1 || dayOfYear > yearDays) return { ok: false, reason: `day ${pad(dayOfYear, 3)} does not exist in ${year}` };
  let month = 1;
  let day = dayOfYear;
  while (day > daysInMonth(year, month)) {
    day -= daysInMonth(year, month);
    month += 1;
  }
  return { ok: true, iso: isoDate(year, month, day) };
}

/** A well-formed ISO `YYYY-MM-DD` that names a real day. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const r = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]), 'invalid');
  return r.ok;
}
