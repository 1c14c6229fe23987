// The gateway's one timer a second (gateway/system/second-ticker.ts): every handler each tick, a handler
// that throws does not stop the others, removing the last handler stops the timer, and ticks fall at the phase.
import { describe, expect, it } from 'vitest';
import { msUntilPhase, SecondTicker, TICK_PHASE_MS } from '../../gateway/system/second-ticker.js';

describe('msUntilPhase', () => {
  it('is the time to the next instant phase + k·period, never zero', () => {
    expect(msUntilPhase(560, 1000, 10_000)).toBe(560);
    expect(msUntilPhase(560, 1000, 10_559)).toBe(1);
    expect(msUntilPhase(560, 1000, 10_560)).toBe(1000);
    expect(msUntilPhase(560, 1000, 10_561)).toBe(999);
  });
});

describe('SecondTicker', () => {
  it('calls every handler at the tick phase, survives a throwing handler, and stops with its last handler', async () => {
    const errors: unknown[] = [];
    const ticker = new SecondTicker(
      () => 42,
      (e) => errors.push(e),
    );
    const seen: { now: number; phase: number }[] = [];
    let arrived!: () => void;
    const twoTicks = new Promise<void>((r) => {
      arrived = r;
    });
    const removeBad = ticker.add(() => {
      throw new Error('bad handler');
    });
    const removeGood = ticker.add((now) => {
      seen.push({ now, phase: performance.now() % 1000 });
      if (seen.length === 2) arrived();
    });
    await twoTicks;
    expect(seen.map((s) => s.now)).toEqual([42, 42]);
    // near the phase: a timer fires up to a millisecond early (libuv's clock is in whole ms) or late on a loaded machine
    for (const s of seen) {
      const off = (s.phase - TICK_PHASE_MS + 1000) % 1000;
      expect(Math.min(off, 1000 - off)).toBeLessThan(400);
    }
    expect(errors.length).toBeGreaterThanOrEqual(2);
    removeBad();
    removeGood();
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen.length).toBe(count);
  });
});
