// Washer-disinfector instrument cycle generator (reference/standards.md §6.2), one sample per simulated
// second, deterministic for a seed: prewash (cold water), wash (detergent, ~55 °C), neutralize, rinse,
// thermal disinfection (heat-up, then a hold at 91–92 °C), hot-air drying (~110 °C), complete.
//
// Two sensors: the reference in the chamber drain (`temp_c`) and a load probe (`temp2_c`) that lags a few
// seconds behind the water when it heats and sits a little colder. The heat-ups are linear ramps (the
// heater at full power) so both sensors cross the disinfection temperature while still rising fast, and the
// sensor noise is slowly varying (a Pt100 behind a filter, not white noise): a correct cycle crosses 90 °C
// once and stays above it, as the verifier's band check demands. The controller times its hold from the
// colder sensor reaching disinfectTempC. Faults bend the plateau (low-disinfect-temp), the hold timer
// (short-disinfect), the prewash water (hot-prewash), the record (dropout) or end the cycle (abort).

import { createPrng, type Prng } from '../shared/prng.js';
import type { CycleAlarm, WasherCycle, WasherCyclePhase, WasherCycleSample, WasherHold } from './cycle.js';
import type { WasherFault } from './faults.js';
import type { WasherSimProgram } from './programs.js';

export type { WasherCycle, WasherCyclePhase, WasherCycleSample, WasherHold } from './cycle.js';
export { WASHER_FAULT_DESCRIPTIONS, WASHER_FAULTS, type WasherFault } from './faults.js';
export type { WasherProgramId, WasherSimProgram, WasherStages } from './programs.js';
export { WASHER_PROGRAM_IDS, WASHER_PROGRAM_NUMBERS, WASHER_PROGRAMS, washerProgram } from './programs.js';

export interface WasherCycleOptions {
  /** PRNG seed; the same seed, program and fault give the same cycle. Default 1. */
  seed?: number;
  fault?: WasherFault;
}

/** Hold of the `short-disinfect` fault as a fraction of the program's minimum (90 s for A0 3000, 18 s for A0 600): short
 * enough that A0 misses the minimum too, so neither disinfection route (A0 or time at temperature) is met. */
export const SHORT_DISINFECT_FRACTION = 0.3;
/** Samples missing in the `dropout` fault. */
export const DROPOUT_S = 20;
/** Plateau of the `low-disinfect-temp` fault: set point drawn from this range, low enough that A0 misses the
 * minimum of both programs (≈ 85 °C gives a third of the A0 of 90 °C), so neither route is met. */
export const LOW_DISINFECT_SET_C: readonly [number, number] = [84.6, 85.4];
/** Prewash water of the `hot-prewash` fault. */
export const HOT_PREWASH_WATER_C: readonly [number, number] = [49, 52];
/** Longest the controller waits after its heat-up for the colder sensor to reach disinfectTempC. */
export const HOLD_START_TIMEOUT_S = 120;
export const ABORT_ALARM = { code: 'E41', text: 'CIRCULATION PUMP' } as const;

interface Sensors {
  ref: number;
  probe: number;
}

/** Slowly varying sensor error: AR(1) with small bounded steps, so a reading never jumps. */
class SensorNoise {
  private x = 0;
  constructor(private readonly rng: Prng) {}
  next(): number {
    this.x = clamp(0.8 * this.x + this.rng.noise(0.03, 0.06), -0.12, 0.12);
    return this.x;
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Appends one sample per simulated second: true temperatures plus each sensor's own error. */
class Recorder {
  readonly samples: WasherCycleSample[] = [];
  private readonly refNoise: SensorNoise;
  private readonly probeNoise: SensorNoise;
  constructor(rng: Prng) {
    this.refNoise = new SensorNoise(rng);
    this.probeNoise = new SensorNoise(rng);
  }

  /** `t` of the next sample. */
  get t(): number {
    return this.samples.length;
  }

  push(phase: WasherCyclePhase, s: Sensors): WasherCycleSample {
    const sample: WasherCycleSample = {
      t: this.samples.length,
      temp_c: round2(s.ref + this.refNoise.next()),
      temp2_c: round2(s.probe + this.probeNoise.next()),
      phase,
    };
    this.samples.push(sample);
    return sample;
  }
}

/** The load follows the water with time constant `tauS`, `offsetK` colder at equilibrium. */
function follow(probe: number, ref: number, tauS: number, offsetK: number): number {
  return probe + (ref - offsetK - probe) / tauS;
}

export function generateWasherCycle(program: WasherSimProgram, options: WasherCycleOptions = {}): WasherCycle {
  const rng = createPrng(options.seed ?? 1);
  const fault = options.fault;
  const st = program.stages;
  const rec = new Recorder(rng);
  const probeTau = rng.uniform(2.5, 3.5);
  const probeOffset = rng.uniform(0.1, 0.25);
  const ambient = rng.uniform(20, 24);
  const s: Sensors = { ref: ambient, probe: ambient - rng.uniform(0, 0.5) };

  /** Water temperature approached exponentially (filling, circulating); the load follows. */
  const settle = (phase: WasherCyclePhase, seconds: number, waterC: number, tauS: number): void => {
    for (let i = 0; i < seconds; i++) {
      s.ref += (waterC - s.ref) / tauS;
      s.probe = follow(s.probe, s.ref, probeTau, probeOffset);
      rec.push(phase, s);
    }
  };
  /** Heater at full power: a linear ramp at `rate` K/s up to `toC`. */
  const ramp = (phase: WasherCyclePhase, toC: number, rate: number, each?: (x: WasherCycleSample) => void): void => {
    while (s.ref < toC) {
      s.ref = Math.min(toC, s.ref + rate);
      s.probe = follow(s.probe, s.ref, probeTau, probeOffset);
      const x = rec.push(phase, s);
      each?.(x);
    }
  };
  /** On/off temperature control around `setC`: a slow mean-reverting wander within ±0.3 K. */
  let wander = 0;
  const controlled = (phase: WasherCyclePhase, setC: number): WasherCycleSample => {
    wander = clamp(wander + 0.05 * (0 - wander) + rng.normal(0, 0.03), -0.3, 0.3);
    s.ref = setC + wander;
    s.probe = follow(s.probe, s.ref, probeTau, probeOffset);
    return rec.push(phase, s);
  };

  // Prewash: cold water flushes the load (< 45 °C, or hot with the fault).
  const prewashC = fault === 'hot-prewash' ? rng.uniform(...HOT_PREWASH_WATER_C) : st.prewashWaterC + rng.uniform(-2, 2);
  settle('prewash', st.prewashS + rng.int(-5, 10), prewashC, 15);

  // Wash: fresh water with detergent, heated to the wash temperature and held.
  const washC = st.washTempC + rng.uniform(-0.5, 1);
  ramp('wash', washC, rng.uniform(0.2, 0.25));
  for (let i = 0; i < st.washHoldS; i++) controlled('wash', washC);

  // Neutralize and rinse: drain, refill with cooler water.
  settle('neutralize', st.neutralizeS + rng.int(-10, 10), st.neutralizeWaterC + rng.uniform(-1.5, 1), 8);
  settle('rinse', st.rinseS + rng.int(0, 10), st.rinseWaterC + rng.uniform(-2, 2), 10);

  // Thermal disinfection: heat-up, then the hold, timed from the colder sensor reaching disinfectTempC
  // (or, with a drifted control sensor, from the end of the heat-up: the controller believes it is there).
  const lowTemp = fault === 'low-disinfect-temp';
  const setC = lowTemp ? rng.uniform(...LOW_DISINFECT_SET_C) : program.disinfectSetC + rng.uniform(-0.3, 0.3);
  let holdStart = -1;
  const noteHold = (x: WasherCycleSample): void => {
    if (holdStart < 0 && Math.min(x.temp_c, x.temp2_c ?? x.temp_c) >= program.disinfectTempC) holdStart = x.t;
  };
  ramp('disinfect', setC, rng.uniform(0.2, 0.25), noteHold);
  wander = 0;
  if (lowTemp) holdStart = rec.t;
  const holdS = fault === 'short-disinfect' ? Math.round(program.minHoldS * SHORT_DISINFECT_FRACTION) : program.holdS;
  const abortAfter = fault === 'abort' ? Math.floor(holdS / 2) : Number.POSITIVE_INFINITY;
  const heatedAt = rec.t;
  while (holdStart < 0 || rec.t < holdStart + holdS) {
    // A load that never gets there: the controller gives up waiting and times the hold anyway.
    if (holdStart < 0 && rec.t - heatedAt >= HOLD_START_TIMEOUT_S) holdStart = rec.t;
    if (holdStart >= 0 && rec.t - holdStart >= abortAfter) {
      return abortTail(program, rec, s, rng, { startT: holdStart, endT: rec.t - 1 });
    }
    noteHold(controlled('disinfect', setC));
  }
  const hold: WasherHold = { startT: holdStart, endT: rec.t - 1 };

  // Drying: water drained, hot air blown in; the drain sensor reads the air, the load warms more slowly.
  const airC = st.dryingAirC + rng.uniform(-2, 2);
  for (let i = 0; i < st.dryingS; i++) {
    s.ref += (airC - s.ref) / 45;
    s.probe += (airC - 6 - s.probe) / 120;
    rec.push('drying', s);
  }
  for (let i = 0; i < 10; i++) {
    s.ref -= 0.3;
    s.probe -= 0.05;
    rec.push('complete', s);
  }

  let samples = rec.samples;
  if (fault === 'dropout') {
    const from = hold.startT + Math.floor(holdS / 2) - DROPOUT_S / 2;
    samples = samples.filter((x) => x.t < from || x.t >= from + DROPOUT_S);
  }
  return finish(program, samples, [], 'ok', hold);
}

function finish(program: WasherSimProgram, samples: WasherCycleSample[], alarms: CycleAlarm[], result: WasherCycle['result'], hold: WasherHold): WasherCycle {
  const last = samples[samples.length - 1];
  return { programId: program.id, programNo: program.programNo, samples, alarms, result, durationS: last ? last.t + 1 : 0, hold };
}

/** Circulation pump lost mid-hold: the load cools out of band, the machine alarms, drains and aborts. */
function abortTail(program: WasherSimProgram, rec: Recorder, s: Sensors, rng: Prng, hold: WasherHold): WasherCycle {
  for (let i = 0; i < 30 && s.ref > program.disinfectTempC - 0.6; i++) {
    s.ref -= rng.uniform(0.1, 0.16);
    s.probe -= rng.uniform(0.12, 0.2);
    rec.push('disinfect', s);
  }
  const alarms: CycleAlarm[] = [{ t: rec.t, code: ABORT_ALARM.code, text: ABORT_ALARM.text }];
  const floor = rng.uniform(70, 75);
  for (let i = 0; i < 60; i++) {
    s.ref += (floor - s.ref) / 40;
    s.probe += (floor - s.probe) / 60;
    rec.push('fault', s);
  }
  return finish(program, rec.samples, alarms, 'aborted', hold);
}
