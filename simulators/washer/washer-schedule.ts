// What the simulated washer prints and when, as pure data: validated settings, then one plan per cycle
// (the cycle, its ticket, the timed byte chunks). The runner only paces and sends these, so tests can
// compute the exact expected bytes of any cycle without a clock or a port. Same conventions as the
// autoclave (steam/autoclave-schedule.ts): cycle k uses seed + k, cycles a pause apart, numbers count up.

import { createPrng } from '../shared/prng.js';
import { linesToChunks, type TimedChunk } from '../output/timed-chunk.js';
import { formatDate } from '../steam/ticket-writer.js';
import type { WasherCycle } from './cycle.js';
import { checkWasherFault, type WasherFault } from './faults.js';
import { washerProgram, type WasherSimProgram } from './programs.js';
import { generateWasherCycle } from './washer-cycle-model.js';
import { renderWasherTicket, TICKET_EOL, type TicketLine, type WasherTicketHeader } from './washer-ticket-writer.js';

/** Unloading, loading the next rack and closing the door: five minutes, as for the autoclave. */
export const DEFAULT_WASHER_PAUSE_BETWEEN_S = 300;

export interface WasherScheduleOptions {
  program: string;
  fault?: string;
  /** Washer name on the ticket, one word. Default `SIM-WD01`. */
  name?: string;
  /** Default 1; cycle k (0-based) uses seed + k, so every cycle differs and each is reproducible. */
  seed?: number;
  /** Simulated seconds between the end of one cycle and the start of the next. Default DEFAULT_WASHER_PAUSE_BETWEEN_S. */
  pauseBetweenS?: number;
  /** ms since the epoch of the simulated clock at the start of the run. Default now. */
  startTime?: number;
  /** Cycle counter of the first cycle. Default 1. */
  firstCycleNo?: number;
  /** Operator code on the ticket. Default a 4-digit code from the seed. */
  operator?: string;
}

export interface WasherSettings {
  program: WasherSimProgram;
  fault: WasherFault | undefined;
  name: string;
  seed: number;
  pauseBetweenS: number;
  startTime: number;
  firstCycleNo: number;
  operator: string | undefined;
}

export interface WasherCyclePlan {
  /** 0-based index in the run. */
  index: number;
  cycleNo: number;
  /** Simulated seconds from the start of the run to this cycle's t = 0. */
  offsetS: number;
  /** The machine clock at t = 0, ms since the epoch. */
  startMs: number;
  cycle: WasherCycle;
  header: WasherTicketHeader;
  lines: TicketLine[];
  /** The bytes to send and when (simulated seconds from the start of the run). */
  chunks: TimedChunk[];
}

/** Validates everything that decides what is printed; throws a clear Error otherwise. */
export function resolveWasherSettings(opts: WasherScheduleOptions): WasherSettings {
  const program = washerProgram(opts.program);
  const fault = checkWasherFault(opts.fault);
  const name = opts.name ?? 'SIM-WD01';
  if (!/^\S+$/.test(name)) throw new Error(`washer name must be one word without spaces, got '${name}'`);
  if (opts.operator !== undefined && !/^\S+$/.test(opts.operator)) throw new Error(`operator must be one word, got '${opts.operator}'`);
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  const pauseBetweenS = opts.pauseBetweenS ?? DEFAULT_WASHER_PAUSE_BETWEEN_S;
  if (!(pauseBetweenS >= 0 && Number.isFinite(pauseBetweenS))) throw new Error(`pauseBetweenS must be >= 0, got ${pauseBetweenS}`);
  const startTime = opts.startTime ?? Date.now();
  if (!Number.isFinite(startTime)) throw new Error(`startTime must be ms since the epoch, got ${startTime}`);
  const firstCycleNo = opts.firstCycleNo ?? 1;
  if (!Number.isInteger(firstCycleNo) || firstCycleNo < 0) throw new Error(`firstCycleNo must be a non-negative integer, got ${firstCycleNo}`);
  return { program, fault, name, seed, pauseBetweenS, startTime, firstCycleNo, operator: opts.operator };
}

/** `L250314-000042`: date and cycle counter, unique per machine (the autoclave's form). */
function loadId(startMs: number, cycleNo: number): string {
  return `L${formatDate(startMs).slice(2).replaceAll('-', '')}-${String(cycleNo).padStart(6, '0')}`;
}

export function planWasherCycle(settings: WasherSettings, index: number, offsetS: number): WasherCyclePlan {
  const seed = settings.seed + index;
  const cycle = generateWasherCycle(settings.program, { seed, ...(settings.fault !== undefined ? { fault: settings.fault } : {}) });
  const cycleNo = settings.firstCycleNo + index;
  const startMs = settings.startTime + offsetS * 1000;
  const header: WasherTicketHeader = {
    washer: settings.name,
    programNo: settings.program.programNo,
    programText: settings.program.text,
    cycleNo,
    operator: settings.operator ?? String(createPrng(seed).int(1, 9999)).padStart(4, '0'),
    loadId: loadId(startMs, cycleNo),
    startMs,
  };
  const lines = renderWasherTicket(header, cycle);
  const chunks = linesToChunks(lines, offsetS, TICKET_EOL);
  return { index, cycleNo, offsetS, startMs, cycle, header, lines, chunks };
}

/** The run's cycles in order, forever; cycle k+1 starts `pauseBetweenS` after cycle k ends. */
export function* washerCyclePlans(settings: WasherSettings): Generator<WasherCyclePlan, never> {
  let offsetS = 0;
  for (let index = 0; ; index++) {
    const plan = planWasherCycle(settings, index, offsetS);
    yield plan;
    const lastAt = plan.chunks.reduce((m, c) => Math.max(m, c.atS), offsetS);
    offsetS = Math.max(offsetS + plan.cycle.durationS, lastAt) + settings.pauseBetweenS;
  }
}
