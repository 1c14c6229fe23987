// One scan at a loaner desk -> the desk's next state and what happened (pure; loaner-intake.ts persists it and
// writes the records). A desk is a station that is a table, not a machine (config `loaner.desks`): the CSSD
// operator's badge (OP:<id>) and the vendor representative's (VR:<id>) sign the hand-overs; a command starts one
// (CMD:LOANER-RECEIVE, -PACK, -RETURN, -RESOLVE), the set's code picks (or, at receipt, names) the set, then the
// card's reference (CASE:<ref>), the due time (DUE:…), the counts (item codes, or count-sheet lines CNT:<item>:<n>)
// and the internal CI (CMD:LOANER-CI) fill it, and CMD:LOANER-DONE hands it to the loaner machine. CMD:CANCEL
// drops it; CMD:REASON:<CODE> keeps the operator's reason for resolving a count hold.
import type { DecodedBarcode } from '../../vocabulary/barcode.js';
import { localDate } from '../../vocabulary/local-day.js';
import type { GivenReason } from './given-reason.js';
import { pendingReason, reasonCodeOf } from './given-reason.js';
import { classifyGoods, isImplant, unitKey } from './item-classifier.js';
import { expireSession, onReason } from './load-assembler.js';
import type { LoadItem } from './load-contents.js';
import { type DeskCode, HANDOVER_OF } from './loaner-codes.js';
import { type LoanerPolicy, vendorOf } from './loaner-policy.js';
import type { StationPolicy } from './station-policy.js';
import type { DeskSession, Handover, HandoverKind, StationSession } from './station-session.js';

export type { DeskSession, Handover, HandoverKind } from './station-session.js';

export const emptyDesk = (): DeskSession => ({ representative: null, handover: null });

export interface OpenVisitRef {
  visitId: string;
  set: string;
  vendor: string;
}

export interface DeskContext {
  loaner: LoanerPolicy;
  station: StationPolicy;
  timeZone: string;
  /** The open visit (not returned) of a set with this code (its id or one of its baskets), or null. */
  openVisitOf: (code: string) => OpenVisitRef | null;
}

export type DeskAction =
  | { kind: 'signed-in'; operator: string; previous: string | null }
  | { kind: 'representative-signed-in'; representative: string; vendor: string }
  | { kind: 'loaner-started'; handover: HandoverKind }
  | { kind: 'loaner-set'; set: string; basket: boolean }
  | { kind: 'loaner-case' }
  | { kind: 'loaner-due'; dueAt: number }
  | { kind: 'loaner-count'; item: string; count: number; implant: boolean }
  | { kind: 'loaner-ci' }
  | { kind: 'reason-given'; reason: GivenReason }
  | { kind: 'loaner-cancelled'; handover: HandoverKind }
  /** The hand-over is complete: the caller hands it to the loaner machine (and clears it if the machine takes it). */
  | { kind: 'loaner-done'; handover: Handover; operator: string; representative: { id: string; vendor: string } | null; reason: GivenReason | null }
  | { kind: 'refused'; reason: string };

export interface DeskInput {
  raw: string;
  ts: number;
  /** The desk code read from the raw text, or null (then `decoded` says what it is). */
  desk: DeskCode | null;
  decoded: DecodedBarcode | null;
}

export interface DeskOutcome {
  session: StationSession;
  action: DeskAction;
  /** Signed-out or dropped-hand-over notes that happened before this scan. */
  notes: string[];
}

const deskOf = (s: StationSession): DeskSession => s.desk ?? emptyDesk();
const withDesk = (s: StationSession, d: DeskSession): StationSession => ({ ...s, desk: d });

/** Signs out an idle operator and representative and drops an idle hand-over (also what tick() applies). */
export function expireDesk(s: StationSession, now: number, p: StationPolicy): { session: StationSession; notes: string[] } {
  const { session, notes } = expireSession(s, now, p);
  const d = deskOf(session);
  const idle = session.lastActivity !== null && now - session.lastActivity > p.sessionIdleMs;
  if (!idle || (!d.representative && !d.handover)) return { session, notes };
  if (d.representative) notes.push(`representative ${d.representative.id} signed out after ${Math.round(p.sessionIdleMs / 60_000)} min without a scan`);
  if (d.handover)
    notes.push(
      `the ${d.handover.kind} hand-over${d.handover.set ? ` of ${d.handover.set}` : ''} was dropped after ${Math.round(p.sessionIdleMs / 60_000)} min without a scan`,
    );
  return { session: withDesk(session, emptyDesk()), notes };
}

/** The key an item counts under: its GTIN, HIBC `+LICproduct`, asset id or internal code. */
export function countKey(item: LoadItem): string {
  return item.gtin ?? item.code ?? item.raw.trim();
}

/** Whether a count sheet's item is an implant by the site's rules (release.implants), read as a GTIN-14, an HIBC `+LICproduct` or a code. */
export function countItemIsImplant(item: string, p: StationPolicy): boolean {
  const hibc = /^\+([A-Z0-9]{4})([A-Z0-9]*)$/.exec(item);
  const d: DecodedBarcode = /^\d{14}$/.test(item)
    ? { kind: 'gs1', valid: true, fields: { gtin: item }, errors: [], raw: item }
    : hibc
      ? { kind: 'hibc', valid: true, fields: { lic: hibc[1] as string, ...(hibc[2] ? { product: hibc[2] } : {}) }, errors: [], raw: item }
      : { kind: 'internal', valid: true, fields: { code: item }, errors: [], raw: item };
  return isImplant(d, p);
}

function newHandover(kind: HandoverKind, ts: number): Handover {
  return { kind, startedAt: ts, set: null, visitId: null, vendor: null, baskets: [], caseRef: null, dueAt: null, counts: [], units: [], ci: null };
}

const missing = (h: Handover, what: string[]) =>
  `the ${h.kind === 'receive' ? 'receipt' : h.kind === 'pack' ? 'packing check' : h.kind} is not complete: scan ${what.join(', ')} first`;

function onDone(s: StationSession, d: DeskSession, operator: string, ts: number, ctx: DeskContext): DeskAction {
  const h = d.handover;
  if (!h) return { kind: 'refused', reason: 'no hand-over is open: scan CMD:LOANER-RECEIVE, -PACK, -RETURN or -RESOLVE first' };
  const need: string[] = [];
  if (!h.set) need.push("the set's code");
  const rep = d.representative;
  if (h.kind === 'receive') {
    if (!h.caseRef) need.push("the confirmation card's reference (CASE:<ref>)");
    if (!rep) need.push("the vendor representative's badge (VR:<id>)");
    if (h.counts.length === 0) need.push('the expected instruments and implants (item codes or count-sheet lines CNT:<item>:<n>)');
  }
  if (h.kind === 'pack') {
    if (h.counts.length === 0) need.push('the counts (item codes or CNT:<item>:<n>)');
    if (!h.ci) need.push('the internal chemical indicator (CMD:LOANER-CI)');
  }
  if (h.kind === 'return') {
    if (!rep) need.push("the vendor representative's badge (VR:<id>)");
    if (h.counts.length === 0) need.push('the counts handed back (item codes or CNT:<item>:<n>)');
  }
  if (need.length) return { kind: 'refused', reason: missing(h, need) };
  if (h.kind === 'return' && rep && rep.vendor !== h.vendor)
    return {
      kind: 'refused',
      reason: `representative ${rep.id} is of ${rep.vendor}; this set belongs to ${h.vendor}: its own vendor's representative signs the return`,
    };
  const reason = pendingReason(s.reason, operator, ts, ctx.station.reasonWindowMs);
  return { kind: 'loaner-done', handover: h, operator, representative: rep ? { id: rep.id, vendor: rep.vendor } : null, reason };
}

function onCode(s: StationSession, d: DeskSession, code: DeskCode, ts: number, ctx: DeskContext): { session: StationSession; action: DeskAction } {
  const refused = (reason: string) => ({ session: s, action: { kind: 'refused', reason } as DeskAction });
  if (code.kind === 'error') return refused(code.reason);
  if (code.kind === 'representative') {
    const vendor = vendorOf(ctx.loaner, code.id);
    if (!vendor) return refused(`${code.id} is not a trained representative of a configured vendor (loaner.vendors)`);
    return {
      session: withDesk(s, { ...d, representative: { id: code.id, vendor, at: ts } }),
      action: { kind: 'representative-signed-in', representative: code.id, vendor },
    };
  }
  if (!s.operator) return refused('no operator signed in: scan your badge (OP:<id>) first');
  const h = d.handover;
  if (!h) return refused('no hand-over is open: scan CMD:LOANER-RECEIVE, -PACK, -RETURN or -RESOLVE first');
  const put = (next: Handover, action: DeskAction) => ({ session: withDesk(s, { ...d, handover: next }), action });
  switch (code.kind) {
    case 'set': {
      const open = ctx.openVisitOf(code.code);
      if (h.kind === 'receive') {
        if (open) return refused(`${code.code} belongs to loaner set ${open.set}, received and not returned yet`);
        if (h.baskets.includes(code.code)) return refused(`${code.code} is already in this receipt`);
        return put(
          { ...h, set: h.set ?? code.code, baskets: [...h.baskets, code.code] },
          { kind: 'loaner-set', set: h.set ?? code.code, basket: h.set !== null },
        );
      }
      if (!open) return refused(`no loaner set with the code ${code.code} is at the CSSD (received and not returned)`);
      if (h.set && h.set !== open.set) return refused(`this hand-over is for set ${h.set}: one set per hand-over`);
      return put({ ...h, set: open.set, visitId: open.visitId, vendor: open.vendor }, { kind: 'loaner-set', set: open.set, basket: false });
    }
    case 'case':
      if (h.kind !== 'receive') return refused("the confirmation card's reference is scanned at receipt");
      if (h.caseRef && h.caseRef !== code.ref) return refused('this receipt already has its confirmation card reference; scan CMD:CANCEL to start again');
      return put({ ...h, caseRef: code.ref }, { kind: 'loaner-case' });
    case 'due':
      if (h.kind !== 'receive') return refused('the due time is scanned at receipt');
      return put({ ...h, dueAt: code.at }, { kind: 'loaner-due', dueAt: code.at });
    case 'count': {
      if (h.kind === 'resolve') return refused('counts are not scanned when resolving; recount with CMD:LOANER-PACK or -RETURN');
      if (!h.set) return refused("scan the set's code first");
      const implant = countItemIsImplant(code.item, ctx.station);
      return put(
        { ...h, counts: [...h.counts, { item: code.item, count: code.count, implant }] },
        { kind: 'loaner-count', item: code.item, count: code.count, implant },
      );
    }
  }
}

function onCommand(s: StationSession, d: DeskSession, command: string, ts: number, ctx: DeskContext): { session: StationSession; action: DeskAction } {
  const refused = (reason: string) => ({ session: s, action: { kind: 'refused', reason } as DeskAction });
  if (!s.operator) return refused('no operator signed in: scan your badge (OP:<id>) first');
  const reasonCode = reasonCodeOf(command);
  if (reasonCode !== null) {
    const r = onReason(s, reasonCode, ts, ctx.station);
    const a = r.action;
    return {
      session: r.session,
      action: a.kind === 'reason-given' ? a : { kind: 'refused', reason: a.kind === 'refused' ? a.reason : 'the reason was not kept' },
    };
  }
  const start = HANDOVER_OF[command];
  if (start) {
    if (d.handover && (d.handover.set || d.handover.counts.length))
      return refused(
        `a ${d.handover.kind} hand-over${d.handover.set ? ` of ${d.handover.set}` : ''} is open: finish it (CMD:LOANER-DONE) or drop it (CMD:CANCEL) first`,
      );
    return { session: withDesk(s, { ...d, handover: newHandover(start, ts) }), action: { kind: 'loaner-started', handover: start } };
  }
  switch (command) {
    case 'LOANER-CI': {
      const h = d.handover;
      if (h?.kind !== 'pack' || !h.set) return refused('the internal CI is scanned in a packing check, after the set (CMD:LOANER-PACK, the set code)');
      return { session: withDesk(s, { ...d, handover: { ...h, ci: { operator: s.operator, at: ts, scanRecordId: null } } }), action: { kind: 'loaner-ci' } };
    }
    case 'LOANER-DONE':
      return { session: s, action: onDone(s, d, s.operator, ts, ctx) };
    case 'CANCEL':
      if (!d.handover) return refused('nothing to cancel');
      return { session: withDesk(s, { ...d, handover: null }), action: { kind: 'loaner-cancelled', handover: d.handover.kind } };
    default:
      return refused(`command ${command} is not used at a loaner desk`);
  }
}

function onGoods(s: StationSession, d: DeskSession, dec: DecodedBarcode, ts: number, ctx: DeskContext): { session: StationSession; action: DeskAction } {
  const refused = (reason: string) => ({ session: s, action: { kind: 'refused', reason } as DeskAction });
  if (!s.operator) return refused('no operator signed in: scan your badge (OP:<id>) first');
  const h = d.handover;
  if (!h || h.kind === 'resolve') return refused('items are counted in a receipt, packing check or return: scan CMD:LOANER-RECEIVE, -PACK or -RETURN first');
  if (!h.set) return refused("scan the set's code first");
  const c = classifyGoods(dec, ctx.station, localDate(ts, ctx.timeZone), new Date(ts).toISOString());
  if (c.role === 'rejected') return refused(c.reason);
  if (c.role === 'bi-vial') return refused('a BI vial is not counted at a loaner desk: it goes into the sterilizer load');
  const unit = c.item.serial ? unitKey(c.item) : null;
  if (unit && h.units.includes(unit)) return refused('this unit is already counted');
  const item = countKey(c.item);
  return {
    session: withDesk(s, {
      ...d,
      handover: { ...h, counts: [...h.counts, { item, count: 1, implant: c.item.implant }], units: unit ? [...h.units, unit] : h.units },
    }),
    action: { kind: 'loaner-count', item, count: 1, implant: c.item.implant },
  };
}

export function applyDeskScan(before: StationSession, input: DeskInput, ctx: DeskContext): DeskOutcome {
  const { session: s0, notes } = expireDesk(before, input.ts, ctx.station);
  const s = { ...s0, lastActivity: input.ts };
  const d = deskOf(s);
  const done = (r: { session: StationSession; action: DeskAction }): DeskOutcome => ({ ...r, notes });
  if (input.desk) return done(onCode(s, d, input.desk, input.ts, ctx));
  const dec = input.decoded;
  if (!dec) return done({ session: s, action: { kind: 'refused', reason: 'nothing decoded' } });
  if (dec.kind === 'operator') {
    const op = dec.fields.operator;
    if (!dec.valid || !op) return done({ session: s, action: { kind: 'refused', reason: `not a valid badge: ${dec.errors.join('; ')}` } });
    const reason = s.reason && s.reason.operator === op ? s.reason : null;
    return done({ session: { ...s, operator: op, operatorSince: input.ts, reason }, action: { kind: 'signed-in', operator: op, previous: s.operator } });
  }
  if (dec.kind === 'command') {
    const command = dec.fields.command;
    if (command && reasonCodeOf(command) !== null) return done(onCommand(s, d, command, input.ts, ctx));
    if (!dec.valid || !command) return done({ session: s, action: { kind: 'refused', reason: `unknown command: ${dec.errors.join('; ')}` } });
    return done(onCommand(s, d, command, input.ts, ctx));
  }
  if (dec.kind === 'unknown') return done({ session: s, action: { kind: 'refused', reason: `unreadable code: ${dec.errors.join('; ')}` } });
  return done(onGoods(s, d, dec, input.ts, ctx));
}

/** The session after the machine took the hand-over (receipt, packing check, return, resolution). */
export function handoverTaken(s: StationSession, usedReason: boolean): StationSession {
  return { ...withDesk(s, { ...deskOf(s), handover: null }), ...(usedReason ? { reason: null } : {}) };
}
