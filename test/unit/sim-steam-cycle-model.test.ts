import { describe, expect, it } from 'vitest';
import { getProgram, verifyCycle } from '../../gateway/verify/index.js';
import { tsatC } from '../../gateway/verify/steam-table.js';
import type { CycleSample, SteamCycle } from '../../simulators/steam/cycle.js';
import type { ModelFault } from '../../simulators/steam/faults.js';
import {
  DROPOUT_S,
  generateSteamCycle,
  type PlateauProgram,
  STEAM_PROGRAM_IDS,
  STEAM_PROGRAM_NUMBERS,
  STEAM_PROGRAMS,
  steamProgram,
} from '../../simulators/steam/steam-cycle-model.js';

const plateauPrograms = STEAM_PROGRAMS.filter((p): p is PlateauProgram => p.kind !== 'leak-test');
const cycle = (id: string, seed = 1, fault?: ModelFault): SteamCycle => generateSteamCycle(steamProgram(id), fault ? { seed, fault } : { seed });
const phase = (c: SteamCycle, name: string): CycleSample[] => c.samples.filter((s) => s.phase === name);
/** Distinct phases in order of appearance (each phase must be one contiguous run). */
const phaseRuns = (c: SteamCycle): string[] => c.samples.map((s) => s.phase).filter((p, i, a) => i === 0 || a[i - 1] !== p);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Least-squares slope of pressure over time, kPa/min. */
function slopePerMin(samples: CycleSample[]): number {
  const mt = mean(samples.map((s) => s.t));
  const mp = mean(samples.map((s) => s.pressure_kpa));
  const num = samples.reduce((a, s) => a + (s.t - mt) * (s.pressure_kpa - mp), 0);
  const den = samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return (num / den) * 60;
}

describe('program table', () => {
  it('knows the presets with the printed program numbers of the built-in program map', () => {
    expect(STEAM_PROGRAM_NUMBERS).toEqual({
      1: 'steam-134-4',
      2: 'steam-121-20',
      3: 'steam-134-18',
      4: 'steam-121-15',
      7: 'bowie-dick-134',
      8: 'leak-test',
    });
    expect(Object.fromEntries(STEAM_PROGRAMS.map((p) => [p.id, p.setTempC]))).toEqual({
      'steam-134-4': 134,
      'steam-121-20': 121,
      'steam-134-18': 134,
      'steam-121-15': 121,
      'bowie-dick-134': 134,
      'leak-test': null,
    });
    for (const p of plateauPrograms) expect(p.holdS).toBeGreaterThan(p.minHoldS);
  });

  it('names the valid programs when asked for an unknown one', () => {
    expect(() => steamProgram('steam-999')).toThrow(/unknown autoclave program 'steam-999'.*steam-134-4, steam-121-20/);
  });
});

describe.each(plateauPrograms.map((p) => [p.id, p] as const))('%s cycle', (_id, program) => {
  const seeds = [1, 2, 3];

  it('has one sample per second and the pre-vacuum phases in order', () => {
    for (const seed of seeds) {
      const c = cycle(program.id, seed);
      c.samples.forEach((s, i) => expect(s.t).toBe(i));
      expect(phaseRuns(c)).toEqual(['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying', 'aeration', 'complete']);
      expect(c.durationS).toBe(c.samples.length);
      expect(c.result).toBe('ok');
      expect(c.alarms).toEqual([]);
    }
  });

  it('conditions with three vacuum and steam pulses and dries under deep vacuum', () => {
    const c = cycle(program.id);
    const cond = phase(c, 'conditioning');
    for (const n of [1, 2, 3]) {
      const vac = cond.filter((s) => s.step === `pulse${n}-vac`).map((s) => s.pressure_kpa);
      const steam = cond.filter((s) => s.step === `pulse${n}-steam`).map((s) => s.pressure_kpa);
      expect(Math.min(...vac)).toBeLessThan(12);
      expect(Math.max(...steam)).toBeGreaterThan(140);
    }
    expect(Math.min(...phase(c, 'drying').map((s) => s.pressure_kpa))).toBeLessThan(10);
    const end = c.samples[c.samples.length - 1];
    expect(end?.pressure_kpa).toBeGreaterThan(95);
  });

  it('holds a saturated plateau: T within set+0.2..set+1.5 and within 0.5 K of T_sat(p)', () => {
    for (const seed of seeds) {
      const plateau = phase(cycle(program.id, seed), 'sterilizing');
      expect(plateau.length).toBe(program.holdS);
      expect(plateau.length).toBeGreaterThanOrEqual(program.minHoldS);
      for (const s of plateau) {
        expect(s.temp_c).toBeGreaterThanOrEqual(program.setTempC + 0.2);
        expect(s.temp_c).toBeLessThanOrEqual(program.setTempC + 1.5);
        expect(Math.abs(s.temp_c - tsatC(s.pressure_kpa))).toBeLessThan(0.5);
      }
      // not a flat line: the sensors show noise and drift
      const temps = new Set(plateau.map((s) => s.temp_c));
      expect(temps.size).toBeGreaterThan(20);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(cycle(program.id, 42)).toEqual(cycle(program.id, 42));
    expect(cycle(program.id, 42).samples).not.toEqual(cycle(program.id, 43).samples);
  });
});

describe('cycle length', () => {
  // 16–18 simulated minutes: about the golden trace's length, and at 60x three cycles with the
  // 5-minute turnaround fit the restart acceptance check's timing (docs/simulators.md).
  it('takes 16–18 simulated minutes for steam-134-4, with a short drying', () => {
    for (const seed of [1, 2, 3, 4]) {
      const c = cycle('steam-134-4', seed);
      expect(c.durationS / 60).toBeGreaterThanOrEqual(16);
      expect(c.durationS / 60).toBeLessThanOrEqual(18);
      const drying = phase(c, 'drying').length / 60;
      expect(drying).toBeGreaterThanOrEqual(1.5);
      expect(drying).toBeLessThanOrEqual(3);
    }
  });

  it('runs a 3.5 min hold for the Bowie-Dick test', () => {
    expect(phase(cycle('bowie-dick-134'), 'sterilizing').length).toBeGreaterThanOrEqual(210);
  });
});

describe('fault signatures', () => {
  const base = cycle('steam-134-4', 9);

  it.each([9, 10, 11])('air (seed %d): pressure ~27 kPa above p_sat, T more than 2 K below T_sat(p), still in band', (seed) => {
    const plateau = phase(cycle('steam-134-4', seed, 'air'), 'sterilizing');
    const gaps = plateau.map((s) => tsatC(s.pressure_kpa) - s.temp_c);
    for (const g of gaps) expect(g).toBeGreaterThan(2);
    expect(mean(gaps)).toBeGreaterThan(2.5);
    expect(mean(gaps)).toBeLessThan(3.5);
    for (const s of plateau) expect(s.temp_c).toBeGreaterThanOrEqual(134);
  });

  it('air on a 121 °C program: T below T_sat(p) by more than 2 K', () => {
    for (const s of phase(cycle('steam-121-15', 3, 'air'), 'sterilizing')) expect(tsatC(s.pressure_kpa) - s.temp_c).toBeGreaterThan(2);
  });

  it.each([9, 10, 11])('superheat (seed %d): T about 4 K above T_sat(p)', (seed) => {
    const gaps = phase(cycle('steam-134-4', seed, 'superheat'), 'sterilizing').map((s) => s.temp_c - tsatC(s.pressure_kpa));
    for (const g of gaps) expect(g).toBeGreaterThan(2);
    expect(mean(gaps)).toBeGreaterThan(3.5);
    expect(mean(gaps)).toBeLessThan(4.6);
  });

  it('short-hold: plateau shorter than the minimum (150 s for 134-4)', () => {
    const plateau = phase(cycle('steam-134-4', 9, 'short-hold'), 'sterilizing');
    expect(plateau.length).toBe(150);
    expect(phase(cycle('steam-121-20', 9, 'short-hold'), 'sterilizing').length).toBeLessThan(1200);
  });

  it.each([9, 10, 11])('overshoot (seed %d): above set + 3 K for about 30 s, otherwise in band and saturated', (seed) => {
    const plateau = phase(cycle('steam-134-4', seed, 'overshoot'), 'sterilizing');
    const over = plateau.filter((s) => s.temp_c > 137);
    expect(over.length).toBeGreaterThanOrEqual(25);
    expect(over.length).toBeLessThanOrEqual(40);
    const lastOver = over[over.length - 1]?.t ?? 0;
    expect(lastOver - (over[0]?.t ?? 0)).toBeLessThan(45); // one contiguous excursion
    for (const s of plateau) expect(Math.abs(s.temp_c - tsatC(s.pressure_kpa))).toBeLessThan(0.5);
  });

  it('dropout: 20 samples missing mid-plateau, the rest identical to the clean cycle', () => {
    const c = cycle('steam-134-4', 9, 'dropout');
    expect(c.samples.length).toBe(base.samples.length - DROPOUT_S);
    const missing = base.samples.filter((s) => !c.samples.some((x) => x.t === s.t));
    expect(missing.length).toBe(DROPOUT_S);
    for (const s of missing) expect(s.phase).toBe('sterilizing');
    const plateau = phase(base, 'sterilizing');
    const mid = (plateau[0]?.t ?? 0) + plateau.length / 2;
    expect(Math.abs((missing[0]?.t ?? 0) - mid)).toBeLessThanOrEqual(1);
    expect(c.samples).toEqual(base.samples.filter((s) => !missing.includes(s)));
    expect(c.durationS).toBe(base.durationS);
  });

  it('abort: out of band, alarm E23 mid-plateau, vented in a fault phase, result aborted', () => {
    const c = cycle('steam-134-4', 9, 'abort');
    expect(c.result).toBe('aborted');
    expect(c.alarms).toHaveLength(1);
    const alarm = c.alarms[0];
    expect(alarm).toMatchObject({ code: 'E23', text: 'STEAM SUPPLY' });
    expect(phaseRuns(c)).toEqual(['conditioning', 'heating', 'sterilizing', 'fault']);
    const firstFault = phase(c, 'fault')[0];
    expect(firstFault?.t).toBe(alarm?.t);
    const plateau = phase(c, 'sterilizing');
    expect(plateau.length).toBeLessThan(270);
    expect(plateau[plateau.length - 1]?.temp_c).toBeLessThan(134);
    expect(c.samples[c.samples.length - 1]?.pressure_kpa).toBeGreaterThan(95);
    expect(c.samples[c.samples.length - 1]?.pressure_kpa).toBeLessThan(110);
  });

  it('rejects faults that do not apply to the program', () => {
    expect(() => cycle('steam-134-4', 1, 'leak')).toThrow(/leak-test/);
    expect(() => cycle('leak-test', 1, 'air')).toThrow(/leak test/);
  });
});

describe('leak test', () => {
  it('evacuates to ~5 kPa, stabilises 5 min, measures 10 min with a small rise', () => {
    for (const seed of [1, 2, 3]) {
      const c = cycle('leak-test', seed);
      expect(phaseRuns(c)).toEqual(['conditioning', 'leak-stabilize', 'leak-measure', 'aeration', 'complete']);
      expect(phase(c, 'leak-stabilize').length).toBe(300);
      const measure = phase(c, 'leak-measure');
      expect(measure.length).toBe(600);
      expect(phase(c, 'leak-stabilize')[0]?.pressure_kpa).toBeGreaterThan(4);
      expect(phase(c, 'leak-stabilize')[0]?.pressure_kpa).toBeLessThan(6.5);
      const rate = slopePerMin(measure);
      expect(rate).toBeGreaterThan(0.04);
      expect(rate).toBeLessThan(0.06);
      const endToEnd = ((measure[measure.length - 1]?.pressure_kpa ?? 0) - (measure[0]?.pressure_kpa ?? 0)) / 10;
      expect(endToEnd).toBeLessThan(0.13);
    }
  });

  it('leak fault: the pressure rises about 0.3 kPa/min, over the 0.13 kPa/min limit', () => {
    for (const seed of [1, 2, 3]) {
      const measure = phase(cycle('leak-test', seed, 'leak'), 'leak-measure');
      const rate = slopePerMin(measure);
      expect(rate).toBeGreaterThan(0.27);
      expect(rate).toBeLessThan(0.33);
    }
  });
});

it('every program id has a generator', () => {
  for (const id of STEAM_PROGRAM_IDS) expect(cycle(id).samples.length).toBeGreaterThan(600);
});

describe("the simulated autoclave meets the gateway's rules when fault-free (issue 8)", () => {
  // Leak test: evacuated to ≤ 7 kPa, stabilised ≥ 300 s; Bowie–Dick: hold 210–240 s; every plateau stable to ±1 K.
  it.each(STEAM_PROGRAM_IDS.map((id) => [id]))('%s passes for several seeds; the leak fault fails leak_rate', (id) => {
    const program = getProgram(id);
    if (!program) throw new Error(`no verifier program ${id}`);
    for (const seed of [1, 2, 3, 4, 5]) {
      const c = cycle(id, seed);
      const r = verifyCycle({ samples: c.samples, deviceResult: c.result }, program);
      expect(
        r.criteria.filter((x) => x.pass === false).map((x) => `${x.id}: ${x.detail}`),
        `seed ${seed}`,
      ).toEqual([]);
    }
    if (id === 'leak-test') {
      const leaking = cycle(id, 1, 'leak');
      const r = verifyCycle({ samples: leaking.samples, deviceResult: leaking.result }, program);
      expect(r.criteria.filter((x) => x.pass === false).map((x) => x.id)).toEqual(['leak_rate']);
    }
  });
});
