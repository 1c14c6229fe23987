import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, DEFAULT_BACKOFF } from '../../vocabulary/backoff.js';

describe('the one backoff (transports, Modbus, publisher)', () => {
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

  it('defaults to DEFAULT_BACKOFF, and Backoff hands out exactly backoffDelay', () => {
    const random = () => 0.5;
    const b = new Backoff({ random });
    expect(Array.from({ length: 10 }, () => b.next())).toEqual(Array.from({ length: 10 }, (_, a) => backoffDelay(DEFAULT_BACKOFF, a, random)));
    expect(backoffDelay(DEFAULT_BACKOFF, 0, () => 0)).toBe(250);
  });

  it('every delay lies in [(1 - jitter) base, base], base = min(maxMs, initialMs * factor^attempt)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (initialMs, maxMs, factor, jitter, attempt, r) => {
          const base = Math.min(maxMs, initialMs * factor ** attempt);
          const d = backoffDelay({ initialMs, maxMs, factor, jitter }, attempt, () => r);
          expect(d).toBeLessThanOrEqual(Math.round(base));
          expect(d).toBeGreaterThanOrEqual(Math.round(base * (1 - jitter)) - 1);
        },
      ),
    );
  });
});
