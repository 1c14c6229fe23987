// The Modbus poll clock (drivers/modbus/poll-clock.ts): devices due at one instant share one timer, an abort
// ends a wait at once and frees its timer, and the grid puts a device's polls on offset + k·step whenever it starts.
import { describe, expect, it } from 'vitest';
import { PollClock } from '../../drivers/modbus/poll-clock.js';

describe('PollClock', () => {
  it('wakes every waiter due at one instant with one timer', async () => {
    const clock = new PollClock();
    const at = Math.floor(performance.now()) + 30.1; // the three instants round up to one millisecond
    const ac = new AbortController();
    const waits = [clock.wait(at, ac.signal), clock.wait(at + 0.2, ac.signal), clock.wait(at + 0.6, ac.signal)];
    expect(clock.pending).toBe(1);
    const later = clock.wait(at + 5, ac.signal);
    expect(clock.pending).toBe(2);
    expect(await Promise.all(waits)).toEqual([true, true, true]);
    expect(performance.now()).toBeGreaterThanOrEqual(at);
    expect(await later).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('answers false at once when aborted, and drops a timer nobody waits for', async () => {
    const clock = new PollClock();
    const a = new AbortController();
    const b = new AbortController();
    const at = performance.now() + 60_000;
    const first = clock.wait(at, a.signal);
    const second = clock.wait(at, b.signal);
    a.abort();
    expect(await first).toBe(false);
    expect(clock.pending).toBe(1);
    b.abort();
    expect(await second).toBe(false);
    expect(clock.pending).toBe(0);
    expect(await clock.wait(at, b.signal)).toBe(false);
  });

  it('is due at once for an instant already past', async () => {
    const clock = new PollClock();
    expect(await clock.wait(performance.now() - 5, new AbortController().signal)).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('puts polls on the grid offset + k·step, the first at or after the start', () => {
    expect(PollClock.gridAtOrAfter(1234.5, 1000, 250)).toBe(1250);
    expect(PollClock.gridAtOrAfter(1250.1, 1000, 250)).toBe(2250);
    expect(PollClock.gridAtOrAfter(1250, 1000, 250)).toBe(1250);
    expect(PollClock.gridAtOrAfter(0, 200, 0)).toBe(0);
    for (let i = 0; i < 200; i++) {
      const at = Math.random() * 1e7;
      const g = PollClock.gridAtOrAfter(at, 1000, 125);
      expect(g).toBeGreaterThanOrEqual(at);
      expect(g - at).toBeLessThan(1000);
      expect((g - 125) % 1000).toBe(0);
    }
  });
});
