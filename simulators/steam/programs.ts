// The programs the simulated autoclave knows: the steam presets (docs/verification.md) with the program number
// it prints on its ticket (docs/devices.md: the built-in program map) and how long it runs each stage.
// `minHoldS` is the program's minimum holding time; the machine holds a little longer (`holdS`),
// as real controllers do, so a correct cycle passes `hold_time` with margin.

import { programById, programNumbers, type WithoutNumber, withProgramNumbers } from '../shared/program-list.js';

export type SteamProgramId = 'steam-134-4' | 'steam-121-20' | 'steam-134-18' | 'steam-121-15' | 'bowie-dick-134' | 'leak-test';

interface ProgramBase {
  id: SteamProgramId;
  /** Program number printed on the ticket (`PROG n:`) and served as Modbus register 3. */
  programNo: number;
  /** Program text printed after the number in the ticket header. */
  text: string;
}

/** A pre-vacuum cycle with a sterilization plateau (routine load or Bowie–Dick test). */
export interface PlateauProgram extends ProgramBase {
  kind: 'sterilize' | 'bowie-dick';
  setTempC: number;
  minHoldS: number;
  /** Plateau length the machine runs. */
  holdS: number;
  /** Vacuum drying after exhaust. */
  dryingS: number;
}

/** Air-leakage (vacuum hold) test: evacuate, stabilise, measure the pressure rise. */
export interface LeakTestProgram extends ProgramBase {
  kind: 'leak-test';
  setTempC: null;
  /** Chamber pressure the pump evacuates to, kPa absolute. */
  evacuateToKpa: number;
  stabilizeS: number;
  measureS: number;
  /** Rate of rise of a tight chamber; the `leak` fault replaces it. */
  riseKpaPerMin: number;
}

export type SteamProgram = PlateauProgram | LeakTestProgram;

const UNNUMBERED: readonly WithoutNumber<SteamProgram>[] = [
  { id: 'steam-134-4', text: '134C INSTR', kind: 'sterilize', setTempC: 134, minHoldS: 240, holdS: 270, dryingS: 120 },
  { id: 'steam-121-20', text: '121C 20MIN', kind: 'sterilize', setTempC: 121, minHoldS: 1200, holdS: 1230, dryingS: 420 },
  { id: 'steam-134-18', text: '134C PRION 18MIN', kind: 'sterilize', setTempC: 134, minHoldS: 1080, holdS: 1110, dryingS: 480 },
  { id: 'steam-121-15', text: '121C 15MIN', kind: 'sterilize', setTempC: 121, minHoldS: 900, holdS: 930, dryingS: 420 },
  { id: 'bowie-dick-134', text: 'BOWIE-DICK TEST', kind: 'bowie-dick', setTempC: 134, minHoldS: 210, holdS: 225, dryingS: 120 },
  {
    id: 'leak-test',
    text: 'VACUUM LEAK TEST',
    kind: 'leak-test',
    setTempC: null,
    evacuateToKpa: 5,
    stabilizeS: 300,
    measureS: 600,
    riseKpaPerMin: 0.05,
  },
];

/** The programs, each with its built-in device program number (vocabulary/program-numbers.ts). */
export const STEAM_PROGRAMS: readonly SteamProgram[] = withProgramNumbers<SteamProgram>(UNNUMBERED);

export const STEAM_PROGRAM_IDS: readonly SteamProgramId[] = STEAM_PROGRAMS.map((p) => p.id);

/** Program number -> program id, as printed by the simulator (the gateway's built-in `programMap`). */
export const STEAM_PROGRAM_NUMBERS: Readonly<Record<number, SteamProgramId>> = programNumbers(STEAM_PROGRAMS);

/** The program with this id; throws naming the valid ids otherwise. */
export function steamProgram(id: string): SteamProgram {
  return programById(STEAM_PROGRAMS, id, 'autoclave');
}
