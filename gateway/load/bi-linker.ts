// BI reader results -> the load whose vial it is, and whether the result counts (pure).
// Matching: the well the vial was placed in (a well code scanned after the vial), else the lot (and
// the vial serial when the reader reports one) among vials that went through a cycle and have no
// result yet; two or more candidates are ambiguous and link nothing. Validity (standards §4.1): a
// positive control of the same lot must read positive the same local day; the reader must not call
// the reading invalid; the vial must be in date; a well-matched result must carry the vial's lot.
import { localDate } from '../../vocabulary/local-day.js';

export interface BiLink {
  linkId: string;
  role: 'load' | 'control';
  loadId: string | null;
  cycleId: string | null;
  device: string | null;
  lot: string;
  serial: string | null;
  expiry: string | null;
  gtin: string | null;
  reader: string | null;
  well: string | null;
  placedAt: number | null;
  result: 'negative' | 'positive' | 'invalid' | null;
  valid: boolean | null;
  reasonCode: BiReasonCode | null;
  readAt: number | null;
  recordId: string | null;
}

export interface BiReading {
  reader: string;
  well: string;
  lot: string;
  vial: string | null;
  result: 'negative' | 'positive' | 'invalid';
  readAt: number;
  incubationMin: number;
  /** The reader marks this well as the positive control. */
  control: boolean;
  caution: string | null;
}

/** A positive-control reading (role control, from a reader flag or a control vial placed in a well). */
export interface ControlRead {
  lot: string;
  reader: string;
  well: string;
  result: 'negative' | 'positive' | 'invalid';
  readAt: number;
  recordId: string;
}

export const BI_REASON_CODES = [
  'valid',
  'reader-invalid',
  'bi-expired',
  'lot-mismatch',
  'no-positive-control',
  'control-positive',
  'control-not-positive',
] as const;
export type BiReasonCode = (typeof BI_REASON_CODES)[number];

export type MatchHow = 'well' | 'lot' | 'serial' | 'none' | 'ambiguous';
export interface Match {
  link: BiLink | null;
  how: MatchHow;
  candidates: number;
}

/** The vial was placed in the well this reading is from (a well code without a reader fits any reader). */
const inWell = (l: BiLink, r: BiReading): boolean => l.well === r.well && (l.reader === null || l.reader === r.reader);

/** The control link placed in this reader well and not read yet, if any. */
export function controlWell(r: BiReading, links: readonly BiLink[]): BiLink | null {
  return links.find((l) => l.role === 'control' && l.result === null && inWell(l, r)) ?? null;
}

export function matchReading(r: BiReading, links: readonly BiLink[]): Match {
  const open = links.filter((l) => l.role === 'load' && l.result === null);
  const placed = open.find((l) => inWell(l, r));
  if (placed) return { link: placed, how: 'well', candidates: 1 };
  // Vials placed in another well are not candidates by lot: that well will report them.
  const byLot = open.filter((l) => l.lot === r.lot && l.well === null);
  if (r.vial) {
    const bySerial = byLot.filter((l) => l.serial === r.vial);
    if (bySerial.length === 1) return { link: bySerial[0] as BiLink, how: 'serial', candidates: 1 };
  }
  const cands = r.vial ? byLot.filter((l) => l.serial === null || l.serial === r.vial) : byLot;
  if (cands.length === 1) return { link: cands[0] as BiLink, how: 'lot', candidates: 1 };
  return { link: null, how: cands.length === 0 ? 'none' : 'ambiguous', candidates: cands.length };
}

/** The reader's own START of a vial (its lot and serial as the reader knows them). */
export interface BiPlacement {
  reader: string;
  well: string;
  lot: string;
  vial: string | null;
  control: boolean;
  startedAt: number;
}

/**
 * The unread, not yet placed vial of a load that a reader START (by the reader's lot field, and serial
 * when both know one) puts into its well; null when none or several fit, or one is already placed there.
 */
export function matchPlacement(p: BiPlacement, links: readonly BiLink[]): BiLink | null {
  const open = links.filter((l) => l.role === 'load' && l.result === null);
  if (open.some((l) => l.well === p.well && (l.reader === null || l.reader === p.reader))) return null;
  const byLot = open.filter((l) => l.well === null && l.lot === p.lot);
  if (p.vial) {
    const bySerial = byLot.filter((l) => l.serial === p.vial);
    if (bySerial.length === 1) return bySerial[0] as BiLink;
  }
  const cands = p.vial ? byLot.filter((l) => l.serial === null || l.serial === p.vial) : byLot;
  return cands.length === 1 ? (cands[0] as BiLink) : null;
}

export interface Judgement {
  valid: boolean;
  reasonCode: BiReasonCode;
  reason: string;
  control: ControlRead | null;
}

/** Whether a processed BI's reading counts. `controls`: control readings known now. */
export function judgeReading(r: BiReading, link: BiLink | null, controls: readonly ControlRead[], timeZone: string): Judgement {
  const day = localDate(r.readAt, timeZone);
  const bad = (reasonCode: BiReasonCode, reason: string): Judgement => ({ valid: false, reasonCode, reason, control: null });
  if (r.result === 'invalid') return bad('reader-invalid', `the reader reported the reading invalid${r.caution ? ` (${r.caution})` : ''}`);
  if (link?.expiry && link.expiry < day) return bad('bi-expired', `the BI vial expired on ${link.expiry}`);
  if (link && r.lot && link.lot !== r.lot)
    return bad('lot-mismatch', `the reader reports lot ${r.lot} but the vial placed in well ${r.well} is lot ${link.lot}`);
  const lot = link?.lot ?? r.lot;
  const control = controls.find((c) => c.lot === lot && c.result === 'positive' && localDate(c.readAt, timeZone) === day) ?? null;
  if (!control) return bad('no-positive-control', `no positive control of lot ${lot} read positive on ${day}: result not valid (yet)`);
  return {
    valid: true,
    reasonCode: 'valid',
    reason: `positive control of lot ${lot} read positive on ${day} (reader ${control.reader} well ${control.well})`,
    control,
  };
}

export function judgeControl(r: BiReading): Judgement {
  return r.result === 'positive'
    ? { valid: true, reasonCode: 'control-positive', reason: `positive control of lot ${r.lot} grew: results of this lot read today count`, control: null }
    : {
        valid: false,
        reasonCode: 'control-not-positive',
        reason: `positive control of lot ${r.lot} did not read positive (${r.result}): results of this lot today are not valid`,
        control: null,
      };
}

/** Readings held invalid only for want of a control that this new positive control now validates. */
export function awaitingThisControl(links: readonly BiLink[], c: ControlRead, timeZone: string): BiLink[] {
  if (c.result !== 'positive') return [];
  const day = localDate(c.readAt, timeZone);
  return links.filter(
    (l) => l.role === 'load' && l.reasonCode === 'no-positive-control' && l.lot === c.lot && l.readAt !== null && localDate(l.readAt, timeZone) === day,
  );
}

/** Readings of that lot and day still waiting for a positive control, when this control did not read positive:
 * they cannot count now (the test is repeated, standards §4.1). */
export function failedByThisControl(links: readonly BiLink[], c: ControlRead, timeZone: string): BiLink[] {
  if (c.result === 'positive') return [];
  const day = localDate(c.readAt, timeZone);
  return links.filter(
    (l) => l.role === 'load' && l.reasonCode === 'no-positive-control' && l.lot === c.lot && l.readAt !== null && localDate(l.readAt, timeZone) === day,
  );
}

/** A control of this lot read on that local day did not read positive. */
export function controlFailedOn(controls: readonly ControlRead[], lot: string, at: number, timeZone: string): ControlRead | null {
  const day = localDate(at, timeZone);
  return controls.find((c) => c.lot === lot && c.result !== 'positive' && localDate(c.readAt, timeZone) === day) ?? null;
}
