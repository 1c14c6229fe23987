// The trace CSV of DESIGN §6: `t_s,temp_c,pressure_kpa,phase` in any column order, optional `temp2_c`.
// An empty cell is "no reading" (null). Anything else that is not what the format says is an error with
// the line and column, worded for the engineer who exported the file, never a silently wrong trace.

import { isPhase, ALL_PHASES } from '../../drivers/device-event.js';
import { GatewayError } from '../errors.js';
import type { TraceSample } from './trace.js';

const REQUIRED = ['t_s', 'temp_c', 'pressure_kpa', 'phase'] as const;
const OPTIONAL = ['temp2_c'] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const KNOWN: readonly string[] = [...REQUIRED, ...OPTIONAL];

export class TraceFormatError extends GatewayError {
  /** 1-based line in the file. */
  readonly line: number;
  /** The column's header name, when the problem is in one column. */
  readonly column: string | undefined;
  constructor(line: number, column: string | undefined, message: string) {
    super('verify.trace-format', `line ${line}${column ? `, column ${column}` : ''}: ${message}`, { line, column });
    this.name = 'TraceFormatError';
    this.line = line;
    this.column = column;
  }
}

// Plain decimal or exponent notation; no "NaN", "Infinity", hex, or thousands separators.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function cell(raw: string): string {
  const s = raw.trim();
  // Spreadsheet exports quote some cells; the format never needs a comma inside a cell.
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).trim() : s;
}

function headerIndex(line: string, lineNo: number): Map<Column, number> {
  const names = line.split(',').map((h) => cell(h).toLowerCase());
  const index = new Map<Column, number>();
  names.forEach((name, i) => {
    if (!KNOWN.includes(name)) {
      const hint = name === '' ? 'an empty column name' : `unknown column "${name}"`;
      throw new TraceFormatError(lineNo, name || undefined, `${hint}; the header has ${REQUIRED.join(', ')} and optionally ${OPTIONAL.join(', ')}`);
    }
    if (index.has(name as Column)) throw new TraceFormatError(lineNo, name, `column "${name}" appears twice in the header`);
    index.set(name as Column, i);
  });
  const missing = REQUIRED.filter((c) => !index.has(c));
  if (missing.length) {
    throw new TraceFormatError(lineNo, missing[0], `the header lacks ${missing.join(', ')} (expected ${REQUIRED.join(',')}, any order, optional ${OPTIONAL.join(', ')})`);
  }
  return index;
}

/** Parse a trace CSV. Throws TraceFormatError naming the line and column of the first problem. */
export function parseTraceCsv(text: string): TraceSample[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new TraceFormatError(1, undefined, `the file is empty; expected the header ${REQUIRED.join(',')}`);
  const index = headerIndex(lines[headerAt] as string, headerAt + 1);
  const width = index.size;
  const hasProbe = index.has('temp2_c');
  const out: TraceSample[] = [];
  let prevT = Number.NEGATIVE_INFINITY;
  let prevLine = 0;

  for (let i = headerAt + 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',').map(cell);
    if (cells.length !== width) {
      throw new TraceFormatError(lineNo, undefined, `${cells.length} values but the header has ${width} columns`);
    }
    const get = (c: Column): string => cells[index.get(c) as number] as string;
    const num = (c: Column, required: boolean): number | null => {
      const v = get(c);
      if (v === '') {
        if (required) throw new TraceFormatError(lineNo, c, 'is empty; every row needs its time in seconds from cycle start');
        return null;
      }
      if (!NUMBER.test(v) || !Number.isFinite(Number(v))) throw new TraceFormatError(lineNo, c, `"${v}" is not a number (use a decimal point, e.g. 134.2; leave the cell empty for no reading)`);
      return Number(v);
    };

    const t = num('t_s', true) as number;
    if (!(t > prevT)) {
      throw new TraceFormatError(lineNo, 't_s', `time ${t} s is not after ${prevT} s on line ${prevLine}; rows must be in time order, one row per instant`);
    }
    const phaseText = get('phase');
    if (phaseText !== '' && !isPhase(phaseText)) {
      throw new TraceFormatError(lineNo, 'phase', `unknown phase "${phaseText}"; expected one of ${ALL_PHASES.join(', ')} (or empty)`);
    }
    const sample: TraceSample = { t, temp_c: num('temp_c', false) };
    if (hasProbe) sample.temp2_c = num('temp2_c', false);
    sample.pressure_kpa = num('pressure_kpa', false);
    if (phaseText !== '' && isPhase(phaseText)) sample.phase = phaseText;
    out.push(sample);
    prevT = t;
    prevLine = lineNo;
  }
  return out;
}

const fmt = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? String(x) : '');

/**
 * Write samples as trace CSV. Numbers are written in their shortest exact form, so parseTraceCsv
 * gives the same values back (an absent value and NaN come back as null). The `temp2_c` column is
 * written only when some sample has the field.
 */
export function writeTraceCsv(samples: readonly TraceSample[]): string {
  const hasProbe = samples.some((s) => s.temp2_c !== undefined);
  const header = hasProbe ? 't_s,temp_c,temp2_c,pressure_kpa,phase' : 't_s,temp_c,pressure_kpa,phase';
  const rows = [header];
  for (const s of samples) {
    const cells = [fmt(s.t), fmt(s.temp_c)];
    if (hasProbe) cells.push(fmt(s.temp2_c));
    cells.push(fmt(s.pressure_kpa), s.phase ?? '');
    rows.push(cells.join(','));
  }
  return `${rows.join('\n')}\n`;
}
