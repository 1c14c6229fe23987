// The state of one device's cycle while it runs, and what a finished cycle hands to verification.
// Plain JSON-compatible data, so it can be saved to the store and resumed after a restart.
import type { CycleEndStatus, SummaryEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';

export interface TrackedSample {
  ts: number;
  temp_c: number | null;
  temp2_c?: number | null;
  pressure_kpa?: number | null;
  phase?: Phase;
}

export interface CycleInterruption {
  /** Gateway time the gateway came back. */
  resumedAt: number;
  /** Acquisition time of the last sample stored before the interruption. */
  lastSampleTs: number | null;
  reason: string;
}

export interface OpenCycle {
  cycleId: string;
  deviceId: string;
  startedAt: number;
  /** false when the cycle was opened from a phase because the ticket header was never seen. */
  startSeen: boolean;
  program?: string;
  programNo?: number;
  cycleNo?: number;
  info: Record<string, string>;
  phases: { phase: Phase; ts: number; label?: string }[];
  samples: TrackedSample[];
  alarms: { ts: number; code: string; text: string }[];
  interruptions: CycleInterruption[];
  /** The machine's own summary of the cycle, when its ticket prints one (min/max, phase times). */
  summary?: SummaryEvent;
  /** Gateway receive time of the last event, for the idle timeout. */
  lastRecvTs: number;
  /** Gateway receive time of the event that opened the cycle (absent in snapshots of older versions). */
  receivedStartedAt?: number;
  /** The device's own time of the cycle start, when the start event carried one (a printed start time). */
  deviceStartedAt?: number;
  /** Some sample carried the device's clock (a printed time, Modbus clock registers). */
  deviceClock?: boolean;
}

export type CycleEndReason = 'device' | 'idle-timeout' | 'superseded' | 'shutdown';

export interface FinishedCycle extends OpenCycle {
  endedAt: number;
  endReason: CycleEndReason;
  endStatus?: CycleEndStatus;
  endCode?: string;
  endText?: string;
  /** The end was inferred from the stream (flag fell, silence), not printed by the machine: no device result. */
  endInferred?: boolean;
  /** Gateway receive time of the end: the result, the new cycle, or the last event before the idle timeout. */
  receivedEndedAt?: number;
}

/** The state kept in the store while a cycle runs: everything but the samples, which the store has. */
export type OpenCycleSnapshot = Omit<OpenCycle, 'samples'>;

export function snapshotOf(c: OpenCycle): OpenCycleSnapshot {
  const { samples: _samples, ...rest } = c;
  return rest;
}
