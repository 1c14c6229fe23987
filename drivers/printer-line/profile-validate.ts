// validateProfile: every problem with some data as a printer-line profile (profile.ts), as
// `path: expected …, found …`, so a site's YAML profile is fixed in one go. Pure.

import { TextDecoder } from 'node:util';
import type { CycleEndStatus } from '../../vocabulary/device-event.js';
import { isPhase } from '../../vocabulary/phases.js';
import { GAUGE_PRESSURE_UNITS, PRESSURE_UNITS, type PressureUnit, TEMPERATURE_UNITS, type TemperatureUnit } from './units.js';

const END_STATUSES: readonly CycleEndStatus[] = ['ok', 'aborted', 'fault'];
const SEGMENTATIONS = ['ticket', 'flag'] as const;

/** Every field a profile may have (profile.ts); anything else is a typo. */
export const PROFILE_KEYS = [
  'name',
  'description',
  'encoding',
  'pressureUnit',
  'vacuumUnit',
  'temperatureUnit',
  'segmentation',
  'flag',
  'idleGapS',
  'ticketStart',
  'header',
  'sample',
  'alarm',
  'result',
  'ticketEnd',
  'summary',
  'ignore',
  'phaseMap',
  'resultMap',
  'programNumbers',
] as const;

interface GroupRule {
  required: readonly string[];
  allowed?: readonly string[];
}
/** Group rules per pattern; no `allowed` = any group name (header facts, summary facts). */
export const PATTERN_GROUPS = {
  ticketStart: { required: [] },
  header: { required: [] },
  sample: { required: ['hh', 'mm', 'ss', 'temp'], allowed: ['hh', 'mm', 'ss', 'ampm', 'temp', 'label', 'pressure', 'temp2', 'flag'] },
  alarm: { required: ['code'], allowed: ['code', 'text'] },
  result: { required: ['status'], allowed: ['status', 'text', 'code'] },
  ticketEnd: { required: [], allowed: [] },
  summary: { required: [] },
  ignore: { required: [], allowed: [] },
} as const satisfies Record<string, GroupRule>;

/** Every problem with `data` as a profile, as `path: expected …, found …`; empty when it is valid. */
export function validateProfile(data: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(data)) return [`profile: expected an object, found ${show(data)}`];

  for (const key of Object.keys(data)) {
    if (!(PROFILE_KEYS as readonly string[]).includes(key))
      problems.push(`${key}: expected one of the profile fields (${PROFILE_KEYS.join(', ')}), found an unknown field`);
  }
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
  if (data.vacuumUnit !== undefined && !GAUGE_PRESSURE_UNITS.includes(data.vacuumUnit as PressureUnit)) {
    problems.push(`vacuumUnit: expected one of ${GAUGE_PRESSURE_UNITS.join(', ')}, found ${show(data.vacuumUnit)}`);
  }
  if (data.temperatureUnit !== undefined && !TEMPERATURE_UNITS.includes(data.temperatureUnit as TemperatureUnit)) {
    problems.push(`temperatureUnit: expected one of ${TEMPERATURE_UNITS.join(', ')}, found ${show(data.temperatureUnit)}`);
  }
  if (data.idleGapS !== undefined && !(typeof data.idleGapS === 'number' && data.idleGapS > 0 && data.idleGapS <= 86_400)) {
    problems.push(`idleGapS: expected seconds, more than 0 and at most 86400, found ${show(data.idleGapS)}`);
  }
  const segmentation = data.segmentation ?? 'ticket';
  if (!SEGMENTATIONS.includes(segmentation as 'ticket')) {
    problems.push(`segmentation: expected one of ${SEGMENTATIONS.join(', ')}, found ${show(data.segmentation)}`);
  }

  const isTicket = segmentation !== 'flag';
  const hasSummary = data.summary !== undefined;
  checkPattern(problems, 'ticketStart', data.ticketStart, PATTERN_GROUPS.ticketStart, !isTicket);
  checkPattern(problems, 'sample', data.sample, PATTERN_GROUPS.sample, isTicket && hasSummary);
  checkPattern(problems, 'alarm', data.alarm, PATTERN_GROUPS.alarm, true);
  checkPattern(problems, 'result', data.result, PATTERN_GROUPS.result, !isTicket);
  checkPattern(problems, 'ticketEnd', data.ticketEnd, PATTERN_GROUPS.ticketEnd, true);
  checkPatternList(problems, 'header', data.header, PATTERN_GROUPS.header);
  checkPatternList(problems, 'ignore', data.ignore, PATTERN_GROUPS.ignore);
  for (const [i, source] of patternsOf(data.header).entries()) {
    const g = namedGroups(source);
    if (g.includes('hh') && !(g.includes('mm') && g.includes('ss')))
      problems.push(`header.${i}: expected the start time as (?<hh>…), (?<mm>…) and (?<ss>…), found only some of them`);
    const ymd = ['year', 'month', 'day'].filter((n) => g.includes(n));
    if (ymd.length > 0 && ymd.length < 3)
      problems.push(`header.${i}: expected the date as (?<year>…), (?<month>…) and (?<day>…), found only ${ymd.join(', ')}`);
  }
  if (hasSummary) checkSummary(problems, data.summary);
  if (!isTicket) checkFlag(problems, data.flag, data.sample);
  else if (data.flag !== undefined) problems.push(`flag: expected nothing unless segmentation is flag, found ${show(data.flag)}`);

  checkLabelMap(
    problems,
    'phaseMap',
    data.phaseMap,
    (phase) => (isPhase(phase) ? undefined : `expected a phase, found ${show(phase)}`),
    'label pattern -> phase',
  );
  if (data.result === undefined && isRecord(data.resultMap)) {
    checkResultMap(problems, data.resultMap);
  } else if (!isRecord(data.resultMap) || Object.keys(data.resultMap).length === 0) {
    problems.push(`resultMap: expected a non-empty object of status -> ${END_STATUSES.join('|')}, found ${show(data.resultMap)}`);
  } else {
    checkResultMap(problems, data.resultMap);
  }
  if (data.programNumbers !== undefined) {
    checkLabelMap(
      problems,
      'programNumbers',
      data.programNumbers,
      (n) => (Number.isSafeInteger(n) && (n as number) >= 0 ? undefined : `expected a program number (integer ≥ 0), found ${show(n)}`),
      'program text pattern -> number',
    );
  }
  return problems;
}

/** Names of the named capture groups in a regular-expression source. */
export function namedGroups(source: string): string[] {
  return [...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] ?? '');
}

function checkResultMap(problems: string[], map: Record<string, unknown>): void {
  for (const [status, end] of Object.entries(map)) {
    if (!END_STATUSES.includes(end as CycleEndStatus)) problems.push(`resultMap.${status}: expected one of ${END_STATUSES.join(', ')}, found ${show(end)}`);
  }
}

function checkLabelMap(problems: string[], path: string, map: unknown, checkValue: (v: unknown) => string | undefined, what: string): void {
  if (!isRecord(map)) {
    problems.push(`${path}: expected an object of ${what}, found ${show(map)}`);
    return;
  }
  for (const [key, value] of Object.entries(map)) {
    const error = regexError(key);
    if (error !== undefined) problems.push(`${path}.${key}: expected a regular expression, found an invalid one (${error})`);
    const valueProblem = checkValue(value);
    if (valueProblem !== undefined) problems.push(`${path}.${key}: ${valueProblem}`);
  }
}

function checkSummary(problems: string[], summary: unknown): void {
  if (!Array.isArray(summary)) {
    problems.push(`summary: expected a list of patterns (or {pattern, after}), found ${show(summary)}`);
    return;
  }
  summary.forEach((rule: unknown, i) => {
    const path = `summary.${i}`;
    let source: unknown = rule;
    if (isRecord(rule)) {
      for (const key of Object.keys(rule))
        if (key !== 'pattern' && key !== 'after') problems.push(`${path}.${key}: expected only pattern and after, found an unknown field`);
      source = rule.pattern;
      checkPattern(problems, `${path}.after`, rule.after, { required: [], allowed: [] }, true);
      checkPattern(problems, `${path}.pattern`, source, PATTERN_GROUPS.summary);
    } else {
      checkPattern(problems, path, source, PATTERN_GROUPS.summary);
    }
    if (typeof source === 'string') {
      const g = namedGroups(source);
      if (g.includes('phaseLabel') !== g.includes('phaseAt'))
        problems.push(`${path}: expected (?<phaseLabel>…) and (?<phaseAt>…) together, found only one of them`);
    }
  });
}

function checkFlag(problems: string[], flag: unknown, sample: unknown): void {
  if (typeof sample === 'string' && !namedGroups(sample).includes('flag')) {
    problems.push(`sample: expected a named group (?<flag>…) with segmentation flag, found none in ${show(sample)}`);
  }
  if (!isRecord(flag)) {
    problems.push(`flag: expected {on, before, during, after} with segmentation flag, found ${show(flag)}`);
    return;
  }
  for (const key of Object.keys(flag))
    if (!['on', 'before', 'during', 'after'].includes(key)) problems.push(`flag.${key}: expected only on, before, during, after, found an unknown field`);
  checkPattern(problems, 'flag.on', flag.on, { required: [], allowed: [] });
  for (const key of ['before', 'during', 'after'] as const) {
    if (!isPhase(flag[key])) problems.push(`flag.${key}: expected a phase, found ${show(flag[key])}`);
  }
}

function checkPattern(problems: string[], path: string, source: unknown, rule: GroupRule, optional = false): void {
  if (source === undefined && optional) return;
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

function patternsOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string' && regexError(x) === undefined) : [];
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
