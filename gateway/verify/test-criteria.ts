// Criteria of the sterilizer's daily test cycles: leak_rate (air-leakage test, S9) and bowie_dick (S10).

import { type CriterionResult, criterion, fmtNum } from './criterion.js';
import type { SteamProgram } from './programs.js';
import { type CycleTrace, isReading, type TraceSample } from './trace.js';
import type { TraceView } from './trace-view.js';

/**
 * The 'leak-stabilize' segment that ends where the first 'leak-measure' sample begins: its length is
 * first stabilising sample → first measuring sample (the phase's own duration, sampling included).
 */
function stabilisationBefore(v: TraceView, measureAt: number): { seconds: number; from: number } | null {
  let i = measureAt - 1;
  if (i < 0 || (v.samples[i] as TraceSample).phase !== 'leak-stabilize') return null;
  while (i > 0 && (v.samples[i - 1] as TraceSample).phase === 'leak-stabilize') i--;
  const from = (v.samples[i] as TraceSample).t;
  return { seconds: (v.samples[measureAt] as TraceSample).t - from, from };
}

/**
 * leak_rate: rate of pressure rise over the 'leak-measure' phase, (p_last − p_first) / minutes, the
 * method of HTM 2010 / EN 285 ((p2 − p1) / 10 min). The least-squares slope is reported beside it to tell a
 * steady leak from noise. A rate measures a leak only when the test was done as the method says
 * (standards.md §1.4): the chamber evacuated to the lowest operating vacuum (the first measuring sample at
 * or below leakMaxStartKpa), valves closed and the chamber stabilised first (a 'leak-stabilize' phase of at
 * least leakStabilizeMinS right before), and measured long enough (≥ leakMeasureMinS less one sampling
 * interval: a 600 s phase sampled each second spans 599 s first to last sample). A pressure that falls by
 * more than the limit rate is no measurement at all: a pump or valve was still open.
 */
export function leakRate(v: TraceView, p: SteamProgram): CriterionResult {
  const limit = p.leakRateMaxKpaPerMin ?? 0.13; // S9 [C]
  const c = (pass: boolean, measured: number | null, detail: string): CriterionResult => criterion('leak_rate', pass, measured, limit, 'kPa/min', detail);
  let firstInPhase = -1;
  let first = -1;
  let last = -1;
  let inPhase = 0;
  // Least-squares sums, centred on the first point for numerical stability.
  let n = 0,
    sx = 0,
    sy = 0,
    sxx = 0,
    sxy = 0;
  for (let i = 0; i < v.count; i++) {
    const x = v.samples[i] as TraceSample;
    if (x.phase !== 'leak-measure') continue;
    inPhase++;
    if (firstInPhase < 0) firstInPhase = i;
    if (!isReading(x.pressure_kpa)) continue;
    if (first < 0) first = i;
    last = i;
    const t = (x.t - (v.samples[first] as TraceSample).t) / 60;
    const y = x.pressure_kpa - ((v.samples[first] as TraceSample).pressure_kpa as number);
    n++;
    sx += t;
    sy += y;
    sxx += t * t;
    sxy += t * y;
  }
  if (inPhase === 0) return c(false, null, "no 'leak-measure' phase in the trace: the test did not measure");
  if (first < 0 || first === last) return c(false, null, `${inPhase} 'leak-measure' sample(s) but fewer than 2 with a pressure reading`);
  const a = v.samples[first] as TraceSample;
  const b = v.samples[last] as TraceSample;
  const seconds = b.t - a.t;
  const rate = (((b.pressure_kpa as number) - (a.pressure_kpa as number)) * 60) / seconds;
  const denom = n * sxx - sx * sx;
  const slope = denom > 0 ? (n * sxy - sx * sy) / denom : Number.NaN;
  const stab = stabilisationBefore(v, firstInPhase);
  const stabText = stab ? `after leak-stabilize ${fmtNum(stab.seconds)} s` : "with no 'leak-stabilize' phase before it";
  const what = `${fmtNum(a.pressure_kpa, 2)} → ${fmtNum(b.pressure_kpa, 2)} kPa over t=${fmtNum(a.t)}–${fmtNum(b.t)} s (${fmtNum(seconds / 60)} min) ${stabText}: ${fmtNum(rate, 3)} kPa/min, least-squares ${fmtNum(slope, 3)} kPa/min`;
  // Every way the test failed to measure, at once: an engineer fixes them together.
  const invalid: string[] = [];
  const maxStart = p.leakMaxStartKpa;
  if (maxStart !== undefined && (a.pressure_kpa as number) > maxStart) {
    invalid.push(`the measurement starts at ${fmtNum(a.pressure_kpa, 2)} kPa, above the ${fmtNum(maxStart)} kPa the chamber must be evacuated to first`);
  }
  const minStab = p.leakStabilizeMinS;
  if (minStab !== undefined) {
    if (!stab) invalid.push(`no 'leak-stabilize' phase before the measurement: the chamber must settle ${fmtNum(minStab)} s with the valves closed first`);
    else if (stab.seconds < minStab)
      invalid.push(`leak-stabilize ${fmtNum(stab.seconds)} s, shorter than the ${fmtNum(minStab)} s the chamber must settle first`);
  }
  const minS = p.leakMeasureMinS;
  if (minS !== undefined && seconds < minS - v.maxGapS) invalid.push(`the measuring phase is shorter than the ${fmtNum(minS)} s the test needs`);
  if (rate < -limit) invalid.push(`the pressure falls ${fmtNum(-rate, 3)} kPa/min: not a valid measurement (a pump or valve was still open)`);
  if (invalid.length) return c(false, rate, `${what}; ${invalid.join('; ')}`);
  return c(rate <= limit, rate, rate <= limit ? what : `${what}: the chamber leaks`);
}

/**
 * bowie_dick: the indicator sheet's result, entered by a person (the sensors cannot see it). Until it
 * is entered the criterion is null and the cycle's physical verdict stands alone; the daily release gate
 * (gateway/load/README.md) must ask for bowie_dick === true, not for verdict 'pass'.
 */
export function bowieDick(trace: CycleTrace): CriterionResult {
  const r = trace.indicators?.bowieDick;
  if (r === 'pass') return criterion('bowie_dick', true, null, 'pass', '', 'indicator sheet: uniform colour change (pass)');
  if (r === 'fail')
    return criterion('bowie_dick', false, null, 'pass', '', 'indicator sheet: non-uniform colour change (fail): air removal or steam penetration failed');
  return criterion('bowie_dick', null, null, 'pass', '', 'awaiting indicator sheet result');
}
