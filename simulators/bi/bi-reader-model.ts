// What a rapid-readout BI reader prints for one vial, modelled on the 3M Attest 490 and Terragene
// Bionova readers (reference/cssd-devices.md §2.4). Pure: a placement in, time-stamped lines out.
//
// - START when the vial is placed; the final read `incubationMin` later (24 min for a 1492V).
// - A positive is reported as soon as the reader sees it (the 490 alarms early): at `positiveAtFraction`
//   of the readout time. A positive control is such a vial, printed as `BI CONTROL`.
// - Early removal: caution C2 ("EARLY REMOVAL") at `afterMin`; a vial reinserted within 10 s is read on
//   (its result carries caution=C2), otherwise the result is lost: `result=INV caution=C2` 10 s later.

import { type BiResultWord, cautionLine, resultLine, startLine, withChecksum } from './bi-line-writer.js';

export interface EarlyRemoval {
  /** Minutes after placement. Default 40 % of the readout time. */
  afterMin?: number;
  /** Put back within the 10 s the reader allows. Default false: the result is lost. */
  reinserted?: boolean;
}

/** One vial of the script or of placeVial(). */
export interface BiVialPlan {
  well: number | string;
  lot: string;
  vial?: string;
  /** Default the reader's `product`. */
  product?: string;
  /** What the reader will find. Default `positive` for a control, else `negative`. */
  result?: BiResultWord;
  /** An unprocessed positive control of the lot. */
  control?: boolean;
  removeEarly?: boolean | EarlyRemoval;
}

export interface BiScriptStep extends BiVialPlan {
  /** Simulated seconds from the start of the round. */
  atS: number;
}

export interface BiReaderModelSettings {
  incubationMin: number;
  product: string;
  program: string;
  /** Fraction of the readout time after which a positive is reported. Default 0.5. */
  positiveAtFraction: number;
  checksum: boolean;
}

export interface TimedLine {
  /** Simulated time, ms since the epoch. */
  atMs: number;
  well: string;
  text: string;
}

export const REINSERT_WINDOW_S = 10;
export const EARLY_REMOVAL_CODE = 'C2';
export const EARLY_REMOVAL_TEXT = 'EARLY REMOVAL';

/** The default demo round: a positive control, a negative process vial and one removed too early, all of lot A2301. */
export const DEFAULT_BI_SCRIPT: readonly BiScriptStep[] = [
  { atS: 0, well: 1, lot: 'A2301', vial: 'CTL-0001', control: true },
  { atS: 60, well: 2, lot: 'A2301', vial: 'SN0001' },
  { atS: 120, well: 3, lot: 'A2301', vial: 'SN0002', removeEarly: true },
];

export function vialLines(placedAtMs: number, plan: BiVialPlan, s: BiReaderModelSettings): TimedLine[] {
  const well = String(plan.well);
  const control = plan.control ?? false;
  const result: BiResultWord = plan.result ?? (control ? 'positive' : 'negative');
  const vial = plan.vial !== undefined ? { vial: plan.vial } : {};
  const out: TimedLine[] = [];
  const line = (atMs: number, text: string): void => {
    out.push({ atMs, well, text: s.checksum ? withChecksum(text) : text });
  };
  line(
    placedAtMs,
    startLine({ well, lot: plan.lot, product: plan.product ?? s.product, program: s.program, readoutMin: s.incubationMin, at: placedAtMs, control, ...vial }),
  );

  const readMin = result === 'positive' ? Math.max(1, Math.round(s.incubationMin * s.positiveAtFraction)) : s.incubationMin;
  const removal: EarlyRemoval | undefined = plan.removeEarly === true ? {} : plan.removeEarly === false ? undefined : plan.removeEarly;
  if (removal !== undefined) {
    const afterMin = removal.afterMin ?? Math.max(1, Math.round(s.incubationMin * 0.4));
    const removedAt = placedAtMs + afterMin * 60_000;
    line(removedAt, cautionLine({ well, code: EARLY_REMOVAL_CODE, text: EARLY_REMOVAL_TEXT, at: removedAt }));
    if (!removal.reinserted) {
      const lostAt = removedAt + REINSERT_WINDOW_S * 1000;
      line(lostAt, resultLine({ well, lot: plan.lot, result: 'invalid', at: lostAt, incubationMin: afterMin, control, caution: EARLY_REMOVAL_CODE, ...vial }));
      return out;
    }
    const readAt = Math.max(placedAtMs + readMin * 60_000, removedAt + REINSERT_WINDOW_S * 1000);
    line(readAt, resultLine({ well, lot: plan.lot, result, at: readAt, incubationMin: readMin, control, caution: EARLY_REMOVAL_CODE, ...vial }));
    return out;
  }
  const readAt = placedAtMs + readMin * 60_000;
  line(readAt, resultLine({ well, lot: plan.lot, result, at: readAt, incubationMin: readMin, control, ...vial }));
  return out;
}
