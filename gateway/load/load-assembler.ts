// One scan at a station -> the station's next state and what happened (pure; the caller persists and
// writes the records). Operator badge first; then goods scans build the load; BI vials become the
// load's BI, or, when already through a cycle, go to a reader well with the next well code; command
// codes end or cancel the load, mark it as holding implants (CMD:IMPLANT), keep a reason for the operator's
// next early release or correction (CMD:REASON:<CODE>), or are handed on to the release machine. The cycle
// start takes the load (LoadWorkflow.takeLoad), not a scan.
import type { DecodedBarcode } from '../../drivers/scanner/barcode/index.js';
import { localDate } from '../../vocabulary/local-day.js';
import { type GivenReason, pendingReason, reasonCodeOf } from './given-reason.js';
import { classifyGoods, unitKey } from './item-classifier.js';
import type { BiVial, LoadItem } from './load-contents.js';
import { DESK_COMMANDS } from './loaner-codes.js';
import type { StationPolicy } from './station-policy.js';
import type { Placing, StationSession } from './station-session.js';
import type { WellCode } from './well-code.js';

/** Commands the release machine acts on (the workflow finds the load they are for). */
export const RELEASE_COMMANDS = ['CI-PASS', 'CI-FAIL', 'CI5-PASS', 'CI5-FAIL', 'BD-PASS', 'BD-FAIL', 'EARLY-RELEASE'] as const;
export type ReleaseCommand = (typeof RELEASE_COMMANDS)[number];
/** Every command a station acts on (onCommand below; a loaner desk's in loaner-desk.ts), besides `REASON:<CODE>`. */
export const STATION_COMMANDS = [...RELEASE_COMMANDS, 'IMPLANT', 'LOAD-END', 'CANCEL', 'BI-CONTROL', ...DESK_COMMANDS] as const;

export interface ScanInput {
  raw: string;
  ts: number;
  /** The decoder's reading; for a well code, the well instead. */
  decoded: DecodedBarcode | null;
  well: WellCode | null;
}

export interface AssemblerContext {
  policy: StationPolicy;
  timeZone: string;
  newId: () => string;
  /** The bi_links id of a vial that went through a cycle and has no result or well yet, else null. */
  findLoadedVial: (vial: BiVial) => string | null;
  /** The loaner set whose basket carries this code (an open visit), else null. */
  loanerSetOf?: (code: string) => string | null;
}

export type StationAction =
  | { kind: 'signed-in'; operator: string; previous: string | null }
  | { kind: 'item-added'; loadId: string; item: LoadItem; opened: boolean }
  | { kind: 'bi-loaded'; loadId: string; vial: BiVial; opened: boolean }
  | { kind: 'vial-placing'; placing: Placing }
  | { kind: 'well'; placing: Placing; reader: string | null; well: string }
  /** `reason`: the operator's own reason scanned before (CMD:REASON:<CODE>), for an early release or a correction. */
  | { kind: 'release-command'; command: ReleaseCommand; operator: string; reason: GivenReason | null }
  | { kind: 'implant-marked'; loadId: string; opened: boolean }
  | { kind: 'reason-given'; reason: GivenReason }
  | { kind: 'load-ended'; loadId: string }
  | { kind: 'load-cancelled'; loadId: string; items: number }
  | { kind: 'placing-cancelled' }
  | { kind: 'control-next' }
  | { kind: 'refused'; reason: string };

export interface ExpiredWarning {
  itemKind: 'bi' | 'implant' | 'item';
  raw: string;
  expiry: string | null;
  gtin: string | null;
  lot: string | null;
  serial: string | null;
}

export interface ScanOutcome {
  session: StationSession;
  action: StationAction;
  /** Signed-out or dropped-placing notes that happened before this scan. */
  notes: string[];
  expired: ExpiredWarning | null;
}

const sameVial = (a: BiVial, b: BiVial) => a.lot === b.lot && (a.serial ?? null) === (b.serial ?? null) && (a.gtin ?? null) === (b.gtin ?? null);

/** Signs out an idle operator and drops a stale placement (also what tick() applies). */
export function expireSession(s: StationSession, now: number, p: StationPolicy): { session: StationSession; notes: string[] } {
  const notes: string[] = [];
  let next = s;
  if (next.operator && next.lastActivity !== null && now - next.lastActivity > p.sessionIdleMs) {
    notes.push(`operator ${next.operator} signed out after ${Math.round(p.sessionIdleMs / 60_000)} min without a scan`);
    next = { ...next, operator: null, operatorSince: null, controlNext: false, reason: null };
  }
  if (next.placing && now - next.placing.at > p.placementWindowMs) {
    notes.push('the BI vial scanned for a reader well got no well code in time');
    next = { ...next, placing: null };
  }
  return { session: next, notes };
}

function openLoad(s: StationSession, ts: number, ctx: AssemblerContext): { session: StationSession; opened: boolean } {
  if (s.load) return { session: s, opened: false };
  return {
    session: { ...s, load: { loadId: ctx.newId(), operator: s.operator, openedAt: ts, ended: false, items: [], bi: null, implantMark: null } },
    opened: true,
  };
}

const knownReasons = (p: StationPolicy) => Object.keys(p.reasons).join(', ') || 'none configured';

/** CMD:REASON:<CODE>: a code from `release.reasons` is kept for this operator's next early release or correction. */
export function onReason(s: StationSession, code: string, ts: number, p: StationPolicy): { session: StationSession; action: StationAction } {
  const operator = s.operator as string;
  if (!Object.hasOwn(p.reasons, code)) {
    return {
      session: s,
      action: { kind: 'refused', reason: `reason code ${JSON.stringify(code)} is not in release.reasons (known: ${knownReasons(p)}); nothing was kept` },
    };
  }
  const reason: GivenReason = { code, text: p.reasons[code] as string, operator, at: new Date(ts).toISOString(), scanRecordId: null };
  return { session: { ...s, reason }, action: { kind: 'reason-given', reason } };
}

/** CMD:IMPLANT: the open load (opened now if there is none) holds implants, whatever its codes say. */
function onImplant(s: StationSession, ts: number, ctx: AssemblerContext): { session: StationSession; action: StationAction } {
  if (s.load?.implantMark)
    return { session: s, action: { kind: 'refused', reason: `the load is already marked as containing implants (by ${s.load.implantMark.operator})` } };
  const o = openLoad(s, ts, ctx);
  const load = o.session.load as NonNullable<StationSession['load']>;
  const implantMark = { operator: s.operator as string, at: ts, scanRecordId: null };
  return { session: { ...o.session, load: { ...load, implantMark } }, action: { kind: 'implant-marked', loadId: load.loadId, opened: o.opened } };
}

function onCommand(s: StationSession, command: string, ts: number, ctx: AssemblerContext): { session: StationSession; action: StationAction } {
  const refused = (reason: string) => ({ session: s, action: { kind: 'refused', reason } as StationAction });
  if (!s.operator) return refused('no operator signed in: scan your badge (OP:<id>) first');
  if ((RELEASE_COMMANDS as readonly string[]).includes(command)) {
    const reason = pendingReason(s.reason, s.operator, ts, ctx.policy.reasonWindowMs);
    return { session: s, action: { kind: 'release-command', command: command as ReleaseCommand, operator: s.operator, reason } };
  }
  const reasonCode = reasonCodeOf(command);
  if (reasonCode !== null) return onReason(s, reasonCode, ts, ctx.policy);
  switch (command) {
    case 'IMPLANT':
      return onImplant(s, ts, ctx);
    case 'LOAD-END':
      if (!s.load || (s.load.items.length + (s.load.bi ? 1 : 0) === 0 && !s.load.implantMark)) return refused('no load is being assembled');
      if (s.load.ended) return refused('the load is already ended; it closes when the cycle starts');
      return { session: { ...s, load: { ...s.load, ended: true } }, action: { kind: 'load-ended', loadId: s.load.loadId } };
    case 'CANCEL':
      if (s.placing || s.controlNext) return { session: { ...s, placing: null, controlNext: false }, action: { kind: 'placing-cancelled' } };
      if (s.load) return { session: { ...s, load: null }, action: { kind: 'load-cancelled', loadId: s.load.loadId, items: s.load.items.length } };
      return refused('nothing to cancel');
    case 'BI-CONTROL':
      return { session: { ...s, controlNext: true, placing: null }, action: { kind: 'control-next' } };
    default:
      return refused(
        (DESK_COMMANDS as readonly string[]).includes(command)
          ? `command ${command} is scanned at a loaner desk (loaner.desks), not at a machine`
          : `command ${command} is not used at a station`,
      );
  }
}

function onVial(s: StationSession, vial: BiVial, ts: number, ctx: AssemblerContext): { session: StationSession; action: StationAction } {
  if (s.controlNext) {
    const placing: Placing = { vial, linkId: null, control: true, at: ts };
    return { session: { ...s, controlNext: false, placing }, action: { kind: 'vial-placing', placing } };
  }
  const inLoad = s.load?.bi && sameVial(s.load.bi, vial);
  const linkId = inLoad ? null : ctx.findLoadedVial(vial);
  if (linkId) {
    const placing: Placing = { vial, linkId, control: false, at: ts };
    return { session: { ...s, placing }, action: { kind: 'vial-placing', placing } };
  }
  if (inLoad) return { session: s, action: { kind: 'refused', reason: 'this BI vial is already in the load' } };
  if (s.load?.ended) return { session: s, action: { kind: 'refused', reason: 'the load is ended (CMD:LOAD-END); scan CMD:CANCEL to start it again' } };
  if (s.load?.bi) return { session: s, action: { kind: 'refused', reason: `the load already has a BI (lot ${s.load.bi.lot}); one BI per load` } };
  const o = openLoad(s, ts, ctx);
  const load = o.session.load as NonNullable<StationSession['load']>;
  return { session: { ...o.session, load: { ...load, bi: vial } }, action: { kind: 'bi-loaded', loadId: load.loadId, vial, opened: o.opened } };
}

function onItem(s: StationSession, item: LoadItem, ts: number, ctx: AssemblerContext): { session: StationSession; action: StationAction } {
  if (s.load?.ended) return { session: s, action: { kind: 'refused', reason: 'the load is ended (CMD:LOAD-END); scan CMD:CANCEL to start it again' } };
  const key = unitKey(item);
  if (key && s.load?.items.some((x) => unitKey(x) === key)) return { session: s, action: { kind: 'refused', reason: 'this unit is already in the load' } };
  const o = openLoad(s, ts, ctx);
  const load = o.session.load as NonNullable<StationSession['load']>;
  return {
    session: { ...o.session, load: { ...load, items: [...load.items, item] } },
    action: { kind: 'item-added', loadId: load.loadId, item, opened: o.opened },
  };
}

function warningOf(action: StationAction): ExpiredWarning | null {
  const w = (itemKind: ExpiredWarning['itemKind'], x: { raw: string; expiry?: string; gtin?: string; lot?: string; serial?: string }): ExpiredWarning => ({
    itemKind,
    raw: x.raw,
    expiry: x.expiry ?? null,
    gtin: x.gtin ?? null,
    lot: x.lot ?? null,
    serial: x.serial ?? null,
  });
  if (action.kind === 'item-added' && action.item.expired) return w(action.item.implant ? 'implant' : 'item', action.item);
  if (action.kind === 'bi-loaded' && action.vial.expired) return w('bi', action.vial);
  if (action.kind === 'vial-placing' && action.placing.vial.expired) return w('bi', action.placing.vial);
  return null;
}

export function applyScan(before: StationSession, input: ScanInput, ctx: AssemblerContext): ScanOutcome {
  const { session: s0, notes } = expireSession(before, input.ts, ctx.policy);
  const s = { ...s0, lastActivity: input.ts };
  const done = (r: { session: StationSession; action: StationAction }): ScanOutcome => ({ ...r, notes, expired: warningOf(r.action) });
  const refused = (reason: string) => done({ session: s, action: { kind: 'refused', reason } });

  if (input.well) {
    if (!s.operator) return refused('no operator signed in: scan your badge (OP:<id>) first');
    if (!s.placing) return refused('scan the BI vial first, then the well code');
    const w = input.well;
    return done({ session: { ...s, placing: null }, action: { kind: 'well', placing: s.placing, reader: w.reader ?? ctx.policy.defaultReader, well: w.well } });
  }
  const d = input.decoded;
  if (!d) return refused('nothing decoded');
  if (d.kind === 'operator') {
    const op = d.fields.operator;
    if (!d.valid || !op) return refused(`not a valid badge: ${d.errors.join('; ')}`);
    // A reason belongs to the operator who scanned it: another badge drops it.
    const reason = s.reason && s.reason.operator === op ? s.reason : null;
    return done({
      session: { ...s, operator: op, operatorSince: input.ts, controlNext: false, reason },
      action: { kind: 'signed-in', operator: op, previous: s.operator },
    });
  }
  if (d.kind === 'command') {
    const command = d.fields.command;
    // A reason code is the station's to judge, well-formed or not: one not in release.reasons is refused naming the list.
    if (command && reasonCodeOf(command) !== null) return done(onCommand(s, command, input.ts, ctx));
    if (!d.valid || !command) return refused(`unknown command: ${d.errors.join('; ')}`);
    return done(onCommand(s, command, input.ts, ctx));
  }
  if (d.kind === 'unknown') return refused(`unreadable code: ${d.errors.join('; ')}`);
  if (!s.operator) return refused('no operator signed in: scan your badge (OP:<id>) first');
  const c = classifyGoods(d, ctx.policy, localDate(input.ts, ctx.timeZone), new Date(input.ts).toISOString(), ctx.loanerSetOf);
  if (c.role === 'rejected') return refused(c.reason);
  if (c.role === 'bi-vial') return done(onVial(s, c.vial, input.ts, ctx));
  return done(onItem(s, c.item, input.ts, ctx));
}
