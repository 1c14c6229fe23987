// The run loop of a simulated printer port (autoclave and washer tickets): opens the outputs
// (line-outputs.ts), then sends each planned cycle's chunks in real time at `speed` simulated seconds per
// real second, so the simulated clock is startTime + elapsed × speed and the gateway verifies an
// accelerated cycle exactly as a real one. The plans (what is printed and when) come from the machine's
// schedule; this only paces and sends them.

import { sleepUntil } from '../shared/pace.js';
import { checkLineOutputTargets, createLineOutputs, FLUSH_TIMEOUT_MS, type LineRunOptions } from './line-outputs.js';
import type { TimedChunk } from './timed-chunk.js';

export interface TicketRunOptions extends LineRunOptions {
  /** Simulated seconds per real second, e.g. 60. */
  speed: number;
  /** Cycles to run; 0 runs until `signal` aborts. */
  cycles: number;
}

/** What the run loop needs of a planned cycle. */
export interface PrintedCycle {
  cycleNo: number;
  /** The machine clock at t = 0, ms since the epoch. */
  startMs: number;
  cycle: { samples: readonly unknown[]; result: 'ok' | 'aborted' };
  lines: readonly unknown[];
  /** The bytes to send and when (simulated seconds from the start of the run). */
  chunks: readonly TimedChunk[];
}

/** Throws a clear Error for pacing or outputs that cannot work. */
export function checkTicketRun(opts: TicketRunOptions): void {
  if (!(opts.speed > 0 && Number.isFinite(opts.speed))) throw new Error(`speed must be a positive number of simulated seconds per second, got ${opts.speed}`);
  if (!Number.isInteger(opts.cycles) || opts.cycles < 0) throw new Error(`cycles must be a non-negative integer (0 = forever), got ${opts.cycles}`);
  checkLineOutputTargets(opts);
}

/**
 * Prints `plans` until `opts.cycles` are done (or `signal` aborts), then waits for the last bytes and
 * closes the outputs. `machine` starts every log line (`autoclave SIM-AC01`); `what` says what runs.
 */
export async function runTicketPrinter(opts: TicketRunOptions, machine: string, what: string, plans: Iterable<PrintedCycle>): Promise<void> {
  checkTicketRun(opts);
  const log = opts.log ?? (() => undefined);
  const out = createLineOutputs(opts, log);
  try {
    await out.start();
    const tcpPort = out.tcpPort;
    await opts.onReady?.({ ...(tcpPort !== undefined ? { tcpPort } : {}), outputs: out.descriptions });
    if (opts.waitForClient && !(await out.waitForClient(opts.signal))) return;
    log(
      `${machine}: ${what}, speed ${opts.speed}x, ${opts.cycles === 0 ? 'cycles until stopped' : `${opts.cycles} cycle(s)`} -> ${out.descriptions.join(', ')}`,
    );

    const realStart = performance.now();
    let done = 0;
    for (const plan of plans) {
      if (opts.cycles > 0 && done >= opts.cycles) break;
      const start = new Date(plan.startMs).toISOString();
      log(`${machine}: cycle ${plan.cycleNo} starts at simulated ${start} (${plan.cycle.samples.length} samples, ${plan.lines.length} ticket lines)`);
      for (const chunk of plan.chunks) {
        if (!(await sleepUntil(realStart + (chunk.atS * 1000) / opts.speed, opts.signal))) return;
        out.write(chunk.data);
      }
      done++;
      log(`${machine}: cycle ${plan.cycleNo} ended (${plan.cycle.result === 'ok' ? 'CYCLE OK' : 'CYCLE ABORTED'})`);
    }
    await out.flush(FLUSH_TIMEOUT_MS);
  } finally {
    await out.close();
  }
}
