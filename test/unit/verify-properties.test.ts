import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CriterionId,
  criterionIds,
  getProgram,
  PRESETS,
  psatKpa,
  type SteamProgram,
  type TraceSample,
  type VerificationResult,
  verifyCycle,
} from '../../gateway/verify/index.js';
import { ALL_PHASES } from '../../vocabulary/phases.js';

const crit = (r: VerificationResult, id: CriterionId) => {
  const c = r.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id}`);
  return c;
};
const failed = (r: VerificationResult): string[] => r.criteria.filter((c) => c.pass === false).map((c) => `${c.id}: ${c.detail}`);

/** Deterministic noise in [−1, 1] (mulberry32). */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

interface SynthOpts {
  programId: 'steam-134-4' | 'steam-121-15' | 'bowie-dick-134';
  /** Seconds in the 'sterilizing' phase. */
  holdS: number;
  /** Sampling interval (s) and jitter on each sample time (fraction of dt). */
  dt: number;
  jitter: number;
  /** Temperature noise amplitude (K), pressure noise amplitude (kPa). */
  tNoise: number;
  pNoise: number;
  probe: boolean;
  probeLagS: number;
  seed: number;
}

/**
 * A plausible steam cycle: 60 s conditioning at 100 °C, 60 s ramp to set + 1.5 K, the plateau, 60 s
 * exhaust, 60 s drying, complete. Pressure is p_sat of the drain temperature (saturated steam) plus noise;
 * the load probe follows the drain `probeLagS` late.
 */
function synth(o: SynthOpts): TraceSample[] {
  const p = getProgram(o.programId) as SteamProgram;
  const level = p.setTempC + p.bandK / 2;
  const rnd = noise(o.seed);
  const drainAt = (t: number): number => {
    if (t < 60) return 100;
    if (t < 120) return 100 + ((level - 100) * (t - 60)) / 60;
    if (t <= 120 + o.holdS) return level;
    if (t < 180 + o.holdS) return level - ((level - 90) * (t - 120 - o.holdS)) / 60;
    return 90;
  };
  const phaseAt = (t: number): TraceSample['phase'] =>
    t < 60
      ? 'conditioning'
      : t < 120
        ? 'heating'
        : t <= 120 + o.holdS
          ? 'sterilizing'
          : t < 180 + o.holdS
            ? 'exhaust'
            : t < 240 + o.holdS
              ? 'drying'
              : 'complete';
  const end = 240 + o.holdS;
  const out: TraceSample[] = [];
  for (let k = 0; k * o.dt <= end; k++) {
    const nominal = k * o.dt;
    const t = k === 0 || nominal >= end ? nominal : nominal + rnd() * o.jitter * o.dt;
    const temp = drainAt(t) + rnd() * o.tNoise;
    const s: TraceSample = { t, temp_c: temp, pressure_kpa: psatKpa(temp) + rnd() * o.pNoise, phase: phaseAt(nominal) };
    // A load probe has thermal mass: its noise is small next to its heating rate, so it crosses set once.
    if (o.probe) s.temp2_c = drainAt(t - o.probeLagS) + rnd() * o.tNoise * 0.1;
    out.push(s);
  }
  // The cycle ends with its `complete` sample whatever the sampling interval (a trace that stops earlier
  // does not show a completed cycle).
  if ((out.at(-1) as TraceSample).t < end) out.push({ ...(out.at(-1) as TraceSample), t: end, phase: 'complete' });
  return out;
}

const minHold = (id: SynthOpts['programId']): number => (getProgram(id) as SteamProgram).minHoldS;
/** A plateau comfortably over the minimum, and under the maximum where the program has one (Bowie–Dick). */
const passingHold = (id: SynthOpts['programId'], extraS: number): number => {
  const p = getProgram(id) as SteamProgram;
  return p.minHoldS + (p.maxHoldS === undefined ? extraS : Math.min(extraS, p.maxHoldS - p.minHoldS - 5));
};

/** Cycles that must pass: noise and lag within the limits, a plateau comfortably over the minimum. */
const passing: fc.Arbitrary<SynthOpts> = fc
  .record({
    programId: fc.constantFrom<SynthOpts['programId']>('steam-134-4', 'steam-121-15', 'bowie-dick-134'),
    extraS: fc.integer({ min: 20, max: 200 }),
    dt: fc.constantFrom(0.5, 1, 2),
    jitter: fc.double({ min: 0, max: 0.2, noNaN: true }),
    tNoise: fc.double({ min: 0, max: 0.5, noNaN: true }), // S7 fluctuation ±1 K; stays inside the 3 K band around set + 1.5
    pNoise: fc.double({ min: 0, max: 0.5, noNaN: true }), // §6.1 pressure noise ±0.5 kPa ≈ 0.06 K
    probe: fc.boolean(),
    probeLagS: fc.integer({ min: 0, max: 8 }), // + sampling and noise at the crossing stays < 15 s (S5)
    seed: fc.integer(),
  })
  .map(({ extraS, ...o }) => ({ ...o, holdS: passingHold(o.programId, extraS) }));

const verifySynth = (o: SynthOpts, samples = synth(o)) => verifyCycle({ samples }, getProgram(o.programId) as SteamProgram);

describe('steam verification properties', () => {
  it('noise within the limits keeps a passing cycle passing', () => {
    fc.assert(
      fc.property(passing, (o) => {
        const r = verifySynth(o);
        expect(failed(r)).toEqual([]);
        expect(r.verdict).toBe('pass');
        expect(crit(r, 'equilibration_time').pass).toBe(o.probe ? true : null);
      }),
      { numRuns: 60 },
    );
  });

  it('shifting a passing cycle in time keeps it passing with the same hold', () => {
    fc.assert(
      fc.property(passing, fc.double({ min: -1e6, max: 1e7, noNaN: true }), (o, shift) => {
        const samples = synth(o);
        const before = verifySynth(o, samples);
        const after = verifySynth(
          o,
          samples.map((s) => ({ ...s, t: s.t + shift })),
        );
        expect(after.verdict).toBe('pass');
        expect(after.hold?.seconds).toBeCloseTo(before.hold?.seconds as number, 6);
        expect(after.hold?.start).toBeCloseTo((before.hold?.start as number) + shift, 6);
      }),
      { numRuns: 40 },
    );
  });

  it('a plateau shorter than the minimum fails hold_time', () => {
    fc.assert(
      fc.property(passing, fc.double({ min: 0, max: 0.999, noNaN: true }), (o, frac) => {
        const short = { ...o, holdS: Math.floor(frac * minHold(o.programId)) };
        const r = verifySynth(short);
        expect(crit(r, 'hold_time').pass).toBe(false);
        expect(r.verdict).toBe('fail');
        expect(r.hold === null || r.hold.seconds < minHold(o.programId)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('a gap longer than maxGapS inside the hold fails data_complete and breaks the hold', () => {
    fc.assert(
      fc.property(passing, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 5.01, max: 60, noNaN: true }), (o, where, gap) => {
        const samples = synth(o);
        const clean = verifySynth(o, samples);
        const hold = clean.hold as NonNullable<VerificationResult['hold']>;
        const from = hold.start + where * (hold.seconds - gap);
        const holed = samples.filter((s) => !(s.t > from && s.t < from + gap));
        const r = verifySynth(o, holed);
        expect(crit(r, 'data_complete').pass).toBe(false);
        expect(crit(r, 'data_complete').measured).toBeGreaterThan(5);
        expect(r.verdict).toBe('fail');
        const h = r.hold as NonNullable<VerificationResult['hold']>;
        expect(h.end <= from || h.start >= from + gap).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('pressure inconsistent with temperature beyond the limit fails saturated_steam, in either direction', () => {
    fc.assert(
      fc.property(
        passing,
        fc.double({ min: 2.05, max: 15, noNaN: true }),
        fc.constantFrom(-1, 1),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 30 }),
        (o, size, sign, where, count) => {
          const samples = synth(o);
          const hold = verifySynth(o, samples).hold as NonNullable<VerificationResult['hold']>;
          const inHold = samples.filter((s) => s.t >= hold.start && s.t <= hold.end);
          const first = Math.floor(where * (inHold.length - count));
          const bad = new Set(inHold.slice(Math.max(0, first), first + count));
          // Pressure of steam `sign·size` K hotter (+: air/NCG, the drain reads cold) or colder (superheat).
          const d = sign * size;
          const r = verifySynth(
            o,
            samples.map((s) => (bad.has(s) ? { ...s, pressure_kpa: psatKpa((s.temp_c as number) + d) } : s)),
          );
          const c = crit(r, 'saturated_steam');
          expect(c.pass).toBe(false);
          expect(Math.sign(c.measured as number)).toBe(-sign);
          expect(Math.abs(c.measured as number)).toBeGreaterThan(2);
          expect(r.verdict).toBe('fail');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a dip below set temperature anywhere in the plateau fails temp_band', () => {
    fc.assert(
      fc.property(passing, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 5, noNaN: true }), (o, where, depth) => {
        const samples = synth(o);
        const p = getProgram(o.programId) as SteamProgram;
        // Not the first plateau sample: a dip there is indistinguishable from not having reached set yet.
        const plateau = samples.filter((s) => s.phase === 'sterilizing' && (s.temp_c as number) >= p.setTempC).slice(1);
        const victim = plateau[Math.floor(where * (plateau.length - 1))] as TraceSample;
        const r = verifySynth(
          o,
          samples.map((s) => (s === victim ? { ...s, temp_c: p.setTempC - depth } : s)),
        );
        expect(crit(r, 'temp_band').pass).toBe(false);
        expect(crit(r, 'temp_band').measured).toBeCloseTo(-depth, 6);
      }),
      { numRuns: 40 },
    );
  });
});

/** Paths of numbers in `x` that JSON cannot carry. */
function nonFinite(x: unknown, path = '$'): string[] {
  if (typeof x === 'number') return Number.isFinite(x) ? [] : [path];
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => nonFinite(v, `${path}.${k}`));
  return [];
}

describe('robustness', () => {
  const anyNumber = fc.oneof(fc.double(), fc.constant(null), fc.integer({ min: 0, max: 200 }));
  const anySample = fc.record(
    {
      t: fc.oneof(fc.double(), fc.integer({ min: -10, max: 5000 })),
      temp_c: anyNumber,
      temp2_c: anyNumber,
      pressure_kpa: anyNumber,
      phase: fc.constantFrom(...ALL_PHASES),
    },
    { requiredKeys: ['t', 'temp_c'] },
  );

  it("verifyCycle never throws, lists exactly its kind's criteria, and the verdict follows them", () => {
    fc.assert(
      fc.property(
        fc.array(anySample, { maxLength: 60 }),
        fc.constantFrom(...Object.keys(PRESETS)),
        fc.option(fc.constantFrom('ok', 'aborted', 'fault') as fc.Arbitrary<'ok' | 'aborted' | 'fault'>, { nil: undefined }),
        (samples, id, deviceResult) => {
          const program = PRESETS[id] as NonNullable<(typeof PRESETS)[string]>;
          const r = verifyCycle({ samples: samples as TraceSample[], deviceResult }, program);
          expect(r.criteria.map((c) => c.id)).toEqual([...criterionIds(program.kind)]);
          expect(r.verdict).toBe(r.criteria.some((c) => c.pass === false) ? 'fail' : 'pass');
          for (const c of r.criteria) expect(c.measured === null || Number.isFinite(c.measured)).toBe(true);
          expect(nonFinite(r)).toEqual([]); // the record body is plain JSON: no NaN or Infinity anywhere
        },
      ),
      { numRuns: 1000 },
    );
  });
});
