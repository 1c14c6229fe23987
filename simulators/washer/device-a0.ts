// A0 as the washer's own controller computes it (ISO 15883-1 Annex B, reference/standards.md §3.1):
// A0 = Σ 10^((T − 80)/10)·Δt over the disinfection stage, only while T ≥ 65 °C, T the colder of the
// reference and load sensors, trapezoid rule between consecutive samples. What the machine prints in its
// ticket summary and serves as Modbus register 8; the gateway computes its own and never trusts this one.

import type { WasherCycleSample } from './cycle.js';

export const A0_THRESHOLD_C = 65;

/** Seconds at 80 °C per second at `tempC` (z = 10 K). */
export const a0Rate = (tempC: number): number => 10 ** ((tempC - 80) / 10);

const coldest = (s: WasherCycleSample): number => (s.temp2_c === undefined ? s.temp_c : Math.min(s.temp_c, s.temp2_c));

/**
 * Running A0 after each sample (same length as `samples`): what the device register shows at that moment.
 * Intervals longer than `maxIntervalS` (a hole in the machine's own record) are credited `maxIntervalS`.
 */
export function runningA0(samples: readonly WasherCycleSample[], maxIntervalS = 5): number[] {
  const out: number[] = [];
  let sum = 0;
  let prev: WasherCycleSample | undefined;
  for (const s of samples) {
    if (prev && prev.phase === 'disinfect' && s.phase === 'disinfect') {
      const a = coldest(prev);
      const b = coldest(s);
      if (a >= A0_THRESHOLD_C && b >= A0_THRESHOLD_C) sum += ((a0Rate(a) + a0Rate(b)) / 2) * Math.min(s.t - prev.t, maxIntervalS);
    }
    out.push(sum);
    prev = s;
  }
  return out;
}

/** The cycle's A0 (s): the last value of runningA0. */
export function cycleA0(samples: readonly WasherCycleSample[]): number {
  const series = runningA0(samples);
  return series[series.length - 1] ?? 0;
}
