import { describe, expect, it } from 'vitest';
import { getProgram, mergeProgram, type SteamProgram, verifyCycle, verifySummary } from '../../gateway/verify/index.js';
import { psatKpa } from '../../gateway/verify/steam-table.js';
import type { SummaryEvent } from '../../vocabulary/device-event.js';
import { NOT_PROVABLE_FROM_SUMMARY } from '../helpers/verify.js';

const p134 = getProgram('steam-134-4') as SteamProgram;
const summary = (over: Partial<SummaryEvent> = {}): SummaryEvent => ({
  kind: 'summary',
  deviceId: 'SC',
  ts: 0,
  minTempC: 134.4,
  maxTempC: 135.1,
  minPressureKpa: psatKpa(134.4),
  maxPressureKpa: psatKpa(135.1),
  sterilizeS: 270,
  ...over,
});
const crit = (r: ReturnType<typeof verifySummary>) => Object.fromEntries(r.criteria.map((c) => [c.id, c.pass]));

describe('summary-ticket verification', () => {
  it('judges what the ticket proves and leaves the rest not provable', () => {
    const r = verifySummary(summary(), p134, 'ok');
    expect(crit(r)).toEqual({
      hold_time: true,
      temp_band: true,
      saturated_steam: true,
      ...NOT_PROVABLE_FROM_SUMMARY,
      device_result: true,
    });
    expect(r.verdict).toBe('pass');
  });

  it('proves a failure from min/max: an excursion, a short printed hold, air, an upper bound below the minimum', () => {
    expect(crit(verifySummary(summary({ maxTempC: 138 }), p134, 'ok')).temp_band).toBe(false);
    expect(crit(verifySummary(summary({ sterilizeS: 150 }), p134, 'ok')).hold_time).toBe(false);
    expect(crit(verifySummary(summary({ minPressureKpa: psatKpa(134.4) + 30, maxPressureKpa: psatKpa(135.1) + 30 }), p134, 'ok')).saturated_steam).toBe(false);
    const phases = [
      { phase: 'sterilizing' as const, atS: 100 },
      { phase: 'drying' as const, atS: 300 },
    ];
    expect(crit(verifySummary(summary({ sterilizeS: undefined, phases }), p134, 'ok')).hold_time).toBe(false);
    expect(crit(verifySummary(summary(), p134, 'aborted')).device_result).toBe(false);
  });

  it('a program requiring proof turns "not provable" into a failure', () => {
    const strict = mergeProgram(p134, { id: 'steam-134-4-strict', requireProof: ['data_complete', 'hold_time'] }) as SteamProgram;
    const r = verifySummary(summary(), strict, 'ok');
    expect(r.verdict).toBe('fail');
    expect(r.criteria.find((c) => c.id === 'data_complete')).toMatchObject({
      pass: false,
      detail: expect.stringMatching(/requires this criterion to be proven/),
    });
    // a sampled trace proves data_complete, so the same program passes it
    const samples = Array.from({ length: 400 }, (_, t) => ({
      t,
      temp_c: t < 50 ? 100 + t : 134.6,
      pressure_kpa: t < 50 ? psatKpa(100 + t) : psatKpa(134.6),
      phase: (t < 50 ? 'heating' : t < 350 ? 'sterilizing' : 'exhaust') as 'heating',
    }));
    expect(verifyCycle({ samples, deviceResult: 'ok' }, strict).verdict).toBe('pass');
  });

  it('refuses unknown criterion ids in requireProof', () => {
    expect(() => mergeProgram(p134, { id: 'x', requireProof: ['a0'] })).toThrow(/requireProof: expected criterion ids of steam programs/);
  });
});
