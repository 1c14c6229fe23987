// Fault injection for the simulated autoclave: names, what each does, and which programs it applies to.
// Every fault except `abort` leaves the machine's own RESULT at CYCLE OK: the simulated controller does not
// notice, and catching it is the gateway's independent verification (the point of the product).

import type { SteamProgram } from './programs.js';

export const AUTOCLAVE_FAULTS = ['short-hold', 'air', 'superheat', 'overshoot', 'dropout', 'abort', 'garbage', 'leak'] as const;
export type AutoclaveFault = (typeof AUTOCLAVE_FAULTS)[number];
/** Faults the physics model produces; `garbage` is a transport fault added to the byte stream. */
export type ModelFault = Exclude<AutoclaveFault, 'garbage'>;

export const AUTOCLAVE_FAULT_DESCRIPTIONS: Readonly<Record<AutoclaveFault, string>> = {
  'short-hold': 'plateau shorter than the minimum holding time (hold_time fails)',
  air: 'non-condensable gas: plateau pressure about 27 kPa above p_sat(T), T ~3 K below T_sat(p) (saturated_steam fails)',
  superheat: 'superheated steam: plateau T about 4 K above T_sat(p) (saturated_steam fails)',
  overshoot: 'temperature above set + 3 K for ~30 s in the plateau (temp_band fails)',
  dropout: 'no output for 20 simulated seconds mid-plateau (samples missing)',
  abort: 'steam supply lost mid-plateau: ALARM E23: STEAM SUPPLY, RESULT: CYCLE ABORTED',
  garbage: 'junk lines, binary noise and one very long line between ticket lines; the cycle itself is fine',
  leak: 'leak test with a chamber leak: pressure rises 0.3 kPa/min (leak_rate fails)',
};

const PLATEAU_FAULTS: readonly AutoclaveFault[] = ['short-hold', 'air', 'superheat', 'overshoot', 'dropout', 'abort', 'garbage'];
const LEAK_TEST_FAULTS: readonly AutoclaveFault[] = ['leak', 'garbage'];
const REPLAY_FAULTS: readonly AutoclaveFault[] = ['garbage'];

export function isAutoclaveFault(x: string): x is AutoclaveFault {
  return (AUTOCLAVE_FAULTS as readonly string[]).includes(x);
}

/** Faults that make sense for a program (and for a replayed trace, only transport faults). */
export function faultsFor(program: SteamProgram, replay = false): readonly AutoclaveFault[] {
  if (replay) return REPLAY_FAULTS;
  return program.kind === 'leak-test' ? LEAK_TEST_FAULTS : PLATEAU_FAULTS;
}

/** Validates a fault name for a program; throws an Error naming the valid choices. */
export function checkFault(name: string | undefined, program: SteamProgram, replay = false): AutoclaveFault | undefined {
  if (name === undefined || name === '' || name === 'none') return undefined;
  if (!isAutoclaveFault(name)) {
    throw new Error(`unknown autoclave fault '${name}'; valid faults: ${AUTOCLAVE_FAULTS.join(', ')}`);
  }
  const allowed = faultsFor(program, replay);
  if (!allowed.includes(name)) {
    const what = replay ? 'a replayed trace' : `program '${program.id}'`;
    throw new Error(`fault '${name}' does not apply to ${what}; faults for it: ${allowed.join(', ')}`);
  }
  return name;
}
