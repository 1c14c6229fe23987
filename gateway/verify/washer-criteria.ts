// Washer-disinfector criteria (ISO 15883-1, WS 310.2; standards.md §3): a0, disinfect_temp,
// disinfect_time, prewash_temp. All of them judge the stage they name, located by the phase column:
// without phases the disinfection stage cannot be told from hot drying, so nothing is credited.
//
// Disinfection has two routes (ISO 15883-1 4.3.1 [C]: the minimum temperature for the minimum time *or*
// the equivalent A0; WS 310.2 likewise): the A0 route (A0 ≥ a0Min, no channel above the band's upper
// limit) and the time route (disinfectMinS continuously at ≥ disinfectTempC, the whole band held from
// reaching it). Either one disinfects; the other route's criterion is then `null` ("not needed"), never an
// added requirement. With neither met, both fail.

import { bandCriterion } from './common-criteria.js';
import { type CriterionResult, criterion, fmtNum } from './criterion.js';
import type { WasherProgram } from './programs.js';
import { isReading, type TraceSample } from './trace.js';
import { type BandScan, bandScan, coldest, creditedDt, longestRun, maskCount, phaseMask, type Run, type TraceView } from './trace-view.js';

export interface WasherAnalysis {
  view: TraceView;
  program: WasherProgram;
  disinfect: Uint8Array;
  disinfectSize: number;
  /** A0 over the disinfect phase (s), see a0Seconds. */
  a0: number;
  /** Longest continuous run with the coldest channel ≥ disinfectTempC in the disinfect phase. */
  atTemp: Run | null;
  /** The disinfect phase from reaching disinfectTempC. */
  band: BandScan | null;
  /** The whole disinfect phase (for the upper limit of the A0 route). */
  stage: BandScan | null;
  /** A0 route met: A0 ≥ a0Min (the upper limit is disinfect_temp's). */
  a0Route: boolean;
  /** Time route met: atTemp ≥ disinfectMinS. */
  timeRoute: boolean;
}

/** The A0 integrand (ISO 15883-1 Annex B, z = 10 K): seconds at 80 °C per second at T. */
export const a0Rate = (tempC: number): number => 10 ** ((tempC - 80) / 10);

/**
 * A0 = Σ 10^((T−80)/10)·Δt over the disinfect phase (W1 [C]). Trapezoid rule on the coldest channel,
 * only over intervals whose both ends are in the phase and at or above a0ThresholdC, so nothing is
 * credited past the stage end or below 65 °C. Δt is capped at maxGapS and a gap the gateway reported
 * credits nothing: a hole in the record is not disinfection.
 */
export function a0Seconds(v: TraceView, mask: Uint8Array, thresholdC: number): number {
  let sum = 0;
  let prev = v.count > 0 && mask[0] === 1 ? coldest(v, 0) : null;
  for (let i = 1; i < v.count; i++) {
    const cur = mask[i] === 1 ? coldest(v, i) : null;
    if (prev !== null && cur !== null && prev >= thresholdC && cur >= thresholdC && mask[i - 1] === 1) {
      sum += ((a0Rate(prev) + a0Rate(cur)) / 2) * creditedDt(v, i);
    }
    prev = cur;
  }
  return sum;
}

export function analyzeWasher(v: TraceView, p: WasherProgram): WasherAnalysis {
  const disinfect = phaseMask(v, 'disinfect');
  const atTemp = longestRun(v, (i) => {
    if (disinfect[i] !== 1) return false;
    const t = coldest(v, i);
    return t !== null && t >= p.disinfectTempC;
  });
  const a0 = a0Seconds(v, disinfect, p.a0ThresholdC);
  return {
    view: v,
    program: p,
    disinfect,
    disinfectSize: maskCount(disinfect),
    a0,
    atTemp,
    band: bandScan(v, disinfect, p.disinfectTempC),
    stage: bandScan(v, disinfect, Number.NEGATIVE_INFINITY),
    a0Route: a0 >= p.a0Min,
    timeRoute: atTemp !== null && atTemp.seconds >= p.disinfectMinS,
  };
}

/** Why a disinfect-stage criterion cannot be judged, or null when it can. */
function noStage(a: WasherAnalysis): string | null {
  if (!a.view.hasPhases) return 'the trace has no phases: the disinfection stage cannot be told from drying';
  if (a.disinfectSize === 0) return "the trace has no 'disinfect' phase";
  return null;
}

export function a0Criterion(a: WasherAnalysis): CriterionResult {
  const why = noStage(a);
  if (why) return criterion('a0', false, null, a.program.a0Min, 's', why);
  const channel = a.view.hasProbe ? 'coldest of both sensors' : 'temp_c';
  const what = `A0 ${fmtNum(a.a0, 0)} s over the disinfect phase (${channel} ≥ ${fmtNum(a.program.a0ThresholdC)} °C, z = 10 K)`;
  if (a.a0Route) return criterion('a0', true, a.a0, a.program.a0Min, 's', what);
  if (a.timeRoute)
    return criterion(
      'a0',
      null,
      a.a0,
      a.program.a0Min,
      's',
      `${what}, below ${fmtNum(a.program.a0Min)}: not needed, the load is disinfected by time at temperature (disinfect_time)`,
    );
  return criterion('a0', false, a.a0, a.program.a0Min, 's', `${what}, below ${fmtNum(a.program.a0Min)}, and the time at temperature is not met either`);
}

/** The band: its upper limit always; its lower limit only when the time route carries (A0 integrates dips). */
export function disinfectTemp(a: WasherAnalysis): CriterionResult {
  const lo = a.program.disinfectTempC;
  const hi = lo + a.program.disinfectBandK;
  const why = noStage(a);
  if (why) return criterion('disinfect_temp', false, null, `${fmtNum(lo)}–${fmtNum(hi)} °C`, 'K', why);
  if (a.a0Route) {
    return bandCriterion('disinfect_temp', a.view, a.stage, lo, hi, 'disinfect', "no temperature reading in the 'disinfect' phase", {
      reference: 'temp_c',
      upperOnly: `A0 route: the lower limit ${fmtNum(lo)} °C does not apply`,
    });
  }
  return bandCriterion('disinfect_temp', a.view, a.band, lo, hi, 'disinfect', `the temperature never reached ${fmtNum(lo)} °C in the disinfect phase`, {
    reference: 'temp_c',
  });
}

export function disinfectTime(a: WasherAnalysis): CriterionResult {
  const limit = a.program.disinfectMinS;
  const why = noStage(a);
  if (why) return criterion('disinfect_time', false, null, limit, 's', why);
  const r = a.atTemp;
  const alt = a.a0Route ? `; not needed: the load is disinfected by the A0 route (A0 ${fmtNum(a.a0, 0)} ≥ ${fmtNum(a.program.a0Min)})` : '';
  if (!r) {
    return criterion(
      'disinfect_time',
      a.a0Route ? null : false,
      null,
      limit,
      's',
      `the temperature never reached ${fmtNum(a.program.disinfectTempC)} °C in the disinfect phase${alt}`,
    );
  }
  const what = `≥ ${fmtNum(a.program.disinfectTempC)} °C continuously t=${fmtNum(r.start)}–${fmtNum(r.end)} s (${fmtNum(r.seconds)} s)`;
  if (a.timeRoute) return criterion('disinfect_time', true, r.seconds, limit, 's', what);
  return criterion('disinfect_time', a.a0Route ? null : false, r.seconds, limit, 's', `${what}, shorter than ${fmtNum(limit)} s${alt}`);
}

/** prewash_temp (W3): the hottest reading in the prewash stays below prewashMaxC. */
export function prewashTemp(a: WasherAnalysis): CriterionResult {
  const limit = a.program.prewashMaxC;
  let count = 0;
  let max = Number.NEGATIVE_INFINITY;
  let at = -1;
  for (let i = 0; i < a.view.count; i++) {
    const x = a.view.samples[i] as TraceSample;
    if (x.phase !== 'prewash') continue;
    count++;
    for (const t of [x.temp_c, x.temp2_c]) {
      if (isReading(t) && t > max) {
        max = t;
        at = i;
      }
    }
  }
  if (count === 0) return criterion('prewash_temp', null, null, limit, '°C', 'no prewash phase in the trace');
  if (at < 0) return criterion('prewash_temp', false, null, limit, '°C', `${count} prewash samples, none with a temperature reading`);
  const t = (a.view.samples[at] as TraceSample).t;
  const pass = max < limit;
  return criterion(
    'prewash_temp',
    pass,
    max,
    limit,
    '°C',
    `prewash max ${fmtNum(max)} °C at t=${fmtNum(t)} s${pass ? '' : `: at or above ${fmtNum(limit)} °C proteins coagulate`}`,
  );
}
