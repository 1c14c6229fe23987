// Criteria every program family shares: data_complete, device_result, and the band check that
// temp_band (steam) and disinfect_temp (washer) both are.

import { type CriterionId, type CriterionResult, criterion, fmtNum } from './criterion.js';
import { isReading, type Phase, type TraceSample } from './trace.js';
import { type BandScan, MAX_READINGS_PER_INSTANT, type ReadingAt, type TraceView } from './trace-view.js';

export type RequiredChannel = 'temperature' | 'pressure';

/**
 * data_complete: the record has no hole. Every interval between consecutive samples ≤ maxGapS, no gap
 * the gateway reported, time strictly increasing, and in the judged stage (`stageMask`, named
 * `stageName`) every sample carries the channel the criteria depend on.
 */
export function dataComplete(v: TraceView, stageMask: Uint8Array, stageName: string, channel: RequiredChannel): CriterionResult {
  const limit = v.maxGapS;
  const c = (pass: boolean, detail: string): CriterionResult => criterion('data_complete', pass, v.maxGap ? v.maxGap.seconds : null, limit, 's', detail);
  if (v.count < 2) return c(false, `only ${v.count} sample${v.count === 1 ? '' : 's'}: nothing to verify a cycle on`);
  if (v.disorderAt >= 0) {
    const at = v.samples[v.disorderAt] as TraceSample;
    const prev = v.samples[v.disorderAt - 1] as TraceSample | undefined;
    if (prev && at.t === prev.t) {
      return c(
        false,
        `more than ${MAX_READINGS_PER_INSTANT} readings at t=${at.t} s (sample ${v.disorderAt + 1}): the device clock did not advance, so the record's time axis cannot be trusted`,
      );
    }
    return c(
      false,
      `time does not increase (or is not a usable number) at sample ${v.disorderAt + 1} (t=${at.t} s): the order of the record cannot be trusted`,
    );
  }
  const problems: string[] = [];
  if (v.maxGap && v.maxGap.seconds > limit) {
    const b = (v.samples[v.maxGap.at] as TraceSample).t;
    let count = 0;
    for (let i = 1; i < v.count; i++) if ((v.samples[i] as TraceSample).t - (v.samples[i - 1] as TraceSample).t > limit) count++;
    problems.push(
      `${count} interval${count === 1 ? '' : 's'} longer than ${fmtNum(limit)} s, the largest ${fmtNum(v.maxGap.seconds)} s (t=${fmtNum(b - v.maxGap.seconds)}–${fmtNum(b)} s)`,
    );
  }
  for (const g of v.trace.gaps ?? []) problems.push(`gateway reported no data for t=${fmtNum(g.fromT)}–${fmtNum(g.toT)} s (${g.reason})`);
  let missing = 0;
  let firstMissing = -1;
  for (let i = 0; i < v.count; i++) {
    if (stageMask[i] !== 1) continue;
    const x = v.samples[i] as TraceSample;
    const ok = channel === 'pressure' ? isReading(x.pressure_kpa) : isReading(x.temp_c) && (!v.hasProbe || isReading(x.temp2_c));
    if (!ok) {
      missing++;
      if (firstMissing < 0) firstMissing = i;
    }
  }
  if (missing > 0) {
    const t = (v.samples[firstMissing] as TraceSample).t;
    problems.push(`${missing} sample${missing === 1 ? '' : 's'} in ${stageName} without a ${channel} reading (first at t=${fmtNum(t)} s)`);
  }
  if (problems.length) return c(false, problems.join('; '));
  const span = (v.samples[v.count - 1] as TraceSample).t - (v.samples[0] as TraceSample).t;
  return c(true, `${v.count} samples over ${fmtNum(span)} s, largest interval ${fmtNum(v.maxGap?.seconds ?? 0)} s`);
}

/** The phase a finished cycle ends in; anything else as the last phase means the record stops early. */
const COMPLETED: Phase = 'complete';

/**
 * device_result: what the device said at the end, else what the phases show. A fault phase fails the
 * cycle even when the device reports ok (the samples show the fault; they win). Without a device result, a
 * trace whose phases end anywhere but `complete` (after exhaust, in the hold, in drying) shows a cycle that
 * never completed: it fails (WS 310.3 / EN 285: the cycle must complete all its stages, standards.md §1.3.5).
 * A trace with no phases at all shows nothing either way: `null`.
 */
export function deviceResult(v: TraceView): CriterionResult {
  const c = (pass: boolean | null, detail: string): CriterionResult => criterion('device_result', pass, null, 'ok', '', detail);
  let faultAt = -1;
  let lastPhase: Phase | undefined;
  let lastAt = -1;
  for (let i = 0; i < v.count; i++) {
    const x = v.samples[i] as TraceSample;
    if (x.phase === 'fault' && faultAt < 0) faultAt = i;
    if (x.phase !== undefined) {
      lastPhase = x.phase;
      lastAt = i;
    }
  }
  const fault = faultAt >= 0 ? `the trace enters phase fault at t=${fmtNum((v.samples[faultAt] as TraceSample).t)} s` : '';
  switch (v.trace.deviceResult) {
    case 'aborted':
      return c(false, 'the device reported the cycle aborted');
    case 'fault':
      return c(false, 'the device reported a fault');
    case 'ok':
      return fault ? c(false, `the device reported ok but ${fault}`) : c(true, 'the device reported ok');
    default:
      if (fault) return c(false, fault);
      if (lastPhase === undefined) return c(null, 'no device result and no phases: whether the cycle completed is not shown');
      if (lastPhase === COMPLETED) return c(true, 'no device result; the trace ends in phase complete');
      return c(
        false,
        `no device result, and the trace ends in phase ${lastPhase} at t=${fmtNum((v.samples[lastAt] as TraceSample).t)} s, not complete: the cycle is not shown to have completed`,
      );
  }
}

export interface BandOptions {
  /** What the reference channel (temp_c) is called in a detail: "drain" for steam. */
  reference: string;
  /** Judge only the upper limit, saying why the lower one does not apply (washer A0 route). */
  upperOnly?: string;
}

/**
 * A temperature band judged from the reference sensor first reaching `lo` (see bandScan): pass when
 * nothing rises above `hi` or dips below `lo`. measured = the worst excursion in K (+ above, − below, 0 inside).
 */
export function bandCriterion(
  id: CriterionId,
  v: TraceView,
  scan: BandScan | null,
  lo: number,
  hi: number,
  where: string,
  notReached: string,
  o: BandOptions,
): CriterionResult {
  const limit = `${fmtNum(lo)}–${fmtNum(hi)} °C`;
  if (!scan) return criterion(id, false, null, limit, 'K', notReached);
  const above = scan.max - hi;
  const below = o.upperOnly === undefined ? lo - scan.min : 0;
  let measured = 0;
  if (above > 0 && above >= below) measured = above;
  else if (below > 0) measured = -below;
  const name = (at: ReadingAt): string => (at.channel === 'temp2_c' ? 'load probe' : o.reference);
  const when = (at: ReadingAt): string => `t=${fmtNum((v.samples[at.index] as TraceSample).t)} s`;
  const range = `${where} ${fmtNum(scan.min)}–${fmtNum(scan.max)} °C from t=${fmtNum(scan.startT)} s`;
  const issues: string[] = [];
  if (above > 0) issues.push(`the ${name(scan.maxAt)} rises to ${fmtNum(scan.max)} °C at ${when(scan.maxAt)}, ${fmtNum(above)} K above the band`);
  if (below > 0) issues.push(`the ${name(scan.minAt)} dips to ${fmtNum(scan.min)} °C at ${when(scan.minAt)}, ${fmtNum(below)} K below the band`);
  const ok = o.upperOnly === undefined ? `within ${limit}` : `at or below ${fmtNum(hi)} °C (${o.upperOnly})`;
  return criterion(id, issues.length === 0, measured, limit, 'K', issues.length ? `${range}: ${issues.join(', ')}` : `${range}, ${ok}`);
}
