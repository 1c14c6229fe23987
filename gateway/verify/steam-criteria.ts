// Steam plateau criteria (DESIGN §7, standards.md §1.3): hold_time, temp_band, saturated_steam,
// equilibration_time, sensor_agreement. Conservative: a hold is only what consecutive samples prove.

import { criterion, fmtNum, type CriterionResult } from './criterion.js';
import { bandCriterion } from './common-criteria.js';
import type { SteamProgram } from './programs.js';
import { tsatC } from './steam-table.js';
import { isReading, type TraceSample } from './trace.js';
import { allInRange, bandScan, longestRun, maskCount, phaseMask, type BandScan, type Run, type TraceView } from './trace-view.js';

export interface SteamAnalysis {
  v: TraceView;
  p: SteamProgram;
  lo: number;
  hi: number;
  /** The plateau: samples in phase 'sterilizing'; without phases, first to last sample with the drain ≥ set. */
  plateau: Uint8Array;
  plateauSize: number;
  /** Longest continuous in-band run inside the plateau. */
  hold: Run | null;
  /** The plateau from the drain first reaching set temperature. */
  band: BandScan | null;
}

export function analyzeSteam(v: TraceView, p: SteamProgram): SteamAnalysis {
  const lo = p.setTempC;
  const hi = p.setTempC + p.bandK;
  let plateau: Uint8Array;
  if (v.hasPhases) {
    plateau = phaseMask(v, 'sterilizing');
  } else {
    plateau = new Uint8Array(v.n);
    let first = -1;
    let last = -1;
    for (let i = 0; i < v.n; i++) {
      const t = (v.s[i] as TraceSample).temp_c;
      if (isReading(t) && t >= lo) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first >= 0) plateau.fill(1, first, last + 1);
  }
  const hold = longestRun(v, (i) => plateau[i] === 1 && allInRange(v, i, lo, hi));
  return { v, p, lo, hi, plateau, plateauSize: maskCount(plateau), hold, band: bandScan(v, plateau, lo) };
}

const plateauName = (a: SteamAnalysis): string => (a.v.hasPhases ? "the 'sterilizing' phase" : 'the plateau');

function noPlateau(a: SteamAnalysis): string {
  return a.v.hasPhases
    ? "the trace has no 'sterilizing' phase"
    : `the drain sensor never reached ${fmtNum(a.lo)} °C`;
}

/** Indices the hold-based criteria judge: the hold, else (no hold) the plateau from reaching set. */
function judged(a: SteamAnalysis): { from: number; to: number; inHold: boolean } | null {
  if (a.hold) return { from: a.hold.i0, to: a.hold.i1, inHold: true };
  if (a.band) return { from: a.band.startIdx, to: a.v.n - 1, inHold: false };
  return null;
}

export function holdTime(a: SteamAnalysis): CriterionResult {
  const band = `${fmtNum(a.lo)}–${fmtNum(a.hi)} °C`;
  const channels = a.v.hasProbe ? 'drain and load probe' : 'drain';
  if (a.plateauSize === 0) return criterion('hold_time', false, null, a.p.minHoldS, 's', `no hold: ${noPlateau(a)}`);
  if (!a.hold) return criterion('hold_time', false, null, a.p.minHoldS, 's', `no hold: no sample in ${plateauName(a)} has ${channels} within ${band}`);
  const h = a.hold;
  const pass = h.seconds >= a.p.minHoldS;
  const what = `${channels} within ${band} continuously t=${fmtNum(h.start)}–${fmtNum(h.end)} s (${fmtNum(h.seconds)} s)`;
  return criterion('hold_time', pass, h.seconds, a.p.minHoldS, 's', pass ? what : `${what}, shorter than ${fmtNum(a.p.minHoldS)} s`);
}

export function tempBand(a: SteamAnalysis): CriterionResult {
  const notReached = a.plateauSize === 0 ? noPlateau(a) : `the drain sensor never reached ${fmtNum(a.lo)} °C in ${plateauName(a)}`;
  return bandCriterion('temp_band', a.band, a.lo, a.hi, a.v.hasPhases ? 'sterilizing' : 'plateau', notReached);
}

/** saturated_steam: drain temperature vs. T_sat of the chamber pressure (S6): air/NCG reads cold, superheat hot. */
export function saturatedSteam(a: SteamAnalysis): CriterionResult {
  const limit = a.p.maxTsatDiffK;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult =>
    criterion('saturated_steam', pass, measured, limit, 'K', detail);
  if (!a.v.hasPressure) return c(null, null, 'no chamber pressure in the trace: steam saturation not assessable');
  const range = judged(a);
  if (!range) return c(null, null, `nothing to assess: ${noPlateau(a)}`);
  let worst = 0;
  let worstAt = -1;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let missing = 0;
  let firstMissing = -1;
  let count = 0;
  for (let i = range.from; i <= range.to; i++) {
    if (!range.inHold && a.plateau[i] !== 1) continue;
    const x = a.v.s[i] as TraceSample;
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
  const where = range.inHold ? 'the hold' : 'the plateau (no hold)';
  if (missing > 0) {
    const t = (a.v.s[firstMissing] as TraceSample).t;
    return c(false, count ? worst : null, `${missing} sample${missing === 1 ? '' : 's'} in ${where} without a valid chamber pressure (first at t=${fmtNum(t)} s): saturation not proven`);
  }
  if (count === 0) return c(false, null, `no sample in ${where} with temperature and pressure`);
  const x = a.v.s[worstAt] as TraceSample;
  const pass = Math.abs(worst) <= limit;
  const spread = `T − T_sat(p) ${fmtNum(min)} to ${fmtNum(max)} K over ${count} samples in ${where}`;
  if (pass) return c(true, worst, spread);
  const kind = worst < 0 ? 'colder than saturated steam: air or non-condensable gas' : 'hotter than saturated steam: superheat';
  const at = `at t=${fmtNum(x.t)} s drain ${fmtNum(x.temp_c)} °C, ${fmtNum(x.pressure_kpa)} kPa (T_sat ${fmtNum(tsatC(x.pressure_kpa as number))} °C)`;
  return c(false, worst, `${spread}; ${at}, ${kind}`);
}

/** equilibration_time (S5): drain reaching set → load probe reaching set. Needs a load probe. */
export function equilibrationTime(a: SteamAnalysis, chamberLitres: number | undefined): CriterionResult {
  const e = a.p.equilibration;
  const large = chamberLitres !== undefined && chamberLitres > e.largeAboveLitres;
  const limit = large ? e.largeLimitS : e.limitS;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult =>
    criterion('equilibration_time', pass, measured, limit, 's', detail);
  if (!a.v.hasProbe) return c(null, null, 'no load probe (temp2_c): equilibration is measured only with a load probe');
  let end = a.v.n - 1; // search up to the end of the plateau
  while (end > 0 && a.plateau[end] !== 1 && a.plateauSize > 0) end--;
  let drain = -1;
  let load = -1;
  for (let i = 0; i <= end && (drain < 0 || load < 0); i++) {
    const x = a.v.s[i] as TraceSample;
    if (drain < 0 && isReading(x.temp_c) && x.temp_c >= a.lo) drain = i;
    if (load < 0 && isReading(x.temp2_c) && x.temp2_c >= a.lo) load = i;
  }
  if (drain < 0) return c(false, null, `the drain sensor never reached ${fmtNum(a.lo)} °C`);
  const td = (a.v.s[drain] as TraceSample).t;
  if (load < 0) return c(false, null, `drain reached ${fmtNum(a.lo)} °C at t=${fmtNum(td)} s; the load probe never did`);
  const tl = (a.v.s[load] as TraceSample).t;
  const eq = Math.max(0, tl - td);
  const volume = chamberLitres === undefined ? 'chamber volume unknown: small-chamber limit' : `${fmtNum(chamberLitres)} l chamber`;
  return c(eq <= limit, eq, `drain reached ${fmtNum(a.lo)} °C at t=${fmtNum(td)} s, load probe at t=${fmtNum(tl)} s (${volume})`);
}

/** sensor_agreement (S7): spread between drain and load probe during the hold. */
export function sensorAgreement(a: SteamAnalysis): CriterionResult {
  const limit = a.p.maxSensorSpreadK;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult =>
    criterion('sensor_agreement', pass, measured, limit, 'K', detail);
  if (!a.v.hasProbe) return c(null, null, 'one temperature channel: no second sensor to compare');
  const range = judged(a);
  if (!range) return c(null, null, `nothing to assess: ${noPlateau(a)}`);
  let max = -1;
  let at = -1;
  let pairs = 0;
  for (let i = range.from; i <= range.to; i++) {
    if (!range.inHold && a.plateau[i] !== 1) continue;
    const x = a.v.s[i] as TraceSample;
    if (!isReading(x.temp_c) || !isReading(x.temp2_c)) continue;
    pairs++;
    const d = Math.abs(x.temp_c - x.temp2_c);
    if (d > max) {
      max = d;
      at = i;
    }
  }
  const where = range.inHold ? 'the hold' : 'the plateau (no hold)';
  if (pairs === 0) return c(false, null, `no sample in ${where} with both drain and load probe readings`);
  const t = (a.v.s[at] as TraceSample).t;
  return c(max <= limit, max, `max |drain − load probe| ${fmtNum(max)} K at t=${fmtNum(t)} s over ${pairs} samples in ${where}`);
}
