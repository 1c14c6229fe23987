// Criteria of the sterilizer's daily test cycles: leak_rate (air-leakage test, S9) and bowie_dick (S10).

import { criterion, fmtNum, type CriterionResult } from './criterion.js';
import type { SteamProgram } from './programs.js';
import { isReading, type CycleTrace, type TraceSample } from './trace.js';
import type { TraceView } from './trace-view.js';

/**
 * leak_rate: rate of pressure rise over the 'leak-measure' phase, (p_last − p_first) / minutes, the
 * method of HTM 2010 / EN 285 ((p2 − p1) / 10 min). The measuring window must also be long enough:
 * ≥ leakMeasureMinS less one sampling interval (a 600 s phase sampled each second spans 599 s first
 * to last sample). The least-squares slope is reported beside it to tell a steady leak from noise.
 */
export function leakRate(v: TraceView, p: SteamProgram): CriterionResult {
  const limit = p.leakRateMaxKpaPerMin ?? 0.13; // S9 [C]
  const c = (pass: boolean, measured: number | null, detail: string): CriterionResult =>
    criterion('leak_rate', pass, measured, limit, 'kPa/min', detail);
  let first = -1;
  let last = -1;
  let inPhase = 0;
  // Least-squares sums, centred on the first point for numerical stability.
  let n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < v.n; i++) {
    const x = v.s[i] as TraceSample;
    if (x.phase !== 'leak-measure') continue;
    inPhase++;
    if (!isReading(x.pressure_kpa)) continue;
    if (first < 0) first = i;
    last = i;
    const t = (x.t - (v.s[first] as TraceSample).t) / 60;
    const y = x.pressure_kpa - ((v.s[first] as TraceSample).pressure_kpa as number);
    n++; sx += t; sy += y; sxx += t * t; sxy += t * y;
  }
  if (inPhase === 0) return c(false, null, "no 'leak-measure' phase in the trace: the test did not measure");
  if (first < 0 || first === last) return c(false, null, `${inPhase} 'leak-measure' sample(s) but fewer than 2 with a pressure reading`);
  const a = v.s[first] as TraceSample;
  const b = v.s[last] as TraceSample;
  const seconds = b.t - a.t;
  const rate = (((b.pressure_kpa as number) - (a.pressure_kpa as number)) * 60) / seconds;
  const denom = n * sxx - sx * sx;
  const slope = denom > 0 ? (n * sxy - sx * sy) / denom : Number.NaN;
  const what = `${fmtNum(a.pressure_kpa, 2)} → ${fmtNum(b.pressure_kpa, 2)} kPa over t=${fmtNum(a.t)}–${fmtNum(b.t)} s (${fmtNum(seconds / 60)} min): ${fmtNum(rate, 3)} kPa/min, least-squares ${fmtNum(slope, 3)} kPa/min`;
  const minS = p.leakMeasureMinS;
  if (minS !== undefined && seconds < minS - v.maxGapS) {
    return c(false, rate, `${what}; the measuring phase is shorter than the ${fmtNum(minS)} s the test needs`);
  }
  return c(rate <= limit, rate, rate <= limit ? what : `${what}: the chamber leaks`);
}

/**
 * bowie_dick: the indicator sheet's result, entered by a person (the sensors cannot see it). Until it
 * is entered the criterion is null and the cycle's physical verdict stands alone; the daily release gate
 * (DESIGN §9) must ask for bowie_dick === true, not for verdict 'pass'.
 */
export function bowieDick(trace: CycleTrace): CriterionResult {
  const r = trace.indicators?.bowieDick;
  if (r === 'pass') return criterion('bowie_dick', true, null, 'pass', '', 'indicator sheet: uniform colour change (pass)');
  if (r === 'fail') return criterion('bowie_dick', false, null, 'pass', '', 'indicator sheet: non-uniform colour change (fail): air removal or steam penetration failed');
  return criterion('bowie_dick', null, null, 'pass', '', 'awaiting indicator sheet result');
}
