// What the simulated washer prints and when, as pure data: validated settings, then one plan per cycle
// (the cycle, its ticket, the timed byte chunks). The runner only paces and sends these, so tests can
// compute the exact expected bytes of any cycle without a clock or a port. Same conventions as the
// autoclave (steam/autoclave-schedule.ts): cycle k uses seed + k, cycles a pause apart, numbers count up.

import { linesToChunks } from '../output/timed-chunk.js';
import { type CyclePlan, cycleSlot, type RunSchedule, type RunScheduleOptions, resolveRunSchedule, scheduleCycles } from '../shared/cycle-schedule.js';
import type { WasherCycle } from './cycle.js';
import { checkWasherFault, type WasherFault } from './faults.js';
import { type WasherSimProgram, washerProgram } from './programs.js';
import { generateWasherCycle } from './washer-cycle-model.js';
import { renderWasherTicket, TICKET_EOL, type WasherTicketHeader } from './washer-ticket-writer.js';

/** Unloading, loading the next rack and closing the door: five minutes, as for the autoclave. */
export const DEFAULT_WASHER_PAUSE_BETWEEN_S = 300;

/** `name` is the washer's (default `SIM-WD01`); the pause defaults to DEFAULT_WASHER_PAUSE_BETWEEN_S. */
export interface WasherScheduleOptions extends RunScheduleOptions {
  program: string;
  fault?: string;
}

export interface WasherSettings extends RunSchedule {
  program: WasherSimProgram;
  fault: WasherFault | undefined;
}

export type WasherCyclePlan = CyclePlan<WasherCycle, WasherTicketHeader>;

/** Validates everything that decides what is printed; throws a clear Error otherwise. */
export function resolveWasherSettings(opts: WasherScheduleOptions): WasherSettings {
  const program = washerProgram(opts.program);
  const fault = checkWasherFault(opts.fault);
  const schedule = resolveRunSchedule(opts, { noun: 'washer', name: 'SIM-WD01', pauseBetweenS: DEFAULT_WASHER_PAUSE_BETWEEN_S });
  return { ...schedule, program, fault };
}

export function planWasherCycle(settings: WasherSettings, index: number, offsetS: number): WasherCyclePlan {
  const { seed, facts } = cycleSlot(settings, settings.program, index, offsetS);
  const cycle = generateWasherCycle(settings.program, { seed, ...(settings.fault !== undefined ? { fault: settings.fault } : {}) });
  const header: WasherTicketHeader = { washer: settings.name, ...facts };
  const lines = renderWasherTicket(header, cycle);
  const chunks = linesToChunks(lines, offsetS, TICKET_EOL);
  return { index, cycleNo: facts.cycleNo, offsetS, startMs: facts.startMs, cycle, header, lines, chunks };
}

/** The run's cycles in order, forever; cycle k+1 starts `pauseBetweenS` after cycle k ends. */
export function washerCyclePlans(settings: WasherSettings): Generator<WasherCyclePlan, never> {
  return scheduleCycles(settings.pauseBetweenS, (index, offsetS) => planWasherCycle(settings, index, offsetS));
}
