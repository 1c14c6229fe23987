// Runs the pure release machine against the stored state: gathers the device facts it needs (daily
// tests, BI history), appends the `release` record a step makes, saves the new state, re-decides
// held loads when a daily test or a BI of their sterilizer changed, and writes recalls and the alarms a step
// raises.
// Call inside WorkflowContext.commit().
import type { SignedRecord } from '../store/record.js';
import type { GivenReason } from './given-reason.js';
import type { LoadContents } from './load-contents.js';
import { planIndicatorRecall, planRecall, type RecallCandidate, type RecallPlan } from './recall.js';
import {
  openRelease,
  type RecallRequest,
  type ReleaseContext,
  type ReleaseEvent,
  type ReleaseFacts,
  type ReleaseState,
  recorded,
  type StepResult,
  step,
} from './release-machine.js';
import type { ReleaseStatus } from './release-status.js';
import type { WorkflowContext } from './workflow-context.js';

export interface Applied {
  state: ReleaseState;
  record: SignedRecord | null;
  refused: StepResult['refused'];
}

const DAY_MARGIN_MS = 36 * 3600_000; // covers one local day in any zone, DST included

/** When the load's cycle started (its close time while the cycle record is not in). */
export const startOf = (st: ReleaseState): number => st.facts.cycle?.startedAt ?? st.facts.closedAt;

export class ReleaseRunner {
  constructor(private readonly ctx: WorkflowContext) {}

  context(st: ReleaseState): ReleaseContext {
    const f = st.facts;
    const at = startOf(st);
    return {
      policy: this.ctx.policy.release,
      tests: this.ctx.releases.tests(f.device, at - DAY_MARGIN_MS),
      sterilizerBiHold: f.kind === 'load' && this.ctx.bis.lastValid(f.device, at)?.result === 'positive',
    };
  }

  /** The step an event would make (nothing written). */
  plan(st: ReleaseState, ev: ReleaseEvent): StepResult {
    return step(st, ev, this.context(st));
  }

  /** Writes a step: the recall it asks for, its record (with the scan that caused it), the new state, its alarm,
   * and the knock-on re-decisions. */
  persist(r: StepResult, opts: { scanRecordId?: string; load?: LoadContents } = {}): Applied {
    let state = r.state;
    let record: SignedRecord | null = null;
    let recallRecordId: string | null = null;
    const f = state.facts;
    const at = Date.parse(r.record?.at ?? '') || this.ctx.now();
    if (r.recall) {
      recallRecordId = this.recallLoad(state, r.record?.previousStatus ?? state.status, r.recall, opts.scanRecordId ?? null, at).id;
      state = { ...state, facts: { ...state.facts, recallRecordId } };
    }
    if (r.record) {
      const evidence = recallRecordId ? { ...r.record.evidence, recallRecordId } : r.record.evidence;
      const body = { ...r.record, evidence, scanRecordId: opts.scanRecordId ?? null, ...(opts.load ? { load: opts.load } : {}) };
      record = this.ctx.record('release', f.device, body);
      state = recorded(state, record.id);
      this.ctx.log.info(
        {
          loadId: f.loadId,
          device: f.device,
          cycleId: f.cycleId,
          status: state.status,
          previous: r.record.previousStatus,
          reason: r.record.reasonCode,
          operator: r.record.operator,
          givenReason: r.record.givenReason?.code ?? null,
          seq: record.seq,
        },
        'release: load status changed',
      );
    }
    // A refused scan is logged where the scan is handled (station-intake), with the station and command.
    if (r.refused && opts.scanRecordId === undefined)
      this.ctx.log.warn({ loadId: f.loadId, device: f.device, refused: r.refused }, 'release: operator action refused');
    this.ctx.releases.put(state, this.ctx.now());
    if (r.alarm) {
      this.ctx.alarm(
        f.device,
        r.alarm.code,
        r.alarm.text,
        {
          loadId: f.loadId,
          loadCycleId: f.cycleId,
          loadCycleNo: f.cycle?.cycleNo ?? null,
          loadStatus: state.status,
          ...r.alarm.refs,
          ...(record ? { releaseRecordId: record.id } : {}),
          ...(recallRecordId ? { recallRecordId } : {}),
          ...(opts.scanRecordId !== undefined ? { scanRecordId: opts.scanRecordId } : {}),
        },
        this.ctx.now(),
      );
    }
    if (record && f.kind !== 'load') this.deviceChanged(f.device, at, r.record?.operator ?? null, r.record?.correction === true, r.record?.givenReason ?? null);
    return { state, record, refused: r.refused };
  }

  /** The recall record of one load whose indicator failed after its release. */
  private recallLoad(st: ReleaseState, before: ReleaseStatus, req: RecallRequest, scanRecordId: string | null, at: number): SignedRecord {
    const f = st.facts;
    const plan = planIndicatorRecall({
      device: f.device,
      at,
      trigger: { indicator: req.indicator, operator: req.operator, scanRecordId },
      load: {
        loadId: f.loadId,
        cycleId: f.cycleId,
        cycleNo: f.cycle?.cycleNo ?? null,
        startedAt: startOf(st),
        status: before,
        items: this.ctx.stations.items(f.loadId),
        biNegative: null,
      },
    });
    const record = this.ctx.record('recall', f.device, plan.body);
    // a recall is an event of the CSSD, not a fault of the software: warn (error is for what an engineer must mend)
    this.ctx.log.warn(
      { device: f.device, loadId: f.loadId, recallSeq: record.seq, items: plan.body.items.length, indicator: req.indicator, operator: req.operator },
      'recall: indicator failed after release',
    );
    return record;
  }

  apply(st: ReleaseState, ev: ReleaseEvent, opts: { scanRecordId?: string } = {}): Applied {
    return this.persist(this.plan(st, ev), opts);
  }

  /** A new load enters the machine in `pending`; `silent` keeps its first record back (unscanned cycles). */
  open(
    facts: Omit<ReleaseFacts, 'cycle' | 'ci' | 'class5' | 'bdSheet' | 'bi' | 'recallRecordId'>,
    operator: string | null,
    at: number,
    opts: { load?: LoadContents; silent?: boolean } = {},
  ): ReleaseState {
    const base: ReleaseState = {
      facts: { ...facts, cycle: null, ci: null, class5: null, bdSheet: null, bi: null, recallRecordId: null },
      status: 'pending',
      reasonCode: 'load-closed',
      lastRecordId: null,
    };
    const r = openRelease(facts, { at, operator }, this.context(base));
    if (opts.silent) {
      this.ctx.releases.put(r.state, this.ctx.now());
      return r.state;
    }
    return this.persist(r, opts.load ? { load: opts.load } : {}).state;
  }

  /** Re-decides the device's loads that wait on its daily tests or BI history. */
  deviceChanged(device: string, at: number, operator: string | null, correction: boolean, reason: GivenReason | null = null): void {
    const held = [...this.ctx.releases.inStatus(device, 'awaiting-bd'), ...this.ctx.releases.inStatus(device, 'awaiting-bi')];
    if (correction) held.push(...this.ctx.releases.inStatus(device, 'quarantined').filter((s) => s.reasonCode === 'bowie-dick-failed'));
    for (const st of held) {
      if (st.facts.kind !== 'load') continue;
      this.apply(st, { type: 'device-changed', at, operator, correction, reason });
    }
  }

  /** Writes the recall record a valid positive BI of `trigger` calls for; returns it with its scope. */
  recall(trigger: ReleaseState, biRecordId: string, at: number): { record: SignedRecord; plan: RecallPlan } {
    const device = trigger.facts.device;
    const start = startOf(trigger);
    const neg = this.ctx.bis.lastNegative(device, start);
    const cands: RecallCandidate[] = this.ctx.releases.loadsOf(device, neg ? neg.startedAt : 0).map((st) => ({
      loadId: st.facts.loadId,
      cycleId: st.facts.cycleId,
      cycleNo: st.facts.cycle?.cycleNo ?? null,
      startedAt: startOf(st),
      status: st.status,
      items: this.ctx.stations.items(st.facts.loadId),
      biNegative: st.facts.bi?.result === 'negative' ? { recordId: st.facts.bi.recordId } : null,
    }));
    const plan = planRecall({
      device,
      trigger: { biRecordId, loadId: trigger.facts.loadId, cycleId: trigger.facts.cycleId, startedAt: start },
      loads: cands,
      at,
    });
    const record = this.ctx.record('recall', device, plan.body);
    this.ctx.log.warn(
      { device, recallSeq: record.seq, loads: plan.body.loads.length, items: plan.body.items.length, trigger: plan.body.trigger },
      'recall: positive BI',
    );
    return { record, plan };
  }
}
