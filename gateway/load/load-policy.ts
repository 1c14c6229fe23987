// The load workflow's settings, and how they are made from the config's `release` section and the
// device list (config/schema.ts owns the zod schema; this is its output shape).

import type { ScanReading } from '../../drivers/scanner/parse.js';
import { systemTimeZone } from '../../vocabulary/local-day.js';
import { type LoanerConfigInput, type LoanerPolicy, loanerPolicyFrom } from './loaner-policy.js';
import { DEFAULT_RELEASE_POLICY, type DeviceGates, type ReleasePolicy, releasePolicyProblems } from './release-policy.js';
import { DEFAULT_STATION_POLICY, type StationPolicy } from './station-policy.js';

export interface LoadPolicy {
  release: ReleasePolicy;
  station: StationPolicy;
  /** Loaner sets (config `loaner:`); null when the site has none. */
  loaner?: LoanerPolicy | null;
}

export const DEFAULT_LOAD_POLICY: LoadPolicy = { release: DEFAULT_RELEASE_POLICY, station: DEFAULT_STATION_POLICY, loaner: null };

/** The config's `release:` section after zod (every key optional here; defaults below). */
export interface ReleaseConfigInput {
  timeZone?: string;
  authorisedOperators?: string[];
  ciRequiredPrograms?: string[];
  biForImplants?: boolean;
  biForVialLoads?: boolean;
  holdAfterPositiveBi?: boolean;
  implants?: { gtinPrefixes?: string[]; hibcPrefixes?: string[]; items?: string[]; pattern?: string };
  /** Reason code -> its text: what operators scan (CMD:REASON:<CODE>) before an early release or a correction. */
  reasons?: Record<string, string>;
  biProducts?: { gtins?: string[]; pattern?: string };
  wellPrefix?: string;
  defaultReader?: string;
  sessionIdleMin?: number;
  placementWindowMin?: number;
  internalPattern?: string;
}

/** What the policy needs of each configured device. */
export interface DeviceInput {
  id: string;
  type: string;
  /** Default true for steam sterilizers (pre-vacuum), false otherwise. */
  dailyBowieDick?: boolean;
  dailyLeakTest?: boolean;
  /** Scanners: the sterilizer or washer whose loads they fill. */
  station?: string;
}

function regex(pattern: string | undefined, what: string, problems: string[]): RegExp | null {
  if (pattern === undefined) return null;
  try {
    return new RegExp(pattern);
  } catch (e) {
    problems.push(`${what}: not a regular expression: ${(e as Error).message}`);
    return null;
  }
}

/**
 * Rules that make the release rules hollow (path: message):
 * - `biForImplants` holds implant loads for their BI (WS 310.3, AAMI ST79; reference/standards.md §4.2), but
 *   an implant is only known by the site's rules (`implants`): with none, every implant tray would be released
 *   on its cycle verdict alone. Refused when it is set to true explicitly, or left at its default while a
 *   scanner fills a steam sterilizer's loads (without one no load has items, so nothing can be an implant).
 *   CMD:IMPLANT does not count: it marks what an operator remembers, not what a code says.
 * - authorised operators can release early and correct, which needs a reason they scan (gateway/load/README.md): with no
 *   `reasons`, neither could ever be done.
 */
function ruleProblems(c: ReleaseConfigInput, devices: readonly DeviceInput[]): string[] {
  const out: string[] = [];
  const i = c.implants ?? {};
  const recognisable = (i.gtinPrefixes?.length ?? 0) + (i.hibcPrefixes?.length ?? 0) + (i.items?.length ?? 0) > 0 || i.pattern !== undefined;
  const scannedSterilizers = devices.filter(
    (d) => d.type === 'scanner' && d.station !== undefined && devices.some((x) => x.id === d.station && x.type === 'steam-sterilizer'),
  );
  if ((c.biForImplants ?? true) && !recognisable && (c.biForImplants === true || scannedSterilizers.length > 0)) {
    out.push(
      `release.implants: expected a way to recognise implants (gtinPrefixes, hibcPrefixes, items or pattern) because release.biForImplants is ${c.biForImplants === true ? 'true' : 'true by default'}, found none: implant loads would be released on the cycle verdict alone (CMD:IMPLANT only marks what an operator remembers); add the site's implant codes, or set release.biForImplants: false if no implants are sterilized here`,
    );
  }
  if ((c.authorisedOperators?.length ?? 0) > 0 && Object.keys(c.reasons ?? {}).length === 0) {
    out.push(
      'release.reasons: expected at least one reason code (CODE: text) because release.authorisedOperators is set, found none: an early release or a correction needs a reason the operator scans (CMD:REASON:<CODE>)',
    );
  }
  return out;
}

/** How the site's scans read (commands, internal codes, calendar day): the stations decode with it, and the
 * app gives it to the scanner drivers, so a scan event's `parsed` is what the station would read. */
export function scanReadingOf(policy: LoadPolicy): ScanReading {
  const s = policy.station;
  return { commands: s.commands, timeZone: policy.release.timeZone, ...(s.internalPattern !== undefined && { internalPattern: s.internalPattern }) };
}

/** The policy, or the problems that make the config unusable (path: what was expected). `loaner`: the config's `loaner:` section. */
export function loadPolicyFrom(
  cfg: ReleaseConfigInput | undefined,
  devices: readonly DeviceInput[],
  loaner?: LoanerConfigInput,
): { policy: LoadPolicy; problems: string[] } {
  const c = cfg ?? {};
  const problems: string[] = [];
  const gates: Record<string, DeviceGates> = {};
  for (const d of devices) {
    const steam = d.type === 'steam-sterilizer';
    gates[d.id] = { bowieDick: d.dailyBowieDick ?? steam, leakTest: d.dailyLeakTest ?? false };
  }
  const release: ReleasePolicy = {
    timeZone: c.timeZone ?? systemTimeZone(),
    authorisedOperators: c.authorisedOperators ?? [],
    ciRequiredPrograms: c.ciRequiredPrograms ?? [],
    biForImplants: c.biForImplants ?? true,
    biForVialLoads: c.biForVialLoads ?? true,
    holdAfterPositiveBi: c.holdAfterPositiveBi ?? true,
    gates,
    washers: devices.filter((d) => d.type === 'washer-disinfector').map((d) => d.id),
  };
  problems.push(...releasePolicyProblems(release).map((p) => `release.${p}`), ...ruleProblems(c, devices));
  const reasons = c.reasons ?? {};
  const station: StationPolicy = {
    ...DEFAULT_STATION_POLICY,
    implantGtinPrefixes: c.implants?.gtinPrefixes ?? [],
    implantHibcPrefixes: c.implants?.hibcPrefixes ?? [],
    implantPattern: regex(c.implants?.pattern, 'release.implants.pattern', problems),
    implantItems: c.implants?.items ?? [],
    biGtins: c.biProducts?.gtins ?? [],
    biPattern: regex(c.biProducts?.pattern, 'release.biProducts.pattern', problems),
    wellPrefix: c.wellPrefix ?? DEFAULT_STATION_POLICY.wellPrefix,
    defaultReader:
      c.defaultReader ?? (devices.filter((d) => d.type === 'bi-reader').length === 1 ? (devices.find((d) => d.type === 'bi-reader') as DeviceInput).id : null),
    sessionIdleMs: (c.sessionIdleMin ?? 30) * 60_000,
    placementWindowMs: (c.placementWindowMin ?? 10) * 60_000,
    reasons,
    ...(c.internalPattern !== undefined ? { internalPattern: c.internalPattern } : {}),
  };
  const l = loanerPolicyFrom(
    loaner,
    devices.map((d) => d.id),
    release.biForImplants,
  );
  problems.push(...l.problems);
  return { policy: { release, station, loaner: l.policy }, problems };
}
