// What a load is made of, as closed at cycle start and carried in the cycle record's `load` and the
// load's first release record.
import type { BarcodeKind } from '../../drivers/scanner/barcode/index.js';

export interface LoadItem {
  /** The scan exactly as received. */
  raw: string;
  kind: BarcodeKind;
  gtin?: string;
  lot?: string;
  serial?: string;
  /** YYYY-MM-DD (GS1 AI 17 or the HIBC expiry). */
  expiry?: string;
  /** Hospital asset id (GS1 AI 8004) or an internal pack code. */
  code?: string;
  implant: boolean;
  /** Past its expiry date on the day it was scanned (a warning was recorded). */
  expired: boolean;
  /** id of the `scan` record that added it. */
  scanRecordId?: string;
  /** When it was scanned (ISO 8601). */
  at: string;
  /** A basket of a loaner set at the CSSD (its code was registered at the set's receipt): the set's id. */
  loanerSet?: string;
}

/** The BI vial (in its process challenge device) loaded with the goods. */
export interface BiVial {
  gtin?: string;
  lot: string;
  serial?: string;
  expiry?: string;
  raw: string;
  expired: boolean;
}

export interface LoadIndicator {
  type: 'bi';
  gtin?: string;
  lot: string;
  serial?: string;
  expiry?: string;
  expired: boolean;
}

export interface LoadContents {
  loadId: string;
  /** Who opened the load (first item scanned after their badge). */
  operator: string | null;
  /** Station = the sterilizer or washer the scanner is bound to. */
  station: string;
  openedAt: string;
  closedAt: string;
  items: LoadItem[];
  bi: Pick<BiVial, 'gtin' | 'lot' | 'serial' | 'expiry' | 'expired'> | null;
  indicators: LoadIndicator[];
  /** An item is an implant by the site's rules, or an operator marked the load (CMD:IMPLANT). */
  implant: boolean;
  /** Who marked the load as containing implants (CMD:IMPLANT) and with which scan; null when nobody did. */
  implantMarked: { operator: string; at: string; scanRecordId: string | null } | null;
  /** Items (or the BI) past their expiry date. */
  expired: number;
}

export function biOf(v: BiVial | null): LoadContents['bi'] {
  if (!v) return null;
  return {
    lot: v.lot,
    expired: v.expired,
    ...(v.gtin ? { gtin: v.gtin } : {}),
    ...(v.serial ? { serial: v.serial } : {}),
    ...(v.expiry ? { expiry: v.expiry } : {}),
  };
}

export function indicatorsOf(v: BiVial | null): LoadIndicator[] {
  const b = biOf(v);
  return b ? [{ type: 'bi', ...b }] : [];
}
