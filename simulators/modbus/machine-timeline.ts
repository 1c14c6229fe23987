// The simulated machine's register state as a pure function of the simulated clock: idle until the
// run begins, then cycle after cycle (`pauseBetweenS` apart), each sample shown for its simulated
// second with the device clock at that sample's time. A gap in the samples (the model's `dropout`)
// holds every register, clock included: the device stalled. After a cycle the end state (phase,
// result, alarm) stays for `showEndS`, then the machine goes idle with the clock ticking on.
// The `frozen` fault holds the temperature registers for a span while everything else moves.

import type { CycleSource, ModbusCycle, ModbusCycleSample } from './cycle-source.js';
import { type MachineState, phaseCode, RESULT_CODES } from './register-image.js';

export interface TimelineOptions {
  source: CycleSource;
  /** Simulated clock at simulated second 0, ms since the epoch. */
  startTime: number;
  firstCycleNo: number;
  pauseBetweenS: number;
  /** 0 = no limit. After the last cycle the machine stays idle. */
  cycles: number;
  /** Default min(60, pauseBetweenS / 2). */
  showEndS?: number;
  /** Temperature registers frozen for `forS` simulated seconds from `atS` (cycle seconds; default mid-plateau). */
  frozen?: { atS?: number; forS: number };
}

export interface PlannedCycle {
  index: number;
  cycleNo: number;
  /** Simulated second of the run at the cycle's t = 0. */
  startS: number;
  endS: number;
  cycle: ModbusCycle;
}

export type MachineStage = 'waiting' | 'running' | 'ended' | 'idle';

/** Cycle seconds of the middle of the plateau (sterilizing, disinfect, leak measurement), else of the cycle. */
export function midPlateauS(cycle: ModbusCycle): number {
  const plateau = cycle.samples.filter((s) => s.phase === 'sterilizing' || s.phase === 'disinfect' || s.phase === 'leak-measure');
  const first = plateau[0];
  const last = plateau[plateau.length - 1];
  return first !== undefined && last !== undefined ? Math.floor((first.t + last.t) / 2) : Math.floor(cycle.durationS / 2);
}

export class MachineTimeline {
  private readonly opts: TimelineOptions;
  private readonly showEndS: number;
  private readonly plans: PlannedCycle[] = [];
  private firstStartS: number | undefined;
  private readonly before: ModbusCycleSample;
  /** A steam jacket is kept hot between cycles; a washer has none. */
  private readonly jacketKpa: number | null;

  constructor(opts: TimelineOptions) {
    this.opts = opts;
    this.showEndS = opts.showEndS ?? Math.min(60, opts.pauseBetweenS / 2);
    const first = opts.source.cycle(0);
    this.before = first.samples[0] ?? { t: 0, temp_c: 20, phase: 'idle' };
    this.jacketKpa = first.jacketKpa;
    this.plans.push({ index: 0, cycleNo: opts.firstCycleNo, startS: Number.NaN, endS: Number.NaN, cycle: first });
  }

  /** Starts the first cycle at simulated second `startS` (rounded up to a whole second). Once. */
  begin(startS: number): void {
    if (this.firstStartS !== undefined) return;
    this.firstStartS = Math.ceil(startS);
    const p = this.plans[0] as PlannedCycle;
    p.startS = this.firstStartS;
    p.endS = p.startS + p.cycle.durationS;
  }

  get begun(): boolean {
    return this.firstStartS !== undefined;
  }

  /** The cycle running or last run at `simS` (undefined before the first one starts). */
  cycleAt(simS: number): { plan: PlannedCycle; stage: MachineStage } | undefined {
    if (this.firstStartS === undefined || simS < this.firstStartS) return undefined;
    let plan = this.plans[0] as PlannedCycle;
    for (;;) {
      const next = this.nextPlan(plan);
      if (next === undefined || simS < next.startS) break;
      plan = next;
    }
    const stage: MachineStage = simS < plan.endS ? 'running' : simS < plan.endS + this.showEndS ? 'ended' : 'idle';
    return { plan, stage };
  }

  /** Where the run is: waiting for its first cycle, in a cycle, showing its end, or idle. */
  stageAt(simS: number): MachineStage {
    return this.cycleAt(simS)?.stage ?? 'waiting';
  }

  /** Registers of the machine at simulated second `simS`. */
  stateAt(simS: number): MachineState {
    const { source, startTime } = this.opts;
    const tick = startTime + Math.floor(simS) * 1000;
    const at = this.cycleAt(simS);
    if (at === undefined) {
      const cycleNo = Math.max(0, this.opts.firstCycleNo - 1);
      return this.state('idle', cycleNo, source.programNo, this.before, null, 0, 0, RESULT_CODES.running, tick);
    }
    const { plan, stage } = at;
    const c = plan.cycle;
    if (stage === 'running') {
      const t = simS - plan.startS;
      const i = lastAtOrBefore(c.samples, t);
      const sample = c.samples[i] ?? this.before;
      const frozen = this.frozenSpan(c);
      const shown = frozen !== undefined && t >= frozen[0] && t < frozen[1] ? c.samples[lastAtOrBefore(c.samples, frozen[0])] : undefined;
      return this.state(
        sample.phase,
        plan.cycleNo,
        c.programNo,
        sample,
        shown ?? null,
        c.lethality[i] ?? 0,
        alarmAt(c, t),
        RESULT_CODES.running,
        startTime + (plan.startS + sample.t) * 1000,
      );
    }
    const last = c.samples[c.samples.length - 1] ?? this.before;
    const result = c.result === 'ok' ? RESULT_CODES.ok : c.result === 'aborted' ? RESULT_CODES.aborted : RESULT_CODES.failed;
    const lethality = c.lethality[c.lethality.length - 1] ?? 0;
    if (stage === 'ended') return this.state(last.phase, plan.cycleNo, c.programNo, last, null, lethality, alarmAt(c, c.durationS), result, tick);
    return this.state('idle', plan.cycleNo, c.programNo, last, null, lethality, 0, result, tick);
  }

  private frozenSpan(c: ModbusCycle): [number, number] | undefined {
    const f = this.opts.frozen;
    if (f === undefined) return undefined;
    const at = f.atS ?? midPlateauS(c);
    return [at, at + f.forS];
  }

  private nextPlan(plan: PlannedCycle): PlannedCycle | undefined {
    if (this.opts.cycles > 0 && plan.index + 1 >= this.opts.cycles) return undefined;
    const known = this.plans.find((p) => p.index === plan.index + 1);
    if (known !== undefined) return known;
    const cycle = this.opts.source.cycle(plan.index + 1);
    const startS = plan.endS + this.opts.pauseBetweenS;
    const next: PlannedCycle = { index: plan.index + 1, cycleNo: plan.cycleNo + 1, startS, endS: startS + cycle.durationS, cycle };
    this.plans.push(next);
    // Keep the first (the scan starts there) and the last two; older cycles are never shown again.
    while (this.plans.length > 3) this.plans.splice(1, 1);
    return next;
  }

  private state(
    phase: string,
    cycleNo: number,
    programNo: number,
    sample: ModbusCycleSample,
    frozen: ModbusCycleSample | null,
    lethality: number,
    alarmCode: number,
    resultCode: number,
    clockMs: number,
  ): MachineState {
    const temps = frozen ?? sample;
    return {
      phaseCode: phaseCode(this.opts.source.kind, phase),
      cycleNo,
      programNo,
      tempC: temps.temp_c,
      temp2C: temps.temp2_c ?? null,
      pressureKpa: sample.pressure_kpa ?? null,
      jacketKpa: this.jacketKpa,
      lethality,
      alarmCode,
      resultCode,
      clockMs,
    };
  }
}

/** Index of the last sample with t ≤ `t` (0 if none). */
function lastAtOrBefore(samples: readonly ModbusCycleSample[], t: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((samples[mid] as ModbusCycleSample).t <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The alarm register at cycle second `t`: the digits of the latest alarm's code (E23 -> 23), 0 if none. */
function alarmAt(c: ModbusCycle, t: number): number {
  let code = 0;
  for (const a of c.alarms) if (a.t <= t) code = Number(a.code.replace(/\D/g, '')) || 1;
  return code;
}
