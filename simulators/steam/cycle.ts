// One simulated (or replayed) steam-sterilizer cycle: what the protocol front-ends render
// (printer ticket, the Modbus front-end in simulators/modbus/). Times are seconds from cycle start,
// pressure absolute.

import { STEAM_PHASES, type SteamPhase, TEST_PHASES, type TestPhase } from '../../vocabulary/phases.js';

/** Canonical steam and test-cycle phases (the shared vocabulary). */
export type SteamCyclePhase = SteamPhase | TestPhase;

export const STEAM_CYCLE_PHASES: readonly SteamCyclePhase[] = [...STEAM_PHASES, ...TEST_PHASES];

/** A machine sub-step inside a phase, for front-ends that print them (ticket `PULSE2 VAC`). */
export type CycleStep = `pulse${number}-vac` | `pulse${number}-steam` | 'vent' | 'evacuate';

export interface CycleSample {
  /** Seconds from cycle start. */
  t: number;
  /** Reference (chamber drain) temperature, °C. */
  temp_c: number;
  /** Chamber pressure, kPa absolute. */
  pressure_kpa: number;
  phase: SteamCyclePhase;
  step?: CycleStep;
}

export interface CycleAlarm {
  t: number;
  code: string;
  text: string;
}

export interface SteamCycle {
  programId: string;
  samples: CycleSample[];
  /** Alarms the machine raises; printed before the sample at the same `t`. */
  alarms: CycleAlarm[];
  /** What the machine itself reports at the end (it does not detect every fault; that is the gateway's job). */
  result: 'ok' | 'aborted';
  /** Seconds from cycle start to the end of the last sample interval. */
  durationS: number;
}
