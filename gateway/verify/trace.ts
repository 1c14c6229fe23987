// What the verifier reads: one finished cycle as samples plus the facts the gateway knows about it.

import type { Phase } from '../../vocabulary/phases.js';

export type { Phase };

export interface TraceSample {
  /** Seconds from cycle start; increasing through a trace. Two samples may share a t: two readings printed
   * in the same second (both are judged; a third at one instant is a stopped clock, see trace-view.ts). */
  t: number;
  /** Reference (chamber drain) sensor; null = no valid reading (open/short circuit, not sent). */
  temp_c: number | null;
  /** Load probe, when fitted. */
  temp2_c?: number | null;
  /** Chamber pressure, kPa absolute (absent for washers). */
  pressure_kpa?: number | null;
  phase?: Phase;
}

export interface KnownGap {
  fromT: number;
  toT: number;
  /** Why there is no data, e.g. "gateway restart", "link lost". */
  reason: string;
}

export type DeviceResult = 'ok' | 'aborted' | 'fault';

export interface CycleTrace {
  samples: TraceSample[];
  /** What the device said at cycle end, when it says anything. */
  deviceResult?: DeviceResult;
  /** Chamber volume: selects the equilibration limit. Unknown = the stricter small-chamber limit. */
  chamberLitres?: number;
  /** Stretches the gateway knows it has no data for (a restart, a lost link): never credited. */
  gaps?: KnownGap[];
  /** Results read by people: the Bowie–Dick sheet, once someone has looked at it. */
  indicators?: { bowieDick?: 'pass' | 'fail' };
}

/** A usable reading: a finite number (null, undefined and NaN are "no reading"). */
export function isReading(x: number | null | undefined): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
