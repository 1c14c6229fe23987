// HIBC LIC (ANSI/HIBC 2.x supplier labelling): primary, secondary and concatenated data with the
// mod-43 check character. Shapes read (C = check character, L = link character):
//   primary       +LLLL P…P U C        LIC (4, first a letter), product (1–18), unit of measure (digit)
//   secondary     +S…S L C             standalone; L is the primary's check character
//   concatenated  +LLLL P…P U / S…S C  one check character over everything
// Secondary data S…S:  YYJJJ lot (old Julian form) | $lot | $+serial | $$[date]lot | $$+[date]serial,
// where [date] is: MMYY (first digit 0/1) | 2MMDDYY | 3YYMMDD | 4YYMMDDHH | 5YYJJJ | 6YYJJJHH | 7 (none),
// optionally preceded by 8QQ or 9QQQQQ (quantity); then supplemental fields /S serial,
// /16D YYYYMMDD (production), /14D YYYYMMDD (expiry), /Q quantity.
// Our choices: dates without a day (MMYY) and day 00 mean the month's last day, like GS1 DD=00;
// two-digit years use the GS1 century window; lowercase is not in the HIBC set and fails the check.

import type { BarcodeFields } from '../../../vocabulary/barcode.js';
import { HIBC_CHARSET, hibcCheckCharacter } from './check-digits.js';
import { calendarDate, centuryYear, type DateResult, parseYyjjj, parseYyyymmdd } from './dates.js';

export interface HibcReading {
  fields: BarcodeFields;
  errors: string[];
}

export interface HibcContext {
  currentYear: number;
}

/** Whether the data is HIBC supplier data (`+`), also in the Code 39 human-readable form `*+…*`. */
export function isHibc(data: string): boolean {
  return data.startsWith('+') || /^\*\+.*\*$/.test(data);
}

function dateFrom(digits: string, order: 'MMYY' | 'MMDDYY' | 'YYMMDD', currentYear: number): DateResult {
  if (!/^\d+$/.test(digits)) return { ok: false, reason: `"${digits}" is not ${order}` };
  const n = (a: number, b: number): number => Number(digits.slice(a, b));
  if (order === 'MMYY') return calendarDate(centuryYear(n(2, 4), currentYear), n(0, 2), 0, 'last-day');
  if (order === 'MMDDYY') return calendarDate(centuryYear(n(4, 6), currentYear), n(0, 2), n(2, 4), 'last-day');
  return calendarDate(centuryYear(n(0, 2), currentYear), n(2, 4), n(4, 6), 'last-day');
}

/** Date formats after `$$` (the first character of each is the format flag, except MMYY). */
const DATE_FORMATS: Record<string, { flag: boolean; length: number; read: (s: string, y: number) => DateResult; hour: boolean }> = {
  '0': { flag: false, length: 4, read: (s, y) => dateFrom(s, 'MMYY', y), hour: false },
  '1': { flag: false, length: 4, read: (s, y) => dateFrom(s, 'MMYY', y), hour: false },
  '2': { flag: true, length: 6, read: (s, y) => dateFrom(s, 'MMDDYY', y), hour: false },
  '3': { flag: true, length: 6, read: (s, y) => dateFrom(s, 'YYMMDD', y), hour: false },
  '4': { flag: true, length: 8, read: (s, y) => dateFrom(s.slice(0, 6), 'YYMMDD', y), hour: true },
  '5': { flag: true, length: 5, read: (s, y) => parseYyjjj(s, y), hour: false },
  '6': { flag: true, length: 7, read: (s, y) => parseYyjjj(s.slice(0, 5), y), hour: true },
};

class Reader {
  readonly fields: BarcodeFields = {};
  readonly errors: string[] = [];
  constructor(private readonly currentYear: number) {}

  set(name: string, value: string): void {
    const previous = this.fields[name];
    if (previous !== undefined && previous !== value) this.errors.push(`${name} given twice: "${previous}" and "${value}"`);
    else this.fields[name] = value;
  }

  setDate(name: string, text: string, result: DateResult): void {
    if (result.ok) this.set(name, result.iso);
    else this.errors.push(`${name} "${text}": ${result.reason}`);
  }

  primary(data: string): void {
    const m = /^([A-Z][A-Z0-9]{3})([A-Z0-9]{1,18})(\d)$/.exec(data);
    if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) {
      this.errors.push(`primary data "${data}" is not LIC (4, first a letter) + product (1–18 letters or digits) + unit of measure (digit)`);
      return;
    }
    this.set('lic', m[1]);
    this.set('product', m[2]);
    this.set('unitOfMeasure', m[3]);
  }

  /** `$$` / `$$+` data after the flag: [quantity] [date] lot-or-serial. */
  private dated(data: string, target: 'lot' | 'serial'): void {
    let rest = data;
    const qty = /^(8(\d{2})|9(\d{5}))/.exec(rest);
    if (qty) {
      this.set('quantity', (qty[2] ?? qty[3] ?? '').replace(/^0+(?=\d)/, ''));
      rest = rest.slice(qty[0].length);
    }
    const flag = rest[0];
    if (flag === '7') rest = rest.slice(1);
    else if (flag !== undefined) {
      const format = DATE_FORMATS[flag];
      if (!format) {
        this.errors.push(`secondary data: date format "${flag}" is not one of 0–7`);
        return;
      }
      const start = format.flag ? 1 : 0;
      const text = rest.slice(start, start + format.length);
      if (text.length < format.length) {
        this.errors.push(`secondary data: date "${text}" is too short`);
        return;
      }
      this.setDate('expiry', text, format.read(text, this.currentYear));
      if (format.hour) {
        const hour = format.length === 8 ? text.slice(6, 8) : text.slice(5, 7);
        if (Number(hour) > 23 || !/^\d\d$/.test(hour)) this.errors.push(`expiry hour "${hour}" is not 00–23`);
        else this.set('expiryHour', hour);
      }
      rest = rest.slice(start + format.length);
    }
    this.lotOrSerial(target, rest);
  }

  private lotOrSerial(target: 'lot' | 'serial', value: string): void {
    if (value === '') return;
    if (!/^[A-Z0-9\-. $%]{1,18}$/.test(value)) this.errors.push(`${target} "${value}" is not 1–18 HIBC characters`);
    this.set(target, value);
  }

  secondary(data: string): void {
    const [main = '', ...supplemental] = data.split('/');
    if (main.startsWith('$$+')) this.dated(main.slice(3), 'serial');
    else if (main.startsWith('$$')) this.dated(main.slice(2), 'lot');
    else if (main.startsWith('$+')) this.lotOrSerial('serial', main.slice(2));
    else if (main.startsWith('$')) this.lotOrSerial('lot', main.slice(1));
    else if (/^\d{5}/.test(main)) {
      this.setDate('expiry', main.slice(0, 5), parseYyjjj(main.slice(0, 5), this.currentYear));
      this.lotOrSerial('lot', main.slice(5));
    } else this.errors.push(`secondary data "${main}" does not start with $, $$, $+, $$+ or a Julian date`);
    for (const field of supplemental) this.supplemental(field);
  }

  private supplemental(field: string): void {
    if (field.startsWith('14D')) this.setDate('expiry', field.slice(3), parseYyyymmdd(field.slice(3)));
    else if (field.startsWith('16D')) this.setDate('productionDate', field.slice(3), parseYyyymmdd(field.slice(3)));
    else if (field.startsWith('S')) this.lotOrSerial('serial', field.slice(1));
    else if (/^Q\d{1,5}$/.test(field)) this.set('quantity', field.slice(1).replace(/^0+(?=\d)/, ''));
    else this.errors.push(`supplemental data "/${field}" is not /S, /14D, /16D or /Q`);
  }
}

export function parseHibc(input: string, ctx: HibcContext): HibcReading {
  const data = /^\*\+.*\*$/.test(input) ? input.slice(1, -1) : input;
  const r = new Reader(ctx.currentYear);
  if (data.length < 3) {
    r.errors.push('too short for HIBC data');
    return r;
  }
  const badChars = [...new Set([...data].filter((ch) => !HIBC_CHARSET.includes(ch)))];
  if (badChars.length > 0) r.errors.push(`characters outside the HIBC set: ${badChars.map((c) => JSON.stringify(c)).join(' ')}`);
  const body = data.slice(0, -1);
  const check = data.slice(-1);
  const expected = hibcCheckCharacter(body);
  if (expected !== undefined && expected !== check) r.errors.push(`check character "${check}" should be "${expected}"`);
  const content = body.slice(1);
  if (content.startsWith('/')) {
    r.errors.push('HIBC provider data (PAS, "+/") is not read');
    return r;
  }
  if (/^[A-Z]/.test(content)) {
    const slash = content.indexOf('/');
    if (slash < 0) r.primary(content);
    else {
      r.primary(content.slice(0, slash));
      r.secondary(content.slice(slash + 1));
    }
  } else {
    // Standalone secondary: its last character links it to the primary's check character.
    r.set('link', content.slice(-1));
    r.secondary(content.slice(0, -1));
  }
  return { fields: r.fields, errors: r.errors };
}
