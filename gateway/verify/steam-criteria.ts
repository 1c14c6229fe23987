// Steam plateau criteria (docs/verification.md, standards.md §1.3): hold_time, temp_band, saturated_steam. The criteria
// that compare channels (equilibration_time, sensor_agreement, temp_stability) are in channel-criteria.ts.
// Conservative: a hold is only what consecutive samples prove.

import { bandCriterion } from './common-criteria.js';
import { type CriterionResult, criterion, fmtNum } from './criterion.js';
import type { SteamProgram } from './programs.js';
import { tsatC } from './steam-table.js';
import { isReading, type TraceSample } from './trace.js';
import { allInRange, type BandScan, bandScan, longestRun, maskCount, phaseMask, type Run, type TraceView } from './trace-view.js';

/** Standard atmosphere, kPa: what a gauge transducer leaves out. */
const ATMOSPHERE_KPA = 101.325;

export interface SteamAnalysis {
  view: TraceView;
  program: SteamProgram;
  lo: number;
  hi: number;
  /** The plateau: samples in phase 'sterilizing'; without phases, first to last sample with the drain ≥ set. */
  plateau: Uint8Array;
  plateauSize: number;
  /** Longest continuous in-band run inside the plateau. */
  hold: Run | null;
  /** The plateau from the drain first reaching set temperature (the load probe's lower limit after eqLimitS). */
  band: BandScan | null;
  /** Index of the last plateau sample (−1 without a plateau). */
  plateauEnd: number;
  /** The equilibration time this chamber is allowed (S5): the load probe must be in band after it. */
  eqLimitS: number;
}

export function analyzeSteam(v: TraceView, p: SteamProgram): SteamAnalysis {
  const lo = p.setTempC;
  const hi = p.setTempC + p.bandK;
  let plateau: Uint8Array;
  if (v.hasPhases) {
    plateau = phaseMask(v, 'sterilizing');
  } else {
    plateau = new Uint8Array(v.count);
    let first = -1;
    let last = -1;
    for (let i = 0; i < v.count; i++) {
      const t = (v.samples[i] as TraceSample).temp_c;
      if (isReading(t) && t >= lo) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first >= 0) plateau.fill(1, first, last + 1);
  }
  let plateauEnd = v.count - 1;
  while (plateauEnd >= 0 && plateau[plateauEnd] !== 1) plateauEnd--;
  const e = p.equilibration;
  const chamber = v.trace.chamberLitres;
  const eqLimitS = chamber !== undefined && chamber > e.largeAboveLitres ? e.largeLimitS : e.limitS;
  const hold = longestRun(v, (i) => plateau[i] === 1 && allInRange(v, i, lo, hi));
  return {
    view: v,
    program: p,
    lo,
    hi,
    plateau,
    plateauSize: maskCount(plateau),
    hold,
    band: bandScan(v, plateau, lo, eqLimitS),
    plateauEnd,
    eqLimitS,
  };
}

export const plateauName = (a: SteamAnalysis): string => (a.view.hasPhases ? "the 'sterilizing' phase" : 'the plateau');

export function noPlateau(a: SteamAnalysis): string {
  return a.view.hasPhases ? "the trace has no 'sterilizing' phase" : `the drain sensor never reached ${fmtNum(a.lo)} °C`;
}

/**
 * The indices the plateau criteria judge: the whole plateau from the drain reaching set temperature to its
 * end (item 13: not the longest fragment of a split hold). `fromT`: only samples at or after this time.
 */
export function* plateauSamples(a: SteamAnalysis, fromT = Number.NEGATIVE_INFINITY): Generator<number> {
  if (!a.band) return;
  for (let i = a.band.startIdx; i <= a.plateauEnd; i++) {
    if (a.plateau[i] === 1 && (a.view.samples[i] as TraceSample).t >= fromT) yield i;
  }
}

/** The plateau's span as "t=a–b s", for details. */
export function plateauSpan(a: SteamAnalysis): string {
  const end = a.view.samples[a.plateauEnd] as TraceSample | undefined;
  return a.band && end ? `t=${fmtNum(a.band.startT)}–${fmtNum(end.t)} s` : '';
}

/** The largest interval between consecutive plateau samples when it exceeds maxGapS (the hold cannot be shown across it). */
function coarseInterval(a: SteamAnalysis): { seconds: number; from: number; to: number } | null {
  let worst: { seconds: number; from: number; to: number } | null = null;
  for (let i = 1; i < a.view.count; i++) {
    if (a.plateau[i] !== 1 || a.plateau[i - 1] !== 1) continue;
    const from = (a.view.samples[i - 1] as TraceSample).t;
    const to = (a.view.samples[i] as TraceSample).t;
    const dt = to - from;
    if (dt > a.view.maxGapS && (!worst || dt > worst.seconds)) worst = { seconds: dt, from, to };
  }
  return worst;
}

/**
 * Time at sterilization temperature, for a maximum hold (Bowie–Dick): from the drain reaching set to the
 * last plateau sample still at or above it. The whole plateau, not the proven hold: over-exposure is what
 * happened, whether or not every second of it was sampled.
 */
function exposureS(a: SteamAnalysis): number {
  if (!a.band) return 0;
  let last = a.band.startIdx;
  for (const i of plateauSamples(a)) {
    const t = (a.view.samples[i] as TraceSample).temp_c;
    if (isReading(t) && t >= a.lo) last = i;
  }
  return (a.view.samples[last] as TraceSample).t - a.band.startT;
}

export function holdTime(a: SteamAnalysis): CriterionResult {
  const band = `${fmtNum(a.lo)}–${fmtNum(a.hi)} °C`;
  const channels = a.view.hasProbe ? 'drain and load probe' : 'drain';
  const max = a.program.maxHoldS;
  const limit = max === undefined ? a.program.minHoldS : `${fmtNum(a.program.minHoldS)}–${fmtNum(max)} s`;
  const c = (pass: boolean, measured: number | null, detail: string): CriterionResult => criterion('hold_time', pass, measured, limit, 's', detail);
  if (a.plateauSize === 0) return c(false, null, `no hold: ${noPlateau(a)}`);
  const h = a.hold;
  const seconds = h?.seconds ?? 0;
  if (seconds < a.program.minHoldS) {
    const coarse = coarseInterval(a);
    if (coarse) {
      return c(
        false,
        null,
        `not provable: interval ${fmtNum(coarse.seconds)} s > ${fmtNum(a.view.maxGapS)} s in ${plateauName(a)} (t=${fmtNum(coarse.from)}–${fmtNum(coarse.to)} s): the samples do not show the temperature held between them (longest run they prove: ${fmtNum(seconds)} s)`,
      );
    }
  }
  if (!h) return c(false, null, `no hold: no sample in ${plateauName(a)} has ${channels} within ${band}`);
  const what = `${channels} within ${band} continuously t=${fmtNum(h.start)}–${fmtNum(h.end)} s (${fmtNum(h.seconds)} s)`;
  if (h.seconds < a.program.minHoldS) return c(false, h.seconds, `${what}, shorter than ${fmtNum(a.program.minHoldS)} s`);
  if (max !== undefined) {
    const exposure = exposureS(a);
    if (exposure > max) {
      return c(
        false,
        exposure,
        `${what}; at or above ${fmtNum(a.lo)} °C for ${fmtNum(exposure)} s, longer than the ${fmtNum(max)} s this program allows (over-exposure can make a failing indicator sheet look uniform)`,
      );
    }
  }
  return c(true, h.seconds, what);
}

export function tempBand(a: SteamAnalysis): CriterionResult {
  const notReached = a.plateauSize === 0 ? noPlateau(a) : `the drain sensor never reached ${fmtNum(a.lo)} °C in ${plateauName(a)}`;
  const where = a.view.hasPhases ? 'sterilizing' : 'plateau';
  const r = bandCriterion('temp_band', a.view, a.band, a.lo, a.hi, where, notReached, { reference: 'drain' });
  if (!a.view.hasProbe || !a.band) return r;
  return {
    ...r,
    detail: `${r.detail} (load probe judged from t=${fmtNum(a.band.startT + a.eqLimitS)} s, after the ${fmtNum(a.eqLimitS)} s equilibration allowed)`,
  };
}

/**
 * saturated_steam (S6): drain temperature vs. T_sat of the chamber pressure over the whole plateau; air/NCG
 * reads cold, superheat hot. WS 310.3 monitors temperature *and* pressure *and* time: a steam cycle without
 * pressure does not prove saturation, unless the program says the machine has no pressure output.
 */
export function saturatedSteam(a: SteamAnalysis): CriterionResult {
  const limit = a.program.maxTsatDiffK;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult =>
    criterion('saturated_steam', pass, measured, limit, 'K', detail);
  if (!a.view.hasPressure) {
    if (a.program.pressureChannel === false) {
      return c(
        null,
        null,
        `program ${a.program.id} declares that the machine has no chamber pressure output (pressureChannel: false): steam saturation is not measured for this cycle`,
      );
    }
    return c(
      false,
      null,
      'no chamber pressure in the trace: saturated steam (temperature and pressure, WS 310.3) is not proven; a machine without a pressure output needs pressureChannel: false in its program',
    );
  }
  if (!a.band)
    return c(null, null, `nothing to assess: ${a.plateauSize === 0 ? noPlateau(a) : `the drain sensor never reached ${fmtNum(a.lo)} °C in ${plateauName(a)}`}`);
  let worst = 0;
  let worstAt = -1;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let missing = 0;
  let firstMissing = -1;
  let count = 0;
  for (const i of plateauSamples(a)) {
    const x = a.view.samples[i] as TraceSample;
    if (!isReading(x.temp_c)) continue; // data_complete reports missing temperatures
    const ts = isReading(x.pressure_kpa) ? tsatC(x.pressure_kpa) : Number.NaN; // NaN outside IF97 region 4
    if (!Number.isFinite(ts)) {
      missing++;
      if (firstMissing < 0) firstMissing = i;
      continue;
    }
    const dev = x.temp_c - ts;
    count++;
    if (dev < min) min = dev;
    if (dev > max) max = dev;
    if (Math.abs(dev) > Math.abs(worst) || worstAt < 0) {
      worst = dev;
      worstAt = i;
    }
  }
  const where = `the plateau ${plateauSpan(a)}`;
  if (missing > 0) {
    const t = (a.view.samples[firstMissing] as TraceSample).t;
    return c(
      false,
      count ? worst : null,
      `${missing} sample${missing === 1 ? '' : 's'} in ${where} without a valid chamber pressure (first at t=${fmtNum(t)} s): saturation not proven`,
    );
  }
  if (count === 0) return c(false, null, `no sample in ${where} with temperature and pressure`);
  const x = a.view.samples[worstAt] as TraceSample;
  const pass = Math.abs(worst) <= limit;
  const spread = `T − T_sat(p) from ${fmtNum(min)} to ${fmtNum(max)} K over ${count} samples of ${where}`;
  if (pass) return c(true, worst, `|T − T_sat(p)| ≤ ${fmtNum(Math.abs(worst))} K (limit ${fmtNum(limit)} K): ${spread}`);
  const kind = worst < 0 ? 'colder than saturated steam: air or non-condensable gas' : 'hotter than saturated steam: superheat';
  const p = x.pressure_kpa as number;
  const at = `at t=${fmtNum(x.t)} s drain ${fmtNum(x.temp_c)} °C, ${fmtNum(p)} kPa (T_sat ${fmtNum(tsatC(p))} °C)`;
  const gauge =
    worst > 0 && Math.abs((x.temp_c as number) - tsatC(p + ATMOSPHERE_KPA)) <= limit
      ? `; the pressure reads about ${fmtNum(ATMOSPHERE_KPA, 0)} kPa below p_sat(T): it looks like gauge pressure, and saturation needs absolute pressure (check the device profile's pressure unit)`
      : '';
  return c(false, worst, `${spread}; ${at}, ${kind}${gauge}`);
}
