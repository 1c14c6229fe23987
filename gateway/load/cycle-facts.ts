// What the release machine reads from a signed `cycle` record (gateway/cycle/cycle-record.ts): the
// verdict, the program, the failed criteria and what kind of cycle it was. Pure; tolerant of a body
// from an older gateway (missing fields become null).
import type { SignedRecord } from '../store/record.js';
import type { CycleFacts } from './release-machine.js';
import type { CycleKind } from './release-status.js';

interface CriterionLike {
  id?: unknown;
  pass?: unknown;
}

const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const ms = (x: unknown, fallback: number): number => {
  const t = typeof x === 'string' ? Date.parse(x) : Number.NaN;
  return Number.isNaN(t) ? fallback : t;
};

function criteriaOf(body: Record<string, unknown>): CriterionLike[] {
  return Array.isArray(body.criteria) ? (body.criteria as unknown[]).filter((c): c is CriterionLike => c !== null && typeof c === 'object') : [];
}

/** bowie_dick criterion present: a Bowie–Dick cycle; leak_rate: an air-leak test; otherwise a load. */
export function cycleKindOf(body: Record<string, unknown>): CycleKind {
  const ids = new Set(criteriaOf(body).map((c) => c.id));
  if (ids.has('bowie_dick')) return 'bowie-dick';
  if (ids.has('leak_rate')) return 'leak-test';
  return 'load';
}

export interface VerifiedCycle {
  cycleId: string;
  device: string;
  kind: CycleKind;
  facts: CycleFacts;
}

/** The cycle record as release facts; null when it is not a cycle record of a device. */
export function verifiedCycleOf(record: SignedRecord): VerifiedCycle | null {
  if (record.type !== 'cycle' || !record.device) return null;
  const b = record.body;
  const cycleId = str(b.cycleId);
  if (!cycleId) return null;
  const criteria = criteriaOf(b);
  const pass = (id: string): boolean | null => {
    const c = criteria.find((x) => x.id === id);
    return c && typeof c.pass === 'boolean' ? c.pass : null;
  };
  const recTs = Date.parse(record.ts);
  const endedAt = ms(b.endedAt, recTs);
  return {
    cycleId,
    device: record.device,
    kind: cycleKindOf(b),
    facts: {
      recordId: record.id,
      verdict: b.verdict === 'pass' ? 'pass' : 'fail',
      program: str(b.program),
      cycleNo: num(b.cycleNo),
      failed: criteria.filter((c) => c.pass === false && typeof c.id === 'string').map((c) => c.id as string),
      startedAt: ms(b.startedAt, endedAt),
      endedAt,
      bowieDick: pass('bowie_dick'),
      leakRate: pass('leak_rate'),
    },
  };
}
