// A text table that fits a width: columns take their natural width (header or widest cell, up to a
// maximum); when the sum is too wide, flexible columns shrink to their minimum (cells cut with '…'),
// then the least important columns are dropped. Cells are plain text; a column may style them after
// padding, so colours never disturb the alignment. Pure.
import { cell } from './text.js';

export interface Column {
  title: string;
  align?: 'left' | 'right';
  /** Hard minimum and maximum widths; the natural width lies between. */
  min: number;
  max: number;
  /** Lower = dropped first when even the minimums do not fit. Default 100 (never before others). */
  priority?: number;
  /** Called with the padded cell text and the row index. */
  style?: (padded: string, row: number) => string;
}

/** Header line plus one line per row; every line is at most `width` columns. */
export function layoutTable(
  columns: Column[],
  rows: string[][],
  width: number,
  opts: { ascii?: boolean; gap?: number; header?: (s: string) => string } = {},
): string[] {
  const natural = columns.map((c, i) => Math.min(c.max, Math.max(c.min, [...c.title].length, ...rows.map((r) => [...(r[i] ?? '')].length))));
  // Two spaces between columns when everything fits that way, else one.
  const gap = opts.gap ?? (natural.reduce((n, w) => n + w, 0) + 2 * (columns.length - 1) <= width ? 2 : 1);
  const widths = [...natural];
  let keep = columns.map((_, i) => i);
  const total = () => keep.reduce((n, i) => n + widths[i]!, 0) + gap * Math.max(0, keep.length - 1);
  // Shrink the widest shrinkable column one step at a time, so cuts are spread fairly.
  while (total() > width) {
    let widest = -1;
    for (const i of keep) if (widths[i]! > columns[i]!.min && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break;
    widths[widest]!--;
  }
  while (total() > width && keep.length > 1) {
    const drop = keep.reduce((lo, i) => ((columns[i]!.priority ?? 100) < (columns[lo]!.priority ?? 100) ? i : lo), keep[0]!);
    if ((columns[drop]!.priority ?? 100) >= 100) break;
    keep = keep.filter((i) => i !== drop);
  }
  const sep = ' '.repeat(gap);
  const head = keep
    .map((i) => cell(columns[i]!.title, widths[i]!, columns[i]!.align, opts.ascii))
    .join(sep)
    .trimEnd();
  const lines = [opts.header ? opts.header(head) : head];
  rows.forEach((r, row) => {
    lines.push(
      keep
        .map((i) => {
          const c = columns[i]!;
          const padded = cell(r[i] ?? '', widths[i]!, c.align, opts.ascii);
          return c.style ? c.style(padded, row) : padded;
        })
        .join(sep)
        .replace(/ +$/, ''),
    );
  });
  return lines;
}
