// How a station reads its scans (config `release`): which codes are implants, which are BI vials, the
// well codes of BI readers, the reason codes, and the command codes. Pure data plus its defaults.
import { DEFAULT_COMMAND_SET, type CommandSet, type InternalPattern } from '../../drivers/scanner/barcode/index.js';
import { REASON_COMMAND_PREFIX } from './given-reason.js';

/** Station commands beyond the decoder's defaults: class-5 indicator results, control-vial placement, and
 * marking the open load as containing implants (DESIGN §11). */
export const STATION_EXTRA_COMMANDS = ['CI5-PASS', 'CI5-FAIL', 'BI-CONTROL', 'IMPLANT'] as const;

export const STATION_COMMAND_SET: CommandSet = {
  ...DEFAULT_COMMAND_SET,
  commands: { ...DEFAULT_COMMAND_SET.commands, ...Object.fromEntries(STATION_EXTRA_COMMANDS.map((c) => [`CMD:${c}`, c])) },
};

/** The station's commands plus `CMD:REASON:<CODE>` for each configured reason code. */
export function stationCommandSet(reasons: Readonly<Record<string, string>>): CommandSet {
  const prefix = STATION_COMMAND_SET.commandPrefix ?? 'CMD:';
  return {
    ...STATION_COMMAND_SET,
    commands: { ...STATION_COMMAND_SET.commands, ...Object.fromEntries(Object.keys(reasons).map((c) => [`${prefix}${REASON_COMMAND_PREFIX}${c}`, `${REASON_COMMAND_PREFIX}${c}`])) },
  };
}

export interface StationPolicy {
  /** GTIN-14 prefixes of implants (e.g. a manufacturer's company prefix with its leading 0). */
  implantGtinPrefixes: readonly string[];
  /** HIBC labeler code (LIC) or LIC + product prefixes of implants, e.g. `A999`. */
  implantHibcPrefixes: readonly string[];
  /** Any scan matching this (the text as scanned, AIM prefix included) is an implant, e.g. /^IMP-/. */
  implantPattern: RegExp | null;
  /** Exact codes of implants: a GTIN-14, an internal pack code, a GIAI (AI 8004), or an HIBC `+LIC+product`. */
  implantItems: readonly string[];
  /** GTIN-14s of BI products (vials / BI process challenge devices). */
  biGtins: readonly string[];
  /** Any scan matching this is a BI vial (for in-house BI labels); lot = the `lot` group or the code. */
  biPattern: RegExp | null;
  /** Well codes on the BI reader: `WELL:<well>` or `WELL:<reader>:<well>`. */
  wellPrefix: string;
  /** The reader a bare `WELL:<well>` refers to (the site's only reader, typically). */
  defaultReader: string | null;
  /** An operator is signed out after this long without a scan. */
  sessionIdleMs: number;
  /** A well code must follow its vial within this time. */
  placementWindowMs: number;
  /** Reason codes operators scan (CMD:REASON:<CODE>) -> their text (config `release.reasons`). */
  reasons: Readonly<Record<string, string>>;
  /** A scanned reason counts for its operator's next early release or correction within this time. */
  reasonWindowMs: number;
  commands: CommandSet;
  internalPattern?: InternalPattern;
}

export const DEFAULT_STATION_POLICY: StationPolicy = {
  implantGtinPrefixes: [],
  implantHibcPrefixes: [],
  implantPattern: null,
  implantItems: [],
  biGtins: [],
  biPattern: null,
  wellPrefix: 'WELL:',
  defaultReader: null,
  sessionIdleMs: 30 * 60_000,
  placementWindowMs: 10 * 60_000,
  reasons: {},
  reasonWindowMs: 10 * 60_000,
  commands: STATION_COMMAND_SET,
};
