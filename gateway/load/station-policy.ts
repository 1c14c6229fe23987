// How a station reads its scans (config `release`): which codes are implants, which are BI vials, the
// well codes of BI readers, the reason codes, and the command codes. Pure data plus its defaults.
import { type CommandSet, DEFAULT_COMMAND_SET, type InternalPattern } from '../../drivers/scanner/barcode/index.js';

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
  /** Badge and command codes (the decoder's one vocabulary, DEFAULT_COMMAND_SET, unless a site maps its own). */
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
  commands: DEFAULT_COMMAND_SET,
};
