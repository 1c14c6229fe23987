// One O(n) pass over a trace that every criterion shares: which channels exist, where the sample
// sequence is broken (a long interval, a gap the gateway knows about, time going backwards), phase
// segments, and the run/band scans the criteria are built from.

import type { PhaseSegment } from './criterion.js';
import { type CycleTrace, isReading, type Phase, type TraceSample } from './trace.js';

export interface TraceView {
  trace: CycleTrace;
  samples: readonly TraceSample[];
  count: number;
  maxGapS: number;
  hasPhases: boolean;
  /** Some sample has a load-probe reading: from then on every sample must have one to prove anything. */
  hasProbe: boolean;
  hasPressure: boolean;
  /** Index of the first sample whose t is before the previous one, not a usable number, or one reading too
   * many at the same instant (see MAX_READINGS_PER_INSTANT); -1 if none. */
  disorderAt: number;
  /** breakBefore[i] = 1: continuity between samples i−1 and i is not proven (long interval, known gap, disorder). */
  breakBefore: Uint8Array;
  /** knownGapBefore[i] = 1: a gap the gateway reported lies between samples i−1 and i: nothing is credited there. */
  knownGapBefore: Uint8Array;
  /** Largest interval between consecutive samples and the index of the sample that ends it. */
  maxGap: { seconds: number; at: number } | null;
}

export interface Run {
  i0: number;
  i1: number;
  start: number;
  end: number;
  seconds: number;
}

/**
 * Readings one instant may carry. A printer stamps its lines to the second, so two lines printed in the same
 * second share a time and both are readings (the worst counts); a third at one instant no longer looks like
 * print timing but like a clock that stopped, which would compress the time axis (shorter equilibration,
 * shorter Bowie–Dick exposure): the record's order cannot be trusted then.
 */
export const MAX_READINGS_PER_INSTANT = 2;

export function buildView(trace: CycleTrace, maxGapS: number): TraceView {
  const s = trace.samples;
  const n = s.length;
  const breakBefore = new Uint8Array(n);
  const knownGapBefore = new Uint8Array(n);
  let hasPhases = false;
  let hasProbe = false;
  let hasPressure = false;
  let disorderAt = -1;
  let maxGap: TraceView['maxGap'] = null;
  let atInstant = 1;
  for (let i = 0; i < n; i++) {
    const x = s[i] as TraceSample;
    if (x.phase !== undefined) hasPhases = true;
    if (isReading(x.temp2_c)) hasProbe = true;
    if (isReading(x.pressure_kpa)) hasPressure = true;
    if (!Number.isFinite(x.t)) {
      if (disorderAt < 0) disorderAt = i;
      breakBefore[i] = 1;
      continue;
    }
    if (i === 0) continue;
    const prevT = (s[i - 1] as TraceSample).t;
    if (!Number.isFinite(prevT)) {
      breakBefore[i] = 1;
      continue;
    }
    const dt = x.t - prevT;
    if (dt === 0 && ++atInstant <= MAX_READINGS_PER_INSTANT) continue; // a second reading of the same instant
    if (dt !== 0) atInstant = 1;
    if (!(dt > 0) || !Number.isFinite(dt)) {
      if (disorderAt < 0) disorderAt = i;
      breakBefore[i] = 1;
    } else {
      if (dt > maxGapS) breakBefore[i] = 1;
      if (!maxGap || dt > maxGap.seconds) maxGap = { seconds: dt, at: i };
    }
  }
  if (disorderAt >= 0) breakBefore.fill(1);
  for (const g of trace.gaps ?? []) {
    // Mark every interval (t[i−1], t[i]) that overlaps the gap; samples are ordered, so start by bisection.
    let i = disorderAt >= 0 ? 1 : Math.max(1, firstAfter(s, g.fromT));
    for (; i < n; i++) {
      const a = (s[i - 1] as TraceSample).t;
      const b = (s[i] as TraceSample).t;
      if (a >= g.toT && disorderAt < 0) break;
      if (a < g.toT && b > g.fromT) {
        knownGapBefore[i] = 1;
        breakBefore[i] = 1;
      }
    }
  }
  return { trace, samples: s, count: n, maxGapS, hasPhases, hasProbe, hasPressure, disorderAt, breakBefore, knownGapBefore, maxGap };
}

/** First index whose t is > x (n if none). */
function firstAfter(s: readonly TraceSample[], x: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((s[mid] as TraceSample).t > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The longest continuous run of samples satisfying `ok`, by duration t(last) − t(first). A sample not
 * satisfying `ok` or a break in continuity ends a run. Ties keep the earliest run. Null if no sample is ok.
 */
export function longestRun(v: TraceView, ok: (i: number) => boolean): Run | null {
  let best: Run | null = null;
  let runStart = -1;
  for (let i = 0; i < v.count; i++) {
    if (!Number.isFinite((v.samples[i] as TraceSample).t) || !ok(i)) {
      runStart = -1;
      continue;
    }
    if (runStart < 0 || v.breakBefore[i] === 1) runStart = i;
    const start = (v.samples[runStart] as TraceSample).t;
    const end = (v.samples[i] as TraceSample).t;
    if (!best || end - start > best.seconds) best = { i0: runStart, i1: i, start, end, seconds: end - start };
  }
  return best;
}

/** Every temperature channel the trace has is present in this sample and inside [lo, hi]. */
export function allInRange(v: TraceView, i: number, lo: number, hi: number): boolean {
  const x = v.samples[i] as TraceSample;
  if (!isReading(x.temp_c) || x.temp_c < lo || x.temp_c > hi) return false;
  if (!v.hasProbe) return true;
  return isReading(x.temp2_c) && x.temp2_c >= lo && x.temp2_c <= hi;
}

/** The coldest channel: what the least-heated point saw. Null when a channel the trace has is missing. */
export function coldest(v: TraceView, i: number): number | null {
  const x = v.samples[i] as TraceSample;
  if (!isReading(x.temp_c)) return null;
  if (!v.hasProbe) return x.temp_c;
  return isReading(x.temp2_c) ? Math.min(x.temp_c, x.temp2_c) : null;
}

export type Channel = 'temp_c' | 'temp2_c';

/** Where a reading was taken: sample index and channel. */
export interface ReadingAt {
  index: number;
  channel: Channel;
}

export interface BandScan {
  /** First sample (in the mask) where the reference sensor reached `lo`. */
  startIdx: number;
  startT: number;
  min: number;
  max: number;
  minAt: ReadingAt;
  maxAt: ReadingAt;
}

/**
 * Temperatures over the masked samples from the reference sensor first reaching `lo`: the reference
 * counts from then on; a load probe counts for the upper limit throughout and for the lower limit
 * `probeGraceS` seconds after that start (steam: the permitted equilibration time, after which the load
 * must be in band), or, without a grace, from its own first reading ≥ lo. Null if never reached.
 */
export function bandScan(v: TraceView, mask: Uint8Array, lo: number, probeGraceS?: number): BandScan | null {
  let startIdx = -1;
  for (let i = 0; i < v.count; i++) {
    const t = (v.samples[i] as TraceSample).temp_c;
    if (mask[i] === 1 && isReading(t) && t >= lo) {
      startIdx = i;
      break;
    }
  }
  if (startIdx < 0) return null;
  const startT = (v.samples[startIdx] as TraceSample).t;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let minAt: ReadingAt = { index: startIdx, channel: 'temp_c' };
  let maxAt: ReadingAt = { index: startIdx, channel: 'temp_c' };
  let probeArrived = false;
  for (let i = startIdx; i < v.count; i++) {
    if (mask[i] !== 1) continue;
    const x = v.samples[i] as TraceSample;
    if (isReading(x.temp_c)) {
      if (x.temp_c < min) [min, minAt] = [x.temp_c, { index: i, channel: 'temp_c' }];
      if (x.temp_c > max) [max, maxAt] = [x.temp_c, { index: i, channel: 'temp_c' }];
    }
    if (v.hasProbe && isReading(x.temp2_c)) {
      probeArrived = probeGraceS === undefined ? probeArrived || x.temp2_c >= lo : x.t - startT >= probeGraceS;
      if (x.temp2_c > max) [max, maxAt] = [x.temp2_c, { index: i, channel: 'temp2_c' }];
      if (probeArrived && x.temp2_c < min) [min, minAt] = [x.temp2_c, { index: i, channel: 'temp2_c' }];
    }
  }
  return { startIdx, startT, min, max, minAt, maxAt };
}

/** Mask of samples in a phase. */
export function phaseMask(v: TraceView, phase: Phase): Uint8Array {
  const m = new Uint8Array(v.count);
  for (let i = 0; i < v.count; i++) if ((v.samples[i] as TraceSample).phase === phase) m[i] = 1;
  return m;
}

export function maskCount(m: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < m.length; i++) c += m[i] as number;
  return c;
}

/** Consecutive runs of one phase, in order (a phase may recur, e.g. conditioning pulses). */
export function phaseSegments(v: TraceView): PhaseSegment[] {
  const out: PhaseSegment[] = [];
  if (!v.hasPhases || v.count === 0) return out;
  let cur: PhaseSegment | null = null;
  for (let i = 0; i < v.count; i++) {
    const x = v.samples[i] as TraceSample;
    if (!Number.isFinite(x.t)) continue; // a sample without a usable time has no place on the time line
    const phase = x.phase ?? null;
    if (!cur || cur.phase !== phase) {
      if (cur) {
        cur.end = x.t;
        cur.seconds = span(cur.start, x.t);
      }
      cur = { phase, start: x.t, end: x.t, seconds: 0 };
      out.push(cur);
    }
  }
  if (cur) {
    for (let i = v.count - 1; i >= 0; i--) {
      const t = (v.samples[i] as TraceSample).t;
      if (Number.isFinite(t)) {
        cur.end = t;
        break;
      }
    }
    cur.seconds = span(cur.start, cur.end);
  }
  return out;
}

/** b − a, or 0 when that is not a finite number (time out of order at the extremes of the double range). */
const span = (a: number, b: number): number => (Number.isFinite(b - a) ? b - a : 0);

/** The interval credited to sample i−1 → i when integrating: capped at maxGapS, zero across a known gap. */
export function creditedDt(v: TraceView, i: number): number {
  if (i <= 0 || v.disorderAt >= 0 || v.knownGapBefore[i] === 1) return 0;
  const dt = (v.samples[i] as TraceSample).t - (v.samples[i - 1] as TraceSample).t;
  return Math.min(dt, v.maxGapS);
}
