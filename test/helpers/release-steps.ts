// The pure release machine driven as the store would: a load opened, events stepped in order, each record
// given an id so the next one can supersede it. Shared by the release-machine unit tests.
import type { DailyTest } from '../../gateway/load/daily-gate.js';
import type { GivenReason } from '../../gateway/load/given-reason.js';
import {
  type CycleFacts,
  openRelease,
  type ReleaseContext,
  type ReleaseEvent,
  type ReleaseFacts,
  type ReleaseState,
  recorded,
  step,
} from '../../gateway/load/release-machine.js';
import { DEFAULT_RELEASE_POLICY, type ReleasePolicy } from '../../gateway/load/release-policy.js';

export const T0 = Date.parse('2026-03-10T08:00:00Z'); // 09:00 in Berlin
export const H = 3600_000;
export const policy = (p: Partial<ReleasePolicy> = {}): ReleasePolicy => ({
  ...DEFAULT_RELEASE_POLICY,
  timeZone: 'Europe/Berlin',
  authorisedOperators: ['SUP1'],
  ...p,
});
export const ctx = (p: Partial<ReleasePolicy> = {}, tests: DailyTest[] = [], hold = false): ReleaseContext => ({
  policy: policy(p),
  tests,
  sterilizerBiHold: hold,
});
export const gated = (bowieDick: boolean, leakTest = false) => ({ gates: { 'AC-01': { bowieDick, leakTest } } });

export const cycle = (c: Partial<CycleFacts> = {}): CycleFacts => ({
  recordId: 'cyc-rec',
  verdict: 'pass',
  program: 'steam-134-4',
  cycleNo: 7,
  failed: [],
  startedAt: T0,
  endedAt: T0 + H,
  bowieDick: null,
  leakRate: null,
  ...c,
});
/** A daily test of `kind` (cycle id `<prefix>-<start>`), twenty minutes long from `startedAt`, with its result. */
const dailyTest =
  (kind: DailyTest['kind'], prefix: string) =>
  (startedAt: number, result: DailyTest['result']): DailyTest => ({
    kind,
    cycleId: `${prefix}-${startedAt}`,
    startedAt,
    endedAt: startedAt + 20 * 60_000,
    result,
  });
export const bd = dailyTest('bowie-dick', 'bd');
export const leak = dailyTest('leak-test', 'lt');

export type Facts = Partial<Pick<ReleaseFacts, 'implant' | 'biVial' | 'kind'>>;
let seq = 0;
/** Opens a load and gives every record an id, as the store would. */
export function open(f: Facts = {}, c: ReleaseContext = ctx()): { st: ReleaseState; ids: string[] } {
  const r = openRelease(
    { loadId: 'L1', device: 'AC-01', cycleId: 'C1', kind: 'load', closedAt: T0, implant: false, biVial: false, ...f },
    { at: T0, operator: 'OP7' },
    c,
  );
  const id = `rec-${++seq}`;
  return { st: recorded(r.state, id), ids: [id] };
}
/** Runs events, recording ids; returns the final state, all results and the ids. */
export function run(start: { st: ReleaseState; ids: string[] }, c: ReleaseContext, ...events: ReleaseEvent[]) {
  let st = start.st;
  const ids = [...start.ids];
  const results = events.map((ev) => {
    const r = step(st, ev, c);
    st = r.state;
    if (r.record) {
      const id = `rec-${++seq}`;
      ids.push(id);
      st = recorded(st, id);
    }
    return r;
  });
  return { st, results, ids, last: results.at(-1) };
}
export const verified = (c: Partial<CycleFacts> = {}, kind: ReleaseFacts['kind'] = 'load'): ReleaseEvent => ({
  type: 'cycle-verified',
  at: T0 + H,
  kind,
  cycle: cycle(c),
});
/** The reason `operator` scanned (CMD:REASON:<code>) before an early release or a correction. */
export const because = (operator: string, code = 'TRAUMA'): GivenReason => ({
  code,
  text: `${code} (site text)`,
  operator,
  at: new Date(T0 + H).toISOString(),
  scanRecordId: `scan-${code}`,
});
export const ci = (result: 'pass' | 'fail', operator = 'OP7', indicator: 'ci' | 'class5' = 'ci', reason?: GivenReason): ReleaseEvent => ({
  type: 'indicator',
  at: T0 + 2 * H,
  operator,
  indicator,
  result,
  ...(reason ? { reason } : {}),
});
export const bi = (result: 'negative' | 'positive'): ReleaseEvent => ({ type: 'bi-result', at: T0 + 5 * H, result, recordId: `bi-${result}` });
/** CMD:EARLY-RELEASE by `operator`; `reason` as scanned before it (none: no reason was given). */
export const earlyRelease = (operator: string, opts: { class5?: 'pass' | 'fail'; reason?: GivenReason | null } = {}): ReleaseEvent => ({
  type: 'early-release',
  at: T0 + 2 * H,
  operator,
  ...(opts.class5 ? { class5: opts.class5 } : {}),
  ...(opts.reason !== undefined ? { reason: opts.reason } : {}),
});
/** A reading of the load's BI that does not count (final: it cannot become valid later today). */
export const biInvalid = (
  result: 'negative' | 'positive' | 'invalid',
  final = true,
  reason = 'no positive control of lot L1 read positive on 2026-03-10',
): ReleaseEvent => ({
  type: 'bi-invalid',
  at: T0 + 5 * H,
  recordId: `bi-invalid-${result}`,
  result,
  reason,
  final,
});
