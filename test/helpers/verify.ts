// Shared by the verification tests: the golden reference traces and their expected verdicts, presets by
// id, and a criterion of a result by id (each throws naming what is missing).
import { readFileSync } from 'node:fs';
import {
  type CriterionId,
  type CriterionResult,
  getProgram,
  type Program,
  parseTraceCsv,
  psatKpa,
  type TraceSample,
  type VerificationResult,
} from '../../gateway/verify/index.js';

const TRACES = new URL('../fixtures/traces/', import.meta.url);

/** One row of the traces' expected.json. */
export interface Golden {
  file: string;
  program: string;
  verdict: 'pass' | 'fail';
  mustFail?: string[];
  a0Approx?: number;
  a0Min?: number;
}

export const loadGoldens = (): Golden[] => JSON.parse(readFileSync(new URL('expected.json', TRACES), 'utf8')) as Golden[];

/** The samples of a golden trace file. */
export const golden = (file: string): TraceSample[] => parseTraceCsv(readFileSync(new URL(file, TRACES), 'utf8'));

export function program(id: string): Program {
  const p = getProgram(id);
  if (!p) throw new Error(`no preset ${id}`);
  return p;
}

export function crit(r: VerificationResult, id: CriterionId): CriterionResult {
  const c = r.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`no criterion ${id} in ${r.criteria.map((x) => x.id).join(',')}`);
  return c;
}

/** The ids of the criteria that failed. */
export const failed = (r: VerificationResult): string[] => r.criteria.filter((c) => c.pass === false).map((c) => c.id);

/** What a summary ticket can never prove (it prints no curve): these criteria are not provable (null) on one. */
export const NOT_PROVABLE_FROM_SUMMARY = { equilibration_time: null, sensor_agreement: null, temp_stability: null, data_complete: null } as const;

/**
 * A synthetic 1 Hz steam cycle: 60 s conditioning at 100 °C, 60 s heating to set + 1 K, `holdS` s (default
 * 300) sterilizing there, 60 s exhaust, 60 s drying, complete; saturated steam throughout. With `probe`, a load
 * probe: given t, the drain temperature then, and the drain temperature at any second.
 */
export function steamDrainTrace(
  o: { set?: number; holdS?: number; probe?: (t: number, drain: number, drainAt: (t: number) => number | undefined) => number } = {},
): TraceSample[] {
  const level = (o.set ?? 134) + 1;
  const rows: Array<[number, NonNullable<TraceSample['phase']>]> = [];
  for (let k = 0; k < 60; k++) rows.push([100, 'conditioning']);
  for (let k = 0; k < 60; k++) rows.push([100 + ((level - 100) * k) / 60, 'heating']);
  for (let k = 0; k <= (o.holdS ?? 300); k++) rows.push([level, 'sterilizing']);
  for (let k = 0; k < 60; k++) rows.push([level - ((level - 100) * k) / 60, 'exhaust']);
  for (let k = 0; k < 60; k++) rows.push([90, 'drying']);
  rows.push([90, 'complete']);
  const drainAt = (t: number): number | undefined => rows[t]?.[0];
  return rows.map(([temp, phase], t) => {
    const s: TraceSample = { t, temp_c: temp, pressure_kpa: psatKpa(temp), phase };
    if (o.probe) s.temp2_c = o.probe(t, temp, drainAt);
    return s;
  });
}
