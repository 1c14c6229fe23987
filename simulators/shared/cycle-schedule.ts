// The run schedule every printer-port simulator keeps (steam/autoclave-schedule.ts, washer/washer-schedule.ts):
// cycle k (0-based) uses seed + k, so every cycle differs and each is reproducible; cycle numbers count up
// from `firstCycleNo`; cycle k+1 starts `pauseBetweenS` simulated seconds after cycle k ends. Pure data.

import type { TimedChunk } from '../output/timed-chunk.js';
import { createPrng } from './prng.js';
import { formatDate, type TicketHeaderFacts, type TicketLine } from './ticket-text.js';

export interface RunScheduleOptions {
  /** Machine name on the ticket, one word. Default the machine's (`SIM-AC01`, `SIM-WD01`). */
  name?: string;
  /** Default 1; cycle k (0-based) uses seed + k, so every cycle differs and each is reproducible. */
  seed?: number;
  /** Simulated seconds between the end of one cycle and the start of the next (unloading, loading,
   * closing the door). Default the machine's (300). */
  pauseBetweenS?: number;
  /** ms since the epoch of the simulated clock at the start of the run. Default now. */
  startTime?: number;
  /** Cycle counter of the first cycle. Default 1. */
  firstCycleNo?: number;
  /** Operator code on the ticket. Default a 4-digit code from the seed. */
  operator?: string;
}

export interface RunSchedule {
  name: string;
  seed: number;
  pauseBetweenS: number;
  startTime: number;
  firstCycleNo: number;
  operator: string | undefined;
}

/** The machine a schedule is for: what its name is called in errors, and its defaults. */
export interface MachineDefaults {
  noun: 'sterilizer' | 'washer';
  name: string;
  pauseBetweenS: number;
}

/** Validates the schedule options; throws a clear Error otherwise. */
export function resolveRunSchedule(opts: RunScheduleOptions, machine: MachineDefaults): RunSchedule {
  const name = opts.name ?? machine.name;
  if (!/^\S+$/.test(name)) throw new Error(`${machine.noun} name must be one word without spaces, got '${name}'`);
  if (opts.operator !== undefined && !/^\S+$/.test(opts.operator)) throw new Error(`operator must be one word, got '${opts.operator}'`);
  const seed = opts.seed ?? 1;
  if (!Number.isFinite(seed)) throw new Error(`seed must be a number, got ${seed}`);
  const pauseBetweenS = opts.pauseBetweenS ?? machine.pauseBetweenS;
  if (!(pauseBetweenS >= 0 && Number.isFinite(pauseBetweenS))) throw new Error(`pauseBetweenS must be >= 0, got ${pauseBetweenS}`);
  const startTime = opts.startTime ?? Date.now();
  if (!Number.isFinite(startTime)) throw new Error(`startTime must be ms since the epoch, got ${startTime}`);
  const firstCycleNo = opts.firstCycleNo ?? 1;
  if (!Number.isInteger(firstCycleNo) || firstCycleNo < 0) throw new Error(`firstCycleNo must be a non-negative integer, got ${firstCycleNo}`);
  return { name, seed, pauseBetweenS, startTime, firstCycleNo, operator: opts.operator };
}

/** Cycle `index` of a run: its seed, and what its ticket header says about it. */
export interface CycleSlot {
  /** The schedule's seed + index. */
  seed: number;
  /** The load id is `L250314-004217`: date and cycle counter, unique per machine. */
  facts: TicketHeaderFacts;
}

/** Cycle `index` of program `program`, starting `offsetS` simulated seconds into the run. */
export function cycleSlot(s: RunSchedule, program: { programNo: number; text: string }, index: number, offsetS: number): CycleSlot {
  const seed = s.seed + index;
  const cycleNo = s.firstCycleNo + index;
  const startMs = s.startTime + offsetS * 1000;
  return {
    seed,
    facts: {
      programNo: program.programNo,
      programText: program.text,
      cycleNo,
      operator: s.operator ?? String(createPrng(seed).int(1, 9999)).padStart(4, '0'),
      loadId: `L${formatDate(startMs).slice(2).replaceAll('-', '')}-${String(cycleNo).padStart(6, '0')}`,
      startMs,
    },
  };
}

/** One cycle of the run, planned: the cycle, its ticket and the timed bytes. */
export interface CyclePlan<Cycle extends { durationS: number }, Header> {
  /** 0-based index in the run. */
  index: number;
  cycleNo: number;
  /** Simulated seconds from the start of the run to this cycle's t = 0. */
  offsetS: number;
  /** The machine clock at t = 0, ms since the epoch. */
  startMs: number;
  cycle: Cycle;
  header: Header;
  lines: TicketLine[];
  /** The bytes to send and when (simulated seconds from the start of the run). */
  chunks: TimedChunk[];
}

/** What the schedule needs of a planned cycle: how long it runs and when its last byte goes out. */
export interface SchedulableCycle {
  cycle: { durationS: number };
  chunks: readonly TimedChunk[];
}

/** The run's cycles in order, forever; cycle k+1 starts `pauseBetweenS` after cycle k ends (its run time
 * or its last byte, whichever is later). */
export function* scheduleCycles<P extends SchedulableCycle>(pauseBetweenS: number, plan: (index: number, offsetS: number) => P): Generator<P, never> {
  let offsetS = 0;
  for (let index = 0; ; index++) {
    const planned = plan(index, offsetS);
    yield planned;
    const lastAt = planned.chunks.reduce((m, c) => Math.max(m, c.atS), offsetS);
    offsetS = Math.max(offsetS + planned.cycle.durationS, lastAt) + pauseBetweenS;
  }
}
