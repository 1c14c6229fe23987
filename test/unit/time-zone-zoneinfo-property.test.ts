import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneinfoFiles } from '../../gateway/system/zoneinfo-files.js';
import { intlLocalDate, intlZoneOffsetMs } from '../../vocabulary/intl-time-zone.js';
import { localDate, localTimeUtc, zoneOffsetMs } from '../../vocabulary/local-day.js';
import { setTimeZoneSource } from '../../vocabulary/time-zone-source.js';
import { zoneFromTzif } from '../../vocabulary/tzif-zone.js';

// The zone-file path of local-day.ts against Intl as the oracle, over zones with every kind of rule: none
// (Shanghai, Kolkata, UTC, Etc/GMT+5), 30-minute DST (Lord_Howe), negative DST (Dublin, Casablanca), 2-hour DST
// (Troll), southern hemisphere (Santiago, Sao_Paulo, Chatham), negative transition times (Nuuk), +14 (Kiritimati).
// Both read the IANA data (the system's tzdata, Node's ICU), so they agree wherever the two releases do.

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Shanghai',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'Africa/Casablanca',
  'Europe/Dublin',
  'America/Sao_Paulo',
  'Antarctica/Troll',
  'America/Nuuk',
  'Asia/Tehran',
  'UTC',
  'Etc/GMT+5',
  'Pacific/Kiritimati',
  'America/St_Johns',
  'Europe/London',
  'America/Los_Angeles',
  'Australia/Sydney',
  'Asia/Kathmandu',
  'Pacific/Auckland',
  'America/Havana',
  'Asia/Jerusalem',
  'Europe/Moscow',
];

const source = zoneinfoFiles({ zoneinfoDir: '/usr/share/zoneinfo', env: {} });
const instant = fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2099, 11, 31) });

/** Intl's localTimeUtc: the same iteration as local-day.ts, on Intl's offsets. */
function intlLocalTimeUtc(ymd: string, hour: number, minute: number, zone: string): number {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  let guess = wall;
  for (let i = 0; i < 3; i++) guess = wall - intlZoneOffsetMs(guess, zone);
  return guess;
}

describe('zone files agree with Intl', () => {
  beforeAll(() => setTimeZoneSource(source));
  afterAll(() => setTimeZoneSource(undefined));

  it('reads every zone of the test from /usr/share/zoneinfo (not the Intl fallback)', () => {
    for (const z of ZONES) expect(zoneFromTzif(source.read(z) ?? new Uint8Array()), z).toBeDefined();
  });

  it('zoneOffsetMs and localDate, 1971–2099', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, (zone, ms) => {
        expect(zoneOffsetMs(ms, zone)).toBe(intlZoneOffsetMs(ms, zone));
        expect(localDate(ms, zone)).toBe(intlLocalDate(ms, zone));
      }),
      { numRuns: 5000 },
    );
  });

  it('zoneOffsetMs at every hour of a year (so at each transition, which random instants rarely hit)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 1971, max: 2099 }), fc.integer({ min: 0, max: 59 }), (zone, year, minute) => {
        for (let ms = Date.UTC(year, 0, 1, 0, minute); ms < Date.UTC(year + 1, 0, 1); ms += 3_600_000) {
          const got = zoneOffsetMs(ms, zone);
          const want = intlZoneOffsetMs(ms, zone);
          if (got !== want) expect({ zone, at: new Date(ms).toISOString(), offset: got }).toEqual({ zone, at: new Date(ms).toISOString(), offset: want });
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  it('localTimeUtc', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (zone, ms, hour, minute) => {
        const ymd = new Date(ms).toISOString().slice(0, 10);
        expect(localTimeUtc(ymd, hour, minute, zone)).toBe(intlLocalTimeUtc(ymd, hour, minute, zone));
      }),
      { numRuns: 3000 },
    );
  });
});
