// The state of one station (a sterilizer or washer with its bound scanner): who is signed in, the
// load being assembled, and a BI vial on its way into a reader well. Persisted as JSON (items apart).
import type { GivenReason } from './given-reason.js';
import type { BiVial, LoadItem } from './load-contents.js';
import type { CiPlaced, ItemCount } from './loaner-state.js';

/** CMD:IMPLANT: an operator said the load holds implants (items without a code the site's rules recognise). */
export interface ImplantMark {
  operator: string;
  at: number;
  scanRecordId: string | null;
}

export interface OpenLoad {
  loadId: string;
  operator: string | null;
  openedAt: number;
  /** CMD:LOAD-END was scanned: no more items until the cycle starts (or CMD:CANCEL). */
  ended: boolean;
  items: LoadItem[];
  bi: BiVial | null;
  /** Marked by CMD:IMPLANT (absent in sessions saved before the command existed). */
  implantMark?: ImplantMark | null;
}

/** A BI vial scanned to be put into a reader well; the next well code places it. */
export interface Placing {
  vial: BiVial;
  /** The bi_links row of the load the vial went through; null for a positive-control vial. */
  linkId: string | null;
  control: boolean;
  at: number;
}

export interface StationSession {
  station: string;
  operator: string | null;
  operatorSince: number | null;
  lastActivity: number | null;
  load: OpenLoad | null;
  placing: Placing | null;
  /** CMD:BI-CONTROL was scanned: the next vial is an unprocessed positive control. */
  controlNext: boolean;
  /** CMD:REASON:<CODE> was scanned: the reason for this operator's next early release or correction. */
  reason?: GivenReason | null;
  /** Loaner desks only (config `loaner.desks`): the representative signed in and the hand-over being scanned. */
  desk?: DeskSession | null;
}

export type HandoverKind = 'receive' | 'pack' | 'return' | 'resolve';

/** A loaner hand-over being scanned at a desk (gateway/load/loaner-desk.ts). */
export interface Handover {
  kind: HandoverKind;
  startedAt: number;
  /** The set's id (at receipt: the first set code scanned). */
  set: string | null;
  /** pack / return / resolve: the open visit of that set and its vendor. */
  visitId: string | null;
  vendor: string | null;
  /** receive: every code of the set, the set id first. */
  baskets: string[];
  caseRef: string | null;
  dueAt: number | null;
  counts: ItemCount[];
  /** Serialised units already counted (a unit counts once). */
  units: string[];
  ci: CiPlaced | null;
}

export interface DeskSession {
  /** The vendor's representative whose badge was scanned (badge id and vendor). */
  representative: { id: string; vendor: string; at: number } | null;
  handover: Handover | null;
}

export function emptySession(station: string): StationSession {
  return { station, operator: null, operatorSince: null, lastActivity: null, load: null, placing: null, controlNext: false, reason: null };
}
