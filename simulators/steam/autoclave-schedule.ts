// What the simulated autoclave prints and when, as pure data: validated settings, then one plan per cycle
// (the cycle, its ticket, the timed byte chunks). The runner only paces and sends these, so tests can
// compute the exact expected bytes of any cycle without a clock or a port.

import { createPrng } from '../shared/prng.js';
import { injectGarbage } from '../output/garbage.js';
import { linesToChunks, type TimedChunk } from '../output/timed-chunk.js';
import type { SteamCycle } from './cycle.js';
import { checkFault, type AutoclaveFault } from './faults.js';
import { steamProgram, type SteamProgram } from './programs.js';
import { generateSteamCycle } from './steam-cycle-model.js';
import { ticketFormat, type AutoclaveSimProfile } from './ticket-formats.js';
import { formatDate, TICKET_EOL, type TicketHeader, type TicketLine } from './ticket-writer.js';

/** Five minutes between loads: a realistic turnaround, and at 60x it leaves the gateway a few real
 * seconds between cycles, which the restart tests rely on to tell cycles apart. */
export const DEFAULT_PAUSE_BETWEEN_S = 300;

export interface AutoclaveScheduleOptions {
  program: string;
  fault?: string;
  /** A replayed trace is played instead of the model (only the `garbage` fault combines with it). */
  replay?: string;
  /** Sterilizer name on the ticket, one word. Default `SIM-AC01`. */
  name?: string;
  /** Default 1; cycle k (0-based) uses seed + k, so every cycle differs and each is reproducible. */
  seed?: number;
  /** Simulated seconds between the end of one cycle and the start of the next (unloading, loading,
   * closing the door). Default DEFAULT_PAUSE_BETWEEN_S. */
  pauseBetweenS?: number;
  /** ms since the epoch of the simulated clock at the start of the run. Default now. */
  startTime?: number;
  /** Cycle counter of the first cycle. Default 1. */
  firstCycleNo?: number;
  /** Operator code on the ticket. Default a 4-digit code from the seed. */
  operator?: string;
  /** Barometric pressure the machine's gauge readings are relative to. Default 101.325 kPa. */
  atmosphericKpa?: number;
  /** What the machine prints: a printer-line profile name (steam/ticket-formats.ts). Default prevac-ticket. */
  profile?: string;
}

export interface AutoclaveSettings {
  program: SteamProgram;
  fault: AutoclaveFault | undefined;
  replay: string | undefined;
  name: string;
  seed: number;
  pauseBetweenS: number;
  startTime: number;
  firstCycleNo: number;
  operator: string | undefined;
  atmosphericKpa: number;
  profile: AutoclaveSimProfile;
}

export interface AutoclaveCyclePlan {
  /** 0-based index in the run. */
  index: number;
  cycleNo: number;
  /** Simulated seconds from the start of the run to this cycle's t = 0. */
  offsetS: number;
  /** The machine clock at t = 0, ms since the epoch. */
  startMs: number;
  cycle: SteamCycle;
  header: TicketHeader;
  lines: TicketLine[];
  /** The bytes to send and when (simulated seconds from the start of the run). */
  chunks: TimedChunk[];
}

/** Validates everything that decides what is printed; throws a clear Error otherwise. */
export function resolveAutoclaveSettings(opts: AutoclaveScheduleOptions): AutoclaveSettings {
  const program = steamProgram(opts.program);
  const replay = opts.replay === undefined || opts.replay === '' ? undefined : opts.replay;
  const fault = checkFault(opts.fault, program, replay !== undefined);
  const name = opts.name ?? 'SIM-AC01';
  if (!/^\S+$/.test(name)) throw new Error(`sterilizer name must be one word without spaces, got '${name}'`);
  if (opts.operator !== undefined && !/^\S+$/.test(opts.operator)) throw new Error(`operator must be one word, got '${opts.operator}'`);
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  const pauseBetweenS = opts.pauseBetweenS ?? DEFAULT_PAUSE_BETWEEN_S;
  if (!(pauseBetweenS >= 0 && Number.isFinite(pauseBetweenS))) throw new Error(`pauseBetweenS must be >= 0, got ${pauseBetweenS}`);
  const startTime = opts.startTime ?? Date.now();
  if (!Number.isFinite(startTime)) throw new Error(`startTime must be ms since the epoch, got ${startTime}`);
  const firstCycleNo = opts.firstCycleNo ?? 1;
  if (!Number.isInteger(firstCycleNo) || firstCycleNo < 0) throw new Error(`firstCycleNo must be a non-negative integer, got ${firstCycleNo}`);
  const atmosphericKpa = opts.atmosphericKpa ?? 101.325;
  if (!(atmosphericKpa > 50 && atmosphericKpa < 120)) throw new Error(`atmosphericKpa must be a barometric pressure in kPa, got ${atmosphericKpa}`);
  const profile = ticketFormat(opts.profile).name;
  return { program, fault, replay, name, seed, pauseBetweenS, startTime, firstCycleNo, operator: opts.operator, atmosphericKpa, profile };
}

/** `L250314-004217`: date and cycle counter, unique per machine. */
function loadId(startMs: number, cycleNo: number): string {
  return `L${formatDate(startMs).slice(2).replaceAll('-', '')}-${String(cycleNo).padStart(6, '0')}`;
}

export function planAutoclaveCycle(settings: AutoclaveSettings, index: number, offsetS: number, replayed?: SteamCycle): AutoclaveCyclePlan {
  const seed = settings.seed + index;
  const cycle = replayed ?? generateSteamCycle(settings.program, {
    seed,
    ...(settings.fault !== undefined && settings.fault !== 'garbage' ? { fault: settings.fault } : {}),
  });
  const cycleNo = settings.firstCycleNo + index;
  const startMs = settings.startTime + offsetS * 1000;
  const header: TicketHeader = {
    sterilizer: settings.name,
    programNo: settings.program.programNo,
    programText: settings.program.text,
    cycleNo,
    operator: settings.operator ?? String(createPrng(seed).int(1, 9999)).padStart(4, '0'),
    loadId: loadId(startMs, cycleNo),
    startMs,
  };
  const format = ticketFormat(settings.profile);
  const lines = format.render(header, cycle, { atmosphericKpa: settings.atmosphericKpa });
  let chunks = linesToChunks(lines, offsetS, TICKET_EOL, format.encode);
  if (settings.fault === 'garbage') chunks = injectGarbage(chunks, createPrng(seed * 7919 + 17));
  return { index, cycleNo, offsetS, startMs, cycle, header, lines, chunks };
}

/** The run's cycles in order, forever; cycle k+1 starts `pauseBetweenS` after cycle k ends. */
export function* autoclaveCyclePlans(settings: AutoclaveSettings, replayed?: SteamCycle): Generator<AutoclaveCyclePlan, never> {
  let offsetS = 0;
  for (let index = 0; ; index++) {
    const plan = planAutoclaveCycle(settings, index, offsetS, replayed);
    yield plan;
    const lastAt = plan.chunks.reduce((m, c) => Math.max(m, c.atS), offsetS);
    offsetS = Math.max(offsetS + plan.cycle.durationS, lastAt) + settings.pauseBetweenS;
  }
}
