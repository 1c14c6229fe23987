// The release state machine (gateway/load/README.md; pure: no I/O, no clock). One state per load (or daily-test
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
//                                  correction (authorised operators only), also from quarantined (ci-failed);
//                                  a correction towards release needs a reason the operator gave.
//                                  A fail on a released / released_early load → recalled (+ recall, alarm)
//   bd-sheet (test cycle)        → released | quarantined; a different second result is a correction
//   device-changed               → decide() for awaiting-bd and awaiting-bi loads (a daily test or a BI of the
//                                  sterilizer changed); also bowie-dick-failed ones when a sheet was corrected
//   bi-result negative/positive  → held: decide(); released_early → released (bi-confirmed) | recalled;
//                                  released → recalled on positive
//   bi-invalid                   → no status change; an alarm: repeat the BI (and assess a released load)
//   early-release                → released_early, from awaiting-bi (or awaiting-ci of a load that needs a
//                                  BI), by an authorised operator with a class-5 pass and a reason he gave;
//                                  refused otherwise
//   recall                       → released/released_early → recalled; held → quarantined (recall)
//   cancel                       → held → quarantined (cancelled)
import { type DailyTest, dailyGate } from './daily-gate.js';
import type { GivenReason } from './given-reason.js';
import { failedAfterReleaseAlarm, invalidBiAlarm, type MachineAlarm } from './release-alarms.js';
import { ciRequired, isAuthorised, type ReleasePolicy } from './release-policy.js';
import type { CycleFacts, ReleaseFacts, ReleaseState } from './release-state.js';
import { type CycleKind, isHeld, type ReasonCode, type ReleaseEvidence, type ReleaseRecordBody, type ReleaseStatus } from './release-status.js';

export type { BiFact, CycleFacts, IndicatorFact, ReleaseFacts, ReleaseState } from './release-state.js';

/** What the machine needs besides the load: the policy and the device's facts, gathered by the caller. */
export interface ReleaseContext {
  policy: ReleasePolicy;
  /** The device's daily-test cycles (the gate picks today's, before this load). */
  tests: readonly DailyTest[];
  /** The device's last valid BI before this load was positive (and none negative since). */
  sterilizerBiHold: boolean;
}

/** `reason`: the reason the operator scanned (CMD:REASON:<CODE>) for an early release or a correction. */
export type ReleaseEvent =
  | { type: 'cycle-verified'; at: number; kind: CycleKind; cycle: CycleFacts }
  | { type: 'indicator'; at: number; operator: string; indicator: 'ci' | 'class5'; result: 'pass' | 'fail'; reason?: GivenReason | null }
  | { type: 'bd-sheet'; at: number; operator: string; result: 'pass' | 'fail'; reason?: GivenReason | null }
  | { type: 'device-changed'; at: number; operator: string | null; correction: boolean; reason?: GivenReason | null }
  | { type: 'bi-result'; at: number; result: 'negative' | 'positive'; recordId: string; recallRecordId?: string | null }
  /** A reading of the load's own BI that does not count (bi-linker judgeReading / a failed control). */
  | { type: 'bi-invalid'; at: number; recordId: string; result: 'negative' | 'positive' | 'invalid'; reason: string; final: boolean }
  | { type: 'early-release'; at: number; operator: string; class5?: 'pass' | 'fail'; reason?: GivenReason | null }
  | { type: 'recall'; at: number; recallRecordId: string; biRecordId: string }
  | { type: 'cancel'; at: number; operator: string; reason?: string };

export type RefusalCode =
  | 'not-authorised'
  | 'no-class5-pass'
  | 'no-bi-needed'
  | 'no-reason'
  | 'wrong-state'
  | 'not-a-load'
  | 'not-a-bowie-dick-test'
  | 'correction-not-authorised';
export interface Refusal {
  code: RefusalCode;
  reason: string;
}
/** The step asks the caller to write a `recall` record of this load alone (an indicator failed after release). */
export interface RecallRequest {
  indicator: 'ci' | 'class5';
  operator: string;
}
export interface StepResult {
  state: ReleaseState;
  record: ReleaseRecordBody | null;
  refused: Refusal | null;
  /** An `alarm` record to write (after the release record, if any). */
  alarm?: MachineAlarm;
  recall?: RecallRequest;
}
export type { MachineAlarm } from './release-alarms.js';

interface Decision {
  status: ReleaseStatus;
  code: ReasonCode;
  reason: string;
}
interface Actor {
  at: number;
  operator: string | null;
  correction?: boolean;
  reason?: GivenReason | null;
}

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
  implant: 'the load contains an implant',
  'bi-vial': 'a BI was loaded with it',
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
  if (sheet === 'pass')
    return { status: 'released', code: 'test-passed', reason: 'Bowie–Dick test passed: uniform colour change; sterilizer released for today' };
  if (sheet === 'fail')
    return {
      status: 'quarantined',
      code: 'bowie-dick-failed',
      reason: 'Bowie–Dick sheet failed: air removal or steam penetration failed; sterilizer not released',
    };
  return {
    status: 'awaiting-bd',
    code: 'bowie-dick-sheet-pending',
    reason: 'Bowie–Dick cycle passed its physical checks; waiting for the indicator sheet (CMD:BD-PASS / CMD:BD-FAIL)',
  };
}

/** The status the facts call for (loads and test cycles). */
export function decide(f: ReleaseFacts, ctx: ReleaseContext): Decision {
  const c = f.cycle;
  if (!c) return { status: 'pending', code: 'load-closed', reason: 'load closed; cycle running' };
  if (f.kind !== 'load') return decideTest(f, c);
  if (c.verdict === 'fail')
    return { status: 'quarantined', code: 'cycle-failed', reason: `cycle verification failed: ${c.failed.join(', ') || 'verdict fail'}` };
  if (f.bi?.result === 'positive') return { status: 'quarantined', code: 'bi-positive', reason: "the load's biological indicator read positive" };
  const gate = dailyGate(ctx.policy, f.device, c.startedAt, ctx.tests);
  if (gate.state === 'blocked') return { status: 'quarantined', code: gate.code, reason: gate.reason };
  if (gate.state === 'waiting') return { status: 'awaiting-bd', code: gate.code, reason: gate.reason };
  if (f.ci?.result === 'fail') return { status: 'quarantined', code: 'ci-failed', reason: `chemical indicator failed (read by ${f.ci.operator})` };
  if (f.class5?.result === 'fail')
    return { status: 'quarantined', code: 'class5-failed', reason: `class-5 integrating indicator failed (read by ${f.class5.operator})` };
  if (ciRequired(ctx.policy, c.program) && f.ci?.result !== 'pass' && f.class5?.result !== 'pass') {
    return {
      status: 'awaiting-ci',
      code: 'ci-required',
      reason: `program ${c.program ?? '?'} requires a chemical-indicator result (CMD:CI-PASS / CMD:CI-FAIL)`,
    };
  }
  const needs = biRequirements(f, ctx);
  if (needs.length > 0 && f.bi?.result !== 'negative') {
    return { status: 'awaiting-bi', code: 'bi-required', reason: `held for a valid negative BI: ${needs.map((n) => BI_WHY[n] ?? n).join('; ')}` };
  }
  if (needs.length > 0)
    return { status: 'released', code: 'checks-passed', reason: 'cycle verified, indicators passed and the BI read negative (with a positive control)' };
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
    loadId: f.loadId,
    cycleId: f.cycleId,
    cycleNo: f.cycle?.cycleNo ?? null,
    device: f.device,
    cycleKind: f.kind,
    status: d.status,
    previousStatus: prev?.status ?? null,
    reasonCode: d.code,
    reason: d.reason,
    operator: actor.operator,
    decidedBy: actor.operator === null ? 'gateway' : 'operator',
    supersedes: prev?.lastRecordId ?? null,
    correction: actor.correction === true,
    givenReason: actor.reason ?? null,
    evidence: evidence(f, ctx),
    scanRecordId: null,
    at: iso(actor.at),
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

/** Why `operator` may not do `what` for want of a reason he gave, or null when his reason is there. */
function missingReason(reason: GivenReason | null | undefined, operator: string, what: string): string | null {
  if (!reason) return `${what} needs a reason: scan the reason code (CMD:REASON:<CODE>, from release.reasons) first, then scan again`;
  if (reason.operator !== operator) return `${what} needs ${operator}'s own reason: the reason ${reason.code} was scanned by ${reason.operator}`;
  return null;
}
const indicatorName = (i: 'ci' | 'class5') => (i === 'ci' ? 'CI' : 'class-5');
const because = (r: GivenReason | null | undefined) => (r ? ` (reason ${r.code}: ${r.text})` : '');

/**
 * An indicator read as failed after the load was released (WS 310.3, reference/standards.md §1.7: an indicator
 * failure means the load is not used; after release that is a recall, whoever reads it: never refused).
 */
function failedAfterRelease(state: ReleaseState, ev: Extract<ReleaseEvent, { type: 'indicator' }>, ctx: ReleaseContext): StepResult {
  const f = state.facts;
  const had = f[ev.indicator];
  const facts: ReleaseFacts = { ...f, [ev.indicator]: { result: 'fail', operator: ev.operator, at: ev.at } };
  const earlier = had ? ` (read ${had.result} by ${had.operator} before)` : '';
  const d: Decision = {
    status: 'recalled',
    code: ev.indicator === 'ci' ? 'ci-failed' : 'class5-failed',
    reason: `${indicatorName(ev.indicator)} indicator read as failed by ${ev.operator} after the load was ${state.status}${earlier}${because(ev.reason)}: recalled`,
  };
  const r = move(state, facts, d, { at: ev.at, operator: ev.operator, reason: ev.reason ?? null }, ctx);
  return { ...r, recall: { indicator: ev.indicator, operator: ev.operator }, alarm: failedAfterReleaseAlarm(state, ev.indicator, ev.operator) };
}

/** A new load (or an unscanned cycle) enters the machine in `pending`. */
export function openRelease(
  facts: Omit<ReleaseFacts, 'cycle' | 'ci' | 'class5' | 'bdSheet' | 'bi' | 'recallRecordId'>,
  actor: Actor,
  ctx: ReleaseContext,
): StepResult {
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
      if (f.kind !== 'load')
        return refuse(state, 'not-a-load', `${f.kind} cycles have no ${ev.indicator === 'ci' ? 'chemical indicator' : 'class-5 indicator'} result`);
      const had = f[ev.indicator];
      if (had?.result === ev.result) return same(state);
      if (ev.result === 'fail' && (state.status === 'released' || state.status === 'released_early')) return failedAfterRelease(state, ev, ctx);
      const correction = had !== null;
      if (correction && !isAuthorised(ctx.policy, ev.operator)) {
        return refuse(
          state,
          'correction-not-authorised',
          `the ${indicatorName(ev.indicator)} result was already entered as ${had.result} by ${had.operator}; only an authorised operator may correct it`,
        );
      }
      const correctable =
        isHeld(state.status) || (correction && state.status === 'quarantined' && (state.reasonCode === 'ci-failed' || state.reasonCode === 'class5-failed'));
      if (!correctable)
        return refuse(
          state,
          'wrong-state',
          `load is ${state.status}${state.status === 'quarantined' ? ` (${state.reasonCode})` : ''}: a ${indicatorName(ev.indicator)} ${ev.result} can no longer change it`,
        );
      // A correction towards release needs the operator's reason; one towards quarantine never waits for it.
      const noReason =
        correction && ev.result === 'pass' ? missingReason(ev.reason, ev.operator, `correcting the ${indicatorName(ev.indicator)} result to pass`) : null;
      if (noReason) return refuse(state, 'no-reason', noReason);
      const facts: ReleaseFacts = { ...f, [ev.indicator]: { result: ev.result, operator: ev.operator, at: ev.at } };
      const d = decide(facts, ctx);
      const why = correction
        ? { ...d, reason: `correction by ${ev.operator}: ${indicatorName(ev.indicator)} ${had.result} → ${ev.result}${because(ev.reason)}; ${d.reason}` }
        : d;
      return move(state, facts, why, { at: ev.at, operator: ev.operator, correction, reason: correction ? (ev.reason ?? null) : null }, ctx);
    }
    case 'bd-sheet': {
      if (f.kind !== 'bowie-dick') return refuse(state, 'not-a-bowie-dick-test', 'not a Bowie–Dick cycle');
      const had = f.bdSheet;
      if (had?.result === ev.result) return same(state);
      const correction = had !== null;
      if (correction && !isAuthorised(ctx.policy, ev.operator)) {
        return refuse(
          state,
          'correction-not-authorised',
          `the sheet was already read as ${had.result} by ${had.operator}; only an authorised operator may correct it`,
        );
      }
      if (!correction && state.status !== 'awaiting-bd' && state.status !== 'pending')
        return refuse(state, 'wrong-state', `Bowie–Dick cycle is ${state.status}`);
      const noReason = correction && ev.result === 'pass' ? missingReason(ev.reason, ev.operator, 'correcting the Bowie–Dick sheet to pass') : null;
      if (noReason) return refuse(state, 'no-reason', noReason);
      const facts: ReleaseFacts = { ...f, bdSheet: { result: ev.result, operator: ev.operator, at: ev.at } };
      const d = decide(facts, ctx);
      const why = correction ? { ...d, reason: `correction by ${ev.operator}: sheet ${had.result} → ${ev.result}${because(ev.reason)}; ${d.reason}` } : d;
      return move(state, facts, why, { at: ev.at, operator: ev.operator, correction, reason: correction ? (ev.reason ?? null) : null }, ctx);
    }
    case 'device-changed': {
      if (f.kind !== 'load') return same(state);
      const reopen = ev.correction && state.status === 'quarantined' && state.reasonCode === 'bowie-dick-failed';
      if (state.status !== 'awaiting-bd' && state.status !== 'awaiting-bi' && !reopen) return same(state);
      return move(state, f, decide(f, ctx), { at: ev.at, operator: ev.operator, correction: reopen, reason: reopen ? (ev.reason ?? null) : null }, ctx);
    }
    case 'bi-result': {
      const facts: ReleaseFacts = { ...f, bi: { result: ev.result, recordId: ev.recordId, at: ev.at }, recallRecordId: ev.recallRecordId ?? f.recallRecordId };
      const actor = { at: ev.at, operator: null };
      if (isHeld(state.status)) return move(state, facts, decide(facts, ctx), actor, ctx);
      if (state.status === 'released_early') {
        return ev.result === 'negative'
          ? move(
              state,
              facts,
              {
                status: 'released',
                code: 'bi-confirmed',
                reason: 'the BI of this early-released load read negative (with a positive control): release confirmed',
              },
              actor,
              ctx,
            )
          : move(state, facts, { status: 'recalled', code: 'bi-positive', reason: 'the BI of this early-released load read positive: recall' }, actor, ctx);
      }
      if (state.status === 'released' && ev.result === 'positive') {
        return move(state, facts, { status: 'recalled', code: 'bi-positive', reason: 'the BI of this released load read positive: recall' }, actor, ctx);
      }
      return same({ ...state, facts });
    }
    case 'bi-invalid': {
      const alarm = invalidBiAlarm(state, { recordId: ev.recordId, result: ev.result, reason: ev.reason, final: ev.final });
      return alarm ? { ...same(state), alarm } : same(state);
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
      if (class5 !== 'pass')
        return refuse(state, 'no-class5-pass', 'emergency release needs a passing class-5 integrating indicator (scan CMD:CI5-PASS first)');
      const noReason = missingReason(ev.reason, ev.operator, 'emergency release');
      if (noReason || !ev.reason) return refuse(state, 'no-reason', noReason ?? 'emergency release needs a reason');
      const facts: ReleaseFacts = ev.class5 ? { ...f, class5: { result: ev.class5, operator: ev.operator, at: ev.at } } : f;
      const d: Decision = {
        status: 'released_early',
        code: 'early-release',
        reason: `emergency release by ${ev.operator}${because(ev.reason)} on a passing class-5 indicator; BI still incubating (${needs.join(', ')})`,
      };
      return move(state, facts, d, { at: ev.at, operator: ev.operator, reason: ev.reason }, ctx);
    }
    case 'recall': {
      const facts: ReleaseFacts = { ...f, recallRecordId: ev.recallRecordId };
      const actor = { at: ev.at, operator: null };
      if (state.status === 'released' || state.status === 'released_early') {
        return move(
          state,
          facts,
          { status: 'recalled', code: 'recall', reason: `recalled: positive BI on this sterilizer since its last negative BI (bi record ${ev.biRecordId})` },
          actor,
          ctx,
        );
      }
      if (isHeld(state.status)) {
        return move(
          state,
          facts,
          {
            status: 'quarantined',
            code: 'recall',
            reason: `quarantined by a recall: positive BI on this sterilizer since its last negative BI (bi record ${ev.biRecordId})`,
          },
          actor,
          ctx,
        );
      }
      return same({ ...state, facts });
    }
    case 'cancel': {
      if (!isHeld(state.status)) return refuse(state, 'wrong-state', `load is ${state.status}: only a held load can be cancelled`);
      return move(
        state,
        f,
        { status: 'quarantined', code: 'cancelled', reason: `cancelled by ${ev.operator}${ev.reason ? `: ${ev.reason}` : ''}` },
        { at: ev.at, operator: ev.operator },
        ctx,
      );
    }
  }
}
