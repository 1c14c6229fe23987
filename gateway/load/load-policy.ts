// The load workflow's settings, and how they are made from the config's `release` section and the
// device list (config/schema.ts owns the zod schema; this is its output shape).
import { DEFAULT_RELEASE_POLICY, releasePolicyProblems, type DeviceGates, type ReleasePolicy } from './release-policy.js';
import { DEFAULT_STATION_POLICY, type StationPolicy } from './station-policy.js';
import { systemTimeZone } from './local-day.js';

export interface LoadPolicy {
  release: ReleasePolicy;
  station: StationPolicy;
}

export const DEFAULT_LOAD_POLICY: LoadPolicy = { release: DEFAULT_RELEASE_POLICY, station: DEFAULT_STATION_POLICY };

/** The config's `release:` section after zod (every key optional here; defaults below). */
export interface ReleaseConfigInput {
  timeZone?: string;
  authorisedOperators?: string[];
  ciRequiredPrograms?: string[];
  biForImplants?: boolean;
  biForVialLoads?: boolean;
  holdAfterPositiveBi?: boolean;
  implants?: { gtinPrefixes?: string[]; hibcPrefixes?: string[]; pattern?: string };
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

/** The policy, or the problems that make the config unusable (path: what was expected). */
export function loadPolicyFrom(cfg: ReleaseConfigInput | undefined, devices: readonly DeviceInput[]): { policy: LoadPolicy; problems: string[] } {
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
  problems.push(...releasePolicyProblems(release).map((p) => `release.${p}`));
  const station: StationPolicy = {
    ...DEFAULT_STATION_POLICY,
    implantGtinPrefixes: c.implants?.gtinPrefixes ?? [],
    implantHibcPrefixes: c.implants?.hibcPrefixes ?? [],
    implantPattern: regex(c.implants?.pattern, 'release.implants.pattern', problems),
    biGtins: c.biProducts?.gtins ?? [],
    biPattern: regex(c.biProducts?.pattern, 'release.biProducts.pattern', problems),
    wellPrefix: c.wellPrefix ?? DEFAULT_STATION_POLICY.wellPrefix,
    defaultReader: c.defaultReader ?? (devices.filter((d) => d.type === 'bi-reader').length === 1 ? (devices.find((d) => d.type === 'bi-reader') as DeviceInput).id : null),
    sessionIdleMs: (c.sessionIdleMin ?? 30) * 60_000,
    placementWindowMs: (c.placementWindowMin ?? 10) * 60_000,
    ...(c.internalPattern !== undefined ? { internalPattern: c.internalPattern } : {}),
  };
  return { policy: { release, station }, problems };
}
