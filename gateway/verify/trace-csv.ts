// The trace CSV (docs/verification.md, "The trace format"): `t_s,temp_c,pressure_kpa,phase` in any column order, optional `temp2_c` and
// `result`. An empty cell is "no reading" (null). Lines starting with `#` are comments; `# result: ok|fail|
// aborted` (or a `result` column) carries the device's own result, so an exported cycle re-verifies to the
// verdict the gateway gave it (docs/verification.md). Anything else that is not what the format says is an error with
// the line and column, worded for the engineer who exported the file, never a silently wrong trace.

import { GatewayError } from '../../vocabulary/errors.js';
import { ALL_PHASES, isPhase } from '../../vocabulary/phases.js';
import type { DeviceResult, TraceSample } from './trace.js';

const REQUIRED = ['t_s', 'temp_c', 'pressure_kpa', 'phase'] as const;
const OPTIONAL = ['temp2_c', 'result'] as const;
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
    throw new TraceFormatError(
      lineNo,
      missing[0],
      `the header lacks ${missing.join(', ')} (expected ${REQUIRED.join(',')}, any order, optional ${OPTIONAL.join(', ')})`,
    );
  }
  return index;
}

/** The device result as the file spells it, and as the verifier names it. */
const RESULT_WORDS: Readonly<Record<string, DeviceResult>> = { ok: 'ok', fail: 'fault', aborted: 'aborted' };
const RESULT_WORD: Readonly<Record<DeviceResult, string>> = { ok: 'ok', fault: 'fail', aborted: 'aborted' };
const RESULT_COMMENT = /^result\s*:\s*(.*)$/i;

export interface TraceFile {
  samples: TraceSample[];
  /** The device's own result, from `# result: …` or the `result` column; absent when the file has none. */
  deviceResult?: DeviceResult;
  /** The text of each `#` line, without the `#`, in file order. */
  comments: string[];
}

/** A parse of a trace CSV that keeps the comments and the device result. Throws TraceFormatError. */
export function parseTraceFile(text: string): TraceFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const comments: string[] = [];
  let result: { value: DeviceResult; word: string; line: number } | undefined;
  const takeResult = (raw: string, lineNo: number): void => {
    const word = raw.trim().toLowerCase();
    const value = Object.hasOwn(RESULT_WORDS, word) ? RESULT_WORDS[word] : undefined;
    if (value === undefined) throw new TraceFormatError(lineNo, 'result', `expected ok, fail or aborted, found "${raw.trim()}"`);
    if (result && result.value !== value) throw new TraceFormatError(lineNo, 'result', `the result is "${word}" but line ${result.line} says "${result.word}"`);
    result ??= { value, word, line: lineNo };
  };
  const isComment = (l: string): boolean => l.trimStart().startsWith('#');
  const comment = (l: string, lineNo: number): void => {
    const body = l.trimStart().slice(1).trim();
    comments.push(body);
    const m = RESULT_COMMENT.exec(body);
    if (m) takeResult(m[1] as string, lineNo);
  };

  let headerAt = -1;
  for (let i = 0; i < lines.length && headerAt < 0; i++) {
    const l = lines[i] as string;
    if (isComment(l)) comment(l, i + 1);
    else if (l.trim() !== '') headerAt = i;
  }
  if (headerAt < 0) throw new TraceFormatError(1, undefined, `the file is empty; expected the header ${REQUIRED.join(',')}`);
  const headerLine = lines[headerAt] as string;
  const index = headerIndex(headerLine, headerAt + 1);
  const headerKey = headerLine
    .split(',')
    .map((h) => cell(h).toLowerCase())
    .join(',');
  const width = index.size;
  const hasProbe = index.has('temp2_c');
  const samples: TraceSample[] = [];
  let prevT = Number.NEGATIVE_INFINITY;
  let prevLine = 0;

  for (let i = headerAt + 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (isComment(line)) {
      comment(line, lineNo);
      continue;
    }
    const cells = line.split(',').map(cell);
    if (cells.map((c) => c.toLowerCase()).join(',') === headerKey) {
      throw new TraceFormatError(
        lineNo,
        undefined,
        'a second trace starts here: the file holds more than one cycle; verify one at a time (sterilink db export --seq N writes one)',
      );
    }
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
      if (!NUMBER.test(v) || !Number.isFinite(Number(v)))
        throw new TraceFormatError(lineNo, c, `"${v}" is not a number (use a decimal point, e.g. 134.2; leave the cell empty for no reading)`);
      return Number(v);
    };

    const t = num('t_s', true) as number;
    // Equal times are allowed: two readings printed in the same second (the verifier judges both).
    if (!(t >= prevT)) {
      throw new TraceFormatError(lineNo, 't_s', `time ${t} s is not after ${prevT} s on line ${prevLine}; rows must be in time order`);
    }
    const phaseText = get('phase');
    if (phaseText !== '' && !isPhase(phaseText)) {
      throw new TraceFormatError(lineNo, 'phase', `unknown phase "${phaseText}"; expected one of ${ALL_PHASES.join(', ')} (or empty)`);
    }
    if (index.has('result') && get('result') !== '') takeResult(get('result'), lineNo);
    const sample: TraceSample = { t, temp_c: num('temp_c', false) };
    if (hasProbe) sample.temp2_c = num('temp2_c', false);
    sample.pressure_kpa = num('pressure_kpa', false);
    if (phaseText !== '' && isPhase(phaseText)) sample.phase = phaseText;
    samples.push(sample);
    prevT = t;
    prevLine = lineNo;
  }
  return { samples, comments, ...(result && { deviceResult: result.value }) };
}

/** Parse a trace CSV's samples. Throws TraceFormatError naming the line and column of the first problem. */
export function parseTraceCsv(text: string): TraceSample[] {
  return parseTraceFile(text).samples;
}

const fmt = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? String(x) : '');

export interface TraceCsvOptions {
  /** Lines written first as `# …` comments. */
  comments?: readonly string[];
  /** Written as `# result: ok|fail|aborted` (the comment form, docs/verification.md). */
  deviceResult?: DeviceResult;
}

/**
 * Write samples as trace CSV. Numbers are written in their shortest exact form, so parseTraceCsv
 * gives the same values back (an absent value and NaN come back as null). The `temp2_c` column is
 * written only when some sample has the field.
 */
export function writeTraceCsv(samples: readonly TraceSample[], opts: TraceCsvOptions = {}): string {
  const hasProbe = samples.some((s) => s.temp2_c !== undefined);
  const header = hasProbe ? 't_s,temp_c,temp2_c,pressure_kpa,phase' : 't_s,temp_c,pressure_kpa,phase';
  const rows = (opts.comments ?? []).map((c) => `# ${c.replace(/[\r\n]+/g, ' ')}`);
  if (opts.deviceResult !== undefined) rows.push(`# result: ${RESULT_WORD[opts.deviceResult]}`);
  rows.push(header);
  for (const s of samples) {
    const cells = [fmt(s.t), fmt(s.temp_c)];
    if (hasProbe) cells.push(fmt(s.temp2_c));
    cells.push(fmt(s.pressure_kpa), s.phase ?? '');
    rows.push(cells.join(','));
  }
  return `${rows.join('\n')}\n`;
}
