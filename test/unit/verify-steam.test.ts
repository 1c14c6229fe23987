import { describe, expect, it } from 'vitest';
import {
  BOWIE_DICK_CRITERIA,
  type CriterionId,
  type CycleTrace,
  formatVerificationTable,
  LEAK_TEST_CRITERIA,
  psatKpa,
  STEAM_CRITERIA,
  type TraceSample,
  tsatC,
  verifyCycle,
} from '../../gateway/verify/index.js';
import { crit, failed, golden, loadGoldens, program, steamDrainTrace } from '../helpers/verify.js';

const goldens = loadGoldens();
const edit = (samples: TraceSample[], at: number, patch: Partial<TraceSample>): TraceSample[] => samples.map((s) => (s.t === at ? { ...s, ...patch } : s));

/** A small steam cycle: conditioning, ramp, flat plateau at set + 1 K, exhaust, drying, complete. */
function steamTrace(o: { set?: number; holdS?: number; probeLagS?: number; probeOffsetK?: number } = {}): TraceSample[] {
  const lag = o.probeLagS;
  if (lag === undefined) return steamDrainTrace(o);
  return steamDrainTrace({ ...o, probe: (t, drain, drainAt) => (drainAt(Math.max(0, t - lag)) ?? drain) + (o.probeOffsetK ?? 0) });
}

describe('golden traces (test/fixtures/traces, copied from the public reference set)', () => {
  it.each(goldens.filter((g) => !g.program.startsWith('washer')))('$file -> $verdict', (g) => {
    const r = verifyCycle({ samples: golden(g.file) }, program(g.program));
    expect(r.verdict).toBe(g.verdict);
    for (const id of g.mustFail ?? []) expect(crit(r, id as CriterionId).pass).toBe(false);
    if (g.verdict === 'pass') expect(failed(r)).toEqual([]);
    expect(r.criteria.map((c) => c.id)).toEqual([...STEAM_CRITERIA]);
  });

  it('reports the hold, the air deviation and the stats of the goldens', () => {
    const pass = verifyCycle({ samples: golden('steam-134-4-pass.csv') }, program('steam-134-4'));
    expect(pass.hold).toEqual({ start: 415, end: 666, seconds: 251 });
    expect(pass.stats.plateauMinC).toBeCloseTo(134.88, 2);
    expect(pass.stats.phaseSeconds.sterilizing).toBe(252);
    expect(pass.stats.f0Min).toBeGreaterThan(100); // ≈ 4 min at ~135 °C ≈ 4·10^1.4 ≈ 100 min, plus ramps
    const air = verifyCycle({ samples: golden('steam-134-4-air.csv') }, program('steam-134-4'));
    const sat = crit(air, 'saturated_steam');
    expect(sat.measured).toBeLessThan(-2); // negative: colder than T_sat(p), air/NCG
    expect(sat.detail).toMatch(/air or non-condensable gas/);
    expect(crit(verifyCycle({ samples: golden('steam-134-4-short-hold.csv') }, program('steam-134-4')), 'hold_time').measured).toBe(199);
  });
});

describe('steam criteria', () => {
  const base = golden('steam-134-4-pass.csv');
  const p = program('steam-134-4');

  it('a dip below set temperature fails temp_band and breaks the hold in two', () => {
    const r = verifyCycle({ samples: edit(base, 540, { temp_c: 133.5 }) }, p);
    expect(crit(r, 'temp_band')).toMatchObject({ pass: false, measured: -0.5 });
    expect(crit(r, 'hold_time').pass).toBe(false);
    expect(r.hold).toEqual({ start: 541, end: 666, seconds: 125 }); // the longer half: 415–539 is 124 s
  });

  it('an over-temperature fails temp_band with a positive excursion', () => {
    const r = verifyCycle({ samples: edit(base, 600, { temp_c: 137.4, pressure_kpa: psatKpa(137.4) }) }, p);
    const c = crit(r, 'temp_band');
    expect(c.pass).toBe(false);
    expect(c.measured).toBeCloseTo(0.4, 6);
    expect(c.detail).toMatch(/above the band/);
  });

  it('superheat fails saturated_steam with a positive deviation', () => {
    const samples = base.map((s) => (s.phase === 'sterilizing' ? { ...s, pressure_kpa: psatKpa((s.temp_c as number) - 2.5) } : s));
    const c = crit(verifyCycle({ samples }, p), 'saturated_steam');
    expect(c.pass).toBe(false);
    expect(c.measured).toBeCloseTo(2.5, 3);
    expect(c.detail).toMatch(/superheat/);
  });

  it('saturated_steam fails without pressure (saturation is not proven) and when pressure drops out inside the hold', () => {
    const noP = verifyCycle({ samples: base.map(({ pressure_kpa: _p, ...s }) => s) }, p);
    expect(crit(noP, 'saturated_steam').pass).toBe(false);
    expect(noP.verdict).toBe('fail');
    const hole = verifyCycle({ samples: edit(base, 500, { pressure_kpa: null }) }, p);
    expect(crit(hole, 'saturated_steam')).toMatchObject({ pass: false });
    expect(crit(hole, 'saturated_steam').detail).toMatch(/without a valid chamber pressure/);
  });

  it('equilibration and sensor agreement are n/a without a load probe, judged with one', () => {
    expect(crit(verifyCycle({ samples: base }, p), 'equilibration_time').pass).toBeNull();
    const ok = verifyCycle({ samples: steamTrace({ probeLagS: 10, probeOffsetK: -0.3 }) }, p);
    expect(crit(ok, 'equilibration_time')).toMatchObject({ pass: true, limit: 15 });
    expect(crit(ok, 'equilibration_time').measured).toBeGreaterThanOrEqual(10);
    expect(crit(ok, 'sensor_agreement')).toMatchObject({ pass: true });
    expect(ok.verdict).toBe('pass');
    const slow = steamTrace({ probeLagS: 20 });
    expect(crit(verifyCycle({ samples: slow }, p), 'equilibration_time').pass).toBe(false);
    expect(crit(verifyCycle({ samples: slow, chamberLitres: 900 }, p), 'equilibration_time')).toMatchObject({ pass: true, limit: 30 });
    expect(crit(verifyCycle({ samples: slow, chamberLitres: 800 }, p), 'equilibration_time').pass).toBe(false);
  });

  it('a load probe that lags its channel partner by more than 2 K fails sensor_agreement', () => {
    // Drain at 137 °C (top of the band), probe 2.5 K lower but still in band: hold passes, agreement fails.
    const samples = steamTrace({ probeLagS: 0 }).map((s) =>
      s.phase === 'sterilizing' ? { ...s, temp_c: 137, pressure_kpa: psatKpa(137), temp2_c: 134.5 } : s,
    );
    const r = verifyCycle({ samples }, p);
    expect(crit(r, 'hold_time').pass).toBe(true);
    expect(crit(r, 'sensor_agreement')).toMatchObject({ pass: false, measured: 2.5 });
  });

  it('a probe reading missing in the plateau breaks the hold and fails data_complete', () => {
    const samples = steamTrace({ probeLagS: 0, holdS: 300 }).map((s) => (s.t === 300 ? { ...s, temp2_c: null } : s));
    const r = verifyCycle({ samples }, p);
    expect(crit(r, 'data_complete').pass).toBe(false);
    expect(crit(r, 'hold_time').pass).toBe(false); // 120–420 s split into 179 s + 119 s
  });

  it('data_complete: an interval over maxGapS anywhere, a gateway-known gap, a null temperature in the plateau', () => {
    const gapInDrying = base.filter((s) => s.t <= 800 || s.t >= 810);
    const r1 = verifyCycle({ samples: gapInDrying }, p);
    expect(crit(r1, 'data_complete')).toMatchObject({ pass: false, measured: 10, limit: 5 });
    expect(crit(r1, 'hold_time').pass).toBe(true);
    const r2 = verifyCycle({ samples: base, gaps: [{ fromT: 500.2, toT: 500.8, reason: 'gateway restart' }] }, p);
    expect(crit(r2, 'data_complete').pass).toBe(false);
    expect(crit(r2, 'data_complete').detail).toMatch(/gateway restart/);
    expect(r2.hold?.seconds).toBe(165); // 501–666: a known gap breaks the hold even between 1 s samples
    const r3 = verifyCycle({ samples: edit(base, 430, { temp_c: null }) }, p);
    expect(crit(r3, 'data_complete').pass).toBe(false);
    expect(crit(r3, 'hold_time')).toMatchObject({ pass: false, measured: 235 }); // 431–666: a missing reading is not in band
  });

  it('device_result from the device, else from the phases', () => {
    expect(crit(verifyCycle({ samples: base, deviceResult: 'ok' }, p), 'device_result').pass).toBe(true);
    expect(crit(verifyCycle({ samples: base, deviceResult: 'aborted' }, p), 'device_result').pass).toBe(false);
    expect(crit(verifyCycle({ samples: base, deviceResult: 'fault' }, p), 'device_result').pass).toBe(false);
    expect(crit(verifyCycle({ samples: base }, p), 'device_result').pass).toBe(true);
    const cut = base.filter((s) => s.phase !== 'complete');
    expect(crit(verifyCycle({ samples: cut }, p), 'device_result')).toMatchObject({ pass: false }); // never shown to complete
    const faulted = edit(base, 900, { phase: 'fault' });
    expect(crit(verifyCycle({ samples: faulted, deviceResult: 'ok' }, p), 'device_result').pass).toBe(false);
  });

  it('without a phase column the plateau is where the drain is at or above set', () => {
    const r = verifyCycle({ samples: base.map(({ phase: _ph, ...s }) => s) }, p);
    expect(failed(r)).toEqual([]);
    expect(r.hold?.start).toBe(409); // drain reaches 134.00 °C during the ramp
    expect(crit(r, 'device_result').pass).toBeNull();
  });

  it('a time-shifted cycle (t not from 0) verifies the same', () => {
    const r = verifyCycle({ samples: base.map((s) => ({ ...s, t: s.t + 86_400 })) }, p);
    expect(r.verdict).toBe('pass');
    expect(r.hold?.seconds).toBe(251);
  });

  it('never throws on traces that prove nothing, and fails them', () => {
    const empty = verifyCycle({ samples: [] }, p);
    expect(empty.verdict).toBe('fail');
    expect(failed(empty)).toEqual(expect.arrayContaining(['hold_time', 'temp_band', 'data_complete']));
    const backwards = verifyCycle({ samples: [...base.slice(0, 500), ...base.slice(400)] }, p);
    expect(crit(backwards, 'data_complete').pass).toBe(false);
    expect(backwards.verdict).toBe('fail');
    const noSteril = verifyCycle({ samples: base.map((s) => (s.phase === 'sterilizing' ? { ...s, phase: 'heating' as const } : s)) }, p);
    expect(crit(noSteril, 'hold_time').detail).toMatch(/no 'sterilizing' phase/);
  });

  it('uses the 121 °C band for 121 °C programs', () => {
    const r = verifyCycle({ samples: steamTrace({ set: 121, holdS: 905 }) }, program('steam-121-15'));
    expect(r.verdict).toBe('pass');
    expect(crit(r, 'temp_band').limit).toBe('121–124 °C');
    expect(crit(verifyCycle({ samples: steamTrace({ set: 121, holdS: 905 }) }, program('steam-121-20')), 'hold_time').pass).toBe(false);
  });
});

describe('Bowie–Dick and leak test cycles', () => {
  it('bowie_dick waits for the indicator sheet and follows it', () => {
    // The golden plateau (251 s) cut to 225 s: a Bowie–Dick hold is 210–240 s.
    const bdTrace = (file: string): TraceSample[] =>
      golden(file).map((s) => (s.phase === 'sterilizing' && s.t > 640 ? { ...s, phase: 'exhaust' as const } : s));
    const samples = bdTrace('steam-134-4-pass.csv');
    const bd = program('bowie-dick-134');
    const waiting = verifyCycle({ samples }, bd);
    expect(waiting.criteria.map((c) => c.id)).toEqual([...BOWIE_DICK_CRITERIA]);
    expect(crit(waiting, 'bowie_dick')).toMatchObject({ pass: null, detail: 'awaiting indicator sheet result' });
    expect(crit(waiting, 'hold_time')).toMatchObject({ pass: true, limit: '210–240 s', measured: 225 });
    expect(crit(verifyCycle({ samples: golden('steam-134-4-pass.csv') }, bd), 'hold_time').pass).toBe(false); // 251 s: over-exposed
    expect(verifyCycle({ samples, indicators: { bowieDick: 'pass' } }, bd).verdict).toBe('pass');
    const bad = verifyCycle({ samples, indicators: { bowieDick: 'fail' } }, bd);
    expect(bad.verdict).toBe('fail');
    expect(failed(bad)).toEqual(['bowie_dick']);
    const air = verifyCycle({ samples: bdTrace('steam-134-4-air.csv'), indicators: { bowieDick: 'pass' } }, bd);
    expect(failed(air)).toEqual(['saturated_steam']);
  });

  /** Evacuate, stabilise 300 s, measure `measureS` with a pressure rise of `rate` kPa/min, vent. */
  function leakTrace(rate: number, measureS = 600, noise = 0): CycleTrace {
    const samples: TraceSample[] = [];
    let t = 0;
    for (let k = 0; k < 120; k++) samples.push({ t: t++, temp_c: 40, pressure_kpa: 101 - (95 * k) / 120, phase: 'conditioning' });
    for (let k = 0; k < 300; k++) samples.push({ t: t++, temp_c: 40, pressure_kpa: 6 + 0.002 * k, phase: 'leak-stabilize' });
    for (let k = 0; k < measureS; k++) {
      const wobble = noise * Math.sin(k * 1.7);
      samples.push({ t: t++, temp_c: 40, pressure_kpa: 7 + (rate * k) / 60 + wobble, phase: 'leak-measure' });
    }
    for (let k = 0; k < 60; k++) samples.push({ t: t++, temp_c: 40, pressure_kpa: 7 + (94 * k) / 60, phase: 'aeration' });
    samples.push({ t, temp_c: 40, pressure_kpa: 101, phase: 'complete' });
    return { samples };
  }
  const lt = program('leak-test');

  it('passes a tight chamber and fails a leaking one at 0.13 kPa/min', () => {
    const ok = verifyCycle(leakTrace(0.05), lt);
    expect(ok.criteria.map((c) => c.id)).toEqual([...LEAK_TEST_CRITERIA]);
    expect(ok.verdict).toBe('pass');
    expect(crit(ok, 'leak_rate').measured).toBeCloseTo(0.05, 6);
    expect(ok.hold).toBeNull();
    const leak = verifyCycle(leakTrace(0.2), lt);
    expect(crit(leak, 'leak_rate')).toMatchObject({ pass: false, limit: 0.13, unit: 'kPa/min' });
    expect(crit(verifyCycle(leakTrace(0.129), lt), 'leak_rate').pass).toBe(true);
  });

  it('fails a test that did not measure, or measured too briefly', () => {
    const none = leakTrace(0.01);
    none.samples = none.samples.map((s) => (s.phase === 'leak-measure' ? { ...s, phase: 'leak-stabilize' as const } : s));
    expect(crit(verifyCycle(none, lt), 'leak_rate')).toMatchObject({ pass: false, measured: null });
    const brief = verifyCycle(leakTrace(0.01, 300), lt);
    expect(crit(brief, 'leak_rate').pass).toBe(false);
    expect(crit(brief, 'leak_rate').detail).toMatch(/shorter than the 600 s/);
  });
});

describe('formatVerificationTable', () => {
  it('prints one aligned row per criterion with pass / FAIL / n/a and measured vs limit', () => {
    const r = verifyCycle({ samples: golden('steam-134-4-air.csv') }, program('steam-134-4'));
    const text = formatVerificationTable(r);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('program steam-134-4: FAIL (saturated_steam)');
    const header = lines.find((l) => l.startsWith('criterion')) as string;
    const col = header.indexOf('result');
    const rows = lines.filter((l) => STEAM_CRITERIA.some((id) => l.startsWith(`${id} `)));
    expect(rows).toHaveLength(STEAM_CRITERIA.length);
    for (const row of rows) expect(row.slice(col, col + 6)).toMatch(/^(pass|FAIL|n\/a) /);
    const sat = rows.find((l) => l.startsWith('saturated_steam')) as string;
    expect(sat).toMatch(/FAIL\s+-3\.\d+ K\s+≤ 2 K\s+T − T_sat/);
    expect(rows.find((l) => l.startsWith('hold_time'))).toMatch(/pass\s+251 s\s+≥ 240 s/);
    expect(text).toContain('n/a');
  });

  it('tsatC agrees with the chamber pressure of a passing golden plateau', () => {
    // Guards the test data itself: the golden pass trace is saturated steam.
    const s = golden('steam-134-4-pass.csv').find((x) => x.t === 500) as TraceSample;
    expect(Math.abs((s.temp_c as number) - tsatC(s.pressure_kpa as number))).toBeLessThan(0.5);
  });
});
