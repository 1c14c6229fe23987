// What the Modbus front-end needs of a machine, generic over its kind: "a cycle = samples + phases +
// result", one per simulated second, plus the program number (register 3), the jacket pressure
// (register 7) and the device's own running F0 or A0 (register 8). The steam model and the washer
// model plug in here; nothing else in simulators/modbus/ knows either.

import { psatKpa } from '../../gateway/verify/steam-table.js';
import { checkFault } from '../steam/faults.js';
import { steamProgram } from '../steam/programs.js';
import { generateSteamCycle } from '../steam/steam-cycle-model.js';
import { runningA0 } from '../washer/device-a0.js';
import { checkWasherFault } from '../washer/faults.js';
import { generateWasherCycle, washerProgram } from '../washer/washer-cycle-model.js';
import type { MachineKind } from './register-image.js';

export interface ModbusCycleSample {
  /** Seconds from cycle start. */
  t: number;
  temp_c: number;
  /** Load probe; absent = no probe fitted. */
  temp2_c?: number;
  /** kPa absolute; absent = no pressure sensor (washer). */
  pressure_kpa?: number;
  /** A canonical phase of the machine's kind (docs/architecture.md). */
  phase: string;
}

export interface ModbusCycle {
  programId: string;
  programNo: number;
  samples: ModbusCycleSample[];
  /** `code` like `E23`: its digits are served in the alarm register. */
  alarms: { t: number; code: string; text: string }[];
  result: 'ok' | 'aborted' | 'failed';
  durationS: number;
  /** Register 8 after each sample (same length as samples): F0 in min × 10, or A0 in s. */
  lethality: number[];
  /** Jacket pressure while the machine is on, kPa absolute; null = no jacket (washer). */
  jacketKpa: number | null;
}

export interface CycleSource {
  kind: MachineKind;
  programId: string;
  programNo: number;
  /** Cycle `index` of the run (0-based); each is reproducible from the seed. */
  cycle(index: number): ModbusCycle;
}

/** Faults a machine model produces (the Modbus wire faults are separate, see modbus-machine.ts). */
export function cycleSource(kind: MachineKind, programId: string, opts: { seed: number; modelFault?: string }): CycleSource {
  return kind === 'washer' ? washerSource(programId, opts) : steamSource(programId, opts);
}

/** A model's cycle as far as every kind has it; the rest of a ModbusCycle comes from `readings`. */
interface ModelCycle {
  programId: string;
  alarms: ModbusCycle['alarms'];
  result: ModbusCycle['result'];
  durationS: number;
}

/** The source of `program`'s cycles: cycle `index` is `generate(seed + index)`, its samples and registers from `readings`. */
function modelSource<C extends ModelCycle>(
  kind: MachineKind,
  program: { id: string; programNo: number },
  generate: (seed: number) => C,
  readings: (c: C) => Pick<ModbusCycle, 'samples' | 'lethality' | 'jacketKpa'> & { programNo?: number },
  seed: number,
): CycleSource {
  return {
    kind,
    programId: program.id,
    programNo: program.programNo,
    cycle(index) {
      const c = generate(seed + index);
      const { alarms, result, durationS } = c;
      return { programId: c.programId, programNo: program.programNo, alarms, result, durationS, ...readings(c) };
    },
  };
}

function steamSource(programId: string, opts: { seed: number; modelFault?: string }): CycleSource {
  const program = steamProgram(programId);
  const fault = checkFault(opts.modelFault, program);
  if (fault === 'garbage') throw new Error("fault 'garbage' is a printer-line fault; over Modbus use timeout, exception, bad-crc, frozen or disconnect");
  const jacketKpa = Math.round(psatKpa((program.setTempC ?? 134) + 2) * 10) / 10;
  return modelSource(
    'autoclave',
    program,
    (seed) => generateSteamCycle(program, { seed, ...(fault !== undefined && { fault }) }),
    (c) => ({
      samples: c.samples.map((s) => ({ t: s.t, temp_c: s.temp_c, pressure_kpa: s.pressure_kpa, phase: s.phase })),
      lethality: runningF0x10(c.samples),
      jacketKpa,
    }),
    opts.seed,
  );
}

function washerSource(programId: string, opts: { seed: number; modelFault?: string }): CycleSource {
  const program = washerProgram(programId);
  const fault = checkWasherFault(opts.modelFault);
  return modelSource(
    'washer',
    program,
    (seed) => generateWasherCycle(program, { seed, ...(fault !== undefined && { fault }) }),
    (c) => ({
      programNo: c.programNo,
      samples: c.samples.map((s) => ({ t: s.t, temp_c: s.temp_c, ...(s.temp2_c !== undefined && { temp2_c: s.temp2_c }), phase: s.phase })),
      lethality: runningA0(c.samples).map((a0) => Math.round(a0)),
      jacketKpa: null,
    }),
    opts.seed,
  );
}

/** The sterilizer's own running F0 (z = 10 K, 121.1 °C), in min × 10 as register 8 carries it. */
export function runningF0x10(samples: readonly { t: number; temp_c: number }[]): number[] {
  let f0Min = 0;
  let prev: { t: number; temp_c: number } | undefined;
  return samples.map((s) => {
    if (prev !== undefined && prev.temp_c >= 100 && s.temp_c >= 100) {
      f0Min += (((10 ** ((prev.temp_c - 121.1) / 10) + 10 ** ((s.temp_c - 121.1) / 10)) / 2) * Math.min(s.t - prev.t, 5)) / 60;
    }
    prev = s;
    return Math.round(f0Min * 10);
  });
}
