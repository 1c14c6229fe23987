import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ClockMonitor } from '../../gateway/clock/clock-monitor.js';

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
});
