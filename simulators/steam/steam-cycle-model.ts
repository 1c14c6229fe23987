// Physics-plausible pre-vacuum steam cycle generator (reference/standards.md §6.1), one sample per
// simulated second, deterministic for a seed. The chamber is modelled on its true state (drain temperature,
// absolute pressure); bounded sensor noise is added on top. During the plateau the true pressure is the
// saturation pressure of the true temperature (IAPWS-IF97 through the gateway's pure steam table), so a
// correct cycle is saturated steam; the faults bend exactly that relation (air, superheat), the band
// (overshoot), the timing (short-hold, abort) or the record (dropout).

import { psatKpa, tsatC } from '../../gateway/verify/steam-table.js';
import { createPrng, type Prng } from '../shared/prng.js';
import type { CycleAlarm, CycleSample, CycleStep, SteamCycle, SteamCyclePhase } from './cycle.js';
import type { ModelFault } from './faults.js';
import type { LeakTestProgram, PlateauProgram, SteamProgram } from './programs.js';

export type { LeakTestProgram, PlateauProgram, SteamProgram, SteamProgramId } from './programs.js';
export { STEAM_PROGRAM_IDS, STEAM_PROGRAM_NUMBERS, STEAM_PROGRAMS, steamProgram } from './programs.js';

export const ATMOSPHERIC_KPA = 101.325;

export interface SteamCycleOptions {
  /** PRNG seed; the same seed, program and fault give the same cycle. Default 1. */
  seed?: number;
  fault?: ModelFault;
}

/** Plateau length of the `short-hold` fault as a fraction of the minimum hold (150 s for 4 min). */
export const SHORT_HOLD_FRACTION = 0.625;
/** Samples missing in the `dropout` fault. */
export const DROPOUT_S = 20;
/** Leak-test rate of rise with the `leak` fault, kPa/min (limit 0.13). */
export const LEAK_FAULT_KPA_PER_MIN = 0.3;

interface ChamberState {
  T: number;
  P: number;
}

/** Sensor noise by situation: [temperature sd, clip] and [pressure sd, clip]. */
const NOISE = {
  process: { tSd: 0.08, tClip: 0.2, pSd: 0.15, pClip: 0.4 },
  vacuum: { tSd: 0.08, tClip: 0.2, pSd: 0.05, pClip: 0.15 },
  plateau: { tSd: 0.1, tClip: 0.2, pSd: 0.25, pClip: 0.5 },
  leak: { tSd: 0.05, tClip: 0.1, pSd: 0.008, pClip: 0.02 },
} as const;
type NoiseKind = keyof typeof NOISE;

const round2 = (x: number): number => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Appends one noisy sample per simulated second. */
class Recorder {
  readonly samples: CycleSample[] = [];
  constructor(private readonly rng: Prng) {}

  /** `t` of the next sample. */
  get t(): number {
    return this.samples.length;
  }

  push(phase: SteamCyclePhase, step: CycleStep | undefined, s: ChamberState, kind: NoiseKind = 'process'): void {
    const n = kind === 'process' && s.P < 20 ? NOISE.vacuum : NOISE[kind];
    const sample: CycleSample = {
      t: this.samples.length,
      temp_c: round2(s.T + this.rng.noise(n.tSd, n.tClip)),
      pressure_kpa: round2(Math.max(0.3, s.P + this.rng.noise(n.pSd, n.pClip))),
      phase,
    };
    if (step !== undefined) sample.step = step;
    this.samples.push(sample);
  }
}

export function generateSteamCycle(program: SteamProgram, options: SteamCycleOptions = {}): SteamCycle {
  const rng = createPrng(options.seed ?? 1);
  if (program.kind === 'leak-test') {
    if (options.fault !== undefined && options.fault !== 'leak') throw new Error(`fault '${options.fault}' does not apply to a leak test`);
    return leakTestCycle(program, rng, options.fault === 'leak');
  }
  if (options.fault === 'leak') throw new Error(`fault 'leak' applies only to the leak-test program, not '${program.id}'`);
  return plateauCycle(program, rng, options.fault);
}

function finish(programId: string, samples: CycleSample[], alarms: CycleAlarm[], result: SteamCycle['result']): SteamCycle {
  const last = samples[samples.length - 1];
  return { programId, samples, alarms, result, durationS: last ? last.t + 1 : 0 };
}

function conditioning(rec: Recorder, s: ChamberState, rng: Prng): void {
  for (let i = 0; i < 10; i++) {
    s.T -= 0.02;
    rec.push('conditioning', undefined, s);
  }
  for (let n = 1; n <= 3; n++) {
    // Vacuum: the pump pulls the chamber down; the drain cools by evaporation.
    const p0 = s.P;
    const t0 = s.T;
    const pVac = rng.uniform(6.5, 8.5);
    const tFloor = rng.uniform(66, 70);
    const vacS = rng.int(72, 80);
    for (let i = 1; i <= vacS; i++) {
      s.P = pVac + (p0 - pVac) * Math.exp(-i / 20);
      s.T = tFloor + (t0 - tFloor) * Math.exp(-i / 55);
      rec.push('conditioning', `pulse${n}-vac`, s);
    }
    // Steam pulse: once the pressure passes p_sat of the drain temperature, condensing steam heats it
    // to just below T_sat(p).
    const pv = s.P;
    const pTop = n < 3 ? rng.uniform(145, 152) : rng.uniform(165, 172);
    const steamS = n < 3 ? rng.int(42, 48) : rng.int(48, 54);
    const norm = 1 - Math.exp(-steamS / 25);
    for (let i = 1; i <= steamS; i++) {
      s.P = pv + ((pTop - pv) * (1 - Math.exp(-i / 25))) / norm;
      const target = tsatC(s.P) - 0.8;
      s.T = target > s.T ? s.T + 0.6 * (target - s.T) : s.T - 0.05;
      rec.push('conditioning', `pulse${n}-steam`, s);
    }
  }
}

function plateauCycle(program: PlateauProgram, rng: Prng, fault: ModelFault | undefined): SteamCycle {
  const rec = new Recorder(rng);
  const set = program.setTempC;
  const s: ChamberState = { T: rng.uniform(90, 95), P: ATMOSPHERIC_KPA + rng.uniform(-0.4, 0.3) };
  conditioning(rec, s, rng);

  // Heating: T climbs linearly to just above the set point; the condensation lag (T below T_sat(p))
  // fades out, and a fault's offset (air partial pressure, superheat) fades in.
  const airKpaEnd = fault === 'air' ? rng.uniform(25.5, 28.5) : 0;
  const superKEnd = fault === 'superheat' ? rng.uniform(3.8, 4.3) : 0;
  const tStart = s.T;
  const tEnd = set + 0.5;
  const lag0 = Math.max(0, tsatC(s.P) - s.T);
  const heatS = Math.max(45, Math.round((tEnd - tStart) / rng.uniform(0.14, 0.18)));
  for (let i = 1; i <= heatS; i++) {
    const f = i / heatS;
    s.T = tStart + (tEnd - tStart) * f;
    s.P = psatKpa(s.T + lag0 * (1 - f) - superKEnd * f) + airKpaEnd * f;
    rec.push('heating', undefined, s);
  }

  // Plateau: the controller holds T between set + 0.45 and set + 1.25 (slow mean-reverting drift).
  const holdS = fault === 'short-hold' ? Math.round(program.minHoldS * SHORT_HOLD_FRACTION) : program.holdS;
  const plateauT0 = rec.t;
  const abortAt = fault === 'abort' ? Math.floor(holdS / 2) : -1;
  const bumpAt = fault === 'overshoot' ? Math.floor(holdS * 0.4) : Number.NaN;
  let x = 0.5;
  let airKpa = airKpaEnd;
  let superK = superKEnd;
  const plateauPressure = (T: number): number => psatKpa(T - superK) + airKpa;
  for (let i = 0; i < holdS; i++) {
    if (i === abortAt) return abortTail(program, rec, s, rng, plateauPressure);
    x = clamp(x + 0.04 * (0.8 - x) + rng.normal(0, 0.025), 0.45, 1.25);
    if (fault === 'air') airKpa = clamp(airKpa + rng.normal(0, 0.15), 24, 30);
    if (fault === 'superheat') superK = clamp(superK + rng.normal(0, 0.03), 3.6, 4.4);
    s.T = set + x + overshootBump(i - bumpAt);
    s.P = plateauPressure(s.T);
    rec.push('sterilizing', undefined, s, 'plateau');
  }

  // Exhaust: steam vented to atmosphere; the drain follows T_sat(p), a fault's offset decays.
  {
    const p0 = s.P;
    const off0 = s.T - tsatC(p0);
    const pEnd = ATMOSPHERIC_KPA + rng.uniform(2, 3.5);
    const exS = rng.int(64, 76);
    for (let i = 1; i <= exS; i++) {
      s.P = pEnd + (p0 - pEnd) * Math.exp(-i / 13);
      s.T = tsatC(s.P) - 0.3 + (off0 + 0.3) * Math.exp(-i / 15);
      rec.push('exhaust', i >= 10 ? 'vent' : undefined, s);
    }
  }
  dryAndAerate(rec, s, rng, program.dryingS);

  let samples = rec.samples;
  if (fault === 'dropout') {
    const from = plateauT0 + Math.floor(holdS / 2);
    samples = samples.filter((x) => x.t < from || x.t >= from + DROPOUT_S);
  }
  return finish(program.id, samples, [], 'ok');
}

/** Overshoot fault: +3 K over the plateau temperature, ramping 5 s up and 5 s down around a 28 s top. */
function overshootBump(j: number): number {
  if (!(j >= 0) || j >= 38) return 0;
  if (j < 5) return (3 * (j + 1)) / 5;
  if (j < 33) return 3;
  return (3 * (38 - j)) / 5;
}

/** Steam supply lost mid-plateau: the chamber cools out of band, the machine alarms, vents and aborts. */
function abortTail(program: PlateauProgram, rec: Recorder, s: ChamberState, rng: Prng, pressureFor: (T: number) => number): SteamCycle {
  for (let i = 0; i < 30 && s.T > program.setTempC - 0.6; i++) {
    s.T -= rng.uniform(0.1, 0.16);
    s.P = pressureFor(s.T);
    rec.push('sterilizing', undefined, s, 'plateau');
  }
  const alarms: CycleAlarm[] = [{ t: rec.t, code: 'E23', text: 'STEAM SUPPLY' }];
  const p0 = s.P;
  const pEnd = ATMOSPHERIC_KPA + 1;
  for (let i = 1; i <= 60; i++) {
    s.P = pEnd + (p0 - pEnd) * Math.exp(-i / 12);
    s.T = Math.min(s.T, tsatC(s.P) - 0.3);
    rec.push('fault', undefined, s);
  }
  for (let i = 0; i < 5; i++) {
    s.P += (ATMOSPHERIC_KPA - s.P) * 0.5;
    s.T -= 0.05;
    rec.push('fault', undefined, s);
  }
  return finish(program.id, rec.samples, alarms, 'aborted');
}

function dryAndAerate(rec: Recorder, s: ChamberState, rng: Prng, dryingS: number): void {
  const pDry = rng.uniform(7.4, 8.6);
  const p0 = s.P;
  const t0 = s.T;
  const tFloor = 80 + rng.uniform(-1, 1);
  for (let i = 1; i <= dryingS; i++) {
    s.P = pDry + (p0 - pDry) * Math.exp(-i / 16);
    s.T = tFloor + (t0 - tFloor) * Math.exp(-i / 300);
    rec.push('drying', undefined, s);
  }
  aerate(rec, s, rng);
}

function aerate(rec: Recorder, s: ChamberState, rng: Prng): void {
  const pA = ATMOSPHERIC_KPA - rng.uniform(1.5, 2.5);
  const p0 = s.P;
  const aerS = rng.int(45, 55);
  for (let i = 1; i <= aerS; i++) {
    s.P = p0 + ((pA - p0) * i) / aerS;
    s.T -= 0.01;
    rec.push('aeration', undefined, s);
  }
  for (let i = 0; i < 5; i++) {
    s.P += (ATMOSPHERIC_KPA - 0.5 - s.P) * 0.3;
    s.T -= 0.01;
    rec.push('complete', undefined, s);
  }
}

function leakTestCycle(program: LeakTestProgram, rng: Prng, leak: boolean): SteamCycle {
  const rec = new Recorder(rng);
  const s: ChamberState = { T: rng.uniform(84, 90), P: ATMOSPHERIC_KPA + rng.uniform(-0.4, 0.3) };
  for (let i = 0; i < 5; i++) rec.push('conditioning', undefined, s);
  const p0 = s.P;
  const pEnd = program.evacuateToKpa + rng.uniform(-0.3, 0.3);
  for (let i = 1; i <= 210; i++) {
    s.P = pEnd + (p0 - pEnd) * Math.exp(-i / 32);
    s.T -= 0.01;
    rec.push('conditioning', 'evacuate', s);
  }
  // Valves closed: residual outgassing settles during stabilisation, the leak adds a constant rise.
  const rise = (leak ? LEAK_FAULT_KPA_PER_MIN : program.riseKpaPerMin) * (1 + rng.uniform(-0.08, 0.08));
  const outgas = rng.uniform(0.15, 0.3);
  const pIso = s.P;
  const total = program.stabilizeS + program.measureS;
  for (let tau = 1; tau <= total; tau++) {
    s.P = pIso + outgas * (1 - Math.exp(-tau / 60)) + (rise * tau) / 60;
    s.T -= 0.002;
    rec.push(tau <= program.stabilizeS ? 'leak-stabilize' : 'leak-measure', undefined, s, 'leak');
  }
  aerate(rec, s, rng);
  return finish(program.id, rec.samples, [], 'ok');
}
