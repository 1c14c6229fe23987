// The machine's own summary of a cycle, as a summary ticket prints it (e.g. SciCan STATCLAVE: min/max
// sterilization values and phase times, no samples). A claim of the device, read from its printout:
// the gateway verifies from it only what it can prove and marks the rest not provable (docs/devices.md,
// "Summary tickets"). Pressures are kPa absolute and temperatures °C, converted by the driver.

import type { Phase } from './phases.js';

/** A phase the summary says began `atS` seconds after the cycle started (its printed elapsed time). */
export interface SummaryPhase {
  phase: Phase;
  atS: number;
  /** The label as printed, e.g. `DRYING START`. */
  label?: string;
}

export interface SummaryEvent {
  kind: 'summary';
  deviceId: string;
  /** Device time of the cycle's end when the ticket gives it (start + last phase time), else the receive time. */
  ts: number;
  /** Device time of the cycle's start, when the ticket prints one. */
  startTs?: number;
  /** Lowest / highest temperature the machine recorded in its sterilization (exposure) phase. */
  minTempC?: number;
  maxTempC?: number;
  /** Lowest / highest chamber pressure in the sterilization phase, kPa absolute. */
  minPressureKpa?: number;
  maxPressureKpa?: number;
  /** Sterilization (exposure) time the machine printed, seconds. */
  sterilizeS?: number;
  /** Phase start times in printed order. */
  phases?: SummaryPhase[];
  /** Other facts from the summary lines (named groups of the profile's `summary` patterns). */
  info?: Record<string, string>;
}
