import { afterEach, describe, expect, it, vi } from 'vitest';
import { zoneinfoFiles } from '../../gateway/system/zoneinfo-files.js';
import { intlSystemTimeZone } from '../../vocabulary/intl-time-zone.js';
import { isTimeZone, localDate, localMidnightUtc, systemTimeZone, zoneOffsetMs } from '../../vocabulary/local-day.js';
import { isZoneName, setTimeZoneSource, type TimeZoneSource } from '../../vocabulary/time-zone-source.js';
import { tzifBytes } from '../helpers/tzif-bytes.js';

// With a source of zone files installed, local-day.ts never builds an Intl.DateTimeFormat (what costs the ICU
// memory); without one, or for a name without a file, it answers through Intl as before.

/** A spy on Intl.DateTimeFormat that still builds real formatters (with `new` or without). */
function spyOnDateTimeFormat() {
  const Original = Intl.DateTimeFormat;
  return vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function (this: unknown, ...args: ConstructorParameters<typeof Original>) {
    return new Original(...args);
  } as unknown as typeof Original);
}

const real = zoneinfoFiles({ zoneinfoDir: '/usr/share/zoneinfo', env: { TZ: 'Europe/Berlin' } });

afterEach(() => {
  setTimeZoneSource(undefined);
  vi.restoreAllMocks();
});

describe('local-day with a zone-file source', () => {
  it('answers without constructing Intl.DateTimeFormat', () => {
    setTimeZoneSource(real);
    const spy = spyOnDateTimeFormat();
    const noon = Date.UTC(2024, 6, 1, 12);
    expect(localDate(Date.UTC(2024, 2, 30, 23), 'Europe/Berlin')).toBe('2024-03-31');
    expect(localDate(Date.UTC(2024, 2, 30, 22, 59), 'Europe/Berlin')).toBe('2024-03-30');
    expect(localDate(Date.UTC(2024, 0, 1, 4), 'America/New_York')).toBe('2023-12-31');
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(systemTimeZone()).toBe('Europe/Berlin');
    expect(zoneOffsetMs(noon, 'Australia/Lord_Howe')).toBe(10.5 * 3_600_000);
    expect(zoneOffsetMs(noon, 'Asia/Kathmandu')).toBe(5.75 * 3_600_000);
    expect(localMidnightUtc('2024-03-31', 'Europe/Berlin')).toBe(Date.UTC(2024, 2, 30, 23));
    expect(localMidnightUtc('2024-10-27', 'America/Sao_Paulo')).toBe(Date.UTC(2024, 9, 27, 3));
    expect(spy).not.toHaveBeenCalled();
  });

  it('an instant no Date can hold throws as it did through Intl', () => {
    setTimeZoneSource(real);
    expect(() => localDate(Number.NaN, 'Europe/Berlin')).toThrow(RangeError);
    expect(() => zoneOffsetMs(9e15, 'Europe/Berlin')).toThrow(RangeError);
  });

  it('reads each zone file once', () => {
    const read = vi.fn(real.read);
    setTimeZoneSource({ read, systemZone: () => undefined });
    for (let i = 0; i < 5; i++) localDate(Date.UTC(2024, 0, i + 1), 'Europe/Berlin');
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('falls back to Intl for a name without a zone file, and keeps refusing unknown names', () => {
    setTimeZoneSource(real);
    const spy = spyOnDateTimeFormat();
    // Intl knows names case-insensitively; the file system does not: the answer comes from Intl, unchanged.
    expect(isTimeZone('europe/berlin')).toBe(true);
    expect(localDate(Date.UTC(2024, 2, 30, 23), 'europe/berlin')).toBe('2024-03-31');
    expect(spy).toHaveBeenCalled();
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('../../etc/passwd')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('never asks the source for a name that is not an IANA zone name', () => {
    const read = vi.fn((_: string): Uint8Array | undefined => undefined);
    setTimeZoneSource({ read, systemZone: () => undefined });
    for (const name of ['../etc/passwd', '/etc/passwd', 'Europe/../../etc/shadow', 'Europe//Berlin', 'Europe/Berlin/', '.hidden', 'a\0b']) {
      isTimeZone(name);
      expect(isZoneName(name), name).toBe(false);
    }
    expect(read).not.toHaveBeenCalled();
    for (const name of ['Europe/Berlin', 'Etc/GMT+5', 'America/Port-au-Prince', 'America/Argentina/Buenos_Aires', 'UTC', 'EST5EDT']) {
      expect(isZoneName(name), name).toBe(true);
    }
  });

  it('a source that has no file or cannot tell the system zone leaves the answer to Intl', () => {
    const empty: TimeZoneSource = { read: () => undefined, systemZone: () => 'Europe/Berlin' };
    setTimeZoneSource(empty);
    expect(systemTimeZone()).toBe(intlSystemTimeZone()); // named, but no readable file: not trusted
    expect(zoneOffsetMs(Date.UTC(2024, 6, 1), 'Europe/Berlin')).toBe(7_200_000);
    setTimeZoneSource({ read: () => new TextEncoder().encode('not a TZif file'), systemZone: () => undefined });
    expect(localDate(Date.UTC(2024, 2, 30, 23), 'Europe/Berlin')).toBe('2024-03-31');
  });

  it('a machine set to a name of UTC says UTC, as Intl does', () => {
    const utc = tzifBytes({ version: 2, types: [{ utOffset: 0, isDst: false, abbreviation: 'UTC' }], footer: 'UTC0' });
    for (const name of ['Etc/UTC', 'Etc/Universal', 'Etc/GMT', 'Zulu', 'UTC']) {
      setTimeZoneSource({ read: () => utc, systemZone: () => name });
      expect(systemTimeZone(), name).toBe('UTC');
    }
  });

  it('without a source: Intl, as before', () => {
    expect(systemTimeZone()).toBe(intlSystemTimeZone());
    expect(localDate(Date.UTC(2024, 2, 30, 23), 'Europe/Berlin')).toBe('2024-03-31');
    expect(isTimeZone('Nowhere/Special')).toBe(false);
  });
});
