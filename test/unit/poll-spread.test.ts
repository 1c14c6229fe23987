// Where each Modbus device of a gateway is polled in its interval (gateway/device/device-link.ts pollSpread,
// pollSlotsFor): a few evenly spaced slots, evenly filled, never past the interval or one second.
import { describe, expect, it } from 'vitest';
import { DEVICES_PER_SLOT, MAX_POLL_SLOTS, ONE_BURST_MAX, pollSlotsFor, pollSpread } from '../../gateway/device/device-link.js';

describe('pollSpread', () => {
  it('deals devices evenly over the slots, evenly spaced in the first second of the interval', () => {
    for (const [n, slots] of [
      [16, 1],
      [16, 4],
      [13, 4],
      [64, 8],
      [64, 4],
      [30, 8],
    ] as const) {
      const offsets = Array.from({ length: n }, (_, k) => pollSpread(k, 1000, slots));
      const counts = new Map<number, number>();
      for (const o of offsets) counts.set(o, (counts.get(o) ?? 0) + 1);
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: slots }, (_, i) => (i * 1000) / slots));
      for (const c of counts.values()) expect(Math.abs(c - n / slots)).toBeLessThanOrEqual(1);
    }
  });

  it('stays inside a short interval, and inside the first second of a long one', () => {
    for (let k = 0; k < 40; k++) {
      expect(pollSpread(k, 200, 8)).toBeGreaterThanOrEqual(0);
      expect(pollSpread(k, 200, 8)).toBeLessThan(200);
      expect(pollSpread(k, 60_000, 8)).toBeLessThan(1000);
    }
    expect(pollSpread(0, 1000, 8)).toBe(0);
  });
});

describe('pollSlotsFor', () => {
  it('polls up to ONE_BURST_MAX devices in one burst, beyond that one slot per DEVICES_PER_SLOT devices, up to MAX_POLL_SLOTS', () => {
    expect(pollSlotsFor(0)).toBe(1);
    expect(pollSlotsFor(1)).toBe(1);
    expect(pollSlotsFor(ONE_BURST_MAX)).toBe(1);
    expect(pollSlotsFor(ONE_BURST_MAX + 1)).toBe(Math.ceil((ONE_BURST_MAX + 1) / DEVICES_PER_SLOT));
    expect(pollSlotsFor(64)).toBe(Math.min(MAX_POLL_SLOTS, 64 / DEVICES_PER_SLOT));
    expect(pollSlotsFor(1000)).toBe(MAX_POLL_SLOTS);
    // no burst larger than one burst's limit up to MAX_POLL_SLOTS × DEVICES_PER_SLOT, and slot sizes within one of each other
    for (let n = 1; n <= 200; n++) {
      const slots = pollSlotsFor(n);
      const sizes = new Map<number, number>();
      for (let k = 0; k < n; k++) sizes.set(pollSpread(k, 1000, slots), (sizes.get(pollSpread(k, 1000, slots)) ?? 0) + 1);
      const largest = Math.max(...sizes.values());
      if (n <= MAX_POLL_SLOTS * DEVICES_PER_SLOT) expect(largest).toBeLessThanOrEqual(ONE_BURST_MAX);
      expect(largest - Math.min(...sizes.values())).toBeLessThanOrEqual(1);
    }
  });
});
