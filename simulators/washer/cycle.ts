// One simulated washer-disinfector cycle: what the protocol front-ends render (printer ticket here, the
// generic Modbus front-end in simulators/modbus/). Same shape as SteamCycle (steam/cycle.ts) where the two
// overlap (programId, samples[].t/temp_c/phase, alarms, result, durationS); a washer has no chamber
// pressure, and carries a load probe (temp2_c) and the program number it serves as Modbus register 3.

import { WASHER_PHASES, type WasherPhase } from '../../vocabulary/phases.js';
import type { CycleAlarm } from '../steam/cycle.js';

export type { CycleAlarm };

/** Canonical washer phases (the shared vocabulary). */
export type WasherCyclePhase = WasherPhase;

export const WASHER_CYCLE_PHASES: readonly WasherCyclePhase[] = WASHER_PHASES;

export interface WasherCycleSample {
  /** Seconds from cycle start. */
  t: number;
  /** Reference (chamber drain) temperature, °C. */
  temp_c: number;
  /** Load probe, °C (the verifier judges the colder of both); absent when no probe is fitted. */
  temp2_c?: number;
  phase: WasherCyclePhase;
}

/** The controller's own view of its disinfection hold: what it prints in its summary. Seconds from cycle start, inclusive. */
export interface WasherHold {
  startT: number;
  endT: number;
}

export interface WasherCycle {
  programId: string;
  /** Program number printed on the ticket (`PROG n:`) and served as Modbus register 3. */
  programNo: number;
  samples: WasherCycleSample[];
  /** Alarms the machine raises; printed before the sample at the same `t`. */
  alarms: CycleAlarm[];
  /** What the machine itself reports at the end (it does not detect every fault; that is the gateway's job). */
  result: 'ok' | 'aborted';
  /** Seconds from cycle start to the end of the last sample interval. */
  durationS: number;
  /** Where the controller timed its disinfection hold (absent if it never started one, or for a cycle from
   * elsewhere); only the ticket summary uses it. Never evidence for verification: with the
   * `low-disinfect-temp` fault the controller believes it held at temperature. */
  hold?: WasherHold;
}
