// The expected output of a printer-port simulator, computed from its schedule (no clock, no port).
import { expect } from 'vitest';
import type { TimedChunk } from '../../simulators/output/timed-chunk.js';

/** A start that crosses local midnight in many time zones. */
export const START = Date.UTC(2025, 5, 2, 22, 50, 0);

/** Two cycles numbered from 99, thirty seconds apart, seed 8, from START, served on a free TCP port. */
export const TWO_CYCLES_FROM_99 = { tcpPort: 0, cycles: 2, seed: 8, startTime: START, firstCycleNo: 99, pauseBetweenS: 30 } as const;

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

/** What the printer-port schedules (autoclave, washer) plan for one cycle, as far as their common checks need. */
export interface PlannedCycle {
  cycleNo: number;
  startMs: number;
  offsetS: number;
  cycle: { durationS: number; samples: readonly unknown[] };
  lines: readonly { text: string }[];
  chunks: readonly TimedChunk[];
}

/**
 * Checks the schedule's first three plans: cycle numbers upwards from `firstCycleNo`, the first at `start`,
 * each next one `pauseS` after the previous ended, fresh samples each cycle, and chunks that carry exactly
 * the ticket's lines (CRLF) at times not before the cycle's start. Returns the plans for the machine's own checks.
 */
export function expectSequentialPlans<P extends PlannedCycle>(plans: Iterator<P>, o: { start: number; firstCycleNo: number; pauseS: number }): [P, P, P] {
  const [a, b, c] = take(plans, 3) as [P, P, P];
  expect([a.cycleNo, b.cycleNo, c.cycleNo]).toEqual([o.firstCycleNo, o.firstCycleNo + 1, o.firstCycleNo + 2]);
  expect(a.startMs).toBe(o.start);
  expect(b.offsetS).toBe(a.cycle.durationS + o.pauseS);
  expect(b.startMs).toBe(o.start + b.offsetS * 1000);
  expect(c.offsetS).toBe(b.offsetS + b.cycle.durationS + o.pauseS);
  expect(a.cycle.samples).not.toEqual(b.cycle.samples);
  expect(a.chunks.map((ch) => ch.data.toString('latin1')).join('')).toBe(a.lines.map((l) => `${l.text}\r\n`).join(''));
  for (const ch of a.chunks) expect(ch.atS).toBeGreaterThanOrEqual(0);
  return [a, b, c];
}
