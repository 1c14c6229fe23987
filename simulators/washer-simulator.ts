// The simulated washer-disinfector on its printer port (`sterilink simulate washer`): runs the washer model
// and prints its ticket (simulators/washer/README.md) to a serial port/PTY and/or a TCP "serial device
// server", paced in real time at `speed` simulated seconds per real second. The simulated clock is
// startTime + elapsed × speed and the ticket prints it, so the gateway verifies an accelerated cycle exactly
// as a real one. Output nobody is listening to is dropped (simulators/output/byte-output.ts). The Modbus
// front-end serves the same cycles (generateWasherCycle) from simulators/modbus/.

import { sleepUntil } from './shared/pace.js';
import { createLineOutputs } from './output/line-outputs.js';
import { resolveWasherSettings, washerCyclePlans, type WasherScheduleOptions } from './washer/washer-schedule.js';

export { WASHER_FAULTS, WASHER_FAULT_DESCRIPTIONS, type WasherFault } from './washer/faults.js';
export { WASHER_PROGRAM_IDS as WASHER_PROGRAMS, WASHER_PROGRAM_NUMBERS } from './washer/programs.js';

export interface WasherSimulatorOptions extends WasherScheduleOptions {
  /** Serial device or PTY path to write the ticket to. */
  serial?: string;
  /** Default 9600. */
  baudRate?: number;
  /** Serve the ticket to TCP clients on this port (0: any free port, see `onReady`). */
  tcpPort?: number;
  /** Default 127.0.0.1. */
  tcpHost?: string;
  /** Simulated seconds per real second, e.g. 60. */
  speed: number;
  /** Cycles to run; 0 runs until `signal` aborts. */
  cycles: number;
  log?: (line: string) => void;
  /** Stops the run: the promise resolves after the outputs are closed. */
  signal?: AbortSignal;
  /** Called once the outputs are open/listening; the first byte goes out after it returns (or its promise
   * settles), so a harness can connect its readers first. */
  onReady?: (info: { tcpPort?: number; outputs: string[] }) => void | Promise<void>;
  /** With `tcpPort`: start the first cycle only once a client (the gateway) is connected. */
  waitForClient?: boolean;
}

/** How long the end of the run waits for the last bytes to leave (a PTY nobody reads never drains). */
const FLUSH_TIMEOUT_MS = 5000;

export async function runWasherSimulator(opts: WasherSimulatorOptions): Promise<void> {
  const settings = resolveWasherSettings(opts);
  if (!(opts.speed > 0 && Number.isFinite(opts.speed))) throw new Error(`speed must be a positive number of simulated seconds per second, got ${opts.speed}`);
  if (!Number.isInteger(opts.cycles) || opts.cycles < 0) throw new Error(`cycles must be a non-negative integer (0 = forever), got ${opts.cycles}`);
  const log = opts.log ?? (() => undefined);
  const out = createLineOutputs(opts, log);
  try {
    await out.start();
    const tcpPort = out.tcpPort;
    await opts.onReady?.({ ...(tcpPort !== undefined ? { tcpPort } : {}), outputs: out.descriptions });
    if (opts.waitForClient && !(await out.waitForClient(opts.signal))) return;
    const what = `${settings.program.id}${settings.fault ? ` fault=${settings.fault}` : ''}`;
    log(`washer ${settings.name}: ${what}, speed ${opts.speed}x, ${opts.cycles === 0 ? 'cycles until stopped' : `${opts.cycles} cycle(s)`} -> ${out.descriptions.join(', ')}`);

    const realStart = performance.now();
    let done = 0;
    for (const plan of washerCyclePlans(settings)) {
      if (opts.cycles > 0 && done >= opts.cycles) break;
      const start = new Date(plan.startMs).toISOString();
      log(`washer ${settings.name}: cycle ${plan.cycleNo} starts at simulated ${start} (${plan.cycle.samples.length} samples, ${plan.lines.length} ticket lines)`);
      for (const chunk of plan.chunks) {
        if (!(await sleepUntil(realStart + (chunk.atS * 1000) / opts.speed, opts.signal))) return;
        out.write(chunk.data);
      }
      done++;
      log(`washer ${settings.name}: cycle ${plan.cycleNo} ended (${plan.cycle.result === 'ok' ? 'CYCLE OK' : 'CYCLE ABORTED'})`);
    }
    await out.flush(FLUSH_TIMEOUT_MS);
  } finally {
    await out.close();
  }
}
