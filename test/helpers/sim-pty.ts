// Checks shared by the printer-port simulators' PTY tests (autoclave, washer): one ticket byte for byte and
// paced, and a serial path that appears only after the simulator started.
import { expect } from 'vitest';
import type { Cleanups } from './cleanups.js';
import type { PtyPaths } from './process.js';
import { ptyWithReader, type SerialReader } from './serial-reader.js';
import { type PlannedCycle, planBytes, resultCount } from './sim-plans.js';

/** The simulator options of the one-ticket PTY tests (beside the port, program and names): 9600 baud, one cycle at 600x, seed 21. */
export const ONE_PACED_TICKET = { baudRate: 9600, speed: 600, cycles: 1, seed: 21 } as const;

/**
 * Runs the simulator (writing the PTY end `reader` does not read) through one cycle: what arrives is the
 * planned ticket byte for byte, it took at least 90 % of the cycle's time at `speed` (paced, not dumped),
 * and the simulator said it opened the port. Returns the text.
 */
export async function expectOnePacedTicket(
  reader: SerialReader,
  run: (log: (line: string) => void) => Promise<void>,
  plan: PlannedCycle,
  speed: number,
): Promise<string> {
  const logs: string[] = [];
  const t0 = performance.now();
  await run((l) => logs.push(l));
  const realS = (performance.now() - t0) / 1000;
  await reader.waitFor((b) => resultCount(b) === 1 && b.toString('latin1').endsWith('\r\n'), 'RESULT line');
  const text = reader.bytes().toString('latin1');
  expect(text).toBe(planBytes(plan).toString('latin1'));
  expect(realS).toBeGreaterThan((plan.cycle.durationS / speed) * 0.9);
  expect(logs.some((l) => l.includes('open'))).toBe(true);
  return text;
}

/**
 * The simulator starts on `paths.dev` before the PTY exists and keeps retrying; once it says it cannot open
 * it, the PTY appears. Output before then was dropped: what arrives is the tail of the planned stream
 * `planned` (every cycle's bytes), the last cycle whole.
 */
export async function expectLatePortGetsTail(
  cleanups: Cleanups,
  paths: PtyPaths,
  run: (log: (line: string) => void) => Promise<void>,
  planned: readonly PlannedCycle[],
): Promise<void> {
  let noticed: () => void = () => undefined;
  const cannotOpen = new Promise<void>((resolve) => {
    noticed = resolve;
  });
  const done = run((l) => (l.includes('cannot open') ? noticed() : undefined));
  await cannotOpen;
  const { reader } = await ptyWithReader(cleanups, paths);
  await done;
  await reader.waitFor((b) => b.toString('latin1').endsWith('RESULT: CYCLE OK\r\n') && resultCount(b) >= 1, 'the last RESULT line');
  const got = reader.bytes().toString('latin1');
  const all = planned.map((p) => planBytes(p).toString('latin1'));
  expect(all.join('').endsWith(got)).toBe(true);
  expect(got.endsWith(all.at(-1)!)).toBe(true);
  expect(got.length).toBeLessThan(all.join('').length);
}
