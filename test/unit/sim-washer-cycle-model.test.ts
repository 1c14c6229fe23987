import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CriterionId, getProgram, type VerificationResult, verifyCycle } from '../../gateway/verify/index.js';
import { cycleA0, runningA0 } from '../../simulators/washer/device-a0.js';
import {
  ABORT_ALARM,
  DROPOUT_S,
  generateWasherCycle,
  SHORT_DISINFECT_FRACTION,
  WASHER_FAULTS,
  WASHER_PROGRAM_IDS,
  WASHER_PROGRAM_NUMBERS,
  WASHER_PROGRAMS,
  type WasherCycle,
  type WasherCycleSample,
  type WasherFault,
  washerProgram,
} from '../../simulators/washer/washer-cycle-model.js';

const cycle = (id: string, seed = 1, fault?: WasherFault): WasherCycle => generateWasherCycle(washerProgram(id), fault ? { seed, fault } : { seed });
const phase = (c: WasherCycle, name: string): WasherCycleSample[] => c.samples.filter((s) => s.phase === name);
/** Distinct phases in order of appearance (each phase must be one contiguous run). */
const phaseRuns = (c: WasherCycle): string[] => c.samples.map((s) => s.phase).filter((p, i, a) => i === 0 || a[i - 1] !== p);
const coldest = (s: WasherCycleSample): number => Math.min(s.temp_c, s.temp2_c ?? s.temp_c);
const both = (xs: WasherCycleSample[]): number[] => xs.flatMap((s) => [s.temp_c, s.temp2_c ?? s.temp_c]);

function verify(c: WasherCycle): VerificationResult {
  const program = getProgram(c.programId);
  if (!program) throw new Error(`no verifier program ${c.programId}`);
  return verifyCycle({ samples: c.samples, deviceResult: c.result }, program);
}
const failed = (r: VerificationResult): CriterionId[] => r.criteria.filter((x) => x.pass === false).map((x) => x.id);
const measured = (r: VerificationResult, id: CriterionId): number => r.criteria.find((x) => x.id === id)?.measured as number;

describe('program table', () => {
  it('knows the two washer presets with the program numbers of the built-in program map', () => {
    expect(WASHER_PROGRAM_NUMBERS).toEqual({ 11: 'washer-a0-600', 12: 'washer-a0-3000' });
    expect(WASHER_PROGRAM_IDS).toEqual(['washer-a0-600', 'washer-a0-3000']);
  });

  it('agrees with the verifier presets and holds longer than their minimum', () => {
    for (const p of WASHER_PROGRAMS) {
      const v = getProgram(p.id);
      expect(v?.kind).toBe('washer');
      if (v?.kind !== 'washer') continue;
      expect([p.a0Min, p.disinfectTempC, p.minHoldS]).toEqual([v.a0Min, v.disinfectTempC, v.disinfectMinS]);
      expect(p.holdS).toBeGreaterThan(p.minHoldS);
      expect(p.stages.prewashWaterC).toBeLessThan(v.prewashMaxC);
    }
  });

  it('names the valid programs when asked for an unknown one', () => {
    expect(() => washerProgram('washer-a0-60')).toThrow(/unknown washer program 'washer-a0-60'; valid programs: washer-a0-600, washer-a0-3000/);
  });
});

describe.each(WASHER_PROGRAMS.map((p) => [p.id, p] as const))('%s cycle', (id, program) => {
  const seeds = [1, 2, 3, 4];

  it('has one sample per second with both sensors, and the washer phases in order', () => {
    for (const seed of seeds) {
      const c = cycle(id, seed);
      c.samples.forEach((s, i) => expect(s.t).toBe(i));
      for (const s of c.samples) expect(Number.isFinite(s.temp2_c)).toBe(true);
      expect(phaseRuns(c)).toEqual(['prewash', 'wash', 'neutralize', 'rinse', 'disinfect', 'drying', 'complete']);
      expect(c).toMatchObject({ programId: id, programNo: program.programNo, result: 'ok', alarms: [], durationS: c.samples.length });
    }
  });

  it('runs the stages of standards.md §6.2 at their temperatures and lengths, 25–35 min in all', () => {
    for (const seed of seeds) {
      const c = cycle(id, seed);
      expect(c.durationS / 60).toBeGreaterThanOrEqual(25);
      expect(c.durationS / 60).toBeLessThanOrEqual(35);
      const prewash = phase(c, 'prewash');
      expect(prewash.length / 60).toBeGreaterThanOrEqual(2.5);
      expect(prewash.length / 60).toBeLessThanOrEqual(3.5);
      expect(Math.max(...both(prewash))).toBeLessThan(35);
      expect(Math.max(...both(prewash.slice(-30)))).toBeGreaterThan(25);
      const wash = phase(c, 'wash');
      expect(wash.length / 60).toBeGreaterThanOrEqual(6);
      expect(wash.length / 60).toBeLessThanOrEqual(9);
      const washEnd = both(wash.slice(-120));
      expect(Math.min(...washEnd)).toBeGreaterThan(53.5);
      expect(Math.max(...washEnd)).toBeLessThan(57);
      expect(phase(c, 'neutralize').length / 60).toBeGreaterThanOrEqual(1);
      expect(phase(c, 'neutralize').length / 60).toBeLessThanOrEqual(2);
      expect(Math.abs((phase(c, 'neutralize').at(-1)?.temp_c ?? 0) - 40)).toBeLessThan(3);
      expect(phase(c, 'rinse').length / 60).toBeGreaterThanOrEqual(2);
      expect(Math.abs((phase(c, 'rinse').at(-1)?.temp_c ?? 0) - 38)).toBeLessThan(3.5);
      const drying = phase(c, 'drying');
      expect(drying.length / 60).toBeGreaterThanOrEqual(4.5);
      expect(drying.length / 60).toBeLessThanOrEqual(6);
      expect(Math.max(...drying.map((s) => s.temp_c))).toBeGreaterThan(105);
    }
  });

  it('heats to 90.5–92 °C and holds there: both sensors cross 90 °C once and stay in 90–95 °C', () => {
    for (const seed of seeds) {
      const c = cycle(id, seed);
      const disinfect = phase(c, 'disinfect');
      for (const key of ['temp_c', 'temp2_c'] as const) {
        const firstAt = disinfect.findIndex((s) => (s[key] ?? 0) >= 90);
        expect(firstAt).toBeGreaterThan(0);
        const after = disinfect.slice(firstAt).map((s) => s[key] ?? 0);
        expect(Math.min(...after)).toBeGreaterThanOrEqual(90);
        expect(Math.max(...after)).toBeLessThanOrEqual(92.2);
      }
      // the load probe lags during the heat-up and sits a little colder on the plateau
      const heating = disinfect.filter((s) => s.temp_c > 50 && s.temp_c < 85);
      expect(heating.every((s) => (s.temp2_c ?? 0) < s.temp_c)).toBe(true);
      const plateau = disinfect.filter((s) => s.t >= (c.hold?.startT ?? Infinity));
      expect(plateau.length).toBe(program.holdS);
      const meanRef = plateau.reduce((a, s) => a + s.temp_c, 0) / plateau.length;
      expect(meanRef).toBeGreaterThanOrEqual(90.5);
      expect(meanRef).toBeLessThanOrEqual(92);
    }
  });

  it('passes the gateway verifier with the A0 of its class and margin', () => {
    const [lo, hi] = id === 'washer-a0-3000' ? [3600, 5200] : [1000, 1700];
    for (const seed of seeds) {
      const c = cycle(id, seed);
      const r = verify(c);
      expect(failed(r)).toEqual([]);
      expect(r.verdict).toBe('pass');
      expect(measured(r, 'a0')).toBeGreaterThan(lo);
      expect(measured(r, 'a0')).toBeLessThan(hi);
      expect(measured(r, 'disinfect_time')).toBeGreaterThanOrEqual(program.minHoldS + 20);
      // the machine's own A0 is computed the same way as the gateway's
      expect(cycleA0(c.samples)).toBeCloseTo(measured(r, 'a0'), 6);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(cycle(id, 42)).toEqual(cycle(id, 42));
    expect(cycle(id, 42).samples).not.toEqual(cycle(id, 43).samples);
  });
});

describe('A0 stops at the end of disinfection', () => {
  it('hot drying at ~110 °C would be worth thousands more, and counts nothing', () => {
    const c = cycle('washer-a0-3000', 7);
    const series = runningA0(c.samples);
    const lastDisinfect = c.samples.map((s) => s.phase).lastIndexOf('disinfect');
    expect(series.at(-1)).toBe(series[lastDisinfect]);
    const asIfDisinfecting = runningA0(c.samples.map((s) => ({ ...s, phase: 'disinfect' as const })));
    expect((asIfDisinfecting.at(-1) ?? 0) - (series.at(-1) ?? 0)).toBeGreaterThan(10_000);
    expect(measured(verify(c), 'a0')).toBeCloseTo(series.at(-1) ?? 0, 6);
  });

  it('rises monotonically during the disinfect phase only', () => {
    const c = cycle('washer-a0-600', 3);
    const series = runningA0(c.samples);
    c.samples.forEach((s, i) => {
      if (i === 0) return;
      const d = (series[i] ?? 0) - (series[i - 1] ?? 0);
      if (s.phase !== 'disinfect') expect(d).toBe(0);
      else expect(d).toBeGreaterThanOrEqual(0);
    });
  });
});

/** The criteria each fault must fail, and the ones it may also fail (consequences of the same defect). */
const FAULT_EFFECTS: Record<WasherFault, { must: CriterionId[]; may: CriterionId[] }> = {
  // Disinfection passes by A0 *or* time at temperature (ISO 15883-1 4.3.1): a fault fails it only when both miss.
  'low-disinfect-temp': { must: ['a0', 'disinfect_temp', 'disinfect_time'], may: [] },
  'short-disinfect': { must: ['a0', 'disinfect_time'], may: [] },
  'hot-prewash': { must: ['prewash_temp'], may: [] },
  dropout: { must: ['data_complete'], may: ['disinfect_time'] },
  abort: { must: ['device_result'], may: ['disinfect_temp', 'disinfect_time', 'a0'] },
};

describe.each(WASHER_PROGRAM_IDS)('faults on %s', (id) => {
  it.each([...WASHER_FAULTS])('%s fails what it targets and only plausibly related criteria', (fault) => {
    const { must, may } = FAULT_EFFECTS[fault];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = verify(cycle(id, seed, fault));
      const got = failed(r);
      expect(r.verdict).toBe('fail');
      for (const m of must) expect(got, `seed ${seed}`).toContain(m);
      for (const g of got) expect([...must, ...may], `seed ${seed}: ${g}`).toContain(g);
    }
  });

  it('low-disinfect-temp plateaus near 85 °C and never reaches 90 °C', () => {
    const disinfect = phase(cycle(id, 2, 'low-disinfect-temp'), 'disinfect');
    const top = Math.max(...both(disinfect));
    expect(top).toBeGreaterThan(84);
    expect(top).toBeLessThan(86.5);
  });

  it('short-disinfect holds 30 % of the minimum', () => {
    const c = cycle(id, 2, 'short-disinfect');
    const program = washerProgram(id);
    expect(phase(c, 'disinfect').filter((s) => s.t >= (c.hold?.startT ?? Infinity))).toHaveLength(Math.round(program.minHoldS * SHORT_DISINFECT_FRACTION));
  });

  it('hot-prewash runs the prewash at ~50 °C, the rest as usual', () => {
    const prewash = phase(cycle(id, 2, 'hot-prewash'), 'prewash');
    expect(Math.max(...both(prewash))).toBeGreaterThan(48);
    expect(Math.max(...both(prewash))).toBeLessThan(53);
  });

  it('dropout: 20 samples missing mid-hold, the rest identical to the clean cycle', () => {
    const base = cycle(id, 9);
    const c = cycle(id, 9, 'dropout');
    const missing = base.samples.filter((s) => !c.samples.some((x) => x.t === s.t));
    expect(missing).toHaveLength(DROPOUT_S);
    for (const s of missing) expect(s.phase).toBe('disinfect');
    const hold = base.hold;
    expect(hold).toBeDefined();
    const mid = ((hold?.startT ?? 0) + (hold?.endT ?? 0)) / 2;
    expect(Math.abs((missing[0]?.t ?? 0) + DROPOUT_S / 2 - mid)).toBeLessThanOrEqual(1);
    expect(c.samples).toEqual(base.samples.filter((s) => !missing.includes(s)));
    expect(c.durationS).toBe(base.durationS);
  });

  it('abort: out of band, alarm mid-hold, a drained fault phase, result aborted', () => {
    const c = cycle(id, 9, 'abort');
    expect(c.result).toBe('aborted');
    expect(c.alarms).toEqual([{ t: phase(c, 'fault')[0]?.t, ...ABORT_ALARM }]);
    expect(phaseRuns(c)).toEqual(['prewash', 'wash', 'neutralize', 'rinse', 'disinfect', 'fault']);
    expect(coldest(phase(c, 'disinfect').at(-1) as WasherCycleSample)).toBeLessThan(90);
    expect(phase(c, 'fault').at(-1)?.temp_c).toBeLessThan(80);
  });
});

describe('property: any seed', () => {
  it('a clean cycle of either program passes the verifier', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.constantFrom(...WASHER_PROGRAM_IDS), (seed, id) => {
        expect(failed(verify(cycle(id, seed)))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
