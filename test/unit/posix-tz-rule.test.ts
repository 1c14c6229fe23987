import { describe, expect, it } from 'vitest';
import { parsePosixTz, posixOffsetAt } from '../../vocabulary/posix-tz-rule.js';

// Instants checked by hand against the published dates (timeanddate.com, the tz source's comments).
const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi) / 1000;

/** The offset in hours a rule gives at `t` (seconds). */
function hours(tz: string, t: number): number {
  const rule = parsePosixTz(tz);
  if (!rule) throw new Error(`not a rule: ${tz}`);
  return posixOffsetAt(rule, t).offset / 3600;
}

/** The offset just before and at `t`. */
const edge = (tz: string, t: number) => [hours(tz, t - 1), hours(tz, t)];

describe('parsePosixTz', () => {
  it('names, quoted names, offsets with minutes and seconds, the default DST offset and time', () => {
    expect(parsePosixTz('UTC0')).toEqual({ stdName: 'UTC', stdOffset: 0 });
    expect(parsePosixTz('<+0330>-3:30')).toEqual({ stdName: '+0330', stdOffset: 12600 });
    expect(parsePosixTz('<-0330>3:30')).toEqual({ stdName: '-0330', stdOffset: -12600 });
    expect(parsePosixTz('LMT-0:53:28')).toEqual({ stdName: 'LMT', stdOffset: 3208 });
    expect(parsePosixTz('CET-1CEST,M3.5.0,M10.5.0/3')).toEqual({
      stdName: 'CET',
      stdOffset: 3600,
      dst: {
        name: 'CEST',
        offset: 7200, // std + 1 h
        start: { date: { kind: 'month-week-day', month: 3, week: 5, weekday: 0 }, time: 7200 }, // default 02:00
        end: { date: { kind: 'month-week-day', month: 10, week: 5, weekday: 0 }, time: 10800 },
      },
    });
    expect(parsePosixTz('<+1030>-10:30<+11>-11,M10.1.0,M4.1.0')?.dst?.offset).toBe(39600);
    expect(parsePosixTz('EST5EDT,J60/2:30:15,300/-167')?.dst).toMatchObject({
      start: { date: { kind: 'julian', day: 60 }, time: 9015 },
      end: { date: { kind: 'zero-based', day: 300 }, time: -167 * 3600 },
    });
  });

  it('refuses what is not a TZ string', () => {
    for (const bad of [
      '',
      'EST',
      '5',
      'ES5',
      'EST5EDT,M3.2.0',
      'EST5EDT,M13.1.0,M11.1.0',
      'EST5EDT,M3.6.0,M11.1.0',
      'EST5EDT,J0,J365',
      'EST5EDT,J1,366',
      'EST5EDT,M3.2.0/168,M11.1.0',
      'EST25',
      'EST5EDT,M3.2.0,M11.1.0x',
      '<AB>5',
      'EST5:60',
    ]) {
      expect(parsePosixTz(bad), bad).toBeUndefined();
    }
  });
});

describe('posixOffsetAt', () => {
  it('Europe/Berlin: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC', () => {
    const tz = 'CET-1CEST,M3.5.0,M10.5.0/3';
    expect(edge(tz, utc(2024, 3, 31, 1))).toEqual([1, 2]);
    expect(edge(tz, utc(2024, 10, 27, 1))).toEqual([2, 1]);
    expect(edge(tz, utc(2026, 3, 29, 1))).toEqual([1, 2]);
    expect(edge(tz, utc(2026, 10, 25, 1))).toEqual([2, 1]);
    expect(hours(tz, utc(2099, 12, 31, 23))).toBe(1);
  });

  it('America/New_York: second Sunday of March to first Sunday of November, 02:00 local', () => {
    const tz = 'EST5EDT,M3.2.0,M11.1.0';
    expect(edge(tz, utc(2024, 3, 10, 7))).toEqual([-5, -4]);
    expect(edge(tz, utc(2024, 11, 3, 6))).toEqual([-4, -5]);
    expect(edge(tz, utc(2026, 3, 8, 7))).toEqual([-5, -4]);
    expect(posixOffsetAt(parsePosixTz(tz) as NonNullable<ReturnType<typeof parsePosixTz>>, utc(2024, 7, 4)).isDst).toBe(true);
  });

  it('Australia/Lord_Howe: 30-minute DST, southern hemisphere (the DST period wraps the year)', () => {
    const tz = '<+1030>-10:30<+11>-11,M10.1.0,M4.1.0';
    expect(hours(tz, utc(2024, 1, 15))).toBe(11);
    expect(edge(tz, utc(2024, 4, 6, 15))).toEqual([11, 10.5]); // 7 Apr 02:00 +11
    expect(edge(tz, utc(2024, 10, 5, 15, 30))).toEqual([10.5, 11]); // 6 Oct 02:00 +10:30
    expect(hours(tz, utc(2024, 12, 31, 23))).toBe(11);
  });

  it('Europe/Dublin: negative DST (IST is standard, GMT the winter "daylight" time)', () => {
    const tz = 'IST-1GMT0,M10.5.0,M3.5.0/1';
    expect(hours(tz, utc(2024, 1, 15))).toBe(0);
    expect(edge(tz, utc(2024, 3, 31, 1))).toEqual([0, 1]);
    expect(edge(tz, utc(2024, 10, 27, 1))).toEqual([1, 0]);
    expect(posixOffsetAt(parsePosixTz(tz) as NonNullable<ReturnType<typeof parsePosixTz>>, utc(2024, 1, 15)).isDst).toBe(true);
  });

  it('America/Nuuk and the older America/Godthab rule: transition times before local midnight (negative)', () => {
    const nuuk = '<-02>2<-01>,M3.5.0/-1,M10.5.0/0';
    expect(edge(nuuk, utc(2024, 3, 31, 1))).toEqual([-2, -1]); // Sat 30 Mar 23:00 -02
    expect(edge(nuuk, utc(2024, 10, 27, 1))).toEqual([-1, -2]);
    const godthab = '<-03>3<-02>,M3.5.0/-2,M10.5.0/-1';
    expect(edge(godthab, utc(2022, 3, 27, 1))).toEqual([-3, -2]); // Sat 26 Mar 22:00 -03
    expect(edge(godthab, utc(2022, 10, 30, 1))).toEqual([-2, -3]); // Sat 29 Oct 23:00 -02
  });

  it('America/Santiago: 24:00 transitions, southern hemisphere', () => {
    const tz = '<-04>4<-03>,M9.1.6/24,M4.1.6/24';
    expect(hours(tz, utc(2024, 1, 15))).toBe(-3);
    expect(edge(tz, utc(2024, 4, 7, 3))).toEqual([-3, -4]); // Sat 6 Apr 24:00 -03
    expect(edge(tz, utc(2024, 9, 8, 4))).toEqual([-4, -3]); // Sat 7 Sep 24:00 -04
    expect(hours(tz, utc(2024, 12, 31, 12))).toBe(-3);
  });

  it('J rules never count 29 February; zero-based rules do', () => {
    const julian = 'EST5EDT,J60/2,J300/2';
    expect(edge(julian, utc(2024, 3, 1, 7))).toEqual([-5, -4]); // J60 = 1 March, leap year or not
    expect(edge(julian, utc(2023, 3, 1, 7))).toEqual([-5, -4]);
    expect(edge(julian, utc(2024, 10, 27, 6))).toEqual([-4, -5]); // J300 = 27 October
    const zero = 'EST5EDT,59/2,299/2';
    expect(edge(zero, utc(2024, 2, 29, 7))).toEqual([-5, -4]); // day 59 of a leap year = 29 February
    expect(edge(zero, utc(2023, 3, 1, 7))).toEqual([-5, -4]);
  });

  it('times beyond a day: DST all year (RFC 8536 §3.3.1 example)', () => {
    const tz = 'EST5EDT,0/0,J365/25';
    for (const t of [utc(2023, 1, 1), utc(2024, 1, 1), utc(2024, 6, 1), utc(2024, 12, 31, 23, 59), utc(2025, 1, 1, 4, 59), utc(2025, 1, 1, 5)]) {
      expect(hours(tz, t)).toBe(-4);
    }
  });

  it('no rule given: the US rules, DST one hour ahead', () => {
    expect(edge('EST5EDT', utc(2024, 3, 10, 7))).toEqual([-5, -4]);
  });
});
