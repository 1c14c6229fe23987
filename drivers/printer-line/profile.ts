// A printer-line profile: how one family of sterilizer printouts reads. Plain JSON-compatible data
// (regular-expression sources with named groups, a label -> phase table, a few options), so a site can add
// a vendor as a YAML file without code (profile-file.ts, docs/devices.md "Adding a profile");
// validateProfile() (profile-validate.ts) lints it and names every problem at once.
//
// Two ways to find cycles (`segmentation`):
//   ticket (default)  a ticket opens at `ticketStart` and closes at `result` (or, with `ticketEnd`, at that
//                     later line: the result fixes the status, trailer lines such as a signature stay inside).
//   flag              a stream with no header or result (AMSCO LS 1 Hz data string): a cycle opens at the
//                     first sample after silence, its phases follow the sample's `flag` column, and it
//                     closes after `idleGapS` of silence (an inferred end) or at an explicit `result` line.
//
// Named groups the parser understands:
//   ticketStart, header[]  any group becomes a header fact in cycle-start `info`, except `programNo` and
//                          `cycleNo` (integers), `date` (YYYY-MM-DD) or `year`+`month`+`day` (the date of the
//                          lines), and `hh`+`mm`+`ss` [+ `ampm`] (the printed start time: the cycle-start time).
//   sample                 hh, mm, ss, temp (required); ampm, label, pressure, temp2, flag (optional).
//   alarm                  code (required); text.
//   result                 status (required, looked up in resultMap); text, code.
//   summary[]              minTemp, maxTemp, minPressure, maxPressure, sterilizeTime, phaseLabel + phaseAt;
//                          any other group becomes a summary `info` fact.
//   ticketEnd, ignore[]    none.

import type { CycleEndStatus } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import type { PressureUnit, TemperatureUnit } from './units.js';

export { namedGroups, PATTERN_GROUPS, PROFILE_KEYS, validateProfile } from './profile-validate.js';
export type { PressureUnit, TemperatureUnit } from './units.js';
export { GAUGE_PRESSURE_UNITS, PRESSURE_UNITS, TEMPERATURE_UNITS } from './units.js';

export type Segmentation = 'ticket' | 'flag';
export const SEGMENTATIONS: readonly Segmentation[] = ['ticket', 'flag'];

/** Flag segmentation: which phase a sample is in, from its `flag` group. */
export interface FlagRule {
  /** Regular-expression source matched against the whole flag text: the flag is up (e.g. `S`). */
  readonly on: string;
  /** Phase of samples before the flag first rises in a cycle (e.g. conditioning). */
  readonly before: Phase;
  /** Phase while the flag is up (e.g. sterilizing). */
  readonly during: Phase;
  /** Phase after the flag has fallen (e.g. exhaust). */
  readonly after: Phase;
}

/** A summary pattern, optionally only for the line right after one matching `after`
 * (SciCan prints `Min. steri. Values:` and the values on the next line). */
export type SummaryRule = string | { readonly pattern: string; readonly after?: string };

export interface PrinterLineProfile {
  readonly name: string;
  readonly description?: string;
  /** TextDecoder label for the byte stream, e.g. `latin1`, `utf-8`, `gb18030`. */
  readonly encoding: string;
  /** How pressures are printed; gauge values are converted with the device's atmosphericKpa. */
  readonly pressureUnit: PressureUnit;
  /** Unit of negative pressure readings when the machine prints vacuum on another scale (a gauge unit). */
  readonly vacuumUnit?: PressureUnit;
  /** How temperatures are printed. Default C. */
  readonly temperatureUnit?: TemperatureUnit;
  /** Default `ticket`. */
  readonly segmentation?: Segmentation;
  /** Required with segmentation `flag`. */
  readonly flag?: FlagRule;
  /** Seconds of silence that end a flag-segmented cycle or release a held `ticketEnd`. Default 60. */
  readonly idleGapS?: number;
  /** First line of a ticket: opens a cycle. Required with segmentation `ticket`. */
  readonly ticketStart?: string;
  /** Lines right after ticketStart that carry header facts (cycle number, date, operator ...). */
  readonly header: readonly string[];
  /** One measurement; with a label also a phase marker. Required unless a ticket profile has `summary`. */
  readonly sample?: string;
  readonly alarm?: string;
  /** The result line: closes the cycle with resultMap[status]. Required with segmentation `ticket`. */
  readonly result?: string;
  /** Last line of a ticket when trailer lines follow the result (e.g. a digital signature). */
  readonly ticketEnd?: string;
  /** The machine's own summary lines that feed a `summary` event (summary tickets). */
  readonly summary?: readonly SummaryRule[];
  /** Lines kept only as raw text (column headers, the machine's own summary). Empty lines always are. */
  readonly ignore: readonly string[];
  /** Sample label -> phase. Keys are regular-expression sources matched against the whole label,
   * case-insensitive, after trimming and collapsing runs of spaces; the first matching key wins. */
  readonly phaseMap: Readonly<Record<string, Phase>>;
  /** `status` group of the result line (upper-cased) -> cycle-end status. */
  readonly resultMap: Readonly<Record<string, CycleEndStatus>>;
  /** Printed program text (the `programText` header fact) -> program number, for machines that print no
   * number; keys as in phaseMap. The device's `programMap` then names the program. */
  readonly programNumbers?: Readonly<Record<string, number>>;
}

/** The default idle gap of a flag-segmented stream or a held ticket end, seconds. */
export const DEFAULT_IDLE_GAP_S = 60;

export function segmentationOf(profile: PrinterLineProfile): Segmentation {
  return profile.segmentation ?? 'ticket';
}

/** Does the driver need a clock tick for this profile (idle ends)? */
export function needsIdleTick(profile: PrinterLineProfile): boolean {
  return segmentationOf(profile) === 'flag' || profile.ticketEnd !== undefined;
}
