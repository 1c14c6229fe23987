// The machines board as data (pure): the gateway's state and telemetry payloads folded into tiles
// with a growing curve, hold progress against the site's program, A0 for washers, verdicts and alarms.
import { describe, expect, it } from 'vitest';
import { BoardModel } from '../../gateway/http/board-model.js';
import { a0Rate, resolvePrograms } from '../../gateway/verify/index.js';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();
const programs = resolvePrograms([{ id: 'steam-134-3', base: 'steam-134-4', minHoldS: 180, title: 'Site 134 °C 3 min' }]);

function board() {
  return new BoardModel(
    [
      { id: 'AC-01', type: 'steam-sterilizer', program: 'steam-134-3' },
      { id: 'WD-01', type: 'washer-disinfector', program: 'washer-a0-600' },
      { id: 'SC-01', type: 'scanner' },
    ],
    programs,
    { maxPoints: 64 },
  );
}
const state = (phase: string, program: string | null, cycleNo: number | null = 7) => ({ connected: true, phase, program, cycleNo, since: iso(0) });
const sample = (s: number, temp_c: number, phase: string, o: { pressure_kpa?: number; tsat_c?: number; cycleNo?: number } = {}) => ({
  ts: iso(s),
  temp_c,
  phase,
  cycleNo: o.cycleNo ?? 7,
  ...o,
});

describe('board model', () => {
  it('shows each device with its configured program until it reports one', () => {
    const b = board();
    expect(b.tiles().map((t) => [t.id, t.type, t.program, t.link])).toEqual([
      ['AC-01', 'steam-sterilizer', 'steam-134-3', 'unknown'],
      ['WD-01', 'washer-disinfector', 'washer-a0-600', 'unknown'],
      ['SC-01', 'scanner', null, 'unknown'],
    ]);
    expect(b.tile('AC-01')?.programTitle).toBe('Site 134 °C 3 min');
    expect(b.tile('AC-01')?.band).toEqual({ lo: 134, hi: 137 });
    expect(b.state('AC-01', state('idle', null))?.link).toBe('up');
    expect(b.state('NOPE', state('idle', null))).toBeNull();
    expect(b.state('AC-01', { connected: 'yes' })).toBeNull();
  });

  it("grows the running cycle's curve and measures the hold against the site's own minimum", () => {
    const b = board();
    b.state('AC-01', state('heating', 'steam-134-3'));
    const first = b.telemetry('AC-01', sample(0, 120, 'heating', { pressure_kpa: 200, tsat_c: 120.2 }));
    expect(first?.point).toEqual([0, 120, null, 200]);
    const key = first?.key;
    for (let s = 1; s <= 200; s++) b.telemetry('AC-01', sample(s, 134.5, 'sterilizing', { pressure_kpa: 305, tsat_c: 134.3 }));
    const t = b.tile('AC-01')!;
    expect(t.running).toBe(true);
    expect(t.cycleKey).toBe(key);
    expect(t.elapsedS).toBe(200);
    expect(t.reading?.tsatDiffK).toBe(0.2);
    expect(t.hold).toMatchObject({ seconds: 199, requiredS: 180, inPhase: true, inBand: true, startS: 1 });
    const curve = b.curves()['AC-01']!;
    expect(curve.key).toBe(key);
    expect(curve.points.length).toBeLessThanOrEqual(64); // thinned, still spanning the cycle
    expect(curve.points[0]![0]).toBe(0);
    expect(curve.points.at(-1)![0]).toBeGreaterThanOrEqual(190);
  });

  it('ends the cycle with its last sample and starts a new curve for the next cycle', () => {
    const b = board();
    b.telemetry('AC-01', sample(0, 100, 'heating'));
    const k1 = b.tile('AC-01')!.cycleKey;
    const end = b.telemetry('AC-01', sample(10, 60, 'complete'));
    expect(end?.point).not.toBeNull();
    expect(b.tile('AC-01')!.running).toBe(false);
    expect(b.telemetry('AC-01', sample(20, 25, 'idle'))?.point).toBeNull();
    b.telemetry('AC-01', sample(30, 80, 'conditioning', { cycleNo: 8 }));
    expect(b.tile('AC-01')!.cycleKey).not.toBe(k1);
    expect(b.curves()['AC-01']!.points).toEqual([[0, 80, null, null]]);
    // an older sample (a stray) never moves the curve back
    expect(b.telemetry('AC-01', sample(29, 80, 'conditioning', { cycleNo: 8 }))?.point).toBeNull();
  });

  it('accumulates A0 for a washer as the verifier does (disinfect phase, coldest channel ≥ 65 °C, no credit over a gap)', () => {
    const b = board();
    b.telemetry('WD-01', sample(0, 90, 'wash'));
    for (let s = 1; s <= 60; s++) b.telemetry('WD-01', sample(s, 90, 'disinfect'));
    const expected = 59 * a0Rate(90);
    expect(b.tile('WD-01')!.a0).toEqual({ value: Math.round(expected), min: 600 });
    b.telemetry('WD-01', sample(100, 90, 'disinfect')); // 40 s gap > maxGapS: not credited
    expect(b.tile('WD-01')!.a0!.value).toBe(Math.round(expected));
    expect(b.tile('WD-01')!.hold).toMatchObject({ requiredS: 60, inPhase: true });
  });

  it("keeps the newest verdict and the cycle's alarms", () => {
    const b = board();
    b.verdict('AC-01', { recordId: 'r2', seq: 20, cycleNo: 7, program: 'steam-134-3', verdict: 'fail', failed: ['hold_time'], endedAt: iso(600) });
    b.verdict('AC-01', { recordId: 'r1', seq: 10, cycleNo: 6, program: 'steam-134-3', verdict: 'pass', failed: [], endedAt: iso(0) });
    expect(b.tile('AC-01')!.last?.recordId).toBe('r2');
    for (let i = 0; i < 7; i++) b.alarm('AC-01', { code: `A${i}`, text: 'x', at: iso(i) });
    expect(b.tile('AC-01')!.alarms.map((a) => a.code)).toEqual(['A6', 'A5', 'A4', 'A3', 'A2']);
    b.telemetry('AC-01', sample(0, 90, 'conditioning'));
    expect(b.tile('AC-01')!.alarms).toEqual([]); // a new cycle starts without the old cycle's alarms
  });
});
