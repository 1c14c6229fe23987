// What every `sterilink simulate` device shares: the line it writes to (a serial path or a TCP port), its pace,
// and how a failure to run is reported (`simulate KIND: why`, exit 2).
import { CommandFailed, UsageError } from './command.js';
import { withSignals } from './signals.js';

/** The options of every simulated device. */
export const LINE_OPTIONS = {
  serial: { type: 'string' },
  tcp: { type: 'string' },
  baud: { type: 'string' },
  speed: { type: 'string' },
  cycles: { type: 'string' },
  name: { type: 'string' },
  fault: { type: 'string' },
  seed: { type: 'string' },
  'wait-client': { type: 'boolean' },
} as const;

export const LINE_HELP = `  --serial PATH   write to this serial device (a PTY from socat, a USB adapter)
  --tcp PORT      serve the line on 127.0.0.1:PORT instead (like a serial device server)
  --baud N        line speed for --serial (default 9600)
  --speed N       N times real time (default 1)
  --cycles N      this many cycles, then exit (0: forever)
  --name NAME     the device's name on its printout
  --seed N        the random seed (repeatable runs)
  --wait-client   with --tcp: start only when a client (the gateway) has connected`;

/** Runs a simulator until it ends or SIGINT/SIGTERM; its failure becomes `simulate KIND: why` (exit 2). */
export async function runSimulation(kind: string, run: (signal: AbortSignal) => Promise<unknown>): Promise<number> {
  try {
    await withSignals(run);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new CommandFailed(`simulate ${kind}: ${(e as Error).message}`);
  }
}
