import { describe, expect, it } from 'vitest';
import type { ModbusSnapshot, Reading } from '../../drivers/modbus/decode.js';
import { DEFAULT_STALE_PHASES, initialTrackState, type ModbusEventOptions, type ModbusTrackState, markGap, trackSnapshot } from '../../drivers/modbus/parse.js';
import type { DevicePhase, ResultMeaning } from '../../drivers/modbus/register-map.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

const T0 = Date.UTC(2025, 2, 14, 9, 0, 0);
const opts: ModbusEventOptions = { deviceId: 'AC-02', staleAfter: 5, stalePhases: new Set(DEFAULT_STALE_PHASES), alarmTexts: { 23: 'STEAM SUPPLY' } };
const ok = (value: number): Reading => ({ ok: true, value, raw: Math.round(value * 100) });

interface Poll {
  phase?: DevicePhase;
  code?: number;
  cycleNo?: number;
  temp?: number | Reading;
  result?: ResultMeaning;
  alarm?: number;
  s?: number;
  clock?: number | null;
  gap?: boolean;
}

/** Runs polls through the tracker; `s` is the device clock second (and the receive time is 10 s later). */
function run(polls: Poll[], start: ModbusTrackState = initialTrackState()) {
  let state = start;
  const perPoll: DeviceEvent[][] = [];
  const notes: string[] = [];
  let second = 0;
  for (const p of polls) {
    if (p.gap) state = markGap(state);
    second = p.s ?? second + 1;
    const snap: ModbusSnapshot = {
      phase: p.phase ?? 'idle',
      phaseCode: p.code ?? 0,
      cycleNo: p.cycleNo ?? 7,
      programNo: 1,
      temp: typeof p.temp === 'object' ? p.temp : ok(p.temp ?? 100 + second / 10),
      pressure: { ok: true, value: 300, raw: 3000 },
      alarm: p.alarm ?? 0,
      result: p.result ?? 'running',
      resultCode: { running: 0, ok: 1, fault: 2, aborted: 3 }[p.result ?? 'running'],
      ...(p.clock !== null && { deviceTimeMs: p.clock ?? T0 + second * 1000 }),
    };
    if (p.phase === undefined && p.code !== undefined) snap.phase = undefined;
    const out = trackSnapshot(state, snap, T0 + second * 1000 + 10_000, opts);
    state = out.state;
    perPoll.push(out.events);
    notes.push(...out.notes.map((n) => n.msg));
  }
  const all = perPoll.flat();
  return {
    state,
    perPoll,
    all,
    notes,
    kinds: all.map((e) => e.kind),
    of: <K extends DeviceEvent['kind']>(k: K) => all.filter((e): e is Extract<DeviceEvent, { kind: K }> => e.kind === k),
  };
}

describe('trackSnapshot', () => {
  it('a cycle seen from idle: cycle-start, phases, samples on the device clock, cycle-end on the result register', () => {
    const r = run([
      { phase: 'idle', cycleNo: 6, result: 'ok' },
      { phase: 'conditioning', code: 1 },
      { phase: 'heating', code: 2 },
      { phase: 'sterilizing', code: 3 },
      { phase: 'complete', code: 7 },
      { phase: 'complete', code: 7, result: 'ok' },
      { phase: 'complete', code: 7, result: 'ok' },
      { phase: 'idle', result: 'ok' },
    ]);
    expect(r.perPoll[1]?.map((e) => e.kind)).toEqual(['cycle-start', 'phase', 'sample']);
    expect(r.perPoll[1]?.[0]).toEqual({ kind: 'cycle-start', deviceId: 'AC-02', ts: T0 + 2000, programNo: 1, cycleNo: 7 });
    expect(r.of('phase').map((e) => e.phase)).toEqual(['conditioning', 'heating', 'sterilizing', 'complete']);
    expect(r.perPoll[5]?.map((e) => e.kind)).toEqual(['sample', 'cycle-end']);
    expect(r.of('cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-02', ts: T0 + 6000, status: 'ok', code: 'result 1' }]);
    const samples = r.of('sample');
    expect(samples).toHaveLength(8);
    expect(samples.every((s) => s.deviceTime === s.ts && s.pressure_kpa === 300)).toBe(true);
    expect(samples[0]?.phase).toBeUndefined(); // idle
    expect(samples[3]?.phase).toBe('sterilizing');
  });

  it('emits one sample per device-clock second, however often it is polled', () => {
    const r = run([
      { phase: 'heating', s: 1 },
      { phase: 'heating', s: 1 },
      { phase: 'heating', s: 1 },
      { phase: 'heating', s: 2 },
    ]);
    expect(r.of('sample').map((s) => s.ts)).toEqual([T0 + 1000, T0 + 2000]);
  });

  it('falls back to the gateway time when the device clock is implausible, and says so once', () => {
    const r = run([{ phase: 'heating', clock: 0 }, { phase: 'heating', clock: 0 }, { phase: 'heating' }]);
    const s = r.of('sample');
    expect(s[0]?.ts).toBe(T0 + 11_000);
    expect(s[0]?.deviceTime).toBeUndefined();
    expect(s[1]?.ts).toBe(T0 + 12_000);
    expect(s[2]?.deviceTime).toBe(T0 + 3000);
    expect(r.notes.filter((n) => /implausible/.test(n))).toHaveLength(1);
  });

  it('joining a running cycle (first poll) opens nothing itself: the gateway marks such a cycle start-not-seen', () => {
    const r = run([
      { phase: 'sterilizing', code: 3 },
      { phase: 'exhaust', code: 4 },
      { phase: 'complete', code: 7, result: 'ok' },
    ]);
    expect(r.kinds.filter((k) => k !== 'sample')).toEqual(['phase', 'phase', 'phase', 'cycle-end']);
  });

  it('after failed polls, the same cycle continues; a new cycle number supersedes with startObserved false', () => {
    const same = run([
      { phase: 'conditioning', code: 1 },
      { phase: 'conditioning', code: 1 },
      { gap: true, phase: 'heating', code: 2 },
    ]);
    expect(same.of('cycle-start')).toHaveLength(0);
    const other = run([
      { phase: 'conditioning', code: 1, cycleNo: 7 },
      { gap: true, phase: 'heating', code: 2, cycleNo: 8 },
    ]);
    expect(other.of('cycle-start')).toEqual([expect.objectContaining({ cycleNo: 8, startObserved: false })]);
    const seen = run([
      { phase: 'drying', code: 5, cycleNo: 7 },
      { phase: 'conditioning', code: 1, cycleNo: 8 },
    ]);
    expect(seen.of('cycle-start')).toEqual([expect.objectContaining({ cycleNo: 8 })]);
    expect(seen.of('cycle-start')[0]?.info).toBeUndefined();
  });

  it('a result that turned while polls failed still ends the cycle; idle without a result ends it by the last phase', () => {
    const r = run([{ phase: 'idle' }, { phase: 'sterilizing', code: 3 }, { gap: true, phase: 'fault', code: 8, result: 'aborted' }]);
    expect(r.of('cycle-end')).toEqual([expect.objectContaining({ status: 'aborted', code: 'result 3' })]);
    const idle = run([{ phase: 'idle' }, { phase: 'aeration', code: 6 }, { phase: 'complete', code: 7 }, { phase: 'idle' }]);
    expect(idle.of('cycle-end')).toEqual([expect.objectContaining({ status: 'ok', code: 'idle' })]);
    const reset = run([{ phase: 'idle' }, { phase: 'heating', code: 2 }, { phase: 'idle' }]);
    expect(reset.of('cycle-end')).toEqual([expect.objectContaining({ status: 'aborted' })]);
    const stale = run([
      { phase: 'idle', result: 'ok' },
      { phase: 'heating', code: 2, result: 'ok' },
      { phase: 'heating', code: 2, result: 'ok' },
    ]);
    expect(stale.of('cycle-end')).toHaveLength(0); // a result left over from the last cycle does not end this one
  });

  it('raises the alarm register once per code, with the map text, before the sample', () => {
    const r = run([
      { phase: 'sterilizing', code: 3 },
      { phase: 'sterilizing', code: 3, alarm: 23 },
      { phase: 'fault', code: 8, alarm: 23 },
      { phase: 'fault', code: 8, alarm: 0 },
    ]);
    expect(r.of('alarm')).toEqual([{ kind: 'alarm', deviceId: 'AC-02', ts: T0 + 2000, code: '23', text: 'STEAM SUPPLY' }]);
    expect(r.perPoll[1]?.map((e) => e.kind)).toEqual(['alarm', 'sample']);
    expect(r.notes).toContain('device alarm cleared');
  });

  it('stale sensor: one alarm per episode, readings null while stuck, only in phases where T must move', () => {
    const polls: Poll[] = [{ phase: 'idle' }];
    for (let i = 0; i < 8; i++) polls.push({ phase: 'sterilizing', code: 3, temp: 134.5 });
    polls.push({ phase: 'sterilizing', code: 3, temp: 134.6 });
    for (let i = 0; i < 6; i++) polls.push({ phase: 'sterilizing', code: 3, temp: 134.7 });
    const r = run(polls);
    const alarms = r.of('alarm');
    expect(alarms.map((a) => a.code)).toEqual(['stale-sensor', 'stale-sensor']);
    expect(alarms[0]?.text).toMatch(/134.5 for 5 samples in a row in phase sterilizing/);
    const temps = r.of('sample').map((s) => s.temp_c);
    expect(temps.slice(1, 9)).toEqual([134.5, 134.5, 134.5, 134.5, null, null, null, null]);
    expect(temps[9]).toBe(134.6);
    expect(r.notes.filter((n) => /changing again/.test(n))).toHaveLength(1);
    // the same value in idle or drying is not judged
    const idle = run(Array.from({ length: 12 }, () => ({ phase: 'drying' as const, code: 5, temp: 90 })));
    expect(idle.of('alarm')).toHaveLength(0);
    // repeated polls of one device sample are one sample, not several
    const sameSecond = run(Array.from({ length: 12 }, () => ({ phase: 'heating' as const, code: 2, temp: 120, s: 3 })));
    expect(sameSecond.of('alarm')).toHaveLength(0);
  });

  it('sentinel readings are null, never numbers, and end a stale episode', () => {
    const r = run([{ phase: 'heating', code: 2, temp: { ok: false, reason: 'open sensor', raw: -32768 } }]);
    expect(r.of('sample')[0]?.temp_c).toBeNull();
  });

  it('an unknown phase code is a parse-error once, and samples carry no phase meanwhile', () => {
    const r = run([{ phase: 'heating', code: 2 }, { code: 99 }, { code: 99 }, { phase: 'heating', code: 2 }]);
    expect(r.of('parse-error')).toEqual([expect.objectContaining({ raw: 'phase register 99', reason: 'phase code not in the register map' })]);
    expect(r.of('sample').map((s) => s.phase)).toEqual(['heating', undefined, undefined, 'heating']);
    expect(r.of('phase')).toHaveLength(1);
  });
});
