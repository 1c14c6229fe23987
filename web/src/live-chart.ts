// One running cycle's curve on the board: temperature (drain, load probe) on the left axis, chamber
// pressure on the right, the program's sterilization band and the hold window shaded. uPlot draws on a
// canvas, so thousands of points redraw in a millisecond even on a Raspberry Pi's browser.

import type { CurvePoint } from '../../gateway/http/live-wire.js';
import uPlot from './vendor/uPlot.esm.js';

export interface ChartLabels {
  temp: string;
  temp2: string;
  pressure: string;
  /** Draw the chamber pressure (steam); washers have none worth a second axis. */
  showPressure: boolean;
}

interface Marks {
  band: { lo: number; hi: number } | null;
  hold: { start: number; end: number } | null;
}

/** Steps of the time axis, seconds: whole minutes once the cycle is a few minutes long. */
const X_STEPS_S = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200];

/** 90 -> 1′30″, 300 -> 5′ (device-time minutes since the cycle's first sample). */
function minutesLabel(s: number): string {
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return r ? `${m}′${String(r).padStart(2, '0')}″` : `${m}′`;
}

/** Points kept in the browser; beyond, every other one is dropped (the curve keeps its whole span). */
const MAX_POINTS = 3600;
const COLORS = { temp: '#b3261e', temp2: '#d9822b', pressure: '#1f5fa8', band: 'rgba(46,125,50,0.22)', hold: 'rgba(46,125,50,0.16)', holdEdge: '#2e7d32' };

export class LiveChart {
  private readonly plot: uPlot;
  private xs: number[] = [];
  private t1: (number | null)[] = [];
  private t2: (number | null)[] = [];
  private p: (number | null)[] = [];
  private marks: Marks = { band: null, hold: null };
  private readonly resize: ResizeObserver;
  key = '';

  constructor(
    private readonly host: HTMLElement,
    labels: ChartLabels,
  ) {
    const axisFont = '13px system-ui, sans-serif';
    const opts: uPlot.Options = {
      width: Math.max(200, host.clientWidth),
      height: Math.max(120, host.clientHeight || 170),
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false },
        t: { auto: true, range: (_u, lo, hi) => this.tempRange(lo, hi) },
        p: { auto: true, range: (_u, _lo, hi) => [0, Math.max(50, Math.ceil((hi * 1.08) / 50) * 50)] },
      },
      axes: [
        { stroke: '#4a5563', font: axisFont, grid: { stroke: '#e3e7ec', width: 1 }, incrs: X_STEPS_S, values: (_u, splits) => splits.map(minutesLabel) },
        { scale: 't', stroke: COLORS.temp, font: axisFont, grid: { stroke: '#e3e7ec', width: 1 }, size: 44 },
        { scale: 'p', side: 1, stroke: COLORS.pressure, font: axisFont, grid: { show: false }, size: 48, show: labels.showPressure },
      ],
      series: [
        {},
        { label: labels.temp, scale: 't', stroke: COLORS.temp, width: 2.2, points: { show: false } },
        { label: labels.temp2, scale: 't', stroke: COLORS.temp2, width: 1.6, dash: [6, 3], points: { show: false } },
        { label: labels.pressure, scale: 'p', stroke: COLORS.pressure, width: 1.5, points: { show: false }, show: labels.showPressure },
      ],
      hooks: { drawClear: [(u) => this.drawMarks(u)] },
    };
    this.plot = new uPlot(opts, [[], [], [], []], host);
    this.resize = new ResizeObserver(() => this.plot.setSize({ width: Math.max(200, host.clientWidth), height: Math.max(120, host.clientHeight || 170) }));
    this.resize.observe(host);
  }

  /** Starts a new cycle's curve with `points`. */
  reset(key: string, points: readonly CurvePoint[]): void {
    this.key = key;
    this.xs = [];
    this.t1 = [];
    this.t2 = [];
    this.p = [];
    this.append(points);
  }

  append(points: readonly CurvePoint[]): void {
    for (const [x, a, b, c] of points) {
      if (this.xs.length && x <= (this.xs[this.xs.length - 1] as number)) continue;
      this.xs.push(x);
      this.t1.push(a);
      this.t2.push(b);
      this.p.push(c);
    }
    if (this.xs.length > MAX_POINTS) {
      const keep = (_: unknown, i: number, all: readonly unknown[]) => i % 2 === 0 || i === all.length - 1;
      this.xs = this.xs.filter(keep);
      this.t1 = this.t1.filter(keep);
      this.t2 = this.t2.filter(keep);
      this.p = this.p.filter(keep);
    }
    this.plot.setData([this.xs, this.t1, this.t2, this.p]);
  }

  get length(): number {
    return this.xs.length;
  }

  setMarks(marks: Marks): void {
    const same = JSON.stringify(marks) === JSON.stringify(this.marks);
    this.marks = marks;
    if (!same) this.plot.redraw(false, false);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
  }

  private tempRange(lo: number | null, hi: number | null): uPlot.Range.MinMax {
    const band = this.marks.band;
    const a = Math.min(lo ?? 20, band?.lo ?? Infinity);
    const b = Math.max(hi ?? 40, band?.hi ?? -Infinity);
    return [Math.floor((a - 2) / 10) * 10, Math.ceil((b + 2) / 10) * 10];
  }

  private drawMarks(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const { band, hold } = this.marks;
    ctx.save();
    if (band) {
      const y0 = u.valToPos(band.hi, 't', true);
      const y1 = u.valToPos(band.lo, 't', true);
      ctx.fillStyle = COLORS.band;
      ctx.fillRect(left, Math.max(top, y0), width, Math.min(top + height, y1) - Math.max(top, y0));
    }
    if (hold && hold.end > hold.start) {
      const x0 = u.valToPos(hold.start, 'x', true);
      const x1 = u.valToPos(hold.end, 'x', true);
      ctx.fillStyle = COLORS.hold;
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      ctx.strokeStyle = COLORS.holdEdge;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.restore();
  }
}
