// The programs the simulated washer-disinfector knows: the washer presets (docs/verification.md) with the program number
// it prints on its ticket (the gateway's built-in program map: 11, 12) and how long it runs each stage
// (reference/standards.md §6.2). `minHoldS` is the program's minimum time at `disinfectTempC`; the machine
// holds a little longer (`holdS`), timed from its colder sensor reaching `disinfectTempC`, so a correct
// cycle passes disinfect_time and a0 with margin.

import { programById, programNumbers, type WithoutNumber, withProgramNumbers } from '../shared/program-list.js';

export type WasherProgramId = 'washer-a0-600' | 'washer-a0-3000';

/** Stage lengths and water temperatures of the machine (one instrument profile; §6.2 typical values). */
export interface WasherStages {
  /** Cold-water prewash (< 45 °C, protein coagulation). */
  prewashS: number;
  prewashWaterC: number;
  /** Main wash with detergent: time at wash temperature after the heat-up. */
  washHoldS: number;
  washTempC: number;
  neutralizeS: number;
  neutralizeWaterC: number;
  rinseS: number;
  rinseWaterC: number;
  /** Hot-air drying after disinfection (A0 does not count here). */
  dryingS: number;
  dryingAirC: number;
}

export interface WasherSimProgram {
  id: WasherProgramId;
  programNo: number;
  /** Program text printed after the number in the ticket header. */
  text: string;
  /** Minimum A0 of the program (s). */
  a0Min: number;
  /** Lower limit of the disinfection band. */
  disinfectTempC: number;
  /** Controller set point in the disinfection stage (the model varies it ±0.3 K per cycle). */
  disinfectSetC: number;
  /** Minimum continuous time at or above disinfectTempC. */
  minHoldS: number;
  /** Hold the machine runs. */
  holdS: number;
  stages: WasherStages;
}

const STAGES: WasherStages = {
  prewashS: 180,
  prewashWaterC: 29,
  washHoldS: 360,
  washTempC: 55,
  neutralizeS: 100,
  neutralizeWaterC: 40,
  rinseS: 120,
  rinseWaterC: 38,
  dryingS: 330,
  dryingAirC: 110,
};

const UNNUMBERED: readonly WithoutNumber<WasherSimProgram>[] = [
  { id: 'washer-a0-600', text: 'A0 600 INSTR', a0Min: 600, disinfectTempC: 90, disinfectSetC: 91.3, minHoldS: 60, holdS: 90, stages: STAGES },
  { id: 'washer-a0-3000', text: 'A0 3000 INSTR', a0Min: 3000, disinfectTempC: 90, disinfectSetC: 91.3, minHoldS: 300, holdS: 330, stages: STAGES },
];

/** The programs, each with its built-in device program number (vocabulary/program-numbers.ts). */
export const WASHER_PROGRAMS: readonly WasherSimProgram[] = withProgramNumbers<WasherSimProgram>(UNNUMBERED);

export const WASHER_PROGRAM_IDS: readonly WasherProgramId[] = WASHER_PROGRAMS.map((p) => p.id);

/** Program number -> program id, as printed by the simulator (the gateway's built-in `programMap`). */
export const WASHER_PROGRAM_NUMBERS: Readonly<Record<number, WasherProgramId>> = programNumbers(WASHER_PROGRAMS);

/** The program with this id; throws naming the valid ids otherwise. */
export function washerProgram(id: string): WasherSimProgram {
  return programById(WASHER_PROGRAMS, id, 'washer');
}
