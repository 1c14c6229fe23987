import { describe, expect, it } from 'vitest';
import { Backoff } from '../../vocabulary/backoff.js';

describe('reconnect backoff', () => {
  it('doubles up to the ceiling without jitter', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect(Array.from({ length: 7 }, () => b.next())).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(b.attempts).toBe(7);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('takes away up to the jitter fraction, never more', () => {
    expect(new Backoff({ initialMs: 1000, jitter: 0.3, random: () => 0 }).next()).toBe(1000);
    expect(new Backoff({ initialMs: 1000, jitter: 0.3, random: () => 0.999999 }).next()).toBe(700);
    const b = new Backoff({ initialMs: 250, maxMs: 30_000 });
    for (let i = 0; i < 100; i++) {
      const d = b.next();
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(30_000);
    }
  });
});
