// Where each Modbus device of a gateway is polled in its interval (gateway/device/device-link.ts pollSpread):
// a few evenly spaced slots, evenly filled, never past the interval or one second.
import { describe, expect, it } from 'vitest';
import { POLL_SLOTS, pollSpread } from '../../gateway/device/device-link.js';

describe('pollSpread', () => {
  it('deals devices evenly over POLL_SLOTS instants of the first second of the interval', () => {
    for (const n of [16, 64]) {
      const offsets = Array.from({ length: n }, (_, k) => pollSpread(k, 1000));
      const counts = new Map<number, number>();
      for (const o of offsets) counts.set(o, (counts.get(o) ?? 0) + 1);
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: POLL_SLOTS }, (_, i) => (i * 1000) / POLL_SLOTS));
      for (const c of counts.values()) expect(Math.abs(c - n / POLL_SLOTS)).toBeLessThanOrEqual(1);
    }
  });

  it('stays inside a short interval, and inside the first second of a long one', () => {
    for (let k = 0; k < 40; k++) {
      expect(pollSpread(k, 200)).toBeGreaterThanOrEqual(0);
      expect(pollSpread(k, 200)).toBeLessThan(200);
      expect(pollSpread(k, 60_000)).toBeLessThan(1000);
    }
    expect(pollSpread(0, 1000)).toBe(0); // a lone device polls at once
  });
});
