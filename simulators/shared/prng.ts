// Seeded pseudo-random numbers for simulators: the same seed always gives the same cycle, so a
// simulated trace or ticket can be reproduced exactly in a test or a bug report.
// mulberry32 (32-bit state) is plenty for sensor noise; it is not for anything security related.

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Normally distributed (Box–Muller). */
  normal(mean: number, sd: number): number;
  /** Normally distributed, cut to mean ± clip: bounded sensor noise. */
  noise(sd: number, clip: number): number;
}

/** Mixes any finite number (negative, fractional, large) into a 32-bit seed. */
export function seedFrom(seed: number): number {
  let h = Math.imul(Math.trunc(seed) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.round((seed % 1) * 0xffff);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createPrng(seed: number): Prng {
  let state = seedFrom(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (mean: number, sd: number): number => {
    const u = 1 - next(); // (0, 1]: log(0) never happens
    const v = next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal,
    noise: (sd, clip) => Math.max(-clip, Math.min(clip, normal(0, sd))),
  };
}
