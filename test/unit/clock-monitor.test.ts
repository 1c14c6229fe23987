import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ClockMonitor, SYNC_PROBE_EVERY_S } from '../../gateway/clock/clock-monitor.js';

describe('clock monitor', () => {
  it('reports a wall-clock step against the monotonic clock for a while, then forgets it', async () => {
    let wall = 1_000_000;
    let mono = 0;
    const m = new ClockMonitor({ logger: pino({ level: 'silent' }), probe: async () => false, wallNow: () => wall, monoNow: () => mono, stepWindowMs: 60_000 });
    await m.start();
    m.stop();
    expect(m.quality()).toEqual({ synchronized: false, step: null });
    wall += 1000;
    mono += 1000;
    m.checkStep();
    expect(m.quality().step).toBeNull();
    wall += 3_600_000 + 1000;
    mono += 1000;
    m.checkStep(); // NTP corrects a Pi that booted an hour behind
    expect(m.quality().step).toEqual({ at: new Date(wall).toISOString(), ms: 3_600_000 });
    wall += 61_000;
    mono += 61_000;
    m.checkStep();
    expect(m.quality().step).toBeNull();
  });

  it('says unknown when the OS cannot tell', async () => {
    const m = new ClockMonitor({ logger: pino({ level: 'silent' }), probe: async () => null });
    await m.start();
    m.stop();
    expect(m.quality().synchronized).toBeNull();
  });

  it('probes the sync state at start and then once every SYNC_PROBE_EVERY_S seconds of its ticker, and logs a change', async () => {
    let probes = 0;
    let answer: boolean | null = false;
    const m = new ClockMonitor({
      logger: pino({ level: 'silent' }),
      probe: async () => {
        probes++;
        return answer;
      },
    });
    await m.start();
    m.stop();
    expect(probes).toBe(1);
    for (let i = 0; i < SYNC_PROBE_EVERY_S - 1; i++) m.onSecond();
    expect(probes).toBe(1);
    answer = true;
    m.onSecond();
    expect(probes).toBe(2);
    await new Promise((r) => setImmediate(r));
    expect(m.quality().synchronized).toBe(true);
    for (let i = 0; i < SYNC_PROBE_EVERY_S; i++) m.onSecond();
    expect(probes).toBe(3);
  });

  it('logs a failing sync probe instead of leaving its rejection unhandled', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, { write: (l: string) => void lines.push(l) });
    let calls = 0;
    const m = new ClockMonitor({
      logger,
      probe: async () => {
        if (++calls > 1) throw new Error('probe broke');
        return null;
      },
    });
    await m.start();
    m.stop();
    for (let i = 0; i < SYNC_PROBE_EVERY_S; i++) m.onSecond();
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => JSON.parse(l) as { msg: string; err: string })).toEqual([
      expect.objectContaining({ msg: 'clock sync probe failed', err: 'probe broke' }),
    ]);
  });
});
