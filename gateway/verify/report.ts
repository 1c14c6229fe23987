// The human table `sterilink verify-trace` prints: one row per criterion, fixed width, plain text.

import { type CriterionResult, fmtNum, LIMIT_SENSE, type VerificationResult } from './criterion.js';

const RESULT = (pass: boolean | null): string => (pass === true ? 'pass' : pass === false ? 'FAIL' : 'n/a');

function withUnit(x: number | null, unit: string, signed = false): string {
  if (x === null) return '–';
  const digits = unit === 'kPa/min' ? 3 : unit === 's' && Math.abs(x) >= 100 ? 0 : 2;
  const n = fmtNum(x, digits);
  const text = signed && unit === 'K' && x > 0 ? `+${n}` : n;
  return unit ? `${text} ${unit}` : text;
}

function limitText(c: CriterionResult): string {
  if (c.limit === null) return '–';
  if (typeof c.limit === 'string') return c.limit;
  const sense = LIMIT_SENSE[c.id] ?? '';
  return `${sense} ${withUnit(c.limit, c.unit)}`.trim();
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** Plain-text, fixed-width table of a verification result, with a verdict line and the hold. */
export function formatVerificationTable(result: VerificationResult): string {
  const rows = result.criteria.map((c) => [c.id, RESULT(c.pass), withUnit(c.measured, c.unit, true), limitText(c), c.detail]);
  const header = ['criterion', 'result', 'measured', 'limit', 'detail'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i] as number)))
      .join('  ')
      .trimEnd();
  const hold = result.hold ? `hold t=${fmtNum(result.hold.start)}–${fmtNum(result.hold.end)} s (${fmtNum(result.hold.seconds)} s)` : 'no hold';
  const failed = result.criteria.filter((c) => c.pass === false).map((c) => c.id);
  const verdict = result.verdict === 'pass' ? 'PASS' : `FAIL (${failed.join(', ')})`;
  const st = result.stats;
  const out = [
    `program ${result.program}: ${verdict}`,
    `${st.samples} samples over ${fmtNum(st.durationS)} s, ${hold}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  return `${out.join('\n')}\n`;
}
