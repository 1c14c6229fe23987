// The machines board as data: the device state, telemetry, verdicts and alarms the gateway produces,
// folded into one tile per device (link, program, cycle, phase, elapsed time, readings, T − T_sat, hold
// progress against the program's minimum, A0 for washers, alarms, last verdict) plus the running
// cycle's curve. It reads the same payloads the gateway publishes on MQTT (validated by the readers
// `watch` uses) and measures the hold with the same HoldMeter, so the board, `watch` and the record
// agree. Pure: no I/O, no clock (times come from the payloads).

import { readState, readTelemetry, type TelemetryPayload } from '../publish/payload-readers.js';
import { bandOf } from '../report/report-html.js';
import { HoldMeter, holdSpecOf } from '../verify/hold-meter.js';
import { a0Rate, isWasherProgram, type Program } from '../verify/index.js';
import type { CurvePoint, LiveCurve, Tile, TileAlarm, TileVerdict } from './live-wire.js';

export interface BoardDevice {
  id: string;
  type: string;
  /** The program the config sets for the device (used until the device reports one). */
  program?: string | undefined;
}

export interface BoardOptions {
  /** Points kept per running curve; beyond, every other point is dropped (the curve still spans the cycle). */
  maxPoints?: number;
  alarmsPerTile?: number;
}

type Catalog = Readonly<Record<string, Readonly<Program>>>;

/** Phases in which a device is not in a cycle. */
const IDLE = new Set(['idle', 'complete']);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** A0 as the verifier counts it: trapezoids of 10^((T−80)/10) over consecutive samples both in the
 * disinfect phase and at or above the threshold, coldest channel, no credit across a gap > maxGapS. */
class LiveA0 {
  value = 0;
  private prev: { ts: number; t: number } | null = null;
  constructor(
    private readonly thresholdC: number,
    private readonly maxGapS: number,
  ) {}

  add(ts: number, phase: string | null, t1: number | null, t2: number | null): void {
    const t = t2 === null ? t1 : t1 === null ? null : Math.min(t1, t2);
    if (phase !== 'disinfect' || t === null || t < this.thresholdC) {
      this.prev = null;
      return;
    }
    if (this.prev && ts > this.prev.ts) {
      const dt = (ts - this.prev.ts) / 1000;
      if (dt <= this.maxGapS) this.value += ((a0Rate(this.prev.t) + a0Rate(t)) / 2) * dt;
    }
    this.prev = { ts, t };
  }
}

interface RunningCycle {
  key: string;
  cycleNo: number | string | null;
  startTs: number;
  lastTs: number;
  running: boolean;
  points: CurvePoint[];
  /** Keep one point in `stride` (doubles each time the curve is thinned). */
  stride: number;
  sinceKept: number;
  hold: HoldMeter | null;
  a0: LiveA0 | null;
  program: string | null;
}

interface Entry {
  tile: Tile;
  cycle: RunningCycle | null;
  configProgram: string | null;
}

export class BoardModel {
  private readonly entries = new Map<string, Entry>();
  private readonly maxPoints: number;
  private readonly alarmsPerTile: number;
  private cycles = 0;

  constructor(
    devices: readonly BoardDevice[],
    private readonly programs: Catalog,
    opts: BoardOptions = {},
  ) {
    this.maxPoints = Math.max(16, opts.maxPoints ?? 1800);
    this.alarmsPerTile = opts.alarmsPerTile ?? 5;
    for (const d of devices) {
      this.entries.set(d.id, {
        configProgram: d.program ?? null,
        cycle: null,
        tile: {
          id: d.id,
          type: d.type,
          link: 'unknown',
          phase: null,
          program: d.program ?? null,
          programTitle: this.titleOf(d.program ?? null),
          cycleNo: null,
          running: false,
          since: null,
          cycleKey: null,
          elapsedS: null,
          reading: null,
          hold: null,
          a0: null,
          band: this.bandOf(d.program ?? null),
          alarms: [],
          last: null,
        },
      });
    }
  }

  tiles(): Tile[] {
    return [...this.entries.values()].map((e) => e.tile);
  }

  tile(id: string): Tile | undefined {
    return this.entries.get(id)?.tile;
  }

  curves(): Record<string, LiveCurve> {
    const out: Record<string, LiveCurve> = {};
    for (const [id, e] of this.entries) if (e.cycle && e.cycle.points.length) out[id] = { key: e.cycle.key, points: [...e.cycle.points] };
    return out;
  }

  /** A retained-state payload (`…/device/{id}/state`). The tile, or null for an unknown device or payload. */
  state(id: string, payload: unknown): Tile | null {
    const e = this.entries.get(id);
    const s = readState(payload);
    if (!e || !s.ok) return null;
    const t = e.tile;
    t.link = s.value.connected ? 'up' : 'down';
    t.since = s.value.since;
    t.phase = s.value.phase;
    if (s.value.cycleNo !== null) t.cycleNo = s.value.cycleNo;
    const program = s.value.program ?? e.configProgram;
    if (program !== t.program) this.setProgram(e, program);
    if (s.value.phase !== null && IDLE.has(s.value.phase) && e.cycle) {
      e.cycle.running = false;
      t.running = false;
    }
    return t;
  }

  /** A telemetry payload. The tile and the new curve point (null when the sample is not in a cycle). */
  telemetry(id: string, payload: unknown): { tile: Tile; key: string | null; point: CurvePoint | null } | null {
    const e = this.entries.get(id);
    const r = readTelemetry(payload);
    if (!e || !r.ok) return null;
    const s = r.value;
    const t = e.tile;
    t.reading = {
      ts: new Date(s.ts).toISOString(),
      temp_c: s.temp_c,
      temp2_c: s.temp2_c,
      pressure_kpa: s.pressure_kpa,
      tsat_c: s.tsat_c,
      tsatDiffK: s.temp_c !== null && s.tsat_c !== null ? round(s.temp_c - s.tsat_c, 2) : null,
    };
    if (s.phase !== null) t.phase = s.phase;
    if (s.cycleNo !== null) t.cycleNo = s.cycleNo;
    const inCycle = s.phase === null ? s.cycleNo !== null : !IDLE.has(s.phase);
    let c = e.cycle;
    if (inCycle) {
      const another = c !== null && s.cycleNo !== null && c.cycleNo !== null && String(c.cycleNo) !== String(s.cycleNo);
      if (!c || !c.running || another) c = this.openCycle(e, s);
    } else if (!c?.running) {
      return { tile: t, key: null, point: null };
    }
    if (!c) return { tile: t, key: null, point: null };
    if (s.ts < c.lastTs) return { tile: t, key: c.key, point: null }; // an older sample is a stray; the curve only grows
    c.lastTs = s.ts;
    c.hold?.add(s.ts, s.phase, s.temp_c, s.temp2_c);
    c.a0?.add(s.ts, s.phase, s.temp_c, s.temp2_c);
    if (!inCycle) {
      c.running = false; // the sample that ends the cycle still belongs to its curve
    }
    const point: CurvePoint = [round((s.ts - c.startTs) / 1000, 3), s.temp_c, s.temp2_c, s.pressure_kpa];
    this.keep(c, point);
    this.refresh(e);
    return { tile: t, key: c.key, point };
  }

  /** A cycle record of the device was stored. */
  verdict(id: string, v: TileVerdict): Tile | null {
    const e = this.entries.get(id);
    if (!e) return null;
    if (e.tile.last && e.tile.last.seq >= v.seq) return e.tile;
    e.tile.last = v;
    return e.tile;
  }

  /** An alarm record of the device was stored. */
  alarm(id: string, a: TileAlarm): Tile | null {
    const e = this.entries.get(id);
    if (!e) return null;
    e.tile.alarms = [a, ...e.tile.alarms].slice(0, this.alarmsPerTile);
    return e.tile;
  }

  /** After a restart: the open cycle's samples from the store, so the curve starts where it was. */
  seed(
    id: string,
    samples: readonly { ts: number; temp_c: number | null; temp2_c: number | null; pressure_kpa: number | null; phase: string | null }[],
    cycleNo: number | string | null,
  ): void {
    for (const s of samples) {
      this.telemetry(id, {
        ts: new Date(s.ts).toISOString(),
        temp_c: s.temp_c,
        temp2_c: s.temp2_c,
        pressure_kpa: s.pressure_kpa,
        phase: s.phase ?? 'conditioning',
        cycleNo,
      });
    }
  }

  private openCycle(e: Entry, s: TelemetryPayload): RunningCycle {
    const program = e.tile.program;
    const p = program && Object.hasOwn(this.programs, program) ? this.programs[program] : undefined;
    const spec = holdSpecOf(program, this.programs);
    const c: RunningCycle = {
      key: `${e.tile.id}:${s.ts}:${++this.cycles}`,
      cycleNo: s.cycleNo,
      startTs: s.ts,
      lastTs: s.ts - 1,
      running: true,
      points: [],
      stride: 1,
      sinceKept: 0,
      hold: spec ? new HoldMeter(spec) : null,
      a0: p && isWasherProgram(p) ? new LiveA0(p.a0ThresholdC, p.maxGapS) : null,
      program,
    };
    e.cycle = c;
    e.tile.cycleKey = c.key;
    e.tile.running = true;
    e.tile.alarms = [];
    return c;
  }

  private keep(c: RunningCycle, point: CurvePoint): void {
    if (++c.sinceKept < c.stride && c.points.length) return;
    c.sinceKept = 0;
    c.points.push(point);
    if (c.points.length > this.maxPoints) {
      c.points = c.points.filter((_, i) => i % 2 === 0 || i === c.points.length - 1);
      c.stride *= 2;
    }
  }

  private setProgram(e: Entry, program: string | null): void {
    e.tile.program = program;
    e.tile.programTitle = this.titleOf(program);
    e.tile.band = this.bandOf(program);
    const c = e.cycle;
    // the program is announced with the state at cycle start: a running cycle gets the matching meters
    if (c?.running && c.program !== program) {
      const spec = holdSpecOf(program, this.programs);
      const p = program && Object.hasOwn(this.programs, program) ? this.programs[program] : undefined;
      c.hold = spec ? new HoldMeter(spec) : null;
      c.a0 = p && isWasherProgram(p) ? new LiveA0(p.a0ThresholdC, p.maxGapS) : null;
      c.program = program;
    }
  }

  private refresh(e: Entry): void {
    const c = e.cycle;
    const t = e.tile;
    if (!c) return;
    t.running = c.running;
    t.elapsedS = round((c.lastTs - c.startTs) / 1000, 1);
    const h = c.hold?.reading();
    t.hold = h
      ? {
          seconds: round(h.seconds, 1),
          requiredS: h.requiredS,
          inPhase: h.inPhase,
          inBand: h.inBand,
          startS: h.inBand ? round(t.elapsedS - h.seconds, 1) : null,
        }
      : null;
    const p = c.program && Object.hasOwn(this.programs, c.program) ? this.programs[c.program] : undefined;
    t.a0 = c.a0 && p && isWasherProgram(p) ? { value: round(c.a0.value, 0), min: p.a0Min } : null;
  }

  private titleOf(program: string | null): string | null {
    return program && Object.hasOwn(this.programs, program) ? (this.programs[program] as Program).title : null;
  }

  private bandOf(program: string | null): { lo: number; hi: number } | null {
    return bandOf(program && Object.hasOwn(this.programs, program) ? this.programs[program] : undefined);
  }
}
