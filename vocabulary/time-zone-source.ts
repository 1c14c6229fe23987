// Where local-day.ts finds time zones: the system's compiled zone files when the program installed a source
// for them (gateway/system/zoneinfo-files.ts reads /usr/share/zoneinfo), else nothing, and the caller falls
// back to Intl. Reading zone files instead of asking Intl keeps Node from touching ~6 MB of ICU data
// (docs/performance.md, "Memory"). Pure: the reading is injected.
import { type TzifZone, zoneFromTzif } from './tzif-zone.js';

export interface TimeZoneSource {
  /** The bytes of the compiled zone file of `name` (an IANA name already checked by isZoneName), or undefined. */
  read(name: string): Uint8Array | undefined;
  /** The IANA name of the machine's zone, or undefined when it cannot be told. */
  systemZone(): string | undefined;
}

let source: TimeZoneSource | undefined;
const zones = new Map<string, TzifZone | null>();
let systemName: { name: string | undefined } | undefined;

/** Install (or, with undefined, remove) the source of zone files; forgets every zone read so far. */
export function setTimeZoneSource(next: TimeZoneSource | undefined): void {
  source = next;
  zones.clear();
  systemName = undefined;
}

/**
 * Whether `name` looks like an IANA zone name (`Europe/Berlin`, `Etc/GMT+5`, `America/Port-au-Prince`): what may
 * be joined to the zone folder. Segments of letters, digits, `_`, `+`, `-`, starting with a letter; so no `.`,
 * `..`, leading `/` or empty segment.
 */
export function isZoneName(name: string): boolean {
  return name.length <= 255 && /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z][A-Za-z0-9_+-]*)*$/.test(name);
}

/** The zone `name` from the installed source (read once, then cached), or undefined: no source, bad name, no file. */
export function sourceZone(name: string): TzifZone | undefined {
  if (!source) return undefined;
  const known = zones.get(name);
  if (known !== undefined) return known ?? undefined;
  let zone: TzifZone | undefined;
  if (isZoneName(name)) {
    const bytes = source.read(name);
    zone = bytes ? zoneFromTzif(bytes) : undefined;
  }
  if (zones.size >= 256) zones.clear(); // names come from configs and queries: keep the cache bounded
  zones.set(name, zone ?? null);
  return zone;
}

/** The machine's zone name from the installed source when it names a readable zone, else undefined (asked once). */
export function sourceSystemZone(): string | undefined {
  if (!source) return undefined;
  if (!systemName) {
    const name = source.systemZone();
    systemName = { name: name !== undefined && sourceZone(name) ? name : undefined };
  }
  return systemName.name;
}
