// One verification criterion's outcome (docs/verification.md) and the result of verifying a cycle.
// The ids are a public contract: consumers key release rules and dashboards on them.

import type { Phase } from './trace.js';

export const STEAM_CRITERIA = [
  'hold_time',
  'temp_band',
  'saturated_steam',
  'equilibration_time',
  'sensor_agreement',
  'temp_stability',
  'data_complete',
  'device_result',
] as const;
export const BOWIE_DICK_CRITERIA = [...STEAM_CRITERIA, 'bowie_dick'] as const;
export const LEAK_TEST_CRITERIA = ['leak_rate', 'data_complete', 'device_result'] as const;
export const WASHER_CRITERIA = ['a0', 'disinfect_temp', 'disinfect_time', 'prewash_temp', 'data_complete', 'device_result'] as const;

export type CriterionId = (typeof BOWIE_DICK_CRITERIA)[number] | (typeof LEAK_TEST_CRITERIA)[number] | (typeof WASHER_CRITERIA)[number];

export interface CriterionResult {
  id: CriterionId;
  /** true = met, false = not met, null = not applicable or not yet known (detail says which). */
  pass: boolean | null;
  measured: number | null;
  limit: number | string | null;
  unit: string;
  detail: string;
}

/** How `measured` compares with `limit` for a criterion to pass (for people reading a report). */
export const LIMIT_SENSE: Readonly<Partial<Record<CriterionId, '≥' | '≤' | '<' | '='>>> = {
  hold_time: '≥',
  temp_band: '=',
  saturated_steam: '≤',
  equilibration_time: '≤',
  sensor_agreement: '≤',
  temp_stability: '≤',
  data_complete: '≤',
  device_result: '=',
  bowie_dick: '=',
  leak_rate: '≤',
  a0: '≥',
  disinfect_temp: '=',
  disinfect_time: '≥',
  prewash_temp: '<',
};

export interface HoldPeriod {
  start: number;
  end: number;
  seconds: number;
}

export interface PhaseSegment {
  phase: Phase | null;
  start: number;
  /** Time of the first sample of the next segment (or of the last sample for the final one). */
  end: number;
  seconds: number;
}

export interface CycleStats {
  samples: number;
  durationS: number;
  /** Largest interval between consecutive samples. */
  maxGapS: number | null;
  /** Over every temperature channel. */
  tempMinC: number | null;
  tempMaxC: number | null;
  pressureMinKpa: number | null;
  pressureMaxKpa: number | null;
  /** Over the range temp_band / disinfect_temp judge (plateau from reaching set temperature). */
  plateauMinC: number | null;
  plateauMaxC: number | null;
  /** Steam: lethality in minutes at 121.1 °C, z = 10 K, coldest channel (null if it overflowed). */
  f0Min?: number | null;
  /** Washer: A0 in seconds, as the a0 criterion computed it (null if it overflowed). */
  a0?: number | null;
  phases: PhaseSegment[];
  /** Seconds per phase, summed over its segments. */
  phaseSeconds: Partial<Record<Phase, number>>;
}

export interface VerificationResult {
  verdict: 'pass' | 'fail';
  program: string;
  /** The continuous holding period (steam) or time at disinfection temperature (washer). */
  hold: HoldPeriod | null;
  criteria: CriterionResult[];
  stats: CycleStats;
}

export function criterion(
  id: CriterionId,
  pass: boolean | null,
  measured: number | null,
  limit: number | string | null,
  unit: string,
  detail: string,
): CriterionResult {
  // JSON has no NaN/Infinity; a measurement that overflowed (absurd readings) is reported as none.
  return { id, pass, measured: measured === null || !Number.isFinite(measured) ? null : round(measured, 6), limit, unit, detail };
}

/** The verdict rule (docs/verification.md): pass only if no criterion is false. */
export function verdictOf(criteria: readonly CriterionResult[]): 'pass' | 'fail' {
  return criteria.some((c) => c.pass === false) ? 'fail' : 'pass';
}

/** Rounds away floating-point noise for JSON; pass/fail is always decided on the unrounded value. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  const scaled = x * f;
  return Number.isFinite(scaled) ? Math.round(scaled) / f : x;
}

/** A number for a detail line: at most `digits` decimals, no trailing zeros. */
export function fmtNum(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return String(round(x, digits));
}

/** The criterion ids a result for a program of this kind carries, in order. */
export function criterionIds(kind: 'steam' | 'bowie-dick' | 'leak-test' | 'washer'): readonly CriterionId[] {
  switch (kind) {
    case 'washer':
      return WASHER_CRITERIA;
    case 'leak-test':
      return LEAK_TEST_CRITERIA;
    case 'bowie-dick':
      return BOWIE_DICK_CRITERIA;
    default:
      return STEAM_CRITERIA;
  }
}
