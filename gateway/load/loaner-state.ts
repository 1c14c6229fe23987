// What the gateway knows of one loaner set's visit (from its receipt to its return): the facts, and the status and
// holds they call for. Plain data stored as JSON per visit (loaner-table.ts); the status is always recomputed from
// the facts (statusOf, holdsOf), like a load's release, so the order events arrive in does not matter. Pure.
import type { ReleaseStatus } from './release-status.js';

/**
 * - `received`: handed over by the vendor's representative, counted, signed by both badges.
 * - `washing`: in a washer load (the cycle runs, or a basket still waits for a passing wash).
 * - `cleaned`: every basket went through a passing washer cycle.
 * - `packed`: counts confirmed against the receipt and an internal CI placed (the packing check).
 * - `sterilizing`: in a sterilizer load, waiting for its cycle and release (BI, indicators).
 * - `released_early`, `released`, `quarantined`, `recalled`: the release of its sterilizer load(s).
 * - `returned`: handed back to the vendor, counted, signed by both badges: the visit is closed.
 */
export const LOANER_STATUSES = [
  'received',
  'washing',
  'cleaned',
  'packed',
  'sterilizing',
  'released_early',
  'released',
  'quarantined',
  'recalled',
  'returned',
] as const;
export type LoanerStatus = (typeof LOANER_STATUSES)[number];

/**
 * What keeps a set from moving on (each raised an alarm): a count that did not match the receipt (an authorised
 * operator resolves it with a reason), a failed washer cycle (a passing wash clears it), a quarantined or recalled
 * sterilizer load (reprocessing from the wash clears it), a return overdue (the return clears it).
 */
export const LOANER_HOLDS = ['count-mismatch', 'washer-failed', 'quarantined', 'recalled', 'return-overdue'] as const;
export type LoanerHold = (typeof LOANER_HOLDS)[number];

/** One record per step of the timeline. */
export const LOANER_STEPS = [
  'received',
  'washing',
  'cleaned',
  'washer-failed',
  'packed',
  'count-mismatch',
  'resolved',
  'sterilizing',
  'release',
  'bi',
  'overdue',
  'returned',
] as const;
export type LoanerStep = (typeof LOANER_STEPS)[number];

export interface ItemCount {
  /** The item's key: GTIN-14, HIBC `+LICproduct`, internal code or asset id, or a count sheet's item as printed. */
  item: string;
  count: number;
  implant: boolean;
}

export interface CountDifference {
  item: string;
  expected: number;
  counted: number;
  implant: boolean;
}

/** One load (washer or sterilizer) the set's baskets went into, in this round of reprocessing. */
export interface LoanerLoad {
  loadId: string;
  device: string;
  kind: 'washer' | 'sterilizer';
  cycleId: string;
  /** The set's codes in this load. */
  baskets: string[];
  /** Cycle start (the load closed). */
  at: number;
  cycleNo: number | null;
  cycleRecordId: string | null;
  /** Washer loads: the cycle's verdict, null until its record. */
  verdict: 'pass' | 'fail' | null;
  /** Sterilizer loads: the load's release status and the record that set it. */
  release: ReleaseStatus | null;
  releaseReasonCode: string | null;
  releaseRecordId: string | null;
  /** Sterilizer loads: released early (emergency, class-5) at some point, whatever its BI said later. */
  early: boolean;
}

export interface CountCheck {
  at: number;
  operator: string;
  representative: string | null;
  counted: ItemCount[];
  differences: CountDifference[];
  scanRecordId: string | null;
}

/** The internal chemical indicator placed in the set at its packing check (CMD:LOANER-CI). */
export interface CiPlaced {
  operator: string;
  at: number;
  scanRecordId: string | null;
}

export interface LoanerFacts {
  visitId: string;
  /** The set's id: the first code scanned at receipt. */
  set: string;
  /** Every code of the set (its baskets' labels), the set id first. */
  baskets: string[];
  vendor: string;
  /** The confirmation card's reference: pseudonymous, as the hospital encodes it. Nothing else about the patient. */
  caseRef: string;
  dueAt: number;
  /** Who handed it over and who took it (badge ids). */
  receivedAt: number;
  receivedBy: string;
  representative: string;
  expected: ItemCount[];
  /** Reprocessing rounds: a wash after a sterilization starts a new one. */
  round: number;
  /** This round's loads, in the order they closed. */
  loads: LoanerLoad[];
  /** This round's packing check (counts matched, or resolved) with its internal CI. */
  packing: (CountCheck & { ci: CiPlaced }) | null;
  /** A count that did not match (at packing, with the CI placed then, or at return), until resolved. */
  countHold: (CountCheck & { phase: 'packing' | 'return'; ci?: CiPlaced }) | null;
  /** The latest BI reading of this round's sterilizer load. */
  bi: { result: 'negative' | 'positive' | 'invalid'; valid: boolean; recordId: string; readAt: number; loadId: string } | null;
  /** When the return-overdue alarm was raised (once per visit). */
  overdueAt: number | null;
  /** The return hand-over (counts and both badges); the visit closes when it has no count hold. */
  returned: CountCheck | null;
}

export interface LoanerState {
  facts: LoanerFacts;
  status: LoanerStatus;
  holds: LoanerHold[];
  /** id of the visit's last loaner record (the next one supersedes it). */
  lastRecordId: string | null;
}

const HELD_RELEASE: readonly ReleaseStatus[] = ['pending', 'awaiting-bd', 'awaiting-ci', 'awaiting-bi'];

/** Each basket's latest load of a kind in this round. */
function latestPerBasket(f: LoanerFacts, kind: LoanerLoad['kind']): Map<string, LoanerLoad> {
  const out = new Map<string, LoanerLoad>();
  for (const l of f.loads) if (l.kind === kind) for (const b of l.baskets) out.set(b, l);
  return out;
}

function sterilizationStatus(f: LoanerFacts): LoanerStatus | null {
  const latest = latestPerBasket(f, 'sterilizer');
  if (latest.size === 0) return null;
  const releases = [...latest.values()].map((l) => l.release ?? 'pending');
  if (releases.includes('recalled')) return 'recalled';
  if (releases.includes('quarantined')) return 'quarantined';
  if (latest.size < f.baskets.length || releases.some((r) => HELD_RELEASE.includes(r))) return 'sterilizing';
  return releases.includes('released_early') ? 'released_early' : 'released';
}

/** The status the facts call for. */
export function statusOf(f: LoanerFacts): LoanerStatus {
  if (f.returned && !f.countHold) return 'returned';
  const sterile = sterilizationStatus(f);
  if (sterile) return sterile;
  if (f.packing) return 'packed';
  const washed = latestPerBasket(f, 'washer');
  if (washed.size === 0) return 'received';
  return washed.size === f.baskets.length && [...washed.values()].every((l) => l.verdict === 'pass') ? 'cleaned' : 'washing';
}

/** The holds the facts call for (in LOANER_HOLDS order). */
export function holdsOf(f: LoanerFacts): LoanerHold[] {
  if (f.returned && !f.countHold) return [];
  const status = statusOf(f);
  const out = new Set<LoanerHold>();
  if (f.countHold) out.add('count-mismatch');
  if ([...latestPerBasket(f, 'washer').values()].some((l) => l.verdict === 'fail')) out.add('washer-failed');
  if (status === 'quarantined') out.add('quarantined');
  if (status === 'recalled') out.add('recalled');
  if (f.overdueAt !== null) out.add('return-overdue');
  return LOANER_HOLDS.filter((h) => out.has(h));
}

/** Counted against expected, item by item (both sorted by item). */
export function countDifferences(expected: readonly ItemCount[], counted: readonly ItemCount[]): CountDifference[] {
  const items = new Map<string, CountDifference>();
  for (const e of expected) items.set(e.item, { item: e.item, expected: e.count, counted: 0, implant: e.implant });
  for (const c of counted) {
    const d = items.get(c.item) ?? { item: c.item, expected: 0, counted: 0, implant: c.implant };
    items.set(c.item, { ...d, counted: d.counted + c.count, implant: d.implant || c.implant });
  }
  return [...items.values()].filter((d) => d.expected !== d.counted).sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
}

/** The same counts merged by item (a count sheet line and single scans of the same item add up), sorted by item. */
export function mergeCounts(counts: readonly ItemCount[]): ItemCount[] {
  const m = new Map<string, ItemCount>();
  for (const c of counts) {
    const had = m.get(c.item);
    m.set(c.item, had ? { ...had, count: had.count + c.count, implant: had.implant || c.implant } : { ...c });
  }
  return [...m.values()].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
}
