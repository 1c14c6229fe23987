// Runs the pure release machine against the stored state: gathers the device facts it needs (daily
// tests, BI history), appends the `release` record a step makes, saves the new state, re-decides
// held loads when a daily test or a BI of their sterilizer changed, and writes recalls.
// Call inside WorkflowCore.commit().
import type { SignedRecord } from '../store/record.js';
import type { LoadContents } from './load-contents.js';
import { planRecall, type RecallCandidate, type RecallPlan } from './recall.js';
import { openRelease, recorded, step, type ReleaseContext, type ReleaseEvent, type ReleaseFacts, type ReleaseState, type StepResult } from './release-machine.js';
import type { WorkflowCore } from './workflow-core.js';

export interface Applied {
  state: ReleaseState;
  record: SignedRecord | null;
  refused: StepResult['refused'];
}

const DAY_MARGIN_MS = 36 * 3600_000; // covers one local day in any zone, DST included

/** When the load's cycle started (its close time while the cycle record is not in). */
export const startOf = (st: ReleaseState): number => st.facts.cycle?.startedAt ?? st.facts.closedAt;

export class ReleaseDriver {
  constructor(private readonly core: WorkflowCore) {}

  context(st: ReleaseState): ReleaseContext {
    const f = st.facts;
    const at = startOf(st);
    return {
      policy: this.core.policy.release,
      tests: this.core.releases.tests(f.device, at - DAY_MARGIN_MS),
      sterilizerBiHold: f.kind === 'load' && this.core.bis.lastValid(f.device, at)?.result === 'positive',
    };
  }

  /** The step an event would make (nothing written). */
  plan(st: ReleaseState, ev: ReleaseEvent): StepResult {
    return step(st, ev, this.context(st));
  }

  /** Writes a step: its record (with the scan that caused it), the new state, and the knock-on re-decisions. */
  persist(r: StepResult, opts: { scanRecordId?: string; load?: LoadContents } = {}): Applied {
    let state = r.state;
    let record: SignedRecord | null = null;
    const f = state.facts;
    if (r.record) {
      const body = { ...r.record, scanRecordId: opts.scanRecordId ?? null, ...(opts.load ? { load: opts.load } : {}) };
      record = this.core.record('release', f.device, body);
      state = recorded(state, record.id);
      this.core.log.info({ loadId: f.loadId, device: f.device, cycleId: f.cycleId, status: state.status, previous: r.record.previousStatus, reason: r.record.reasonCode, operator: r.record.operator, seq: record.seq }, 'release: load status changed');
    }
    if (r.refused) this.core.log.warn({ loadId: f.loadId, device: f.device, refused: r.refused }, 'release: operator action refused');
    this.core.releases.put(state, this.core.now());
    if (record && f.kind !== 'load') this.deviceChanged(f.device, Date.parse(r.record?.at ?? '') || this.core.now(), r.record?.operator ?? null, r.record?.correction === true);
    return { state, record, refused: r.refused };
  }

  apply(st: ReleaseState, ev: ReleaseEvent, opts: { scanRecordId?: string } = {}): Applied {
    return this.persist(this.plan(st, ev), opts);
  }

  /** A new load enters the machine in `pending`; `silent` keeps its first record back (unscanned cycles). */
  open(facts: Omit<ReleaseFacts, 'cycle' | 'ci' | 'class5' | 'bdSheet' | 'bi' | 'recallRecordId'>, operator: string | null, at: number, opts: { load?: LoadContents; silent?: boolean } = {}): ReleaseState {
    const base: ReleaseState = { facts: { ...facts, cycle: null, ci: null, class5: null, bdSheet: null, bi: null, recallRecordId: null }, status: 'pending', reasonCode: 'load-closed', lastRecordId: null };
    const r = openRelease(facts, { at, operator }, this.context(base));
    if (opts.silent) {
      this.core.releases.put(r.state, this.core.now());
      return r.state;
    }
    return this.persist(r, opts.load ? { load: opts.load } : {}).state;
  }

  /** Re-decides the device's loads that wait on its daily tests or BI history. */
  deviceChanged(device: string, at: number, operator: string | null, correction: boolean): void {
    const held = [...this.core.releases.inStatus(device, 'awaiting-bd'), ...this.core.releases.inStatus(device, 'awaiting-bi')];
    if (correction) held.push(...this.core.releases.inStatus(device, 'quarantined').filter((s) => s.reasonCode === 'bowie-dick-failed'));
    for (const st of held) {
      if (st.facts.kind !== 'load') continue;
      this.apply(st, { type: 'device-changed', at, operator, correction });
    }
  }

  /** Writes the recall record a valid positive BI of `trigger` calls for; returns it with its scope. */
  recall(trigger: ReleaseState, biRecordId: string, at: number): { record: SignedRecord; plan: RecallPlan } {
    const device = trigger.facts.device;
    const start = startOf(trigger);
    const neg = this.core.bis.lastNegative(device, start);
    const cands: RecallCandidate[] = this.core.releases.loadsOf(device, neg ? neg.startedAt : 0).map((st) => ({
      loadId: st.facts.loadId, cycleId: st.facts.cycleId, cycleNo: st.facts.cycle?.cycleNo ?? null, startedAt: startOf(st), status: st.status,
      items: this.core.stations.items(st.facts.loadId),
      biNegative: st.facts.bi?.result === 'negative' ? { recordId: st.facts.bi.recordId } : null,
    }));
    const plan = planRecall({ device, trigger: { biRecordId, loadId: trigger.facts.loadId, cycleId: trigger.facts.cycleId, startedAt: start }, loads: cands, at });
    const record = this.core.record('recall', device, plan.body);
    this.core.log.error({ device, recallSeq: record.seq, loads: plan.body.loads.length, items: plan.body.items.length, trigger: plan.body.trigger }, 'recall: positive BI');
    return { record, plan };
  }
}
