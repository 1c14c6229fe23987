// A recorded cycle's curve as inline SVG: temperature (drain, and the load probe when present) on the
// left axis, chamber pressure on the right, the sterilization (or disinfection) band and the hold
// window shaded. Pure and script-free, so it prints, archives and needs nothing from the network.
// Each series is reduced to the minimum and maximum per pixel column, so a two-hour 1 Hz cycle stays a
// few kB and a short excursion out of the band remains visible.
import { esc } from './format.js';

type Series = readonly (number | null)[];

export interface CurveData {
  /** Seconds from the cycle's first sample. */
  t_s: Series;
  temp_c: Series;
  temp2_c?: Series | undefined;
  pressure_kpa?: Series | undefined;
}

export interface CurveMarks {
  /** Temperature band of the program, °C. */
  band?: { lo: number; hi: number } | null;
  /** Hold (or time-at-temperature) window, seconds from the first sample. */
  hold?: { start: number; end: number } | null;
  /** Phase boundaries, seconds from the first sample (faint vertical lines). */
  phaseStarts?: readonly number[];
}

export interface CurveLabels {
  temp: string;
  temp2: string;
  pressure: string;
  band: string;
  hold: string;
  minutes: string;
}

export interface CurveSize {
  width: number;
  height: number;
}

/** Rough width of a legend text at font-size 10: CJK characters are square, Latin ones about 0.6 em. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 10 : 6;
  return w;
}

const COLORS = { temp: '#b3261e', temp2: '#d9822b', pressure: '#1f5fa8', band: '#2e7d32', grid: '#d9dde3', axis: '#4a5563' };
const M = { left: 46, right: 52, top: 22, bottom: 28 };

/** 1, 2 or 5 × 10^k: the step that gives about `count` ticks over `range`. */
export function niceStep(range: number, count: number): number {
  if (!(range > 0) || !(count > 0)) return 1;
  const raw = range / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

function extent(...series: (Series | undefined)[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (!s) continue;
    for (const v of s) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Polylines of one series, min/max per pixel column, broken where a value is missing. */
export function decimate(t: Series, v: Series, x: (t: number) => number, y: (v: number) => number): string[] {
  const lines: string[] = [];
  let pts: string[] = [];
  let col = Number.NaN;
  let lo: { i: number; v: number } | null = null;
  let hi: { i: number; v: number } | null = null;
  const flush = () => {
    if (!lo || !hi) return;
    const a = lo.i <= hi.i ? lo : hi;
    const b = lo.i <= hi.i ? hi : lo;
    pts.push(`${x(t[a.i] as number).toFixed(1)},${y(a.v).toFixed(1)}`);
    if (b.i !== a.i) pts.push(`${x(t[b.i] as number).toFixed(1)},${y(b.v).toFixed(1)}`);
    lo = hi = null;
  };
  const n = Math.min(t.length, v.length);
  for (let i = 0; i < n; i++) {
    const ti = t[i];
    const vi = v[i];
    if (ti === null || ti === undefined || vi === null || vi === undefined || !Number.isFinite(vi) || !Number.isFinite(ti)) {
      flush();
      if (pts.length) lines.push(pts.join(' '));
      pts = [];
      col = Number.NaN;
      continue;
    }
    const c = Math.floor(x(ti));
    if (c !== col) {
      flush();
      col = c;
    }
    if (!lo || vi < lo.v) lo = { i, v: vi };
    if (!hi || vi > hi.v) hi = { i, v: vi };
  }
  flush();
  if (pts.length) lines.push(pts.join(' '));
  return lines;
}

function ticks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** The SVG element (no XML declaration), or null when there is nothing to draw. */
export function renderCurveSvg(data: CurveData, marks: CurveMarks, labels: CurveLabels, size: CurveSize = { width: 720, height: 200 }): string | null {
  const tExt = extent(data.t_s);
  const tempExt = extent(data.temp_c, data.temp2_c);
  if (!tExt || !tempExt) return null;
  const { width: W, height: H } = size;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const tMax = Math.max(tExt[1], 1);
  const band = marks.band ?? null;
  let yLo = Math.min(tempExt[0], band?.lo ?? Infinity);
  let yHi = Math.max(tempExt[1], band?.hi ?? -Infinity);
  const tStep = niceStep(yHi - yLo || 10, 5);
  yLo = Math.floor(yLo / tStep) * tStep;
  yHi = Math.ceil(yHi / tStep) * tStep;
  if (yHi === yLo) yHi = yLo + tStep;
  const pExt = extent(data.pressure_kpa);
  const pHi = pExt ? Math.max(niceStep(pExt[1], 5) * Math.ceil(pExt[1] / niceStep(pExt[1], 5)), 1) : 0;
  const pStep = pExt ? niceStep(pHi, 5) : 0;

  const x = (t: number) => M.left + (t / tMax) * pw;
  const y = (v: number) => M.top + ph - ((v - yLo) / (yHi - yLo)) * ph;
  const yp = (v: number) => M.top + ph - (v / (pHi || 1)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="curve" viewBox="0 0 ${W} ${H}" width="100%" role="img" font-family="sans-serif" font-size="10">`);
  // band and hold window under everything
  if (band) {
    const top = y(Math.min(band.hi, yHi));
    const bottom = y(Math.max(band.lo, yLo));
    out.push(
      `<rect x="${M.left}" y="${top.toFixed(1)}" width="${pw}" height="${Math.max(bottom - top, 1).toFixed(1)}" fill="${COLORS.band}" fill-opacity="0.2"/>`,
    );
  }
  if (marks.hold && marks.hold.end > marks.hold.start) {
    const x0 = x(marks.hold.start);
    const x1 = x(Math.min(marks.hold.end, tMax));
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${M.top}" width="${Math.max(x1 - x0, 1).toFixed(1)}" height="${ph}" fill="${COLORS.band}" fill-opacity="0.10" stroke="${COLORS.band}" stroke-dasharray="4 3" stroke-width="1"/>`,
    );
    out.push(`<text x="${((x0 + x1) / 2).toFixed(1)}" y="${M.top + 11}" text-anchor="middle" fill="${COLORS.band}">${esc(labels.hold)}</text>`);
  }
  // grid and axes
  const tTicks = ticks(yLo, yHi, tStep);
  for (const v of tTicks) {
    out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${COLORS.grid}" stroke-width="0.6"/>`);
    out.push(`<text x="${M.left - 5}" y="${(y(v) + 3.5).toFixed(1)}" text-anchor="end" fill="${COLORS.temp}">${v}</text>`);
  }
  if (pExt) {
    for (const v of ticks(0, pHi, pStep)) out.push(`<text x="${M.left + pw + 5}" y="${(yp(v) + 3.5).toFixed(1)}" fill="${COLORS.pressure}">${v}</text>`);
  }
  const minutes = tMax / 60;
  const xStep = niceStep(minutes, 8);
  for (const m of ticks(0, minutes, xStep)) {
    const px = x(m * 60).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${M.top}" y2="${M.top + ph}" stroke="${COLORS.grid}" stroke-width="0.6"/>`);
    out.push(`<text x="${px}" y="${M.top + ph + 13}" text-anchor="middle" fill="${COLORS.axis}">${m}</text>`);
  }
  for (const s of marks.phaseStarts ?? []) {
    if (s <= 0 || s >= tMax) continue;
    const px = x(s).toFixed(1);
    out.push(
      `<line x1="${px}" x2="${px}" y1="${M.top}" y2="${M.top + ph}" stroke="${COLORS.axis}" stroke-opacity="0.35" stroke-dasharray="1 3" stroke-width="1"/>`,
    );
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="${COLORS.axis}" stroke-width="0.8"/>`);
  out.push(`<text x="${M.left + pw}" y="${H - 3}" text-anchor="end" fill="${COLORS.axis}">${esc(labels.minutes)}</text>`);
  out.push(`<text x="${M.left - 5}" y="${M.top - 8}" text-anchor="end" fill="${COLORS.temp}">°C</text>`);
  if (pExt) out.push(`<text x="${M.left + pw + 5}" y="${M.top - 8}" fill="${COLORS.pressure}">kPa</text>`);
  // series
  const line = (pts: string, color: string, widthPx: number, dash = '') =>
    `<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="${widthPx}" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  if (data.pressure_kpa && pExt) for (const p of decimate(data.t_s, data.pressure_kpa, x, yp)) out.push(line(p, COLORS.pressure, 1.2));
  if (data.temp2_c) for (const p of decimate(data.t_s, data.temp2_c, x, y)) out.push(line(p, COLORS.temp2, 1.3, '5 2'));
  for (const p of decimate(data.t_s, data.temp_c, x, y)) out.push(line(p, COLORS.temp, 1.6));
  // legend
  const legend: [string, string, string][] = [[labels.temp, COLORS.temp, '']];
  if (data.temp2_c && extent(data.temp2_c)) legend.push([labels.temp2, COLORS.temp2, '5 2']);
  if (pExt) legend.push([labels.pressure, COLORS.pressure, '']);
  let lx = M.left + 4;
  for (const [text, color, dash] of legend) {
    out.push(
      `<line x1="${lx}" x2="${lx + 18}" y1="${M.top - 9}" y2="${M.top - 9}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
    );
    out.push(`<text x="${lx + 22}" y="${M.top - 5.5}" fill="${COLORS.axis}">${esc(text)}</text>`);
    lx += 32 + textWidth(text);
  }
  if (band) {
    out.push(`<rect x="${lx}" y="${M.top - 14}" width="18" height="9" fill="${COLORS.band}" fill-opacity="0.25"/>`);
    out.push(`<text x="${lx + 22}" y="${M.top - 5.5}" fill="${COLORS.axis}">${esc(labels.band)} ${band.lo}–${band.hi} °C</text>`);
  }
  out.push('</svg>');
  return out.join('');
}
