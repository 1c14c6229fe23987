import { describe, expect, it } from 'vitest';
import {
  getProgram,
  mergeProgram,
  PRESETS,
  ProgramError,
  programProblems,
  resolvePrograms,
  type SteamProgram,
  type WasherProgram,
} from '../../gateway/verify/index.js';
import { thrown } from '../helpers/thrown.js';

describe('program presets', () => {
  it('has exactly the preset programs, each usable', () => {
    expect(Object.keys(PRESETS).sort()).toEqual([
      'bowie-dick-134',
      'leak-test',
      'steam-121-15',
      'steam-121-20',
      'steam-134-18',
      'steam-134-4',
      'washer-a0-3000',
      'washer-a0-600',
    ]);
    for (const p of Object.values(PRESETS)) expect(programProblems(p)).toEqual([]);
  });

  it('carries the numbers of standards.md', () => {
    const hold = (id: string) => (getProgram(id) as SteamProgram).minHoldS;
    expect([hold('steam-134-4'), hold('steam-134-18'), hold('steam-121-20'), hold('steam-121-15'), hold('bowie-dick-134')]).toEqual([
      240, 1080, 1200, 900, 210,
    ]);
    const s = getProgram('steam-134-4') as SteamProgram;
    expect(s).toMatchObject({
      setTempC: 134,
      bandK: 3,
      maxSensorSpreadK: 2,
      maxTsatDiffK: 2,
      maxGapS: 5,
      equilibration: { limitS: 15, largeLimitS: 30, largeAboveLitres: 800 },
    });
    expect(getProgram('leak-test')).toMatchObject({ kind: 'leak-test', leakRateMaxKpaPerMin: 0.13 });
    expect(getProgram('washer-a0-3000')).toMatchObject({
      a0Min: 3000,
      disinfectTempC: 90,
      disinfectMinS: 300,
      disinfectBandK: 5,
      a0ThresholdC: 65,
      prewashMaxC: 45,
    });
    expect(getProgram('washer-a0-600')).toMatchObject({ a0Min: 600, disinfectTempC: 90, disinfectMinS: 60 });
  });

  it('getProgram is undefined for unknown ids, including inherited property names', () => {
    expect(getProgram('steam-134-5')).toBeUndefined();
    expect(getProgram('toString')).toBeUndefined();
    expect(getProgram('__proto__')).toBeUndefined();
  });

  it('presets cannot be changed in place', () => {
    const p = getProgram('steam-134-4') as SteamProgram;
    expect(() => {
      (p as { minHoldS: number }).minHoldS = 1;
    }).toThrow(TypeError);
    expect(() => {
      (p.equilibration as { limitS: number }).limitS = 99;
    }).toThrow(TypeError);
  });
});

describe('site overrides', () => {
  it('mergeProgram applies a partial program and leaves the preset alone', () => {
    const base = getProgram('steam-134-4') as SteamProgram;
    const site = mergeProgram(base, { id: 'steam-134-4', minHoldS: 300, equilibration: { limitS: 20 } }) as SteamProgram;
    expect(site).toMatchObject({ minHoldS: 300, setTempC: 134, equilibration: { limitS: 20, largeLimitS: 30, largeAboveLitres: 800 } });
    expect(base.minHoldS).toBe(240);
    expect(base.equilibration.limitS).toBe(15);
  });

  it('rejects settings of the other family and impossible numbers, listing every problem', () => {
    const base = getProgram('steam-134-4') as SteamProgram;
    const err = thrown(() => mergeProgram(base, { id: 'steam-134-4', a0Min: 600, minHoldS: -1, bandK: Number.NaN }));
    expect(err).toBeInstanceOf(ProgramError);
    const problems = (err as ProgramError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/a0Min: not a setting of steam programs/);
    expect(problems.join('\n')).toMatch(/minHoldS: expected a number ≥ 0, found -1/);
    expect(problems.join('\n')).toMatch(/bandK: expected a number > 0, found null/);
    expect((err as ProgramError).code).toBe('verify.program');
  });

  it('resolvePrograms adds new programs from a base and refuses unknown ones', () => {
    const all = resolvePrograms([
      { id: 'washer-a0-3000', disinfectTempC: 93, disinfectMinS: 150 },
      { id: 'steam-134-5', base: 'steam-134-4', title: 'Steam 134 °C, 5 min', minHoldS: 300 },
    ]);
    expect(all['washer-a0-3000'] as WasherProgram).toMatchObject({ disinfectTempC: 93, disinfectMinS: 150, a0Min: 3000 });
    expect(all['steam-134-5']).toMatchObject({ id: 'steam-134-5', kind: 'steam', minHoldS: 300, setTempC: 134 });
    expect(Object.keys(all)).toHaveLength(Object.keys(PRESETS).length + 1);
    expect((getProgram('washer-a0-3000') as WasherProgram).disinfectTempC).toBe(90);
    expect(() => resolvePrograms([{ id: 'steam-134-9', minHoldS: 540 }])).toThrow(/not a preset; name one in `base`/);
    expect(() => resolvePrograms([{ id: 'x', base: 'nope' }])).toThrow(/base nope is not a known program/);
  });
});
