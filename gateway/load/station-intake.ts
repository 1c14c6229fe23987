// A scan at a station, end to end: its reading (the scan event's, else read here alike), the assembler's pure step, the `scan` record, and what the
// scan does (an item into the load, a vial into a reader well, an implant mark, a reason kept for the
// operator's next early release or correction, an indicator result or an emergency release handed to the
// release machine for the right load). A refused release command is never silent: the scan record says
// why (accepted false), a warning is logged, and a refused fail result also raises an alarm (someone saw
// an indicator fail and the gateway did not act on it). Call inside WorkflowContext.commit().
import { readScan } from '../../drivers/scanner/parse.js';
import type { DecodedBarcode } from '../../vocabulary/barcode.js';
import { localDate } from '../../vocabulary/local-day.js';
import type { GivenReason } from './given-reason.js';
import { applyScan, type ReleaseCommand, type ScanOutcome, type StationAction } from './load-assembler.js';
import type { BiVial } from './load-contents.js';
import { scanReadingOf } from './load-policy.js';
import type { DeskAction } from './loaner-desk.js';
import type { ReleaseEvent, ReleaseState, StepResult } from './release-machine.js';
import type { ReleaseRunner } from './release-runner.js';
import type { ReleaseStatus } from './release-status.js';
import type { StationSession } from './station-session.js';
import { readWellCode } from './well-code.js';
import type { WorkflowContext } from './workflow-context.js';

export interface ScanResult {
  accepted: boolean;
  /** What the scan did (at a loaner desk: the desk's action, loaner-desk.ts). */
  action: StationAction['kind'] | DeskAction['kind'];
  note: string | null;
  loadId: string | null;
  scanRecordId: string;
}

/**
 * Which load (or Bowie–Dick cycle) a release command is for: the station's newest one in the first status,
 * in this order, that has one still without this result; failing that (a correction), the newest one with
 * a result. A running cycle's load (pending) comes last: indicators are read after unloading. Loads that are
 * no longer held are only corrected on the day they ran. A fail result may also concern a load released today
 * (released_early, released): after release it recalls the load.
 */
const TARGETS: Record<ReleaseCommand, { kind: 'load' | 'bowie-dick'; statuses: ReleaseStatus[]; fact: 'ci' | 'class5' | 'bdSheet' | null }> = {
  'CI-PASS': { kind: 'load', statuses: ['awaiting-ci', 'awaiting-bi', 'awaiting-bd', 'pending', 'quarantined'], fact: 'ci' },
  'CI-FAIL': { kind: 'load', statuses: ['awaiting-ci', 'awaiting-bi', 'awaiting-bd', 'pending', 'released_early', 'released'], fact: 'ci' },
  'CI5-PASS': { kind: 'load', statuses: ['awaiting-bi', 'awaiting-ci', 'awaiting-bd', 'pending', 'quarantined'], fact: 'class5' },
  'CI5-FAIL': { kind: 'load', statuses: ['awaiting-bi', 'awaiting-ci', 'awaiting-bd', 'pending', 'released_early', 'released'], fact: 'class5' },
  'EARLY-RELEASE': { kind: 'load', statuses: ['awaiting-bi', 'awaiting-ci'], fact: null },
  'BD-PASS': { kind: 'bowie-dick', statuses: ['awaiting-bd', 'pending', 'quarantined', 'released'], fact: 'bdSheet' },
  'BD-FAIL': { kind: 'bowie-dick', statuses: ['awaiting-bd', 'pending', 'released', 'quarantined'], fact: 'bdSheet' },
};
const HELD: readonly ReleaseStatus[] = ['pending', 'awaiting-bd', 'awaiting-ci', 'awaiting-bi'];
const FAIL_COMMANDS: readonly ReleaseCommand[] = ['CI-FAIL', 'CI5-FAIL', 'BD-FAIL'];

function eventOf(command: ReleaseCommand, operator: string, at: number, reason: GivenReason | null): ReleaseEvent {
  switch (command) {
    case 'CI-PASS':
      return { type: 'indicator', indicator: 'ci', result: 'pass', operator, at, reason };
    case 'CI-FAIL':
      return { type: 'indicator', indicator: 'ci', result: 'fail', operator, at, reason };
    case 'CI5-PASS':
      return { type: 'indicator', indicator: 'class5', result: 'pass', operator, at, reason };
    case 'CI5-FAIL':
      return { type: 'indicator', indicator: 'class5', result: 'fail', operator, at, reason };
    case 'BD-PASS':
      return { type: 'bd-sheet', result: 'pass', operator, at, reason };
    case 'BD-FAIL':
      return { type: 'bd-sheet', result: 'fail', operator, at, reason };
    case 'EARLY-RELEASE':
      return { type: 'early-release', operator, at, reason };
  }
}

/** What a machine station asks of the loaner ledger: the set a basket code belongs to. */
export interface LoanerLookup {
  setOfCode(code: string): string | null;
  looksLikeSetCode(raw: string): boolean;
}

export class StationIntake {
  constructor(
    private readonly ctx: WorkflowContext,
    private readonly releases: ReleaseRunner,
    private readonly loaners: LoanerLookup | null = null,
  ) {}

  private target(station: string, command: ReleaseCommand, at: number): ReleaseState | null {
    const t = TARGETS[command];
    const today = localDate(at, this.ctx.timeZone);
    const candidates = t.statuses.map((status) =>
      this.ctx.releases
        .inStatus(station, status)
        .filter(
          (s) => s.facts.kind === t.kind && (HELD.includes(status) || localDate(s.facts.cycle?.endedAt ?? s.facts.closedAt, this.ctx.timeZone) === today),
        ),
    );
    const fresh = (s: ReleaseState) => t.fact === null || s.facts[t.fact] === null;
    for (const list of candidates) {
      const found = list.find(fresh);
      if (found) return found;
    }
    for (const list of candidates) if (list[0]) return list[0];
    return null;
  }

  private findLoadedVial(vial: BiVial): string | null {
    const open = this.ctx.bis.unread().filter((l) => l.role === 'load' && l.well === null && l.lot === vial.lot && (l.serial ?? undefined) === vial.serial);
    return open.at(-1)?.linkId ?? null;
  }

  handle(station: string, scanner: string, raw: string, ts: number, parsed?: DecodedBarcode): ScanResult {
    const { ctx } = this;
    const sp = ctx.policy.station;
    const before: StationSession = ctx.stations.session(station);
    const well = readWellCode(raw, sp.wellPrefix);
    const read: DecodedBarcode | null = well === null ? (parsed ?? readScan(raw, ts, scanReadingOf(ctx.policy))) : null;
    // A loaner basket's label is a goods code at a machine, whatever the site's internal-code pattern says.
    const loanerSet = read && this.loaners?.looksLikeSetCode(raw) ? this.loaners.setOfCode(raw) : null;
    const decoded: DecodedBarcode | null =
      read && loanerSet !== null && read.kind === 'unknown' ? { kind: 'internal', valid: true, fields: { code: raw.trim() }, errors: [], raw } : read;
    const outcome: ScanOutcome =
      well !== null && 'error' in well
        ? { session: { ...before, lastActivity: ts }, action: { kind: 'refused', reason: well.error }, notes: [], expired: null }
        : applyScan(
            before,
            { raw, ts, decoded, well: well && !('error' in well) ? well : null },
            {
              policy: sp,
              timeZone: ctx.timeZone,
              newId: ctx.newId,
              findLoadedVial: (v) => this.findLoadedVial(v),
              ...(this.loaners ? { loanerSetOf: (code: string) => this.loaners?.setOfCode(code) ?? null } : {}),
            },
          );
    const a = outcome.action;

    // A release command is decided before the scan record, so the scan record tells what it did.
    let release: { target: ReleaseState; step: StepResult } | null = null;
    let accepted = a.kind !== 'refused';
    let note: string | null = a.kind === 'refused' ? a.reason : null;
    let loadId: string | null = outcome.session.load?.loadId ?? before.load?.loadId ?? null;
    let session = outcome.session;
    let refusal: string | null = null;
    if (a.kind === 'release-command') {
      const target = this.target(station, a.command, ts);
      if (!target) {
        accepted = false;
        refusal = 'no-target';
        note = `no ${TARGETS[a.command].kind === 'load' ? 'load' : 'Bowie–Dick cycle'} of ${station} waits for ${a.command}`;
      } else {
        const st = this.releases.plan(target, eventOf(a.command, a.operator, ts, a.reason));
        release = { target, step: st };
        loadId = target.facts.loadId;
        accepted = st.refused === null;
        refusal = st.refused?.code ?? null;
        note = st.refused
          ? st.refused.reason
          : st.record
            ? `${target.facts.loadId}: ${st.record.previousStatus} → ${st.record.status}${st.record.givenReason ? ` (reason ${st.record.givenReason.code})` : ''}`
            : 'result noted; status unchanged';
        // A reason is used once: by the release record that carries it.
        if (st.record?.givenReason) session = { ...session, reason: null };
      }
      if (!accepted)
        ctx.log.warn(
          { station, scanner, operator: a.operator, command: a.command, loadId, refused: refusal, reason: note },
          'station: release command refused',
        );
    }
    if (a.kind === 'reason-given')
      ctx.log.info({ station, operator: a.reason.operator, reasonCode: a.reason.code }, 'station: reason given for the next early release or correction');
    if (a.kind === 'refused' && decoded?.kind === 'command')
      ctx.log.warn({ station, scanner, raw, operator: session.operator, reason: a.reason }, 'station: command refused');
    if (a.kind === 'load-cancelled') loadId = a.loadId;
    if (outcome.notes.length > 0) note = [...outcome.notes, note].filter((x) => x).join('; ');

    const scanRec = ctx.record('scan', scanner, {
      station,
      scanner,
      raw,
      kind: well !== null ? 'command' : (decoded?.kind ?? 'unknown'),
      valid: well !== null ? !('error' in well) : (decoded?.valid ?? false),
      ...(decoded?.symbology ? { symbology: decoded.symbology } : {}),
      fields:
        well !== null
          ? 'error' in well
            ? {}
            : { command: 'WELL', well: well.well, ...(well.reader ? { reader: well.reader } : {}) }
          : (decoded?.fields ?? {}),
      errors: well !== null ? ('error' in well ? [well.error] : []) : (decoded?.errors ?? []),
      operator: outcome.session.operator,
      loadId,
      action: a.kind,
      accepted,
      note,
      at: new Date(ts).toISOString(),
    });
    this.effects(station, { ...outcome, session }, scanRec.id, ts);
    if (release) this.releases.persist(release.step, { scanRecordId: scanRec.id });
    if (a.kind === 'release-command' && !accepted && FAIL_COMMANDS.includes(a.command)) {
      ctx.alarm(
        station,
        'indicator-fail-refused',
        `${a.command} scanned by ${a.operator} at ${station} was not applied (${note}): find the load it was read on and keep it out of use`,
        {
          station,
          operator: a.operator,
          command: a.command,
          loadId,
          refused: refusal,
          scanRecordId: scanRec.id,
        },
        ts,
      );
    }
    if (outcome.expired) {
      const w = outcome.expired;
      ctx.alarm(
        station,
        'expired-item',
        `expired ${w.itemKind === 'bi' ? 'BI' : w.itemKind} scanned at ${station}: expiry ${w.expiry ?? '?'}`,
        {
          station,
          loadId,
          itemKind: w.itemKind,
          raw: w.raw,
          expiry: w.expiry,
          gtin: w.gtin,
          lot: w.lot,
          serial: w.serial,
          operator: outcome.session.operator,
          scanRecordId: scanRec.id,
        },
        ts,
      );
    }
    return { accepted, action: a.kind, note, loadId, scanRecordId: scanRec.id };
  }

  /** Persists what the scan did to the station, its load and the BI links. */
  private effects(station: string, o: ScanOutcome, scanRecordId: string, ts: number): void {
    const { ctx } = this;
    const a = o.action;
    switch (a.kind) {
      case 'item-added':
        if (a.opened) ctx.stations.openLoad(a.loadId, station, o.session.operator, ts);
        ctx.stations.addItem(a.loadId, a.item, scanRecordId);
        break;
      case 'bi-loaded':
        if (a.opened) ctx.stations.openLoad(a.loadId, station, o.session.operator, ts);
        break;
      case 'well':
        if (a.placing.linkId) ctx.bis.place(a.placing.linkId, a.reader, a.well, ts);
        else {
          const v = a.placing.vial;
          ctx.bis.insert(
            {
              linkId: ctx.newId(),
              role: 'control',
              loadId: null,
              cycleId: null,
              device: null,
              lot: v.lot,
              serial: v.serial ?? null,
              expiry: v.expiry ?? null,
              gtin: v.gtin ?? null,
              reader: a.reader,
              well: a.well,
              placedAt: ts,
            },
            ts,
          );
        }
        break;
      case 'load-cancelled':
        ctx.stations.cancelLoad(a.loadId, ts);
        break;
      case 'implant-marked': {
        if (a.opened) ctx.stations.openLoad(a.loadId, station, o.session.operator, ts);
        const load = o.session.load;
        if (load?.implantMark) {
          ctx.stations.saveSession({ ...o.session, load: { ...load, implantMark: { ...load.implantMark, scanRecordId } } }, ctx.now());
          return;
        }
        break;
      }
      case 'reason-given':
        ctx.stations.saveSession({ ...o.session, reason: { ...a.reason, scanRecordId } }, ctx.now());
        return;
      default:
        break;
    }
    ctx.stations.saveSession(o.session, ctx.now());
  }
}
