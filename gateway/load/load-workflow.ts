// The load workflow the gateway runs (docs/architecture.md: scanner/BI/CI events -> load assembler + release
// machine -> release / bi / recall records). Stateless between calls: every call reads what it needs
// from SQLite and commits its records and state in one transaction, so a restart (a new LoadWorkflow
// on the reopened store) resumes every station, load and BI exactly where it was.
//
//   const loads = new LoadWorkflow({ db: store.db, append: (r) => store.records.append(r), policy, logger, now });
//   scanner event         -> loads.onScan(stationDeviceId, scannerId, raw, ts, parsed)
//   cycle start (opened)  -> loads.takeLoad(deviceId, cycleId)        (contents for the cycle record's `load`)
//   cycle record appended -> loads.onCycleRecorded(record)
//   BI reader events      -> loads.onBiStart(readerId, event) ('bi-start'), loads.onBiResult(readerId, event) ('bi-result')
//   every few seconds     -> loads.tick(now)
// With `loaner:` configured, scans at a loaner desk go to the loaner ledger (loaner-intake.ts), which also follows
// the loads, releases and BI results of the sets' baskets.
import type { DecodedBarcode } from '../../vocabulary/barcode.js';
import type { BiResultEvent, BiStartEvent } from '../../vocabulary/device-event.js';
import type { SignedRecord } from '../store/record.js';
import { BiIntake } from './bi-intake.js';
import { verifiedCycleOf } from './cycle-facts.js';
import { expireSession } from './load-assembler.js';
import { biOf, indicatorsOf, type LoadContents } from './load-contents.js';
import { LoanerIntake } from './loaner-intake.js';
import type { LoanerStatePayload } from './loaner-record.js';
import type { LoanerState } from './loaner-state.js';
import type { ReleaseState } from './release-machine.js';
import { ReleaseRunner } from './release-runner.js';
import { type ScanResult, StationIntake } from './station-intake.js';
import type { StationSession } from './station-session.js';
import { type LoadWorkflowDeps, WorkflowContext } from './workflow-context.js';

export type { ScanResult } from './station-intake.js';
export type { LoadWorkflowDeps } from './workflow-context.js';

const iso = (ms: number) => new Date(ms).toISOString();

export class LoadWorkflow {
  private readonly ctx: WorkflowContext;
  private readonly releases: ReleaseRunner;
  private readonly scans: StationIntake;
  private readonly bis: BiIntake;
  private readonly loaners: LoanerIntake | null;

  constructor(deps: LoadWorkflowDeps) {
    this.ctx = new WorkflowContext(deps);
    this.releases = new ReleaseRunner(this.ctx);
    this.loaners = deps.policy.loaner ? new LoanerIntake(this.ctx, deps.policy.loaner) : null;
    this.scans = new StationIntake(this.ctx, this.releases, this.loaners);
    this.bis = new BiIntake(this.ctx, this.releases);
  }

  /** One scan from `scannerId`, bound in config to the sterilizer or washer `station` (or a loaner desk). Always
   * writes a `scan` record. `parsed` is the scan event's reading; a scan without one (typed in, replayed) is read
   * here the same way. */
  onScan(station: string, scannerId: string, raw: string, ts: number = this.ctx.now(), parsed?: DecodedBarcode): ScanResult {
    const loaners = this.loaners;
    if (loaners?.isDesk(station)) return this.ctx.commit(() => loaners.handleScan(station, scannerId, raw, ts, parsed));
    return this.ctx.commit(() => this.scans.handle(station, scannerId, raw, ts, parsed));
  }

  /** Cycle start on `station`: closes the load being assembled there and binds it to the cycle.
   * Returns its contents (for the cycle record's `load`), or null when nothing was scanned. Idempotent per cycle. */
  takeLoad(station: string, cycleId: string): LoadContents | null {
    return this.ctx.commit(() => this.take(station, cycleId, this.ctx.now()));
  }

  private take(station: string, cycleId: string, at: number): LoadContents | null {
    const { ctx } = this;
    const done = ctx.stations.loadOfCycle(cycleId);
    if (done) return done.contents;
    const session = ctx.stations.session(station);
    const load = session.load;
    const mark = load?.implantMark ?? null;
    if (!load || (load.items.length === 0 && !load.bi && !mark)) return null;
    const contents: LoadContents = {
      loadId: load.loadId,
      operator: load.operator,
      station,
      openedAt: iso(load.openedAt),
      closedAt: iso(at),
      items: load.items,
      bi: biOf(load.bi),
      indicators: indicatorsOf(load.bi),
      implant: load.items.some((i) => i.implant) || mark !== null,
      implantMarked: mark ? { operator: mark.operator, at: iso(mark.at), scanRecordId: mark.scanRecordId } : null,
      expired: load.items.filter((i) => i.expired).length + (load.bi?.expired ? 1 : 0),
    };
    ctx.stations.closeLoad(contents, cycleId, at);
    ctx.stations.saveSession({ ...session, load: null }, at);
    if (load.bi) {
      const v = load.bi;
      ctx.bis.insert(
        {
          linkId: ctx.newId(),
          role: 'load',
          loadId: load.loadId,
          cycleId,
          device: station,
          lot: v.lot,
          serial: v.serial ?? null,
          expiry: v.expiry ?? null,
          gtin: v.gtin ?? null,
          reader: null,
          well: null,
          placedAt: null,
        },
        at,
      );
    }
    this.releases.open(
      { loadId: load.loadId, device: station, cycleId, kind: 'load', closedAt: at, implant: contents.implant, biVial: load.bi !== null },
      load.operator,
      at,
      { load: contents },
    );
    this.loaners?.onLoadClosed(contents, cycleId, at);
    ctx.log.info(
      {
        station,
        cycleId,
        loadId: load.loadId,
        items: contents.items.length,
        bi: contents.bi?.lot ?? null,
        implant: contents.implant,
        implantMarkedBy: mark?.operator ?? null,
      },
      'load closed at cycle start',
    );
    return contents;
  }

  /** The contents bound to a cycle (what takeLoad returned), e.g. to put in the cycle record. */
  contentsOfCycle(cycleId: string): LoadContents | null {
    return this.ctx.stations.loadOfCycle(cycleId)?.contents ?? null;
  }

  /** After a `cycle` record is stored: decides the release of its load (or the result of a daily test). Idempotent. */
  onCycleRecorded(record: SignedRecord): ReleaseState | null {
    const vc = verifiedCycleOf(record);
    if (!vc) return null;
    return this.ctx.commit(() => {
      const now = this.ctx.now();
      let st = this.ctx.releases.byCycle(vc.cycleId);
      if (!st && vc.kind === 'load') {
        // No hand-off at cycle start (gateway restarted mid-cycle, or not wired): a load whose last scan
        // came before the cycle started is this cycle's.
        const s = this.ctx.stations.session(vc.device);
        const last = Math.max(s.load?.openedAt ?? Infinity, ...(s.load?.items.map((i) => Date.parse(i.at)) ?? []));
        if (s.load && last <= vc.facts.startedAt && this.take(vc.device, vc.cycleId, now)) st = this.ctx.releases.byCycle(vc.cycleId);
      }
      if (!st) {
        st = this.releases.open(
          { loadId: this.ctx.newId(), device: vc.device, cycleId: vc.cycleId, kind: vc.kind, closedAt: vc.facts.startedAt, implant: false, biVial: false },
          null,
          now,
          { silent: true },
        );
      }
      return this.releases.apply(st, { type: 'cycle-verified', at: now, kind: vc.kind, cycle: vc.facts }).state;
    });
  }

  /** A BI reader's result; returns the `bi` record written. */
  onBiResult(readerId: string, event: BiResultEvent): SignedRecord {
    return this.ctx.commit(() => this.bis.handle(readerId, event));
  }

  /** A BI reader started a vial: binds the load's vial of that lot (and serial) to the well (no record). */
  onBiStart(readerId: string, event: BiStartEvent): 'placed' | 'control' | 'unmatched' {
    return this.ctx.commit(() => this.bis.start(readerId, event));
  }

  /** Withdraws a held load (→ quarantined), e.g. from an operator console. */
  cancelLoad(loadId: string, operator: string, reason?: string): ReleaseState | null {
    return this.ctx.commit(() => {
      const st = this.ctx.releases.get(loadId);
      if (!st) return null;
      return this.releases.apply(st, { type: 'cancel', at: this.ctx.now(), operator, ...(reason ? { reason } : {}) }).state;
    });
  }

  releaseOf(loadId: string): ReleaseState | null {
    return this.ctx.releases.get(loadId);
  }

  releaseOfCycle(cycleId: string): ReleaseState | null {
    return this.ctx.releases.byCycle(cycleId);
  }

  station(station: string): StationSession {
    return this.ctx.stations.session(station);
  }

  /** Signs out idle operators (and representatives at loaner desks), drops stale vial placements and idle hand-overs
   * (no records); raises the alarm of a loaner set not returned in time (a `loaner` record and an `alarm`). */
  tick(now: number = this.ctx.now()): void {
    // Most ticks have nothing to do: look first, outside a transaction. A step commits with synchronous=FULL
    // and writes the buffered samples before it, which every 10 s would undo the sample batching (SD writes).
    const expired = this.ctx.stations.stations().filter((id) => this.expiry(id, now).notes.length > 0);
    if (expired.length === 0 && (this.loaners?.overdue(now).length ?? 0) === 0) return;
    this.ctx.commit(() => {
      for (const id of this.ctx.stations.stations()) {
        const { session, notes } = this.expiry(id, now);
        if (notes.length === 0) continue;
        this.ctx.stations.saveSession(session, now);
        this.ctx.log.info({ station: id, notes }, 'station session expired');
      }
      this.loaners?.tick(now);
    });
  }

  private expiry(station: string, now: number): { session: StationSession; notes: string[] } {
    const s = this.ctx.stations.session(station);
    return this.loaners?.isDesk(station) ? this.loaners.expire(s, now) : expireSession(s, now, this.ctx.policy.station);
  }

  /** The retained state of each loaner set that is at the CSSD or was returned lately (to publish again at start). */
  loanerStates(now: number = this.ctx.now()): Array<{ set: string; state: LoanerStatePayload }> {
    return this.loaners?.states(now) ?? [];
  }

  /** The open visit of a loaner set (by its id or a basket's code), or null. */
  loanerVisit(code: string): LoanerState | null {
    return this.loaners?.table.openByCode(code) ?? null;
  }
}
