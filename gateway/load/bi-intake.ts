// A BI reader result, end to end: a positive control (reader flag, or a control vial placed in that
// well) is recorded and validates the day's readings of its lot, including earlier ones that waited
// for it; a processed vial's reading is linked to its load, judged, recorded as a `bi` record, and a
// valid result drives the load's release (a positive one through a recall). A reading of a load's BI that
// does not count (no or a failed positive control, expired vial, lot mismatch, reader invalid) raises an
// alarm through the release machine: repeat the BI, and assess the load if it was released early
// (standards §4.1, §4.2). Call inside commit().
import type { BiResultEvent, BiStartEvent } from '../../vocabulary/device-event.js';
import type { SignedRecord } from '../store/record.js';
import {
  awaitingThisControl,
  type BiLink,
  type BiReading,
  type ControlRead,
  controlFailedOn,
  controlWell,
  failedByThisControl,
  type Judgement,
  judgeControl,
  judgeReading,
  type MatchHow,
  matchPlacement,
  matchReading,
} from './bi-linker.js';
import type { ReleaseRunner } from './release-runner.js';
import type { WorkflowContext } from './workflow-context.js';

const DAY_MARGIN_MS = 36 * 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();

export class BiIntake {
  constructor(
    private readonly ctx: WorkflowContext,
    private readonly releases: ReleaseRunner,
  ) {}

  handle(reader: string, ev: BiResultEvent): SignedRecord {
    const r: BiReading = {
      reader,
      well: ev.well,
      lot: ev.lot,
      vial: ev.vial ?? null,
      result: ev.result,
      readAt: ev.readAt,
      incubationMin: ev.incubationMin,
      control: ev.control === true,
      caution: ev.caution ?? null,
    };
    const unread = this.ctx.bis.unread();
    const cw = controlWell(r, unread);
    if (r.control || cw) return this.control(r, cw);
    const m = matchReading(r, unread);
    const lot = m.link?.lot ?? r.lot;
    const controls = this.ctx.bis.controls(lot, r.readAt - DAY_MARGIN_MS);
    const j = judgeReading(r, m.link, controls, this.ctx.timeZone);
    const rec = this.write(r, m.link, m.how, j, null);
    if (m.link) this.ctx.bis.setResult(m.link.linkId, { result: r.result, valid: j.valid, reasonCode: j.reasonCode, readAt: r.readAt, recordId: rec.id });
    if (m.link?.loadId) {
      if (j.valid && r.result !== 'invalid') this.drive(m.link, r.result, rec, r.readAt);
      else {
        const failed = j.reasonCode === 'no-positive-control' ? controlFailedOn(controls, lot, r.readAt, this.ctx.timeZone) : null;
        const reason = failed ? `${j.reason} (the control in reader ${failed.reader} well ${failed.well} read ${failed.result})` : j.reason;
        this.invalid(m.link, r.result, reason, rec.id, j.reasonCode !== 'no-positive-control' || failed !== null);
      }
    } else if (r.result === 'positive') {
      const validity = j.valid ? '' : ` (does not count: ${j.reason}; repeat the BI)`;
      this.ctx.alarm(
        undefined,
        'bi-positive-unlinked',
        `positive BI (lot ${lot}, reader ${reader} well ${r.well}) matches no load${m.how === 'ambiguous' ? ` unambiguously (${m.candidates} candidates)` : ''}${validity}: find its load and recall by hand`,
        { reader, well: r.well, lot, biRecordId: rec.id, candidates: m.candidates, valid: j.valid },
        r.readAt,
      );
    }
    return rec;
  }

  /** A reading of a load's own BI that does not count: the release machine says what to raise (no status change). */
  private invalid(link: BiLink, result: BiReading['result'], reason: string, recordId: string, final: boolean): void {
    const st = this.ctx.releases.get(link.loadId as string);
    if (!st) {
      this.ctx.log.error({ loadId: link.loadId, biRecordId: recordId }, 'bi: the linked load has no release state');
      return;
    }
    this.releases.apply(st, { type: 'bi-invalid', at: this.ctx.now(), recordId, result, reason, final });
  }

  /** The reader started incubating a vial: place the load's vial of that lot (and serial) in that well,
   * or note a positive control there. Returns what it did (no record: the bi record names the link). */
  start(reader: string, ev: BiStartEvent): 'placed' | 'control' | 'unmatched' {
    const now = this.ctx.now();
    const unread = this.ctx.bis.unread();
    if (ev.control === true) {
      if (!unread.some((l) => l.role === 'control' && l.well === ev.well && (l.reader === null || l.reader === reader))) {
        this.ctx.bis.insert(
          {
            linkId: this.ctx.newId(),
            role: 'control',
            loadId: null,
            cycleId: null,
            device: null,
            lot: ev.lot,
            serial: ev.vial ?? null,
            expiry: null,
            gtin: null,
            reader,
            well: ev.well,
            placedAt: ev.startedAt,
          },
          now,
        );
      }
      return 'control';
    }
    const link = matchPlacement({ reader, well: ev.well, lot: ev.lot, vial: ev.vial ?? null, control: false, startedAt: ev.startedAt }, unread);
    if (!link) return 'unmatched';
    this.ctx.bis.place(link.linkId, reader, ev.well, ev.startedAt);
    this.ctx.log.info({ reader, well: ev.well, lot: ev.lot, loadId: link.loadId }, 'bi: vial placed (reader lot field)');
    return 'placed';
  }

  private write(r: BiReading, link: BiLink | null, how: MatchHow | 'control', j: Judgement, supersedes: string | null): SignedRecord {
    const body = {
      role: how === 'control' ? 'control' : 'processed',
      reader: r.reader,
      well: r.well,
      lot: link?.lot ?? r.lot,
      readerLot: r.lot,
      vial: r.vial ?? link?.serial ?? null,
      result: r.result,
      valid: j.valid,
      reasonCode: j.reasonCode,
      reason: j.reason,
      loadId: link?.loadId ?? null,
      cycleId: link?.cycleId ?? null,
      device: link?.device ?? null,
      linkedBy: how === 'control' ? null : how,
      expiry: link?.expiry ?? null,
      gtin: link?.gtin ?? null,
      control: j.control ? { recordId: j.control.recordId, reader: j.control.reader, well: j.control.well, readAt: iso(j.control.readAt) } : null,
      incubationMin: r.incubationMin,
      caution: r.caution,
      readAt: iso(r.readAt),
      supersedes,
    };
    return this.ctx.record('bi', r.reader, body);
  }

  private control(r: BiReading, cw: BiLink | null): SignedRecord {
    const lot = cw?.lot ?? r.lot;
    const reading = { ...r, lot };
    const j = judgeControl(reading);
    const rec = this.write(reading, cw ? { ...cw, loadId: null, device: null } : null, 'control', j, null);
    if (cw) this.ctx.bis.setResult(cw.linkId, { result: r.result, valid: j.valid, reasonCode: j.reasonCode, readAt: r.readAt, recordId: rec.id });
    const c: ControlRead = { lot, reader: r.reader, well: r.well, result: r.result, readAt: r.readAt, recordId: rec.id };
    this.ctx.bis.addControl(c);
    // Readings of this lot and day that waited for a positive control count now: a new bi record each.
    for (const l of awaitingThisControl(this.ctx.bis.awaitingControl(lot), c, this.ctx.timeZone)) {
      if (l.result !== 'negative' && l.result !== 'positive') continue;
      const earlier: BiReading = {
        reader: l.reader ?? r.reader,
        well: l.well ?? '?',
        lot: l.lot,
        vial: l.serial,
        result: l.result,
        readAt: l.readAt as number,
        incubationMin: 0,
        control: false,
        caution: null,
      };
      const jj = judgeReading(earlier, l, [c], this.ctx.timeZone);
      const again = this.write(earlier, l, 'lot', { ...jj, reason: `${jj.reason}; re-judged: the control was read after this result` }, l.recordId);
      this.ctx.bis.setResult(l.linkId, { result: l.result, valid: jj.valid, reasonCode: jj.reasonCode, readAt: l.readAt as number, recordId: again.id });
      if (jj.valid && l.loadId) this.drive(l, l.result, again, r.readAt);
    }
    // A control that did not grow: the readings of this lot and day that waited for it cannot count.
    for (const l of failedByThisControl(this.ctx.bis.awaitingControl(lot), c, this.ctx.timeZone)) {
      if (!l.loadId || !l.recordId || l.result === null) continue;
      this.invalid(
        l,
        l.result,
        `the positive control of lot ${lot} (reader ${r.reader} well ${r.well}) read ${r.result}, so this reading is not valid`,
        l.recordId,
        true,
      );
    }
    return rec;
  }

  /** A valid result of a load's vial: negative may release it; positive quarantines or recalls it and writes the recall. */
  private drive(link: BiLink, result: 'negative' | 'positive', rec: SignedRecord, at: number): void {
    const st = this.ctx.releases.get(link.loadId as string);
    if (!st) {
      this.ctx.log.error({ loadId: link.loadId, biRecordId: rec.id }, 'bi: the linked load has no release state');
      return;
    }
    if (result === 'negative') {
      this.releases.apply(st, { type: 'bi-result', result, recordId: rec.id, at });
    } else {
      const { record, plan } = this.releases.recall(st, rec.id, at);
      this.releases.apply(st, { type: 'bi-result', result, recordId: rec.id, at, recallRecordId: record.id });
      for (const l of plan.loads) {
        if (l.loadId === st.facts.loadId) continue;
        const other = this.ctx.releases.get(l.loadId);
        if (other) this.releases.apply(other, { type: 'recall', recallRecordId: record.id, biRecordId: rec.id, at });
      }
    }
    this.releases.deviceChanged(st.facts.device, at, null, false);
  }
}
