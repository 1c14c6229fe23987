// The simulated steam sterilizer (`sterilink simulate autoclave`): runs the physics model (or replays a
// trace) and prints the default `prevac-ticket` (or another printer-line profile's format, `profile`:
// steam/ticket-formats.ts) to a serial port/PTY and/or a TCP "serial device server",
// paced in real time at `speed` simulated seconds per real second. The simulated clock is
// startTime + elapsed × speed, and the ticket prints that clock, so the gateway verifies an accelerated
// cycle exactly as a real one. Output nobody is listening to is dropped (simulators/output/byte-output.ts).

import { sleepUntil } from './shared/pace.js';
import type { ByteOutput } from './output/byte-output.js';
import { createSerialOutput } from './output/serial-output.js';
import { createTcpOutput, type TcpOutput } from './output/tcp-output.js';
import { autoclaveCyclePlans, resolveAutoclaveSettings, type AutoclaveScheduleOptions } from './steam/autoclave-schedule.js';
import { readTraceFile } from './steam/replay.js';

export { AUTOCLAVE_FAULTS, AUTOCLAVE_FAULT_DESCRIPTIONS, type AutoclaveFault } from './steam/faults.js';
export { AUTOCLAVE_SIM_PROFILES, AUTOCLAVE_SIM_PROFILE_DESCRIPTIONS, type AutoclaveSimProfile } from './steam/ticket-formats.js';
export { STEAM_PROGRAM_IDS as AUTOCLAVE_PROGRAMS, STEAM_PROGRAM_NUMBERS as AUTOCLAVE_PROGRAM_NUMBERS } from './steam/programs.js';

export interface AutoclaveSimulatorOptions extends AutoclaveScheduleOptions {
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
  /** Called once the outputs are open/listening, before the first byte. */
  onReady?: (info: { tcpPort?: number; outputs: string[] }) => void | Promise<void>;
  /** With `tcpPort`: start the first cycle only once a client (the gateway) is connected. */
  waitForClient?: boolean;
}

/** How long the end of the run waits for the last bytes to leave (a PTY nobody reads never drains). */
const FLUSH_TIMEOUT_MS = 5000;

export async function runAutoclaveSimulator(opts: AutoclaveSimulatorOptions): Promise<void> {
  const settings = resolveAutoclaveSettings(opts);
  if (!(opts.speed > 0 && Number.isFinite(opts.speed))) throw new Error(`speed must be a positive number of simulated seconds per second, got ${opts.speed}`);
  if (!Number.isInteger(opts.cycles) || opts.cycles < 0) throw new Error(`cycles must be a non-negative integer (0 = forever), got ${opts.cycles}`);
  if (!opts.serial && opts.tcpPort === undefined) throw new Error('give a serial path and/or a TCP port to write the ticket to');
  if (opts.tcpPort !== undefined && !(Number.isInteger(opts.tcpPort) && opts.tcpPort >= 0 && opts.tcpPort <= 65535)) {
    throw new Error(`tcpPort must be 0..65535, got ${opts.tcpPort}`);
  }
  const replayed = settings.replay ? await readTraceFile(settings.replay, settings.program.id) : undefined;
  const log = opts.log ?? (() => undefined);

  const outputs: ByteOutput[] = [];
  let tcp: TcpOutput | undefined;
  if (opts.serial) outputs.push(createSerialOutput({ path: opts.serial, baudRate: opts.baudRate ?? 9600, log }));
  if (opts.tcpPort !== undefined) {
    tcp = createTcpOutput({ port: opts.tcpPort, ...(opts.tcpHost ? { host: opts.tcpHost } : {}), log });
    outputs.push(tcp);
  }
  try {
    for (const o of outputs) await o.start();
    await opts.onReady?.({ ...(tcp ? { tcpPort: tcp.port } : {}), outputs: outputs.map((o) => o.description) });
    if (opts.waitForClient && tcp && !(await tcp.waitForClient(opts.signal))) return;
    const what = `${settings.program.id}${settings.fault ? ` fault=${settings.fault}` : ''}${replayed ? ` replay=${settings.replay}` : ''}`
      + (settings.profile === 'prevac-ticket' ? '' : ` profile=${settings.profile}`);
    log(`autoclave ${settings.name}: ${what}, speed ${opts.speed}x, ${opts.cycles === 0 ? 'cycles until stopped' : `${opts.cycles} cycle(s)`} -> ${outputs.map((o) => o.description).join(', ')}`);

    const realStart = performance.now();
    let done = 0;
    for (const plan of autoclaveCyclePlans(settings, replayed)) {
      if (opts.cycles > 0 && done >= opts.cycles) break;
      const start = new Date(plan.startMs).toISOString();
      log(`autoclave ${settings.name}: cycle ${plan.cycleNo} starts at simulated ${start} (${plan.cycle.samples.length} samples, ${plan.lines.length} ticket lines)`);
      for (const chunk of plan.chunks) {
        if (!(await sleepUntil(realStart + (chunk.atS * 1000) / opts.speed, opts.signal))) return;
        for (const o of outputs) o.write(chunk.data);
      }
      done++;
      log(`autoclave ${settings.name}: cycle ${plan.cycleNo} ended (${plan.cycle.result === 'ok' ? 'CYCLE OK' : 'CYCLE ABORTED'})`);
    }
    const flushed = await Promise.all(outputs.map((o) => o.flush(FLUSH_TIMEOUT_MS)));
    outputs.forEach((o, i) => {
      if (!flushed[i]) log(`${o.description}: last bytes not drained after ${FLUSH_TIMEOUT_MS} ms (nobody reading?)`);
      if (o.droppedBytes > 0) log(`${o.description}: ${o.droppedBytes} bytes dropped (nothing listening)`);
    });
  } finally {
    await Promise.all(outputs.map((o) => o.close()));
  }
}
