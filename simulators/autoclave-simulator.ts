// The simulated steam sterilizer (`sterilink simulate autoclave`): runs the physics model (or replays a
// trace) and prints the default `prevac-ticket` (or another printer-line profile's format, `profile`:
// steam/ticket-formats.ts) to a serial port/PTY and/or a TCP "serial device server",
// paced in real time at `speed` simulated seconds per real second. The simulated clock is
// startTime + elapsed × speed, and the ticket prints that clock, so the gateway verifies an accelerated
// cycle exactly as a real one. Output nobody is listening to is dropped (simulators/output/byte-output.ts).

import { checkTicketRun, runTicketPrinter, type TicketRunOptions } from './output/ticket-run.js';
import { type AutoclaveScheduleOptions, autoclaveCyclePlans, resolveAutoclaveSettings } from './steam/autoclave-schedule.js';
import { readTraceFile } from './steam/replay.js';

export { AUTOCLAVE_FAULT_DESCRIPTIONS, AUTOCLAVE_FAULTS, type AutoclaveFault } from './steam/faults.js';
export { STEAM_PROGRAM_IDS as AUTOCLAVE_PROGRAMS, STEAM_PROGRAM_NUMBERS as AUTOCLAVE_PROGRAM_NUMBERS } from './steam/programs.js';
export { AUTOCLAVE_SIM_PROFILE_DESCRIPTIONS, AUTOCLAVE_SIM_PROFILES, type AutoclaveSimProfile } from './steam/ticket-formats.js';

/** `serial` and/or `tcpPort` receive the ticket. */
export interface AutoclaveSimulatorOptions extends AutoclaveScheduleOptions, TicketRunOptions {}

export async function runAutoclaveSimulator(opts: AutoclaveSimulatorOptions): Promise<void> {
  const settings = resolveAutoclaveSettings(opts);
  checkTicketRun(opts);
  const replayed = settings.replay ? await readTraceFile(settings.replay, settings.program.id) : undefined;
  const what =
    `${settings.program.id}${settings.fault ? ` fault=${settings.fault}` : ''}${replayed ? ` replay=${settings.replay}` : ''}` +
    (settings.profile === 'prevac-ticket' ? '' : ` profile=${settings.profile}`);
  await runTicketPrinter(opts, `autoclave ${settings.name}`, what, autoclaveCyclePlans(settings, replayed));
}
