import { describe, expect, it } from 'vitest';
import { snapshotOf } from '../../gateway/cycle/cycle-state.js';
import { CycleTracker, type TrackerChange } from '../../gateway/cycle/cycle-tracker.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';

let n = 0;
const tracker = () => new CycleTracker({ deviceId: 'AC-01', idleTimeoutMs: 60_000, newId: () => `c${++n}` });
const d = 'AC-01';
const start = (ts: number, cycleNo = 7): DeviceEvent => ({ kind: 'cycle-start', deviceId: d, ts, programNo: 1, cycleNo, info: { operator: '0127' } });
const sample = (ts: number, phase?: Phase, temp = 134.5): DeviceEvent => ({
  kind: 'sample',
  deviceId: d,
  ts,
  temp_c: temp,
  pressure_kpa: 310,
  ...(phase ? { phase } : {}),
});
const end = (ts: number, status: 'ok' | 'aborted' = 'ok'): DeviceEvent => ({ kind: 'cycle-end', deviceId: d, ts, status });
const finished = (ch: TrackerChange[]) => ch.filter((c) => c.kind === 'finished').map((c) => c.cycle);

describe('cycle tracker', () => {
  it('opens on the ticket header, records phases and samples, closes on the result', () => {
    const t = tracker();
    expect(t.handle(start(1000), 1)[0]?.kind).toBe('opened');
    t.handle(sample(1000, 'conditioning'), 2);
    t.handle(sample(2000, 'conditioning'), 3);
    const ch = t.handle(sample(3000, 'sterilizing'), 4);
    expect(ch).toEqual([expect.objectContaining({ kind: 'phase', phase: 'sterilizing' })]);
    const [c] = finished(t.handle(end(4000), 5));
    expect(c).toMatchObject({ cycleNo: 7, programNo: 1, startSeen: true, endReason: 'device', endStatus: 'ok', endedAt: 4000 });
    expect(c?.samples.map((s) => s.phase)).toEqual(['conditioning', 'conditioning', 'sterilizing']);
    expect(c?.phases.map((p) => p.phase)).toEqual(['conditioning', 'sterilizing']);
    expect(t.current).toBeNull();
  });

  it('a new header supersedes an unfinished cycle instead of merging two loads', () => {
    const t = tracker();
    t.handle(start(0, 1), 0);
    t.handle(sample(1000, 'heating'), 1);
    const ch = t.handle(start(5000, 2), 2);
    expect(finished(ch)[0]).toMatchObject({ cycleNo: 1, endReason: 'superseded' });
    expect(t.current?.cycleNo).toBe(2);
  });

  it('opens a cycle from a running phase when the header was missed, and marks it', () => {
    const t = tracker();
    expect(t.handle(sample(0), 0)).toEqual([]); // standby line: no cycle
    t.handle(sample(1000, 'heating'), 1);
    expect(t.current).toMatchObject({ startSeen: false });
    expect(finished(t.handle(end(2000), 2))[0]?.samples).toHaveLength(1);
  });

  it('splits two cycles whose result and next header were both missed, from the phase order', () => {
    const t = tracker();
    t.handle(start(0, 1), 0);
    for (const [i, ph] of (['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying'] as Phase[]).entries()) t.handle(sample(1000 * (i + 1), ph), i);
    const ch = t.handle(sample(60_000, 'conditioning'), 10);
    expect(finished(ch)[0]).toMatchObject({ cycleNo: 1, endReason: 'superseded' });
    expect(t.current).toMatchObject({ startSeen: false, samples: [expect.objectContaining({ ts: 60_000 })] });
    // down from the old cycle's drying until the new one's heating: HEAT UP is the new cycle's first sign
    const h = tracker();
    h.handle(start(0, 1), 0);
    for (const [i, ph] of (['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying'] as Phase[]).entries()) h.handle(sample(1000 * (i + 1), ph), i);
    expect(finished(h.handle({ kind: 'phase', deviceId: d, ts: 90_000, phase: 'heating', label: 'HEAT UP' }, 11))[0]).toMatchObject({
      cycleNo: 1,
      endReason: 'superseded',
    });
    expect(h.current).toMatchObject({ startSeen: false, phases: [{ phase: 'heating', ts: 90_000, label: 'HEAT UP' }] });
    // a pulse back to conditioning before the plateau is not a new cycle
    const u = tracker();
    u.handle(start(0, 1), 0);
    u.handle(sample(1000, 'heating'), 1);
    expect(finished(u.handle(sample(2000, 'conditioning'), 2))).toEqual([]);
  });

  it('a driver that saw a new cycle but not its start says so, and the cycle is marked', () => {
    const t = tracker();
    t.handle({ kind: 'cycle-start', deviceId: d, ts: 0, cycleNo: 8, startObserved: false }, 0);
    expect(t.current).toMatchObject({ cycleNo: 8, startSeen: false, info: {} });
  });

  it('closes a cycle after the idle timeout on the gateway clock', () => {
    const t = tracker();
    t.handle(start(0), 0);
    t.handle(sample(1000, 'heating'), 1000);
    expect(t.tick(60_999)).toEqual([]);
    const [c] = finished(t.tick(61_000));
    expect(c).toMatchObject({ endReason: 'idle-timeout', endedAt: 1000 });
  });

  it('resumes after a restart from the stored snapshot and samples, and records the interruption', () => {
    const a = tracker();
    a.handle(start(0), 0);
    a.handle(sample(1000, 'sterilizing'), 1);
    const snap = JSON.parse(JSON.stringify(snapshotOf(a.current!)));
    const samples = [...a.current!.samples];
    const b = tracker();
    b.resume(snap, samples, 99);
    b.handle(sample(9000, 'sterilizing'), 100);
    const [c] = finished(b.handle(end(10_000), 101));
    expect(c?.cycleId).toBe(a.current!.cycleId);
    expect(c?.samples.map((s) => s.ts)).toEqual([1000, 9000]);
    expect(c?.interruptions).toEqual([{ resumedAt: 99, lastSampleTs: 1000, reason: 'gateway restart' }]);
  });

  it('keeps alarms with the cycle and an aborted result', () => {
    const t = tracker();
    t.handle(start(0), 0);
    t.handle({ kind: 'alarm', deviceId: d, ts: 500, code: 'E23', text: 'STEAM SUPPLY' }, 1);
    const [c] = finished(t.handle(end(600, 'aborted'), 2));
    expect(c).toMatchObject({ endStatus: 'aborted', alarms: [{ code: 'E23', text: 'STEAM SUPPLY', ts: 500 }] });
  });
});
