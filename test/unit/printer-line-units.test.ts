// Units, numbers and printed times of the printer-line profiles: °F and the pressure scales to °C and
// kPa absolute, 12-hour clocks, day-first dates and elapsed times.
import { describe, expect, it } from 'vitest';
import {
  absoluteKpa,
  celsius,
  fahrenheit,
  fromAbsoluteKpa,
  isoDateFromParts,
  PRESSURE_UNITS,
  parseDuration,
  readNumber,
  secondOfDay,
} from '../../drivers/printer-line/index.js';

const ATM = 101.325;

describe('temperatures', () => {
  it('converts °F to °C (rounded to 1 mK) and leaves °C alone', () => {
    expect(celsius(212, 'F')).toBe(100);
    expect(celsius(32, 'F')).toBe(0);
    expect(celsius(273.2, 'F')).toBe(134);
    expect(celsius(271.6, 'F')).toBe(133.111);
    expect(celsius(-40, 'F')).toBe(-40);
    expect(celsius(134.2)).toBe(134.2);
    expect(celsius(134.2, 'C')).toBe(134.2);
    expect(fahrenheit(134)).toBeCloseTo(273.2, 10);
  });
});

describe('pressures to kPa absolute', () => {
  it('adds the site atmosphere to gauge scales only', () => {
    expect(absoluteKpa(203.1, 'kPa-gauge', ATM)).toBe(304.425);
    expect(absoluteKpa(-82, 'kPa-gauge', ATM)).toBe(19.325);
    expect(absoluteKpa(304.4, 'kPa-abs', ATM)).toBe(304.4);
    expect(absoluteKpa(2.03, 'bar-gauge', 100)).toBe(303);
    expect(absoluteKpa(3.04, 'bar-abs', ATM)).toBe(304);
    expect(absoluteKpa(0.203, 'MPa-gauge', ATM)).toBe(304.325);
    expect(absoluteKpa(0.304, 'MPa-abs', ATM)).toBe(304);
  });

  it('psig and psia: 30.0 psig at sea level is 308.168 kPa absolute', () => {
    expect(absoluteKpa(30, 'psig', ATM)).toBe(308.168);
    expect(absoluteKpa(14.696, 'psia', ATM)).toBe(101.325);
    expect(absoluteKpa(0, 'psig', 98.5)).toBe(98.5);
  });

  it('reads negative values on the vacuum scale when the profile has one (AMSCO: inHg below atmosphere)', () => {
    // 27.1 inHg of vacuum = 91.771 kPa below the atmosphere
    expect(absoluteKpa(-27.1, 'psig', ATM, 'inHg-gauge')).toBe(9.554);
    expect(absoluteKpa(28.9, 'psig', ATM, 'inHg-gauge')).toBe(300.583);
    expect(absoluteKpa(-700, 'kPa-gauge', 760 * 0.133322387415, 'mmHg-gauge')).toBe(7.999);
    // without a vacuum scale a negative psig is psig
    expect(absoluteKpa(-5, 'psig', ATM)).toBe(66.851);
  });

  it('fromAbsoluteKpa inverts every scale', () => {
    for (const unit of PRESSURE_UNITS) {
      expect(absoluteKpa(fromAbsoluteKpa(304.4, unit, ATM), unit, ATM), unit).toBeCloseTo(304.4, 2);
    }
  });
});

describe('readNumber', () => {
  it('reads decimal points, decimal commas and signs; anything else is no reading', () => {
    expect(readNumber('134.2')).toBe(134.2);
    expect(readNumber('134,2')).toBe(134.2);
    expect(readNumber('-0,82')).toBe(-0.82);
    expect(readNumber('+28.9')).toBe(28.9);
    expect(readNumber(' 7 ')).toBe(7);
    for (const junk of ['-----', '****', 'OPEN', '1.2.3', '', '-']) expect(readNumber(junk), junk).toBeNull();
    expect(readNumber(undefined)).toBeUndefined();
  });
});

describe('secondOfDay (12- and 24-hour clocks)', () => {
  it('reads AM/PM: 12 AM is midnight, 12 PM is noon', () => {
    expect(secondOfDay(12, 0, 0, 'AM')).toBe(0);
    expect(secondOfDay(12, 0, 1, 'am')).toBe(1);
    expect(secondOfDay(1, 0, 0, 'AM')).toBe(3600);
    expect(secondOfDay(11, 59, 59, 'AM')).toBe(43_199);
    expect(secondOfDay(12, 0, 0, 'PM')).toBe(43_200);
    expect(secondOfDay(10, 41, 58, 'PM')).toBe(22 * 3600 + 41 * 60 + 58);
    expect(secondOfDay(11, 59, 59, 'P.M.')).toBe(86_399);
    expect(secondOfDay(9, 5, 0, 'A')).toBe(9 * 3600 + 300);
  });

  it('a blank marker is the 24-hour clock (AMSCO prints spaces there)', () => {
    expect(secondOfDay(14, 41, 58, '  ')).toBe(14 * 3600 + 41 * 60 + 58);
    expect(secondOfDay(0, 0, 0)).toBe(0);
    expect(secondOfDay(23, 59, 59, undefined)).toBe(86_399);
  });

  it('refuses impossible times', () => {
    expect(secondOfDay(13, 0, 0, 'PM')).toBeUndefined();
    expect(secondOfDay(0, 0, 0, 'AM')).toBeUndefined();
    expect(secondOfDay(24, 0, 0)).toBeUndefined();
    expect(secondOfDay(10, 60, 0)).toBeUndefined();
    expect(secondOfDay(10, 0, 60)).toBeUndefined();
    expect(secondOfDay(10, 0, 0, 'XM')).toBeUndefined();
  });
});

describe('dates and durations', () => {
  it('composes year, month and day in any printed order', () => {
    expect(isoDateFromParts('2025', '10', '08')).toBe('2025-10-08');
    expect(isoDateFromParts('25', '3', '4')).toBe('2025-03-04');
    expect(isoDateFromParts('2025', '02', '30')).toBeUndefined();
    expect(isoDateFromParts('2025', '13', '01')).toBeUndefined();
    expect(isoDateFromParts('225', '01', '01')).toBeUndefined();
  });

  it('reads ss, mm:ss and hh:mm:ss (minutes not wrapped at 60)', () => {
    expect(parseDuration('25:35')).toBe(1535);
    expect(parseDuration('04:00')).toBe(240);
    expect(parseDuration('105:20')).toBe(6320);
    expect(parseDuration('1:02:03')).toBe(3723);
    expect(parseDuration('240')).toBe(240);
    expect(parseDuration('3,5')).toBe(3.5);
    expect(parseDuration('10:75')).toBeUndefined();
    expect(parseDuration('1:75:00')).toBeUndefined();
    expect(parseDuration('4 min')).toBeUndefined();
  });
});
