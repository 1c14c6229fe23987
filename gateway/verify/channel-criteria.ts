// Steam criteria that compare temperature channels (standards.md §1.3, S5 and S7): equilibration_time
// (drain vs. load probe arrival), sensor_agreement (drain vs. load probe) and temp_stability (each channel
// against its own mean). Only what consecutive samples prove counts.

import { type CriterionResult, criterion, fmtNum } from './criterion.js';
import { noPlateau, plateauSamples, plateauSpan, type SteamAnalysis } from './steam-criteria.js';
import { isReading, type TraceSample } from './trace.js';
import { type Channel, longestRun } from './trace-view.js';

const CHANNEL_NAME: Readonly<Record<Channel, string>> = { temp_c: 'drain', temp2_c: 'load probe' };

/** The interval that ends at sample i, when it is longer than the record may leave unobserved (or a known gap). */
function unobservedBefore(a: SteamAnalysis, i: number): number | null {
  if (i <= 0) return null;
  const dt = (a.view.samples[i] as TraceSample).t - (a.view.samples[i - 1] as TraceSample).t;
  return dt > a.view.maxGapS || a.view.knownGapBefore[i] === 1 ? dt : null;
}

/**
 * equilibration_time (S5): the drain reaching set temperature → the start of the load probe's continuous
 * in-band run that lasts into the hold. A probe crossing set earlier and falling back (a transient at the
 * end of heating) has not equilibrated; the run that carries into the hold is what counts.
 */
export function equilibrationTime(a: SteamAnalysis): CriterionResult {
  const limit = a.eqLimitS;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult =>
    criterion('equilibration_time', pass, measured, limit, 's', detail);
  if (!a.view.hasProbe) return c(null, null, 'no load probe (temp2_c): equilibration is measured only with a load probe');
  const probeInBand = (i: number): boolean => {
    const t = (a.view.samples[i] as TraceSample).temp2_c;
    return isReading(t) && t >= a.lo && t <= a.hi;
  };
  let drain = -1;
  for (let i = 0; i <= a.plateauEnd; i++) {
    const t = (a.view.samples[i] as TraceSample).temp_c;
    if (isReading(t) && t >= a.lo) {
      drain = i;
      break;
    }
  }
  if (drain < 0) return c(false, null, `the drain sensor never reached ${fmtNum(a.lo)} °C${a.plateauSize === 0 ? ` (${noPlateau(a)})` : ''}`);
  const td = (a.view.samples[drain] as TraceSample).t;
  // The run into the hold: from the hold's first sample back while the probe stays in band without a break.
  // Without a hold, the probe's longest in-band run in the plateau.
  let anchor = a.hold?.i0 ?? longestRun(a.view, (i) => a.plateau[i] === 1 && probeInBand(i))?.i0 ?? -1;
  if (anchor < 0)
    return c(
      false,
      null,
      `drain reached ${fmtNum(a.lo)} °C at t=${fmtNum(td)} s; the load probe was never within ${fmtNum(a.lo)}–${fmtNum(a.hi)} °C in the plateau`,
    );
  while (anchor > 0 && a.view.breakBefore[anchor] !== 1 && probeInBand(anchor - 1)) anchor--;
  const tl = (a.view.samples[anchor] as TraceSample).t;
  for (const [i, what] of [
    [drain, 'the drain reached'],
    [anchor, 'the load probe entered the band'],
  ] as const) {
    const dt = unobservedBefore(a, i);
    if (dt !== null) {
      return c(
        false,
        null,
        `not provable: interval ${fmtNum(dt)} s > ${fmtNum(a.view.maxGapS)} s before ${what} ${fmtNum(a.lo)} °C at t=${fmtNum((a.view.samples[i] as TraceSample).t)} s`,
      );
    }
  }
  const eq = Math.max(0, tl - td);
  const chamber = a.view.trace.chamberLitres;
  const volume = chamber === undefined ? 'chamber volume unknown: small-chamber limit' : `${fmtNum(chamber)} l chamber`;
  return c(
    eq <= limit,
    eq,
    `drain reached ${fmtNum(a.lo)} °C at t=${fmtNum(td)} s, load probe in band continuously from t=${fmtNum(tl)} s into the hold (${volume})`,
  );
}

/**
 * sensor_agreement (S7): spread between drain and load probe over the whole plateau, from the end of the
 * equilibration time allowed (before that the probe is still arriving, which equilibration_time judges).
 */
export function sensorAgreement(a: SteamAnalysis): CriterionResult {
  const limit = a.program.maxSensorSpreadK;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult =>
    criterion('sensor_agreement', pass, measured, limit, 'K', detail);
  if (!a.view.hasProbe) return c(null, null, 'one temperature channel: no second sensor to compare');
  if (!a.band) return c(null, null, `nothing to assess: ${a.plateauSize === 0 ? noPlateau(a) : `the drain sensor never reached ${fmtNum(a.lo)} °C`}`);
  const from = a.band.startT + a.eqLimitS;
  let max = -1;
  let at = -1;
  let pairs = 0;
  for (const i of plateauSamples(a, from)) {
    const x = a.view.samples[i] as TraceSample;
    if (!isReading(x.temp_c) || !isReading(x.temp2_c)) continue;
    pairs++;
    const d = Math.abs(x.temp_c - x.temp2_c);
    if (d > max) {
      max = d;
      at = i;
    }
  }
  const where = `the plateau ${plateauSpan(a)} after the ${fmtNum(a.eqLimitS)} s equilibration allowed`;
  if (pairs === 0) return c(false, null, `no sample in ${where} with both drain and load probe readings`);
  const t = (a.view.samples[at] as TraceSample).t;
  return c(max <= limit, max, `max |drain − load probe| ${fmtNum(max)} K at t=${fmtNum(t)} s over ${pairs} samples of ${where}`);
}

/**
 * temp_stability (S7, EN 285 / HTM 2010): every temperature channel stays within ±maxFluctuationK of its
 * own mean over the hold. The spread between sensors (sensor_agreement) can be small while both drift
 * together across the band; this catches the drift. EN 285's plateau is the equilibration time plus the
 * holding time, and the fluctuation limit is the holding time's: the samples within the equilibration time
 * allowed after the drain reached set temperature (a probe still climbing the last kelvin into the band) are
 * the equilibration_time criterion's, not a fluctuation.
 */
export function tempStability(a: SteamAnalysis): CriterionResult {
  const limit = a.program.maxFluctuationK;
  const c = (pass: boolean | null, measured: number | null, detail: string): CriterionResult => criterion('temp_stability', pass, measured, limit, 'K', detail);
  const h = a.hold;
  if (!h || !a.band) return c(null, null, 'no hold to judge (see hold_time)');
  const fromT = Math.max(h.start, a.band.startT + a.eqLimitS);
  let i0 = h.i0;
  while (i0 <= h.i1 && (a.view.samples[i0] as TraceSample).t < fromT) i0++;
  if (i0 > h.i1)
    return c(
      null,
      null,
      `the hold t=${fmtNum(h.start)}–${fmtNum(h.end)} s ends within the ${fmtNum(a.eqLimitS)} s equilibration allowed: no holding time to judge (see hold_time)`,
    );
  const channels: Channel[] = a.view.hasProbe ? ['temp_c', 'temp2_c'] : ['temp_c'];
  const parts: string[] = [];
  let worst = 0;
  let worstText = '';
  for (const ch of channels) {
    let sum = 0;
    let n = 0;
    for (let i = i0; i <= h.i1; i++) {
      const x = (a.view.samples[i] as TraceSample)[ch];
      if (isReading(x)) {
        sum += x;
        n++;
      }
    }
    if (n === 0) continue; // the hold has every channel in band, so this does not happen
    const mean = sum / n;
    let dev = 0;
    let at = i0;
    for (let i = i0; i <= h.i1; i++) {
      const x = (a.view.samples[i] as TraceSample)[ch];
      if (isReading(x) && Math.abs(x - mean) > dev) {
        dev = Math.abs(x - mean);
        at = i;
      }
    }
    const s = a.view.samples[at] as TraceSample;
    parts.push(`${CHANNEL_NAME[ch]} mean ${fmtNum(mean)} °C, at most ${fmtNum(dev)} K from it (t=${fmtNum(s.t)} s)`);
    if (dev > worst) {
      worst = dev;
      worstText = `the ${CHANNEL_NAME[ch]} reads ${fmtNum(s[ch])} °C at t=${fmtNum(s.t)} s, ${fmtNum(dev)} K from its mean ${fmtNum(mean)} °C over the hold, more than ±${fmtNum(limit)} K`;
    }
  }
  const span = `over the hold t=${fmtNum((a.view.samples[i0] as TraceSample).t)}–${fmtNum(h.end)} s`;
  if (worst > limit) return c(false, worst, `${worstText}; ${parts.join('; ')} ${span}`);
  return c(true, worst, `${parts.join('; ')} ${span}`);
}
