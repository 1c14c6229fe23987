// The machine's own account of a cycle's plateau, as the tickets print it: min/max of the reference
// temperature (and chamber pressure) over the samples in phase `sterilizing`, and the plateau length.
// Shared by the ticket writers that print a summary (prevac-ticket-zh, scican-summary).

import type { SteamCycle } from './cycle.js';

export interface PlateauSummary {
  minTempC: number;
  maxTempC: number;
  /** kPa absolute. */
  minPressureKpa: number;
  maxPressureKpa: number;
  /** First plateau sample to one second past the last, as the machine counts it. */
  seconds: number;
  /** Cycle time of the first plateau sample. */
  startS: number;
}

/** Undefined when the cycle has no plateau (leak test). Temperatures as printed with one decimal. */
export function plateauSummary(cycle: SteamCycle): PlateauSummary | undefined {
  const plateau = cycle.samples.filter((s) => s.phase === 'sterilizing');
  const first = plateau[0];
  const last = plateau[plateau.length - 1];
  if (!first || !last) return undefined;
  const temps = plateau.map((s) => Math.round(s.temp_c * 10) / 10);
  const pressures = plateau.map((s) => s.pressure_kpa);
  return {
    minTempC: Math.min(...temps),
    maxTempC: Math.max(...temps),
    minPressureKpa: Math.min(...pressures),
    maxPressureKpa: Math.max(...pressures),
    seconds: last.t - first.t + 1,
    startS: first.t,
  };
}
