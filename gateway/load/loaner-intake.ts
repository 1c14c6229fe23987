// The loaner ledger (I/O): runs the pure loaner machine (loaner-machine.ts) against the stored visits. It takes the
// scans of the loaner desks (loaner-desk.ts), the loads that close with a set's baskets in them, and the release
// and BI records of those loads (followed as the workflow writes them, in the same transaction), and writes one
// `loaner` record per step, the alarms a step raises, and the retained state the operating room reads
// (…/loaner/{set}/state, published after the step commits). Call inside WorkflowContext.commit().
import { readScan } from '../../drivers/scanner/parse.js';
import type { DecodedBarcode } from '../../vocabulary/barcode.js';
import type { SignedRecord } from '../store/record.js';
import type { LoadContents } from './load-contents.js';
import { scanReadingOf } from './load-policy.js';
import { readDeskCode } from './loaner-codes.js';
import { applyDeskScan, type DeskAction, type DeskContext, expireDesk, handoverTaken } from './loaner-desk.js';
import { type LoanerContext, type LoanerEvent, type LoanerStepResult, loanerRecorded, openVisit, stepVisit } from './loaner-machine.js';
import type { LoanerPolicy } from './loaner-policy.js';
import { statePayload } from './loaner-record.js';
import type { LoanerState } from './loaner-state.js';
import { LoanerTable } from './loaner-table.js';
import type { ReleaseStatus } from './release-status.js';
import type { ScanResult } from './station-intake.js';
import type { StationSession } from './station-session.js';
import type { WorkflowContext } from './workflow-context.js';

/** How long after its last change a returned visit's state is published again at start. */
const REPUBLISH_CLOSED_MS = 7 * 86_400_000;

const HANDOVER_NAME = { receive: 'receipt', pack: 'packing check', return: 'return', resolve: 'resolution' } as const;

export class LoanerIntake {
  readonly table: LoanerTable;
  private readonly mctx: LoanerContext;

  constructor(
    private readonly ctx: WorkflowContext,
    readonly policy: LoanerPolicy,
  ) {
    this.table = new LoanerTable(ctx.db);
    this.mctx = { policy, authorisedOperators: ctx.policy.release.authorisedOperators };
    ctx.onRecorded((r) => this.onRecord(r));
  }

  isDesk(station: string): boolean {
    return this.policy.desks.includes(station);
  }

  /** The set whose open visit carries this code (its id or a basket's label), or null. */
  setOfCode(code: string): string | null {
    return this.table.openByCode(code.trim())?.facts.set ?? null;
  }

  /** Whether `raw` looks like a set code (the machine stations read it as a goods code even when the site's internal pattern does not). */
  looksLikeSetCode(raw: string): boolean {
    const re = this.policy.setPattern;
    re.lastIndex = 0;
    return re.test(raw.trim());
  }

  private deskContext(): DeskContext {
    return {
      loaner: this.policy,
      station: this.ctx.policy.station,
      timeZone: this.ctx.timeZone,
      openVisitOf: (code) => {
        const v = this.table.openByCode(code);
        return v ? { visitId: v.facts.visitId, set: v.facts.set, vendor: v.facts.vendor } : null;
      },
    };
  }

  /** Signs out an idle operator and representative at a desk and drops an idle hand-over (tick). */
  expire(s: StationSession, now: number): { session: StationSession; notes: string[] } {
    return expireDesk(s, now, this.ctx.policy.station);
  }

  /** One scan at a loaner desk. Always writes a `scan` record; a completed hand-over also its `loaner` record. */
  handleScan(station: string, scanner: string, raw: string, ts: number, parsed?: DecodedBarcode): ScanResult {
    const { ctx } = this;
    const before = ctx.stations.session(station);
    const desk = readDeskCode(raw, {
      representativePrefix: this.policy.representativePrefix,
      representativeId: this.policy.representativeId,
      setPattern: this.policy.setPattern,
      caseRefPattern: this.policy.caseRefPattern,
      timeZone: ctx.timeZone,
    });
    const decoded = desk ? null : (parsed ?? readScan(raw, ts, scanReadingOf(ctx.policy)));
    const outcome = applyDeskScan(before, { raw, ts, desk, decoded }, this.deskContext());
    const a = outcome.action;
    let session = outcome.session;
    let accepted = a.kind !== 'refused';
    let note: string | null = a.kind === 'refused' ? a.reason : null;
    let planned: { result: LoanerStepResult; kind: 'open' | 'step' } | null = null;
    if (a.kind === 'loaner-done') {
      const p = this.plan(a, ts);
      if ('refused' in p) {
        accepted = false;
        note = p.refused;
      } else {
        planned = p;
        note = p.result.record?.text ?? null;
        session = handoverTaken(session, a.handover.kind === 'resolve' && a.reason !== null);
      }
    }
    if (!accepted) ctx.log.warn({ station, scanner, operator: session.operator, action: a.kind, reason: note }, 'loaner desk: scan refused');
    if (outcome.notes.length > 0) note = [...outcome.notes, note].filter((x) => x).join('; ');
    const set = a.kind === 'loaner-done' ? a.handover.set : (session.desk?.handover?.set ?? before.desk?.handover?.set ?? null);
    const redact = desk?.kind === 'error' && desk.redact;
    const scanRec = ctx.record('scan', scanner, {
      station,
      scanner,
      // A CASE: scan that is not a reference may carry a name: it is not kept (docs/loaner-sets.md).
      raw: redact ? `${raw.trim().slice(0, 5)}<redacted>` : raw,
      kind: desk ? (desk.kind === 'set' ? 'internal' : 'command') : (decoded?.kind ?? 'unknown'),
      valid: desk ? desk.kind !== 'error' : (decoded?.valid ?? false),
      ...(decoded?.symbology ? { symbology: decoded.symbology } : {}),
      fields: desk ? deskFields(desk) : (decoded?.fields ?? {}),
      errors: desk ? (desk.kind === 'error' ? [desk.reason] : []) : (decoded?.errors ?? []),
      operator: session.operator,
      loadId: null,
      set,
      action: a.kind,
      accepted,
      note,
      at: new Date(ts).toISOString(),
    });
    // What the scan left at the desk: the CI's and the reason's scan record are kept with them.
    if (a.kind === 'loaner-ci' && session.desk?.handover?.ci) {
      session = {
        ...session,
        desk: { ...session.desk, handover: { ...session.desk.handover, ci: { ...session.desk.handover.ci, scanRecordId: scanRec.id } } },
      };
    }
    if (a.kind === 'reason-given') session = { ...session, reason: { ...a.reason, scanRecordId: scanRec.id } };
    ctx.stations.saveSession(session, ctx.now());
    if (planned) {
      const r = planned.result;
      if (r.record) r.record.scanRecordId = scanRec.id;
      if (planned.kind === 'open') this.table.insert(r.state, ctx.now());
      this.persist(r);
      ctx.log.info(
        { station, set, handover: a.kind === 'loaner-done' ? a.handover.kind : null, status: r.state.status, holds: r.state.holds },
        'loaner: hand-over done',
      );
    }
    return { accepted, action: a.kind, note, loadId: null, scanRecordId: scanRec.id };
  }

  /** The machine's step for a completed hand-over (nothing written), or why it cannot be made. */
  private plan(a: Extract<DeskAction, { kind: 'loaner-done' }>, ts: number): { result: LoanerStepResult; kind: 'open' | 'step' } | { refused: string } {
    const h = a.handover;
    const name = HANDOVER_NAME[h.kind];
    if (h.kind === 'receive') {
      const rep = a.representative as { id: string; vendor: string };
      const taken = h.baskets.map((b) => this.table.openByCode(b)).find((v) => v !== null);
      if (taken) return { refused: `${name} refused: set ${taken.facts.set} is at the CSSD already (received, not returned)` };
      const receipt = {
        visitId: this.ctx.newId(),
        at: ts,
        operator: a.operator,
        representative: rep.id,
        set: h.set as string,
        baskets: h.baskets,
        caseRef: h.caseRef as string,
        dueAt: h.dueAt,
        expected: h.counts,
        scanRecordId: null,
      };
      return { kind: 'open', result: openVisit(receipt, rep.vendor, this.mctx) };
    }
    const st = h.visitId ? this.table.get(h.visitId) : null;
    if (!st) return { refused: `${name} refused: set ${h.set ?? '?'} has no open visit` };
    const ev: LoanerEvent =
      h.kind === 'pack'
        ? {
            type: 'pack',
            at: ts,
            operator: a.operator,
            representative: null, // the packing check is the CSSD's own, not a hand-over
            counted: h.counts,
            ci: h.ci ?? { operator: a.operator, at: ts, scanRecordId: null },
            scanRecordId: null,
          }
        : h.kind === 'return'
          ? { type: 'return', at: ts, operator: a.operator, representative: a.representative?.id as string, counted: h.counts, scanRecordId: null }
          : { type: 'resolve', at: ts, operator: a.operator, reason: a.reason, scanRecordId: null };
    const result = stepVisit(st, ev, this.mctx);
    if (result.refused) return { refused: `${name} refused: ${result.refused.reason}` };
    return { kind: 'step', result };
  }

  /** Writes a step: its record, the new state, its alarms, and (after the commit) the retained state. */
  private persist(r: LoanerStepResult): LoanerState {
    const { ctx } = this;
    let state = r.state;
    if (!r.record) {
      this.table.put(state, ctx.now());
      return state;
    }
    const rec = ctx.record('loaner', undefined, r.record);
    state = loanerRecorded(state, rec.id);
    this.table.put(state, ctx.now());
    const f = state.facts;
    for (const alarm of r.alarms)
      ctx.alarm(
        undefined,
        alarm.code,
        alarm.text,
        { ...alarm.refs, loanerRecordId: rec.id, status: state.status, holds: state.holds },
        Date.parse(r.record.at),
      );
    ctx.log.info({ set: f.set, visit: f.visitId, step: r.record.step, status: state.status, holds: state.holds, seq: rec.seq }, 'loaner: step recorded');
    ctx.notifyLoanerState(f.set, statePayload(state, rec.id, Date.parse(r.record.at)));
    return state;
  }

  private apply(st: LoanerState, ev: LoanerEvent): LoanerState {
    const r = stepVisit(st, ev, this.mctx);
    if (r.refused) {
      this.ctx.log.warn({ set: st.facts.set, event: ev.type, refused: r.refused }, 'loaner: event not applied');
      return st;
    }
    return this.persist(r);
  }

  /** A load closed at cycle start: each set whose baskets are in it moves on (washing or sterilizing). */
  onLoadClosed(contents: LoadContents, cycleId: string, at: number): void {
    const bySet = new Map<string, string[]>();
    for (const item of contents.items) {
      if (!item.loanerSet) continue;
      bySet.set(item.loanerSet, [...(bySet.get(item.loanerSet) ?? []), item.code ?? item.raw.trim()]);
    }
    const kind = this.ctx.policy.release.washers.includes(contents.station) ? 'washer' : 'sterilizer';
    for (const [set, baskets] of bySet) {
      const st = this.table.openByCode(set);
      if (!st) {
        this.ctx.log.warn({ set, loadId: contents.loadId }, 'loaner: a set in a load has no open visit');
        continue;
      }
      this.table.addLoad(contents.loadId, st.facts.visitId);
      this.apply(st, { type: 'load-closed', at, load: { loadId: contents.loadId, device: contents.station, kind, cycleId, baskets } });
    }
  }

  /** Release and BI records of a load that carries a set, as the workflow writes them. */
  private onRecord(rec: SignedRecord): void {
    if (rec.type !== 'release' && rec.type !== 'bi') return;
    const b = rec.body as Record<string, unknown>;
    const loadId = typeof b.loadId === 'string' ? b.loadId : null;
    if (!loadId) return;
    for (const st of this.table.ofLoad(loadId)) {
      const ev = rec.type === 'release' ? this.releaseEvent(st, loadId, rec) : this.biEvent(loadId, rec);
      if (ev) this.apply(st, ev);
    }
  }

  private releaseEvent(st: LoanerState, loadId: string, rec: SignedRecord): LoanerEvent | null {
    const b = rec.body as {
      status?: ReleaseStatus;
      reasonCode?: string;
      cycleNo?: number | null;
      at?: string;
      operator?: string | null;
      evidence?: { verdict?: 'pass' | 'fail' | null; cycleRecordId?: string | null };
    };
    const at = Date.parse(b.at ?? rec.ts);
    const load = st.facts.loads.find((l) => l.loadId === loadId);
    if (!load || !b.status) return null;
    if (load.kind === 'washer') {
      const verdict = b.evidence?.verdict;
      return verdict ? { type: 'washer-verdict', at, loadId, verdict, cycleRecordId: b.evidence?.cycleRecordId ?? null, cycleNo: b.cycleNo ?? null } : null;
    }
    return {
      type: 'release',
      at,
      loadId,
      status: b.status,
      reasonCode: b.reasonCode ?? null,
      recordId: rec.id,
      cycleRecordId: b.evidence?.cycleRecordId ?? null,
      cycleNo: b.cycleNo ?? null,
      operator: b.operator ?? null,
    };
  }

  private biEvent(loadId: string, rec: SignedRecord): LoanerEvent | null {
    const b = rec.body as { role?: string; result?: 'negative' | 'positive' | 'invalid'; valid?: boolean; readAt?: string };
    if (b.role !== 'processed' || !b.result) return null;
    const readAt = Date.parse(b.readAt ?? rec.ts);
    return { type: 'bi', at: readAt, loadId, result: b.result, valid: b.valid === true, recordId: rec.id, readAt };
  }

  /** Sets not returned in time: one alarm each (and a hold until the return). */
  tick(now: number): void {
    for (const st of this.overdue(now)) this.apply(st, { type: 'overdue', at: now });
  }

  /** Open visits that became overdue and are not marked yet (what tick() marks). */
  overdue(now: number): LoanerState[] {
    return this.table.openVisits().filter((st) => st.facts.overdueAt === null && !st.facts.returned && now > st.facts.dueAt + this.policy.returnWithinMs);
  }

  /** The retained state of every open visit and of those closed recently (published again at start). */
  states(now: number): Array<{ set: string; state: ReturnType<typeof statePayload> }> {
    const latest = new Map<string, LoanerState>();
    for (const st of this.table.recent(now - REPUBLISH_CLOSED_MS)) latest.set(st.facts.set, st); // oldest first: the newest visit wins
    return [...latest.values()]
      .filter((st) => st.lastRecordId !== null)
      .map((st) => ({ set: st.facts.set, state: statePayload(st, st.lastRecordId as string, this.lastAt(st)) }));
  }

  private lastAt(st: LoanerState): number {
    const f = st.facts;
    return Math.max(
      f.receivedAt,
      f.returned?.at ?? 0,
      f.overdueAt ?? 0,
      f.packing?.at ?? 0,
      f.countHold?.at ?? 0,
      f.bi?.readAt ?? 0,
      ...f.loads.map((l) => l.at),
    );
  }
}

function deskFields(code: NonNullable<ReturnType<typeof readDeskCode>>): Record<string, string> {
  switch (code.kind) {
    case 'representative':
      return { command: 'VR', representative: code.id };
    case 'case':
      return { command: 'CASE', caseRef: code.ref };
    case 'count':
      return { command: 'CNT', item: code.item, count: String(code.count) };
    case 'due':
      return { command: 'DUE', due: code.text };
    case 'set':
      return { code: code.code };
    case 'error':
      return {};
  }
}
