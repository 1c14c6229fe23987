// The simulated washer-disinfector on its printer port (`sterilink simulate washer`): runs the washer model
// and prints its ticket (simulators/washer/README.md) to a serial port/PTY and/or a TCP "serial device
// server", paced in real time at `speed` simulated seconds per real second. The simulated clock is
// startTime + elapsed × speed and the ticket prints it, so the gateway verifies an accelerated cycle exactly
// as a real one. Output nobody is listening to is dropped (simulators/output/byte-output.ts). The Modbus
// front-end serves the same cycles (generateWasherCycle) from simulators/modbus/.

import { runTicketPrinter, type TicketRunOptions } from './output/ticket-run.js';
import { resolveWasherSettings, type WasherScheduleOptions, washerCyclePlans } from './washer/washer-schedule.js';

export { WASHER_FAULT_DESCRIPTIONS, WASHER_FAULTS, type WasherFault } from './washer/faults.js';
export { WASHER_PROGRAM_IDS as WASHER_PROGRAMS, WASHER_PROGRAM_NUMBERS } from './washer/programs.js';

/** `serial` and/or `tcpPort` receive the ticket. */
export interface WasherSimulatorOptions extends WasherScheduleOptions, TicketRunOptions {}

export async function runWasherSimulator(opts: WasherSimulatorOptions): Promise<void> {
  const settings = resolveWasherSettings(opts);
  const what = `${settings.program.id}${settings.fault ? ` fault=${settings.fault}` : ''}`;
  await runTicketPrinter(opts, `washer ${settings.name}`, what, washerCyclePlans(settings));
}
