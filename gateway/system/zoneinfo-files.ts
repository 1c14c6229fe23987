// The system's compiled zone files (/usr/share/zoneinfo, tzdata) as the time-zone source of vocabulary/local-day.ts,
// so the gateway reads a 1–3 KB file per zone instead of waking ICU (~6 MB resident; docs/performance.md, "Memory").
// The machine's zone, in the order the C library looks: TZ (when it names a zone file), /etc/timezone (Debian),
// the target of the /etc/localtime link; when none tells, local-day.ts asks Intl, as it did before.
import fs from 'node:fs';
import path from 'node:path';
import { isZoneName, setTimeZoneSource, type TimeZoneSource } from '../../vocabulary/time-zone-source.js';
import { hasTzifMagic } from '../../vocabulary/tzif.js';

export interface ZoneinfoPlaces {
  /** The folder of compiled zone files. Default ZONEINFO_DIR, else /usr/share/zoneinfo. */
  zoneinfoDir?: string;
  /** Default /etc/timezone. */
  etcTimezone?: string;
  /** Default /etc/localtime. */
  etcLocaltime?: string;
  /** Where TZ and ZONEINFO_DIR are read. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The zone name a path inside `dir` stands for (`posix/` stripped), or undefined when it is outside. */
function nameUnder(dir: string, file: string): string | undefined {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const name = rel
    .split(path.sep)
    .join('/')
    .replace(/^posix\//, '');
  return isZoneName(name) ? name : undefined;
}

/** A time-zone source reading the zone files of `places` (each path replaceable, for tests). */
export function zoneinfoFiles(places: ZoneinfoPlaces = {}): TimeZoneSource {
  const env = places.env ?? process.env;
  const dir = places.zoneinfoDir ?? (env.ZONEINFO_DIR || '/usr/share/zoneinfo');
  const etcTimezone = places.etcTimezone ?? '/etc/timezone';
  const etcLocaltime = places.etcLocaltime ?? '/etc/localtime';

  const read = (name: string): Uint8Array | undefined => {
    if (!isZoneName(name)) return undefined;
    try {
      const bytes = fs.readFileSync(path.join(dir, name));
      return hasTzifMagic(bytes) ? bytes : undefined;
    } catch {
      return undefined; // no such file, a folder, unreadable
    }
  };
  const readable = (name: string | undefined): string | undefined => (name !== undefined && read(name) ? name : undefined);

  const fromTz = (): string | undefined => {
    const tz = env.TZ?.replace(/^:/, '');
    if (!tz) return undefined;
    return readable(tz.startsWith('/') ? nameUnder(dir, tz) : tz);
  };
  const fromEtcTimezone = (): string | undefined => {
    try {
      return readable(fs.readFileSync(etcTimezone, 'utf8').split('\n')[0]?.trim());
    } catch {
      return undefined;
    }
  };
  const fromEtcLocaltime = (): string | undefined => {
    try {
      const target = fs.readlinkSync(etcLocaltime);
      // Absolute (/usr/share/zoneinfo/Europe/Berlin) or relative to /etc (../usr/share/zoneinfo/Europe/Berlin).
      return readable(nameUnder(dir, path.resolve(path.dirname(etcLocaltime), target)));
    } catch {
      return undefined; // not a link (a copied file), or missing
    }
  };

  return { read, systemZone: () => fromTz() ?? fromEtcTimezone() ?? fromEtcLocaltime() };
}

/** Make vocabulary/local-day.ts read the system's zone files from now on. */
export function installZoneinfoFiles(places: ZoneinfoPlaces = {}): void {
  setTimeZoneSource(zoneinfoFiles(places));
}
