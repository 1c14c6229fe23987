// What the simulated autoclave prints and when, as pure data: validated settings, then one plan per cycle
// (the cycle, its ticket, the timed byte chunks). The runner only paces and sends these, so tests can
// compute the exact expected bytes of any cycle without a clock or a port.

import { injectGarbage } from '../output/garbage.js';
import { linesToChunks } from '../output/timed-chunk.js';
import { type CyclePlan, cycleSlot, type RunSchedule, type RunScheduleOptions, resolveRunSchedule, scheduleCycles } from '../shared/cycle-schedule.js';
import { createPrng } from '../shared/prng.js';
import type { SteamCycle } from './cycle.js';
import { type AutoclaveFault, checkFault } from './faults.js';
import { type SteamProgram, steamProgram } from './programs.js';
import { generateSteamCycle } from './steam-cycle-model.js';
import { type AutoclaveSimProfile, ticketFormat } from './ticket-formats.js';
import { TICKET_EOL, type TicketHeader } from './ticket-writer.js';

/** Five minutes between loads: a realistic turnaround, and at 60x it leaves the gateway a few real
 * seconds between cycles, which the restart tests rely on to tell cycles apart. */
export const DEFAULT_PAUSE_BETWEEN_S = 300;

/** `name` is the sterilizer's (default `SIM-AC01`); the pause defaults to DEFAULT_PAUSE_BETWEEN_S. */
export interface AutoclaveScheduleOptions extends RunScheduleOptions {
  program: string;
  fault?: string;
  /** A replayed trace is played instead of the model (only the `garbage` fault combines with it). */
  replay?: string;
  /** Barometric pressure the machine's gauge readings are relative to. Default 101.325 kPa. */
  atmosphericKpa?: number;
  /** What the machine prints: a printer-line profile name (steam/ticket-formats.ts). Default prevac-ticket. */
  profile?: string;
}

export interface AutoclaveSettings extends RunSchedule {
  program: SteamProgram;
  fault: AutoclaveFault | undefined;
  replay: string | undefined;
  atmosphericKpa: number;
  profile: AutoclaveSimProfile;
}

export type AutoclaveCyclePlan = CyclePlan<SteamCycle, TicketHeader>;

/** Validates everything that decides what is printed; throws a clear Error otherwise. */
export function resolveAutoclaveSettings(opts: AutoclaveScheduleOptions): AutoclaveSettings {
  const program = steamProgram(opts.program);
  const replay = opts.replay === undefined || opts.replay === '' ? undefined : opts.replay;
  const fault = checkFault(opts.fault, program, replay !== undefined);
  const schedule = resolveRunSchedule(opts, { noun: 'sterilizer', name: 'SIM-AC01', pauseBetweenS: DEFAULT_PAUSE_BETWEEN_S });
  const atmosphericKpa = opts.atmosphericKpa ?? 101.325;
  if (!(atmosphericKpa > 50 && atmosphericKpa < 120)) throw new Error(`atmosphericKpa must be a barometric pressure in kPa, got ${atmosphericKpa}`);
  const profile = ticketFormat(opts.profile).name;
  return { ...schedule, program, fault, replay, atmosphericKpa, profile };
}

export function planAutoclaveCycle(settings: AutoclaveSettings, index: number, offsetS: number, replayed?: SteamCycle): AutoclaveCyclePlan {
  const { seed, facts } = cycleSlot(settings, settings.program, index, offsetS);
  const cycle =
    replayed ??
    generateSteamCycle(settings.program, {
      seed,
      ...(settings.fault !== undefined && settings.fault !== 'garbage' ? { fault: settings.fault } : {}),
    });
  const header: TicketHeader = { sterilizer: settings.name, ...facts };
  const format = ticketFormat(settings.profile);
  const lines = format.render(header, cycle, { atmosphericKpa: settings.atmosphericKpa });
  let chunks = linesToChunks(lines, offsetS, TICKET_EOL, format.encode);
  if (settings.fault === 'garbage') chunks = injectGarbage(chunks, createPrng(seed * 7919 + 17));
  return { index, cycleNo: facts.cycleNo, offsetS, startMs: facts.startMs, cycle, header, lines, chunks };
}

/** The run's cycles in order, forever; cycle k+1 starts `pauseBetweenS` after cycle k ends. */
export function autoclaveCyclePlans(settings: AutoclaveSettings, replayed?: SteamCycle): Generator<AutoclaveCyclePlan, never> {
  return scheduleCycles(settings.pauseBetweenS, (index, offsetS) => planAutoclaveCycle(settings, index, offsetS, replayed));
}
