import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasTzifMagic, parseTzif } from '../../vocabulary/tzif.js';
import { zoneFromTzif } from '../../vocabulary/tzif-zone.js';
import { tzifBytes } from '../helpers/tzif-bytes.js';

const H = 3_600_000;
const utc = (...a: [number, number, number, number?, number?]) => Date.UTC(a[0], a[1] - 1, a[2], a[3] ?? 0, a[4] ?? 0);
const CET = { utOffset: 3600, isDst: false, abbreviation: 'CET' };
const CEST = { utOffset: 7200, isDst: true, abbreviation: 'CEST' };
const LMT = { utOffset: 3208, isDst: false, abbreviation: 'LMT' };

describe('parseTzif', () => {
  it('reads a version 1 file: 32-bit transitions, types, abbreviations, no footer', () => {
    const bytes = tzifBytes({
      version: 1,
      types: [LMT, CEST, CET],
      transitions: [
        [-1893456000, 2],
        [utc(2020, 3, 29, 1) / 1000, 1],
        [utc(2020, 10, 25, 1) / 1000, 2],
      ],
    });
    expect(hasTzifMagic(bytes)).toBe(true);
    expect(parseTzif(bytes)).toEqual({
      version: 1,
      transitions: [-1893456000, utc(2020, 3, 29, 1) / 1000, utc(2020, 10, 25, 1) / 1000],
      transitionTypes: [2, 1, 2],
      types: [LMT, CEST, CET],
      footer: '',
    });
    const zone = zoneFromTzif(bytes);
    expect(zone?.offsetAt(utc(1900, 1, 1))).toBe(3208_000); // before the first transition: type 0
    expect(zone?.offsetAt(utc(2020, 3, 29, 1) - 1)).toBe(H);
    expect(zone?.offsetAt(utc(2020, 3, 29, 1))).toBe(2 * H);
    expect(zone?.offsetAt(utc(2020, 10, 25, 1))).toBe(H);
    expect(zone?.offsetAt(utc(2030, 7, 1))).toBe(H); // v1 has no rule: the last type stays
  });

  it('reads a version 2 file from its 64-bit block (times beyond 32 bits), not the minimal v1 block, and its footer', () => {
    const bytes = tzifBytes({
      version: 2,
      types: [LMT, CET, CEST],
      v1Transitions: [],
      transitions: [
        [-(2 ** 33), 1], // 1697: not representable in 32 bits
        [utc(2022, 3, 27, 1) / 1000, 2],
        [utc(2022, 10, 30, 1) / 1000, 1],
      ],
      footer: 'CET-1CEST,M3.5.0,M10.5.0/3',
    });
    const tz = parseTzif(bytes);
    expect(tz?.version).toBe(2);
    expect(tz?.transitions).toEqual([-(2 ** 33), utc(2022, 3, 27, 1) / 1000, utc(2022, 10, 30, 1) / 1000]);
    expect(tz?.footer).toBe('CET-1CEST,M3.5.0,M10.5.0/3');
    const zone = zoneFromTzif(bytes);
    expect(zone?.offsetAt(-(2 ** 33) * 1000 - 1)).toBe(3208_000);
    expect(zone?.offsetAt(utc(1900, 1, 1))).toBe(H);
    expect(zone?.offsetAt(utc(2022, 7, 1))).toBe(2 * H);
    // After the last transition (a "slim" file): the footer's rule, e.g. summer 2024 and its edges.
    expect(zone?.offsetAt(utc(2024, 3, 31, 1) - 1)).toBe(H);
    expect(zone?.offsetAt(utc(2024, 3, 31, 1))).toBe(2 * H);
    expect(zone?.offsetAt(utc(2024, 10, 27, 1) - 1)).toBe(2 * H);
    expect(zone?.offsetAt(utc(2024, 10, 27, 1))).toBe(H);
    expect(zone?.offsetAt(utc(2090, 7, 1))).toBe(2 * H);
  });

  it('reads a file with a footer only (no transitions): the rule governs every instant', () => {
    const bytes = tzifBytes({ version: 3, types: [{ utOffset: -7200, isDst: false, abbreviation: '-02' }], footer: '<-02>2<-01>,M3.5.0/-1,M10.5.0/0' });
    expect(parseTzif(bytes)).toMatchObject({ version: 3, transitions: [], footer: '<-02>2<-01>,M3.5.0/-1,M10.5.0/0' });
    const zone = zoneFromTzif(bytes);
    expect(zone?.offsetAt(utc(2024, 1, 15))).toBe(-2 * H);
    expect(zone?.offsetAt(utc(2024, 3, 31, 1) - 1)).toBe(-2 * H);
    expect(zone?.offsetAt(utc(2024, 3, 31, 1))).toBe(-H);
    expect(zone?.offsetAt(utc(2024, 10, 27, 1) - 1)).toBe(-H);
    expect(zone?.offsetAt(utc(2024, 10, 27, 1))).toBe(-2 * H);
  });

  it('a fixed zone: one type, footer without DST', () => {
    const zone = zoneFromTzif(tzifBytes({ version: 2, types: [{ utOffset: 0, isDst: false, abbreviation: 'UTC' }], footer: 'UTC0' }));
    expect(Object.is(zone?.offsetAt(utc(2024, 6, 1)), 0)).toBe(true);
  });

  it('refuses what is not a usable TZif file', () => {
    const good = tzifBytes({ version: 2, types: [CET], footer: 'CET-1' });
    expect(parseTzif(new Uint8Array())).toBeUndefined();
    expect(parseTzif(new TextEncoder().encode('Europe/Berlin\n'))).toBeUndefined();
    expect(parseTzif(good.subarray(0, good.length - 3))).toBeUndefined(); // cut short
    expect(parseTzif(tzifBytes({ version: 1, types: [] }))).toBeUndefined(); // no type
    expect(parseTzif(tzifBytes({ version: 1, types: [CET], transitions: [[0, 3]] }))).toBeUndefined(); // type out of range
    expect(
      parseTzif(
        tzifBytes({
          version: 1,
          types: [CET],
          transitions: [
            [10, 0],
            [5, 0],
          ],
        }),
      ),
    ).toBeUndefined(); // not ascending
    expect(zoneFromTzif(tzifBytes({ version: 2, types: [CET], footer: 'not a rule' }))).toBeUndefined();
    const leap = Uint8Array.from(good);
    leap[20 + 11] = 1; // a leap-second count in the v1 header: a "right/" zone
    expect(parseTzif(leap)).toBeUndefined();
  });

  it('reads the system files (Europe/Berlin, UTC) when they are there', () => {
    if (!fs.existsSync('/usr/share/zoneinfo/Europe/Berlin')) return;
    const berlin = parseTzif(fs.readFileSync('/usr/share/zoneinfo/Europe/Berlin'));
    expect(berlin?.version).toBeGreaterThanOrEqual(2);
    expect(berlin?.footer).toBe('CET-1CEST,M3.5.0,M10.5.0/3');
    expect(parseTzif(fs.readFileSync('/usr/share/zoneinfo/UTC'))?.footer).toBe('UTC0');
  });
});
