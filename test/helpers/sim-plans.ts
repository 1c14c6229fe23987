// The expected output of a printer-port simulator, computed from its schedule (no clock, no port).
import type { TimedChunk } from '../../simulators/output/timed-chunk.js';

/** The first `n` values of an endless generator (the schedules' cycle plans). */
export function take<T>(it: Iterator<T>, n: number): T[] {
  return Array.from({ length: n }, () => {
    const r = it.next();
    if (r.done) throw new Error('ended');
    return r.value;
  });
}

/** Every byte a planned cycle sends, in order. */
export function planBytes(plan: { chunks: readonly TimedChunk[] }): Buffer {
  return Buffer.concat(plan.chunks.map((c) => c.data));
}

/** How many ticket results (`RESULT: CYCLE …`) the bytes hold. */
export function resultCount(b: Buffer): number {
  return b.toString('latin1').split('RESULT: CYCLE').length - 1;
}
