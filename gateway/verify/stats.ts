// Cycle statistics for the record (standards.md §1.6: min/max T during the plateau, plateau
// duration, values per stage): facts about the curve, not pass/fail.

import { type CycleStats, round } from './criterion.js';
import { isReading, type Phase, type TraceSample } from './trace.js';
import { type BandScan, coldest, creditedDt, phaseSegments, type TraceView } from './trace-view.js';

/**
 * F0 in minutes: Σ 10^((T−121.1)/10)·Δt / 60 over the whole cycle on the coldest channel, left
 * rectangles with the same crediting rules as A0 (Δt ≤ maxGapS, nothing across a known gap).
 */
export function f0Minutes(v: TraceView): number {
  let sum = 0;
  for (let i = 1; i < v.count; i++) {
    const t = coldest(v, i - 1);
    if (t !== null) sum += 10 ** ((t - 121.1) / 10) * creditedDt(v, i);
  }
  return sum / 60;
}

export function cycleStats(v: TraceView, plateau: BandScan | null, extra: { f0Min?: number; a0?: number }): CycleStats {
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  let pMin = Number.POSITIVE_INFINITY;
  let pMax = Number.NEGATIVE_INFINITY;
  for (const x of v.samples) {
    for (const t of [x.temp_c, x.temp2_c]) {
      if (isReading(t)) {
        if (t < tMin) tMin = t;
        if (t > tMax) tMax = t;
      }
    }
    if (isReading(x.pressure_kpa)) {
      if (x.pressure_kpa < pMin) pMin = x.pressure_kpa;
      if (x.pressure_kpa > pMax) pMax = x.pressure_kpa;
    }
  }
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const phases = phaseSegments(v);
  const phaseSeconds: Partial<Record<Phase, number>> = {};
  for (const seg of phases) {
    if (!seg.phase) continue;
    const total = (phaseSeconds[seg.phase] ?? 0) + seg.seconds;
    if (Number.isFinite(total)) phaseSeconds[seg.phase] = round(total, 6); // else: times out of order at the double range
  }
  const first = v.samples[0] as TraceSample | undefined;
  const last = v.samples[v.count - 1] as TraceSample | undefined;
  const stats: CycleStats = {
    samples: v.count,
    durationS: first && last && Number.isFinite(last.t - first.t) ? round(last.t - first.t, 6) : 0,
    maxGapS: v.maxGap ? round(v.maxGap.seconds, 6) : null,
    tempMinC: finite(tMin),
    tempMaxC: finite(tMax),
    pressureMinKpa: finite(pMin),
    pressureMaxKpa: finite(pMax),
    plateauMinC: plateau ? finite(plateau.min) : null,
    plateauMaxC: plateau ? finite(plateau.max) : null,
    phases,
    phaseSeconds,
  };
  if (extra.f0Min !== undefined) stats.f0Min = Number.isFinite(extra.f0Min) ? round(extra.f0Min, 3) : null;
  if (extra.a0 !== undefined) stats.a0 = Number.isFinite(extra.a0) ? round(extra.a0, 1) : null;
  return stats;
}
