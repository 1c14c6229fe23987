// Shared by the verification tests: the golden reference traces and their expected verdicts, presets by
// id, and a criterion of a result by id (each throws naming what is missing).
import { readFileSync } from 'node:fs';
import {
  type CriterionId,
  type CriterionResult,
  getProgram,
  type Program,
  parseTraceCsv,
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
