// The loaner set's timeline as a state machine (gateway/load/README.md "Loaner sets"; pure: no I/O, no clock). One
// state per visit (receipt to return); each event returns the next state, at most one `loaner` record body, the
// alarms to raise, or a refusal. Status and holds are recomputed from the facts (loaner-state.ts), so the order in
// which the washer, the sterilizer, the release and the BI report does not matter.
//
//   receive (desk, both badges)          → received
//   load-closed washer (cycle start)      → washing (a wash after a sterilization starts a new round)
//   washer-verdict pass / fail            → cleaned (every basket washed) / hold washer-failed + alarm
//   pack (desk: counts + internal CI)     → packed, or hold count-mismatch + alarm (a missing or extra item)
//   resolve (authorised operator, reason) → the count hold lifted: packed, or returned when it was the return's
//   load-closed sterilizer                → sterilizing (an implant load: BI required); alarms when the operation is
//                                           due before its BI can read, or when the set was not ready (not packed, held)
//   release (of its sterilizer load)      → awaiting-* keep sterilizing; released_early / released; quarantined /
//                                           recalled: a hold + alarm (a positive BI after an early release recalls it)
//   bi (a reading of its load's BI)       → recorded and published to the using department (the state)
//   overdue (tick)                        → hold return-overdue + alarm, once
//   return (desk, both badges, counts)    → returned (closed), or hold count-mismatch + alarm
import type { GivenReason } from './given-reason.js';
import { type LoanerPolicy, vendorOf } from './loaner-policy.js';
import type { LoanerLoadRef, LoanerRecordBody } from './loaner-record.js';
import {
  type CountCheck,
  countDifferences,
  holdsOf,
  type ItemCount,
  type LoanerFacts,
  type LoanerHold,
  type LoanerLoad,
  type LoanerState,
  type LoanerStep,
  mergeCounts,
  statusOf,
} from './loaner-state.js';
import type { ReleaseStatus } from './release-status.js';

export interface LoanerContext {
  policy: LoanerPolicy;
  /** Operators who may resolve a count hold (release.authorisedOperators). */
  authorisedOperators: readonly string[];
}

export interface Receipt {
  visitId: string;
  at: number;
  operator: string;
  representative: string;
  set: string;
  baskets: string[];
  caseRef: string;
  /** null: the policy's default lead time after receipt. */
  dueAt: number | null;
  expected: ItemCount[];
  scanRecordId: string | null;
}

export type LoanerEvent =
  | { type: 'load-closed'; at: number; load: { loadId: string; device: string; kind: 'washer' | 'sterilizer'; cycleId: string; baskets: string[] } }
  | { type: 'washer-verdict'; at: number; loadId: string; verdict: 'pass' | 'fail'; cycleRecordId: string | null; cycleNo: number | null }
  | {
      type: 'pack';
      at: number;
      operator: string;
      representative: string | null;
      counted: ItemCount[];
      ci: { operator: string; at: number; scanRecordId: string | null };
      scanRecordId: string | null;
    }
  | {
      type: 'release';
      at: number;
      loadId: string;
      status: ReleaseStatus;
      reasonCode: string | null;
      recordId: string;
      cycleRecordId: string | null;
      cycleNo: number | null;
      /** Who made the release step (the early release's authorised operator), null when the gateway's rules did. */
      operator?: string | null;
    }
  | { type: 'bi'; at: number; loadId: string; result: 'negative' | 'positive' | 'invalid'; valid: boolean; recordId: string; readAt: number }
  | { type: 'resolve'; at: number; operator: string; reason: GivenReason | null; scanRecordId: string | null }
  | { type: 'overdue'; at: number }
  | { type: 'return'; at: number; operator: string; representative: string; counted: ItemCount[]; scanRecordId: string | null };

export type LoanerAlarmCode =
  | 'loaner-count-mismatch'
  | 'loaner-washer-failed'
  | 'loaner-quarantined'
  | 'loaner-recalled'
  | 'loaner-return-overdue'
  | 'loaner-due-before-bi'
  | 'loaner-not-ready';

export interface LoanerAlarm {
  code: LoanerAlarmCode;
  text: string;
  refs: Record<string, string | number | null>;
}

export type LoanerRefusalCode = 'wrong-state' | 'not-cleaned' | 'nothing-to-resolve' | 'not-authorised' | 'no-reason' | 'wrong-vendor';

export interface LoanerStepResult {
  state: LoanerState;
  record: LoanerRecordBody | null;
  alarms: LoanerAlarm[];
  refused: { code: LoanerRefusalCode; reason: string } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const same = (state: LoanerState): LoanerStepResult => ({ state, record: null, alarms: [], refused: null });
const refuse = (state: LoanerState, code: LoanerRefusalCode, reason: string): LoanerStepResult => ({
  state,
  record: null,
  alarms: [],
  refused: { code, reason },
});

const describeCounts = (cs: readonly ItemCount[]) => {
  const items = cs.reduce((n, c) => n + c.count, 0);
  const implants = cs.filter((c) => c.implant).reduce((n, c) => n + c.count, 0);
  return `${items} item${items === 1 ? '' : 's'}${implants ? ` (${implants} implant${implants === 1 ? '' : 's'})` : ''}`;
};

/** "implant 0761234500001: expected 4, counted 3; …" */
export function describeDifferences(ds: readonly { item: string; expected: number; counted: number; implant: boolean }[]): string {
  return ds.map((d) => `${d.implant ? 'implant' : 'item'} ${d.item}: expected ${d.expected}, counted ${d.counted}`).join('; ');
}

const loadRef = (l: LoanerLoad): LoanerLoadRef => ({
  loadId: l.loadId,
  device: l.device,
  kind: l.kind,
  cycleId: l.cycleId,
  cycleNo: l.cycleNo,
  cycleRecordId: l.cycleRecordId,
  baskets: l.baskets,
});

interface Made {
  step: LoanerStep;
  text: string;
  at: number;
  operator?: string | null;
  representative?: string | null;
  extra?: Partial<LoanerRecordBody>;
  alarms?: LoanerAlarm[];
}

/** The next state from new facts, with the record of the step (always: every step is on the timeline). */
function made(state: LoanerState, facts: LoanerFacts, m: Made): LoanerStepResult {
  const next: LoanerState = { facts, status: statusOf(facts), holds: holdsOf(facts), lastRecordId: state.lastRecordId };
  const record: LoanerRecordBody = {
    set: facts.set,
    visit: facts.visitId,
    step: m.step,
    status: next.status,
    previousStatus: state.status,
    holds: next.holds,
    text: m.text,
    caseRef: facts.caseRef,
    vendor: facts.vendor,
    dueAt: iso(facts.dueAt),
    operator: m.operator ?? null,
    representative: m.representative ?? null,
    supersedes: state.lastRecordId,
    at: iso(m.at),
    ...m.extra,
  };
  return { state: next, record, alarms: m.alarms ?? [], refused: null };
}

const setName = (f: LoanerFacts) => `loaner set ${f.set} (case ${f.caseRef}, vendor ${f.vendor})`;

/** A receipt opens a visit. The caller checked the badges (operator signed in, representative of `vendor`). */
export function openVisit(r: Receipt, vendor: string, ctx: LoanerContext): LoanerStepResult {
  const expected = mergeCounts(r.expected);
  const facts: LoanerFacts = {
    visitId: r.visitId,
    set: r.set,
    baskets: r.baskets,
    vendor,
    caseRef: r.caseRef,
    dueAt: r.dueAt ?? r.at + ctx.policy.defaultDueMs,
    receivedAt: r.at,
    receivedBy: r.operator,
    representative: r.representative,
    expected,
    round: 1,
    loads: [],
    packing: null,
    countHold: null,
    bi: null,
    overdueAt: null,
    returned: null,
  };
  const blank: LoanerState = { facts, status: 'received', holds: [], lastRecordId: null };
  const out = made(blank, facts, {
    step: 'received',
    text: `received from representative ${r.representative} by ${r.operator}: ${r.baskets.length} basket${r.baskets.length === 1 ? '' : 's'}, ${describeCounts(expected)}; operation due ${iso(facts.dueAt)}${r.dueAt === null ? ' (default lead time: no due time scanned)' : ''}`,
    at: r.at,
    operator: r.operator,
    representative: r.representative,
    extra: { baskets: r.baskets, expected, scanRecordId: r.scanRecordId },
  });
  return { ...out, record: out.record ? { ...out.record, previousStatus: null } : null };
}

/** Records the id the store gave the step's record (the next one supersedes it). */
export function loanerRecorded(state: LoanerState, recordId: string): LoanerState {
  return { ...state, lastRecordId: recordId };
}

function countCheck(
  ev: { at: number; operator: string; representative: string | null; counted: ItemCount[]; scanRecordId: string | null },
  f: LoanerFacts,
): CountCheck {
  const counted = mergeCounts(ev.counted);
  return {
    at: ev.at,
    operator: ev.operator,
    representative: ev.representative,
    counted,
    differences: countDifferences(f.expected, counted),
    scanRecordId: ev.scanRecordId,
  };
}

function mismatchAlarm(f: LoanerFacts, phase: 'packing' | 'return', c: CountCheck): LoanerAlarm {
  const implants = c.differences.some((d) => d.implant);
  return {
    code: 'loaner-count-mismatch',
    text: `${setName(f)}: the counts at ${phase === 'packing' ? 'the packing check' : 'the return'} do not match the receipt (${describeDifferences(c.differences)})${implants ? ': a missing or extra implant' : ''}. The set is held until an authorised operator resolves it with a reason (CMD:REASON:<CODE>, CMD:LOANER-RESOLVE).`,
    refs: { set: f.set, visit: f.visitId, caseRef: f.caseRef },
  };
}

function onLoadClosed(state: LoanerState, ev: Extract<LoanerEvent, { type: 'load-closed' }>, ctx: LoanerContext): LoanerStepResult {
  const f = state.facts;
  if (f.returned && !f.countHold) return same(state);
  if (f.loads.some((l) => l.loadId === ev.load.loadId)) return same(state); // the same hand-off twice (restart)
  const load: LoanerLoad = {
    ...ev.load,
    at: ev.at,
    cycleNo: null,
    cycleRecordId: null,
    verdict: null,
    release: null,
    releaseReasonCode: null,
    releaseRecordId: null,
    early: false,
  };
  if (ev.load.kind === 'washer') {
    const reprocess = f.loads.some((l) => l.kind === 'sterilizer');
    // A wash invalidates the packing check; after a sterilization it starts a new round of reprocessing.
    const facts: LoanerFacts = reprocess
      ? { ...f, round: f.round + 1, loads: [load], packing: null, bi: null }
      : { ...f, loads: [...f.loads, load], packing: null };
    return made(state, facts, {
      step: 'washing',
      text: `in washer ${load.device} (load ${load.loadId}: ${load.baskets.join(', ')})${reprocess ? `: reprocessing, round ${facts.round}` : ''}`,
      at: ev.at,
      extra: { load: loadRef(load) },
    });
  }
  const biReadableAt = ev.at + ctx.policy.biReadoutMs;
  const dueBeforeBi = f.dueAt < biReadableAt;
  const problems: string[] = [];
  if (state.status !== 'packed') problems.push(`it is ${state.status}, not packed (no packing check with matching counts and an internal CI)`);
  const held = state.holds.filter((h) => h !== 'return-overdue');
  if (held.length) problems.push(`it is held (${held.join(', ')})`);
  const notReady = problems.length ? problems.join('; ') : null;
  const facts: LoanerFacts = { ...f, loads: [...f.loads, load] };
  const alarms: LoanerAlarm[] = [];
  const refs = { set: f.set, visit: f.visitId, caseRef: f.caseRef, loadId: load.loadId, cycleId: load.cycleId };
  if (notReady)
    alarms.push({
      code: 'loaner-not-ready',
      text: `${setName(f)} went into sterilizer ${load.device} although ${notReady}: take it out of use until its reprocessing is complete and documented.`,
      refs,
    });
  if (dueBeforeBi)
    alarms.push({
      code: 'loaner-due-before-bi',
      text: `${setName(f)} is in sterilizer ${load.device}; its operation is due ${iso(f.dueAt)}, before its BI can read (${iso(biReadableAt)}): only an emergency release on a class-5 indicator by an authorised operator with a reason can meet it.`,
      refs: { ...refs, dueAt: iso(f.dueAt), biReadableAt: iso(biReadableAt) },
    });
  return made(state, facts, {
    step: 'sterilizing',
    text: `in sterilizer ${load.device} (load ${load.loadId}): an implant load, held for its BI${dueBeforeBi ? `; the operation is due before the BI can read (${iso(biReadableAt)})` : ''}`,
    at: ev.at,
    extra: { load: loadRef(load), biReadableAt: iso(biReadableAt), dueBeforeBi, notReady },
    alarms,
  });
}

function withLoad(f: LoanerFacts, loadId: string, change: (l: LoanerLoad) => LoanerLoad): LoanerFacts {
  return { ...f, loads: f.loads.map((l) => (l.loadId === loadId ? change(l) : l)) };
}

export function stepVisit(state: LoanerState, ev: LoanerEvent, ctx: LoanerContext): LoanerStepResult {
  const f = state.facts;
  const closed = f.returned !== null && f.countHold === null;
  switch (ev.type) {
    case 'load-closed':
      return onLoadClosed(state, ev, ctx);
    case 'washer-verdict': {
      const load = f.loads.find((l) => l.loadId === ev.loadId && l.kind === 'washer');
      if (!load || load.verdict !== null || closed) return same(state);
      const facts = withLoad(f, ev.loadId, (l) => ({ ...l, verdict: ev.verdict, cycleRecordId: ev.cycleRecordId, cycleNo: ev.cycleNo }));
      const updated = facts.loads.find((l) => l.loadId === ev.loadId) as LoanerLoad;
      if (ev.verdict === 'fail') {
        return made(state, facts, {
          step: 'washer-failed',
          text: `washer ${load.device} cycle ${ev.cycleNo ?? '?'} failed; the set is held until its baskets pass a wash`,
          at: ev.at,
          extra: { load: loadRef(updated) },
          alarms: [
            {
              code: 'loaner-washer-failed',
              text: `${setName(f)}: washer ${load.device} cycle ${ev.cycleNo ?? '?'} failed verification; wash the set again before packing (it is held).`,
              refs: { set: f.set, visit: f.visitId, caseRef: f.caseRef, loadId: ev.loadId, cycleRecordId: ev.cycleRecordId },
            },
          ],
        });
      }
      return made(state, facts, {
        step: 'cleaned',
        text: `washer ${load.device} cycle ${ev.cycleNo ?? '?'} passed (${load.baskets.join(', ')})`,
        at: ev.at,
        extra: { load: loadRef(updated) },
      });
    }
    case 'pack': {
      if (f.returned) return refuse(state, 'wrong-state', `${setName(f)} was returned to the vendor`);
      if (!['cleaned', 'packed'].includes(state.status) || state.holds.includes('washer-failed'))
        return refuse(
          state,
          'not-cleaned',
          `${setName(f)} is ${state.status}${state.holds.length ? ` (held: ${state.holds.join(', ')})` : ''}: the packing check follows a passing wash of every basket`,
        );
      const c = countCheck(ev, f);
      const ci = ev.ci;
      if (c.differences.length > 0) {
        const facts: LoanerFacts = { ...f, packing: null, countHold: { ...c, phase: 'packing', ci } };
        return made(state, facts, {
          step: 'count-mismatch',
          text: `packing counts do not match the receipt (${describeDifferences(c.differences)}); held`,
          at: ev.at,
          operator: ev.operator,
          representative: ev.representative,
          extra: { counted: c.counted, differences: c.differences, ci: { operator: ci.operator, at: iso(ci.at) }, scanRecordId: ev.scanRecordId },
          alarms: [mismatchAlarm(f, 'packing', c)],
        });
      }
      const facts: LoanerFacts = { ...f, packing: { ...c, ci }, countHold: null };
      return made(state, facts, {
        step: 'packed',
        text: `packed by ${ev.operator}: counts match the receipt (${describeCounts(c.counted)}), internal CI placed`,
        at: ev.at,
        operator: ev.operator,
        representative: ev.representative,
        extra: { counted: c.counted, differences: [], ci: { operator: ci.operator, at: iso(ci.at) }, scanRecordId: ev.scanRecordId },
      });
    }
    case 'resolve': {
      const hold = f.countHold;
      if (!hold)
        return refuse(
          state,
          'nothing-to-resolve',
          `${setName(f)} has no count hold to resolve${state.holds.length ? ` (its holds: ${state.holds.join(', ')}, lifted by reprocessing or the return)` : ''}`,
        );
      if (!ctx.authorisedOperators.includes(ev.operator))
        return refuse(state, 'not-authorised', `operator ${ev.operator} is not authorised to resolve a count hold (release.authorisedOperators)`);
      if (!ev.reason || ev.reason.operator !== ev.operator)
        return refuse(state, 'no-reason', 'resolving a count hold needs your reason: scan CMD:REASON:<CODE> (release.reasons) first, then resolve again');
      const { phase: _phase, ci, ...check } = hold;
      const facts: LoanerFacts =
        hold.phase === 'packing'
          ? { ...f, countHold: null, packing: { ...check, ci: ci ?? { operator: hold.operator, at: hold.at, scanRecordId: null } } }
          : { ...f, countHold: null };
      const resolvedHold: LoanerHold = 'count-mismatch';
      return made(state, facts, {
        step: 'resolved',
        text: `the count difference at ${hold.phase === 'packing' ? 'packing' : 'the return'} (${describeDifferences(hold.differences)}) resolved by ${ev.operator}, reason ${ev.reason.code}: ${ev.reason.text}${hold.phase === 'return' ? '; returned to the vendor' : ''}`,
        at: ev.at,
        operator: ev.operator,
        extra: { givenReason: ev.reason, resolvedHold, differences: hold.differences, scanRecordId: ev.scanRecordId },
      });
    }
    case 'release': {
      const load = f.loads.find((l) => l.loadId === ev.loadId && l.kind === 'sterilizer');
      if (!load || ev.status === 'pending' || closed) return same(state);
      if (load.release === ev.status && load.releaseRecordId === ev.recordId) return same(state);
      const facts = withLoad(f, ev.loadId, (l) => ({
        ...l,
        release: ev.status,
        releaseReasonCode: ev.reasonCode,
        releaseRecordId: ev.recordId,
        cycleRecordId: ev.cycleRecordId ?? l.cycleRecordId,
        cycleNo: ev.cycleNo ?? l.cycleNo,
        early: l.early || ev.status === 'released_early',
      }));
      const updated = facts.loads.find((l) => l.loadId === ev.loadId) as LoanerLoad;
      const next = statusOf(facts);
      const alarms: LoanerAlarm[] = [];
      const refs = { set: f.set, visit: f.visitId, caseRef: f.caseRef, loadId: ev.loadId, releaseRecordId: ev.recordId };
      if (next === 'recalled' && state.status !== 'recalled')
        alarms.push({
          code: 'loaner-recalled',
          text: `${setName(f)} is recalled (${ev.reasonCode ?? 'recall'})${load.early ? ': it was released early for its operation and its BI did not confirm it' : ''}. Tell the operating room at once: the set must not be used; if it was used, follow the hospital's procedure for the case.`,
          refs,
        });
      if (next === 'quarantined' && state.status !== 'quarantined')
        alarms.push({
          code: 'loaner-quarantined',
          text: `${setName(f)}: its sterilizer load ${ev.loadId} is quarantined (${ev.reasonCode ?? '?'}); reprocess it from the wash before its operation.`,
          refs,
        });
      return made(state, facts, {
        step: 'release',
        text: `load ${ev.loadId} ${ev.status} (${ev.reasonCode ?? '-'})${ev.operator ? ` by ${ev.operator}` : ''}`,
        at: ev.at,
        operator: ev.operator ?? null,
        extra: { load: loadRef(updated), release: { status: ev.status, reasonCode: ev.reasonCode, recordId: ev.recordId } },
        alarms,
      });
    }
    case 'bi': {
      const load = f.loads.find((l) => l.loadId === ev.loadId && l.kind === 'sterilizer');
      if (!load || closed) return same(state);
      if (f.bi?.recordId === ev.recordId) return same(state);
      const facts: LoanerFacts = { ...f, bi: { result: ev.result, valid: ev.valid, recordId: ev.recordId, readAt: ev.readAt, loadId: ev.loadId } };
      const meaning = !ev.valid
        ? 'does not count (repeat the BI)'
        : ev.result === 'negative'
          ? load.early
            ? 'and counts: the early release is confirmed'
            : 'and counts'
          : ev.result === 'positive'
            ? 'and counts: the set is not sterile'
            : '';
      return made(state, facts, {
        step: 'bi',
        text: `the BI of load ${ev.loadId} read ${ev.result} ${meaning}`.trim(),
        at: ev.at,
        extra: { load: loadRef(load), bi: { result: ev.result, valid: ev.valid, recordId: ev.recordId, readAt: iso(ev.readAt) } },
      });
    }
    case 'overdue': {
      if (f.returned || f.overdueAt !== null) return same(state);
      const facts: LoanerFacts = { ...f, overdueAt: ev.at };
      const deadline = iso(f.dueAt + ctx.policy.returnWithinMs);
      return made(state, facts, {
        step: 'overdue',
        text: `not returned to the vendor by ${deadline}`,
        at: ev.at,
        alarms: [
          {
            code: 'loaner-return-overdue',
            text: `${setName(f)} was due back to the vendor by ${deadline} (operation due ${iso(f.dueAt)}) and has not been returned: find it and return it with its counts (CMD:LOANER-RETURN).`,
            refs: { set: f.set, visit: f.visitId, caseRef: f.caseRef, deadline },
          },
        ],
      });
    }
    case 'return': {
      if (closed) return refuse(state, 'wrong-state', `${setName(f)} was already returned`);
      if (vendorOf(ctx.policy, ev.representative) !== f.vendor)
        return refuse(state, 'wrong-vendor', `representative ${ev.representative} is not a representative of ${f.vendor}, whose set this is`);
      const c = countCheck(ev, f);
      if (c.differences.length > 0) {
        const facts: LoanerFacts = { ...f, returned: c, countHold: { ...c, phase: 'return' } };
        return made(state, facts, {
          step: 'count-mismatch',
          text: `return counts do not match the receipt (${describeDifferences(c.differences)}); held until resolved`,
          at: ev.at,
          operator: ev.operator,
          representative: ev.representative,
          extra: { counted: c.counted, differences: c.differences, scanRecordId: ev.scanRecordId },
          alarms: [mismatchAlarm(f, 'return', c)],
        });
      }
      const facts: LoanerFacts = { ...f, returned: c, countHold: null };
      return made(state, facts, {
        step: 'returned',
        text: `returned to representative ${ev.representative} by ${ev.operator}: counts match the receipt (${describeCounts(c.counted)})${state.status === 'released' || state.status === 'released_early' ? '' : ` (last status ${state.status})`}`,
        at: ev.at,
        operator: ev.operator,
        representative: ev.representative,
        extra: { counted: c.counted, differences: [], scanRecordId: ev.scanRecordId },
      });
    }
  }
}
