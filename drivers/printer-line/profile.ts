// A printer-line profile: how one family of sterilizer tickets reads. Plain JSON-compatible data
// (regular-expression sources with named groups, a label -> phase table), so a site can add a vendor
// in its YAML config without code; validateProfile() lints it and names every problem at once.
//
// Named groups the parser understands:
//   ticketStart, header[]  any group becomes a header fact in cycle-start `info`, except
//                          `programNo` and `cycleNo` (integers) and `date` (YYYY-MM-DD, dates the lines).
//   sample                 hh, mm, ss, temp (required); label, pressure, temp2 (optional).
//   alarm                  code (required); text.
//   result                 status (required, looked up in resultMap); text, code.

import { TextDecoder } from 'node:util';
import { isPhase, type CycleEndStatus, type Phase } from '../device-event.js';

export type PressureUnit = 'kPa-gauge' | 'kPa-abs';

export interface PrinterLineProfile {
  readonly name: string;
  readonly description?: string;
  /** TextDecoder label for the byte stream, e.g. `latin1`, `utf-8`, `gb18030`. */
  readonly encoding: string;
  /** How pressures are printed; gauge values are converted with the device's atmosphericKpa. */
  readonly pressureUnit: PressureUnit;
  /** First line of a ticket: opens a cycle. */
  readonly ticketStart: string;
  /** Lines right after ticketStart that carry header facts (cycle number, date, operator ...). */
  readonly header: readonly string[];
  /** One measurement; with a label also a phase marker. */
  readonly sample: string;
  readonly alarm: string;
  /** Last line of a ticket: closes the cycle with resultMap[status]. */
  readonly result: string;
  /** Lines kept only as raw text (column headers, the machine's own summary). Empty lines always are. */
  readonly ignore: readonly string[];
  /** Sample label -> phase. Keys are regular-expression sources matched against the whole label,
   * case-insensitive, after trimming and collapsing runs of spaces; the first matching key wins. */
  readonly phaseMap: Readonly<Record<string, Phase>>;
  /** `status` group of the result line (upper-cased) -> cycle-end status. */
  readonly resultMap: Readonly<Record<string, CycleEndStatus>>;
}

export const PRESSURE_UNITS: readonly PressureUnit[] = ['kPa-gauge', 'kPa-abs'];
const END_STATUSES: readonly CycleEndStatus[] = ['ok', 'aborted', 'fault'];

interface GroupRule { required: readonly string[]; allowed?: readonly string[] }
/** Group rules per pattern; no `allowed` = any group name (header facts). */
export const PATTERN_GROUPS = {
  ticketStart: { required: [] },
  header: { required: [] },
  sample: { required: ['hh', 'mm', 'ss', 'temp'], allowed: ['hh', 'mm', 'ss', 'temp', 'label', 'pressure', 'temp2'] },
  alarm: { required: ['code'], allowed: ['code', 'text'] },
  result: { required: ['status'], allowed: ['status', 'text', 'code'] },
  ignore: { required: [], allowed: [] },
} as const satisfies Record<string, GroupRule>;

/** Every problem with `data` as a profile, as `path: expected …, found …`; empty when it is valid. */
export function validateProfile(data: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(data)) return [`profile: expected an object, found ${show(data)}`];

  if (typeof data.name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(data.name)) {
    problems.push(`name: expected a name of letters, digits, '-' or '_', found ${show(data.name)}`);
  }
  if (data.description !== undefined && typeof data.description !== 'string') {
    problems.push(`description: expected a string, found ${show(data.description)}`);
  }
  const encodingProblem = checkEncoding(data.encoding);
  if (encodingProblem !== undefined) problems.push(`encoding: ${encodingProblem}`);
  if (!PRESSURE_UNITS.includes(data.pressureUnit as PressureUnit)) {
    problems.push(`pressureUnit: expected one of ${PRESSURE_UNITS.join(', ')}, found ${show(data.pressureUnit)}`);
  }

  checkPattern(problems, 'ticketStart', data.ticketStart, PATTERN_GROUPS.ticketStart);
  checkPattern(problems, 'sample', data.sample, PATTERN_GROUPS.sample);
  checkPattern(problems, 'alarm', data.alarm, PATTERN_GROUPS.alarm);
  checkPattern(problems, 'result', data.result, PATTERN_GROUPS.result);
  checkPatternList(problems, 'header', data.header, PATTERN_GROUPS.header);
  checkPatternList(problems, 'ignore', data.ignore, PATTERN_GROUPS.ignore);

  if (!isRecord(data.phaseMap)) {
    problems.push(`phaseMap: expected an object of label pattern -> phase, found ${show(data.phaseMap)}`);
  } else {
    for (const [label, phase] of Object.entries(data.phaseMap)) {
      const error = regexError(label);
      if (error !== undefined) problems.push(`phaseMap.${label}: expected a regular expression, found an invalid one (${error})`);
      if (!isPhase(phase)) problems.push(`phaseMap.${label}: expected a phase, found ${show(phase)}`);
    }
  }
  if (!isRecord(data.resultMap) || Object.keys(data.resultMap).length === 0) {
    problems.push(`resultMap: expected a non-empty object of status -> ${END_STATUSES.join('|')}, found ${show(data.resultMap)}`);
  } else {
    for (const [status, end] of Object.entries(data.resultMap)) {
      if (!END_STATUSES.includes(end as CycleEndStatus)) {
        problems.push(`resultMap.${status}: expected one of ${END_STATUSES.join(', ')}, found ${show(end)}`);
      }
    }
  }
  return problems;
}

/** Names of the named capture groups in a regular-expression source. */
export function namedGroups(source: string): string[] {
  return [...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] ?? '');
}

function checkPattern(problems: string[], path: string, source: unknown, rule: GroupRule): void {
  if (typeof source !== 'string' || source === '') {
    problems.push(`${path}: expected a regular expression source, found ${show(source)}`);
    return;
  }
  const error = regexError(source);
  if (error !== undefined) {
    problems.push(`${path}: expected a valid regular expression, found ${show(source)} (${error})`);
    return;
  }
  const groups = namedGroups(source);
  for (const name of rule.required) {
    if (!groups.includes(name)) problems.push(`${path}: expected a named group (?<${name}>…), found none in ${show(source)}`);
  }
  if (rule.allowed !== undefined) {
    for (const name of groups) {
      if (!rule.allowed.includes(name)) {
        problems.push(`${path}: expected only the groups ${rule.allowed.join(', ') || '(none)'}, found (?<${name}>…)`);
      }
    }
  }
  if (new RegExp(source).test('')) problems.push(`${path}: expected a pattern that needs some text, found one matching the empty line`);
}

function checkPatternList(problems: string[], path: string, list: unknown, rule: GroupRule): void {
  if (!Array.isArray(list)) {
    problems.push(`${path}: expected a list of regular expression sources, found ${show(list)}`);
    return;
  }
  list.forEach((source: unknown, i) => checkPattern(problems, `${path}.${i}`, source, rule));
}

function checkEncoding(encoding: unknown): string | undefined {
  if (typeof encoding !== 'string') return `expected a text encoding label, found ${show(encoding)}`;
  let canonical: string;
  try {
    canonical = new TextDecoder(encoding).encoding;
  } catch {
    return `expected a text encoding known to TextDecoder, found ${show(encoding)}`;
  }
  if (['utf-16le', 'utf-16be', 'replacement'].includes(canonical)) {
    return `expected an ASCII-compatible encoding (lines are split on CR/LF bytes), found ${show(encoding)}`;
  }
  return undefined;
}

function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  if (x === undefined) return 'nothing';
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
