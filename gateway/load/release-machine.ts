// The release state machine of DESIGN §9 (pure: no I/O, no clock). One state per load (or daily-test
// cycle); each event returns the next state and at most one `release` record body. A decision is
// always recomputed from the load's facts (cycle verdict, daily gate, indicators, BI), so the order in
// which results arrive does not matter. Held loads move on; `released`, `quarantined` and `recalled`
// move only by a BI result, a recall, or a correction by an authorised operator.
//
// Transitions (→ status, reason code):
//   open                         → pending (load-closed)
//   cycle-verified               → decide(): quarantined (cycle-failed | bowie-dick-* | leak-test-* |
//                                  ci-failed | class5-failed | bi-positive) | awaiting-bd | awaiting-ci |
//                                  awaiting-bi | released (checks-passed); test cycles: released
//                                  (test-passed) | quarantined (test-failed | bowie-dick-failed) |
//                                  awaiting-bd (bowie-dick-sheet-pending)
//   indicator ci/class5          → decide() from a held status; a different second result is a
//                                  correction (authorised operators only), also from quarantined (ci-failed)
//   bd-sheet (test cycle)        → released | quarantined; a different second result is a correction
//   device-changed               → decide() for awaiting-bd and awaiting-bi loads (a daily test or a BI of the
//                                  sterilizer changed); also bowie-dick-failed ones when a sheet was corrected
//   bi-result negative/positive  → held: decide(); released_early → released (bi-confirmed) | recalled;
//                                  released → recalled on positive
//   early-release                → released_early, from awaiting-bi (or awaiting-ci of a load that needs a
//                                  BI), by an authorised operator with a class-5 pass; refused otherwise
//   recall                       → released/released_early → recalled; held → quarantined (recall)
//   cancel                       → held → quarantined (cancelled)
import { dailyGate, type DailyTest } from './daily-gate.js';
import { ciRequired, isAuthorised, type ReleasePolicy } from './release-policy.js';
import { isHeld, type CycleKind, type ReasonCode, type ReleaseEvidence, type ReleaseRecordBody, type ReleaseStatus } from './release-status.js';

export interface CycleFacts {
  recordId: string;
  verdict: 'pass' | 'fail';
  program: string | null;
  cycleNo: number | null;
  /** Criterion ids that failed. */
  failed: string[];
  startedAt: number;
  endedAt: number;
  /** The bowie_dick / leak_rate criteria as the cycle record has them (null: not applicable or unknown). */
  bowieDick: boolean | null;
  leakRate: boolean | null;
}
export interface IndicatorFact { result: 'pass' | 'fail'; operator: string; at: number }
export interface BiFact { result: 'negative' | 'positive'; recordId: string; at: number }

export interface ReleaseFacts {
  loadId: string;
  device: string;
  cycleId: string | null;
  kind: CycleKind;
  /** When the load entered the machine (cycle start hand-off, or the cycle record for an unscanned cycle). */
  closedAt: number;
  implant: boolean;
  /** A BI vial (PCD) was scanned into the load. */
  biVial: boolean;
  cycle: CycleFacts | null;
  ci: IndicatorFact | null;
  class5: IndicatorFact | null;
  /** Bowie–Dick test cycles: the indicator sheet as read by an operator. */
  bdSheet: IndicatorFact | null;
  bi: BiFact | null;
  recallRecordId: string | null;
}

export interface ReleaseState {
  facts: ReleaseFacts;
  status: ReleaseStatus;
  reasonCode: ReasonCode;
  /** id of the last release record of this load (what the next one supersedes). */
  lastRecordId: string | null;
}

/** What the machine needs besides the load: the policy and the device's facts, gathered by the caller. */
export interface ReleaseContext {
  policy: ReleasePolicy;
  /** The device's daily-test cycles (the gate picks today's, before this load). */
  tests: readonly DailyTest[];
  /** The device's last valid BI before this load was positive (and none negative since). */
  sterilizerBiHold: boolean;
}

export type ReleaseEvent =
  | { type: 'cycle-verified'; at: number; kind: CycleKind; cycle: CycleFacts }
  | { type: 'indicator'; at: number; operator: string; indicator: 'ci' | 'class5'; result: 'pass' | 'fail' }
  | { type: 'bd-sheet'; at: number; operator: string; result: 'pass' | 'fail' }
  | { type: 'device-changed'; at: number; operator: string | null; correction: boolean }
  | { type: 'bi-result'; at: number; result: 'negative' | 'positive'; recordId: string; recallRecordId?: string | null }
  | { type: 'early-release'; at: number; operator: string; class5?: 'pass' | 'fail' }
  | { type: 'recall'; at: number; recallRecordId: string; biRecordId: string }
  | { type: 'cancel'; at: number; operator: string; reason?: string };

export type RefusalCode = 'not-authorised' | 'no-class5-pass' | 'no-bi-needed' | 'wrong-state' | 'not-a-load' | 'not-a-bowie-dick-test' | 'correction-not-authorised';
export interface Refusal { code: RefusalCode; reason: string }
export interface StepResult { state: ReleaseState; record: ReleaseRecordBody | null; refused: Refusal | null }

interface Decision { status: ReleaseStatus; code: ReasonCode; reason: string }
interface Actor { at: number; operator: string | null; correction?: boolean }

const iso = (ms: number) => new Date(ms).toISOString();

/** Why this load must wait for a BI (empty: it need not). */
export function biRequirements(f: ReleaseFacts, ctx: ReleaseContext): string[] {
  const out: string[] = [];
  if (f.kind !== 'load' || ctx.policy.washers.includes(f.device)) return out;
  if (f.implant && ctx.policy.biForImplants) out.push('implant');
  if (f.biVial && ctx.policy.biForVialLoads) out.push('bi-vial');
  if (ctx.sterilizerBiHold && ctx.policy.holdAfterPositiveBi) out.push('sterilizer-bi-hold');
  return out;
}

const BI_WHY: Record<string, string> = {
  implant: 'the load contains an implant', 'bi-vial': 'a BI was loaded with it',
  'sterilizer-bi-hold': 'the sterilizer had a positive BI and no negative one since',
};

function decideTest(f: ReleaseFacts, c: CycleFacts): Decision {
  if (f.kind === 'leak-test') {
    return c.verdict === 'pass' && c.leakRate !== false
      ? { status: 'released', code: 'test-passed', reason: 'air-leak test passed' }
      : { status: 'quarantined', code: 'test-failed', reason: `air-leak test failed (${c.failed.join(', ') || 'verdict fail'})` };
  }
  if (c.verdict === 'fail') return { status: 'quarantined', code: 'test-failed', reason: `Bowie–Dick cycle failed verification (${c.failed.join(', ')})` };
  const sheet = f.bdSheet?.result ?? (c.bowieDick === true ? 'pass' : c.bowieDick === false ? 'fail' : null);
  if (sheet === 'pass') return { status: 'released', code: 'test-passed', reason: 'Bowie–Dick test passed: uniform colour change; sterilizer released for today' };
  if (sheet === 'fail') return { status: 'quarantined', code: 'bowie-dick-failed', reason: 'Bowie–Dick sheet failed: air removal or steam penetration failed; sterilizer not released' };
  return { status: 'awaiting-bd', code: 'bowie-dick-sheet-pending', reason: 'Bowie–Dick cycle passed its physical checks; waiting for the indicator sheet (CMD:BD-PASS / CMD:BD-FAIL)' };
}

/** The status the facts call for (loads and test cycles). */
export function decide(f: ReleaseFacts, ctx: ReleaseContext): Decision {
  const c = f.cycle;
  if (!c) return { status: 'pending', code: 'load-closed', reason: 'load closed; cycle running' };
  if (f.kind !== 'load') return decideTest(f, c);
  if (c.verdict === 'fail') return { status: 'quarantined', code: 'cycle-failed', reason: `cycle verification failed: ${c.failed.join(', ') || 'verdict fail'}` };
  if (f.bi?.result === 'positive') return { status: 'quarantined', code: 'bi-positive', reason: 'the load\'s biological indicator read positive' };
  const gate = dailyGate(ctx.policy, f.device, c.startedAt, ctx.tests);
  if (gate.state === 'blocked') return { status: 'quarantined', code: gate.code, reason: gate.reason };
  if (gate.state === 'waiting') return { status: 'awaiting-bd', code: gate.code, reason: gate.reason };
  if (f.ci?.result === 'fail') return { status: 'quarantined', code: 'ci-failed', reason: `chemical indicator failed (read by ${f.ci.operator})` };
  if (f.class5?.result === 'fail') return { status: 'quarantined', code: 'class5-failed', reason: `class-5 integrating indicator failed (read by ${f.class5.operator})` };
  if (ciRequired(ctx.policy, c.program) && f.ci?.result !== 'pass' && f.class5?.result !== 'pass') {
    return { status: 'awaiting-ci', code: 'ci-required', reason: `program ${c.program ?? '?'} requires a chemical-indicator result (CMD:CI-PASS / CMD:CI-FAIL)` };
  }
  const needs = biRequirements(f, ctx);
  if (needs.length > 0 && f.bi?.result !== 'negative') {
    return { status: 'awaiting-bi', code: 'bi-required', reason: `held for a valid negative BI: ${needs.map((n) => BI_WHY[n] ?? n).join('; ')}` };
  }
  if (needs.length > 0) return { status: 'released', code: 'checks-passed', reason: 'cycle verified, indicators passed and the BI read negative (with a positive control)' };
  return { status: 'released', code: 'checks-passed', reason: 'cycle verified and every required check passed' };
}

function evidence(f: ReleaseFacts, ctx: ReleaseContext): ReleaseEvidence {
  return {
    cycleRecordId: f.cycle?.recordId ?? null,
    verdict: f.cycle?.verdict ?? null,
    program: f.cycle?.program ?? null,
    ci: f.ci?.result ?? null,
    class5: f.class5?.result ?? null,
    bowieDickSheet: f.bdSheet?.result ?? null,
    biRequired: biRequirements(f, ctx),
    bi: f.bi ? { result: f.bi.result, recordId: f.bi.recordId } : null,
    recallRecordId: f.recallRecordId,
  };
}

function recordOf(prev: ReleaseState | null, next: ReleaseState, d: Decision, actor: Actor, ctx: ReleaseContext): ReleaseRecordBody {
  const f = next.facts;
  return {
    loadId: f.loadId, cycleId: f.cycleId, cycleNo: f.cycle?.cycleNo ?? null, device: f.device, cycleKind: f.kind,
    status: d.status, previousStatus: prev?.status ?? null, reasonCode: d.code, reason: d.reason,
    operator: actor.operator, decidedBy: actor.operator === null ? 'gateway' : 'operator',
    supersedes: prev?.lastRecordId ?? null, correction: actor.correction === true,
    evidence: evidence(f, ctx), scanRecordId: null, at: iso(actor.at),
  };
}

/** Moves to `d` (a record) when the status changes or the step is a correction; else keeps the facts only. */
function move(state: ReleaseState, facts: ReleaseFacts, d: Decision, actor: Actor, ctx: ReleaseContext): StepResult {
  if (d.status === state.status && !actor.correction) return { state: { ...state, facts }, record: null, refused: null };
  const next: ReleaseState = { facts, status: d.status, reasonCode: d.code, lastRecordId: state.lastRecordId };
  return { state: next, record: recordOf(state, next, d, actor, ctx), refused: null };
}

const refuse = (state: ReleaseState, code: RefusalCode, reason: string): StepResult => ({ state, record: null, refused: { code, reason } });
const same = (state: ReleaseState): StepResult => ({ state, record: null, refused: null });

/** A new load (or an unscanned cycle) enters the machine in `pending`. */
export function openRelease(facts: Omit<ReleaseFacts, 'cycle' | 'ci' | 'class5' | 'bdSheet' | 'bi' | 'recallRecordId'>, actor: Actor, ctx: ReleaseContext): StepResult {
  const full: ReleaseFacts = { ...facts, cycle: null, ci: null, class5: null, bdSheet: null, bi: null, recallRecordId: null };
  const d: Decision = { status: 'pending', code: 'load-closed', reason: actor.operator ? `load closed by ${actor.operator}; cycle running` : 'cycle running' };
  const state: ReleaseState = { facts: full, status: 'pending', reasonCode: 'load-closed', lastRecordId: null };
  return { state, record: recordOf(null, state, d, actor, ctx), refused: null };
}

/** Records the id the store gave the transition's record (the next record supersedes it). */
export function recorded(state: ReleaseState, recordId: string): ReleaseState {
  return { ...state, lastRecordId: recordId };
}

export function step(state: ReleaseState, ev: ReleaseEvent, ctx: ReleaseContext): StepResult {
  const f = state.facts;
  switch (ev.type) {
    case 'cycle-verified': {
      if (f.cycle?.recordId === ev.cycle.recordId) return same(state); // delivered twice (restart)
      const facts: ReleaseFacts = { ...f, kind: ev.kind, cycle: ev.cycle };
      if (!isHeld(state.status)) return same({ ...state, facts });
      return move(state, facts, decide(facts, ctx), { at: ev.at, operator: null }, ctx);
    }
    case 'indicator': {
      if (f.kind !== 'load') return refuse(state, 'not-a-load', `${f.kind} cycles have no ${ev.indicator === 'ci' ? 'chemical indicator' : 'class-5 indicator'} result`);
      const had = f[ev.indicator];
      if (had?.result === ev.result) return same(state);
      const correction = had !== null;
      if (correction && !isAuthorised(ctx.policy, ev.operator)) {
        return refuse(state, 'correction-not-authorised', `the ${ev.indicator === 'ci' ? 'CI' : 'class-5'} result was already entered as ${had.result} by ${had.operator}; only an authorised operator may correct it`);
      }
      const correctable = isHeld(state.status) || (correction && state.status === 'quarantined' && (state.reasonCode === 'ci-failed' || state.reasonCode === 'class5-failed'));
      if (!correctable) return refuse(state, 'wrong-state', `load is ${state.status}: an indicator result can no longer change it`);
      const facts: ReleaseFacts = { ...f, [ev.indicator]: { result: ev.result, operator: ev.operator, at: ev.at } };
      const d = decide(facts, ctx);
      const why = correction ? { ...d, reason: `correction by ${ev.operator}: ${ev.indicator === 'ci' ? 'CI' : 'class-5'} ${had.result} → ${ev.result}; ${d.reason}` } : d;
      return move(state, facts, why, { at: ev.at, operator: ev.operator, correction }, ctx);
    }
    case 'bd-sheet': {
      if (f.kind !== 'bowie-dick') return refuse(state, 'not-a-bowie-dick-test', 'not a Bowie–Dick cycle');
      const had = f.bdSheet;
      if (had?.result === ev.result) return same(state);
      const correction = had !== null;
      if (correction && !isAuthorised(ctx.policy, ev.operator)) {
        return refuse(state, 'correction-not-authorised', `the sheet was already read as ${had.result} by ${had.operator}; only an authorised operator may correct it`);
      }
      if (!correction && state.status !== 'awaiting-bd' && state.status !== 'pending') return refuse(state, 'wrong-state', `Bowie–Dick cycle is ${state.status}`);
      const facts: ReleaseFacts = { ...f, bdSheet: { result: ev.result, operator: ev.operator, at: ev.at } };
      const d = decide(facts, ctx);
      const why = correction ? { ...d, reason: `correction by ${ev.operator}: sheet ${had.result} → ${ev.result}; ${d.reason}` } : d;
      return move(state, facts, why, { at: ev.at, operator: ev.operator, correction }, ctx);
    }
    case 'device-changed': {
      if (f.kind !== 'load') return same(state);
      const reopen = ev.correction && state.status === 'quarantined' && state.reasonCode === 'bowie-dick-failed';
      if (state.status !== 'awaiting-bd' && state.status !== 'awaiting-bi' && !reopen) return same(state);
      return move(state, f, decide(f, ctx), { at: ev.at, operator: ev.operator, correction: reopen }, ctx);
    }
    case 'bi-result': {
      const facts: ReleaseFacts = { ...f, bi: { result: ev.result, recordId: ev.recordId, at: ev.at }, recallRecordId: ev.recallRecordId ?? f.recallRecordId };
      const actor = { at: ev.at, operator: null };
      if (isHeld(state.status)) return move(state, facts, decide(facts, ctx), actor, ctx);
      if (state.status === 'released_early') {
        return ev.result === 'negative'
          ? move(state, facts, { status: 'released', code: 'bi-confirmed', reason: 'the BI of this early-released load read negative (with a positive control): release confirmed' }, actor, ctx)
          : move(state, facts, { status: 'recalled', code: 'bi-positive', reason: 'the BI of this early-released load read positive: recall' }, actor, ctx);
      }
      if (state.status === 'released' && ev.result === 'positive') {
        return move(state, facts, { status: 'recalled', code: 'bi-positive', reason: 'the BI of this released load read positive: recall' }, actor, ctx);
      }
      return same({ ...state, facts });
    }
    case 'early-release': {
      if (f.kind !== 'load') return refuse(state, 'not-a-load', `${f.kind} cycles are not released early`);
      if (!isAuthorised(ctx.policy, ev.operator)) return refuse(state, 'not-authorised', `operator ${ev.operator} is not authorised for emergency release`);
      const needs = biRequirements(f, ctx);
      const early = state.status === 'awaiting-bi' || (state.status === 'awaiting-ci' && needs.length > 0);
      if (!early) {
        return needs.length === 0 && isHeld(state.status)
          ? refuse(state, 'no-bi-needed', 'this load does not wait for a BI: enter its indicator result instead')
          : refuse(state, 'wrong-state', `load is ${state.status}: emergency release is for loads held for their BI`);
      }
      const class5 = ev.class5 ?? f.class5?.result ?? null;
      if (class5 !== 'pass') return refuse(state, 'no-class5-pass', 'emergency release needs a passing class-5 integrating indicator (scan CMD:CI5-PASS first)');
      const facts: ReleaseFacts = ev.class5 ? { ...f, class5: { result: ev.class5, operator: ev.operator, at: ev.at } } : f;
      const d: Decision = { status: 'released_early', code: 'early-release', reason: `emergency release by ${ev.operator} on a passing class-5 indicator; BI still incubating (${needs.join(', ')})` };
      return move(state, facts, d, { at: ev.at, operator: ev.operator }, ctx);
    }
    case 'recall': {
      const facts: ReleaseFacts = { ...f, recallRecordId: ev.recallRecordId };
      const actor = { at: ev.at, operator: null };
      if (state.status === 'released' || state.status === 'released_early') {
        return move(state, facts, { status: 'recalled', code: 'recall', reason: `recalled: positive BI on this sterilizer since its last negative BI (bi record ${ev.biRecordId})` }, actor, ctx);
      }
      if (isHeld(state.status)) {
        return move(state, facts, { status: 'quarantined', code: 'recall', reason: `quarantined by a recall: positive BI on this sterilizer since its last negative BI (bi record ${ev.biRecordId})` }, actor, ctx);
      }
      return same({ ...state, facts });
    }
    case 'cancel': {
      if (!isHeld(state.status)) return refuse(state, 'wrong-state', `load is ${state.status}: only a held load can be cancelled`);
      return move(state, f, { status: 'quarantined', code: 'cancelled', reason: `cancelled by ${ev.operator}${ev.reason ? `: ${ev.reason}` : ''}` }, { at: ev.at, operator: ev.operator }, ctx);
    }
  }
}
