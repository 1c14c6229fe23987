// A small line chart of a curve, in braille (2×4 dots per character cell) or, for ASCII-only
// terminals, one '*' per cell. x is time (the whole span of the buckets), y is linear between the
// data's extremes (and the reference line, e.g. the set temperature, when given). Every bucket draws
// its whole min..max range and neighbouring columns are joined, so excursions and steep heat-ups show
// as connected strokes. Pure.
import type { CurveBucket } from './curve-buffer.js';

export interface ChartOptions {
  cols: number;
  rows: number;
  unicode: boolean;
  /** A horizontal dotted line at this value (included in the y range). */
  ref?: number | null;
}

export interface Chart {
  /** `rows` strings of `cols` characters each. */
  lines: string[];
  min: number;
  max: number;
  /** Row (0 = top) of the reference line, or null. */
  refRow: number | null;
}

const BRAILLE_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;

export function plotChart(buckets: readonly CurveBucket[], o: ChartOptions): Chart | null {
  const cols = Math.max(1, Math.floor(o.cols));
  const rows = Math.max(1, Math.floor(o.rows));
  if (buckets.length === 0) return null;
  const xs = o.unicode ? 2 : 1;
  const ys = o.unicode ? 4 : 1;
  const W = cols * xs;
  const H = rows * ys;

  let min = Math.min(...buckets.map((b) => b.lo));
  let max = Math.max(...buckets.map((b) => b.hi));
  const ref = o.ref !== undefined && o.ref !== null && Number.isFinite(o.ref) ? o.ref : null;
  if (ref !== null) {
    min = Math.min(min, ref);
    max = Math.max(max, ref);
  }
  if (max - min < 1) {
    const mid = (max + min) / 2;
    min = mid - 0.5;
    max = mid + 0.5;
  }
  const yDot = (v: number) => Math.min(H - 1, Math.max(0, Math.round(((max - v) / (max - min)) * (H - 1))));
  const t0 = buckets[0]!.t0;
  const span = buckets.at(-1)!.t1 - t0;
  const xDot = (t: number) => (span > 0 ? Math.min(W - 1, Math.max(0, Math.round(((t - t0) / span) * (W - 1)))) : 0);

  // Per x dot column: the y dot range drawn (top..bottom), from the buckets falling into it.
  const top = new Array<number>(W).fill(-1);
  const bottom = new Array<number>(W).fill(-1);
  const mark = (x: number, yTop: number, yBottom: number) => {
    if (top[x]! < 0) {
      top[x] = yTop;
      bottom[x] = yBottom;
    } else {
      top[x] = Math.min(top[x]!, yTop);
      bottom[x] = Math.max(bottom[x]!, yBottom);
    }
  };
  let prev: { x: number; y: number } | null = null;
  for (const b of buckets) {
    const x = xDot((b.t0 + b.t1) / 2);
    const yHi = yDot(b.hi);
    const yLo = yDot(b.lo);
    mark(x, yHi, yLo);
    if (prev && x > prev.x + 1) {
      // Join across empty columns (sparse samples): a straight line from the previous bucket.
      const yMid = (yHi + yLo) / 2;
      for (let xi = prev.x + 1; xi < x; xi++) {
        const y = Math.round(prev.y + ((yMid - prev.y) * (xi - prev.x)) / (x - prev.x));
        mark(xi, y, y);
      }
    }
    prev = { x, y: (yHi + yLo) / 2 };
  }
  // Join vertically to the previous column so a jump is one stroke, not two dots.
  for (let x = 1; x < W; x++) {
    if (top[x]! < 0 || top[x - 1]! < 0) continue;
    if (top[x]! > bottom[x - 1]! + 1) top[x] = bottom[x - 1]! + 1;
    if (bottom[x]! < top[x - 1]! - 1) bottom[x] = top[x - 1]! - 1;
  }

  const refDot = ref !== null ? yDot(ref) : null;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      let bits = 0;
      let data = false;
      for (let dx = 0; dx < xs; dx++) {
        const x = c * xs + dx;
        for (let dy = 0; dy < ys; dy++) {
          const y = r * ys + dy;
          const on = top[x]! >= 0 && y >= top[x]! && y <= bottom[x]!;
          const dotted = refDot === y && dx === 0 && c % 2 === 0;
          if (on) data = true;
          if (on || dotted) bits |= BRAILLE_BITS[dx]![dy]!;
        }
      }
      if (o.unicode) line += String.fromCharCode(0x2800 + bits);
      else line += data ? '*' : refDot === r && c % 2 === 0 ? '-' : ' ';
    }
    lines.push(line);
  }
  return { lines, min, max, refRow: refDot === null ? null : Math.floor(refDot / ys) };
}
