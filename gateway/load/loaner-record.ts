// The words the outside world reads of a loaner set (docs/mqtt.md, docs/schemas/body-loaner.schema.json,
// loaner-state.schema.json): the body of a `loaner` record (one per step of a set's timeline) and the retained
// state on …/loaner/{set}/state that tells the operating room whether the set may be used. Nothing personal: the
// patient and the operation are only the confirmation card's pseudonymous reference (`caseRef`); people are
// badge ids. Pure.
import type { GivenReason } from './given-reason.js';
import type { CountDifference, ItemCount, LoanerHold, LoanerState, LoanerStatus, LoanerStep } from './loaner-state.js';
import type { ReleaseStatus } from './release-status.js';

export interface LoanerLoadRef {
  loadId: string;
  device: string;
  kind: 'washer' | 'sterilizer';
  cycleId: string;
  cycleNo: number | null;
  cycleRecordId: string | null;
  baskets: string[];
}

/** Body of a `loaner` record. The common part is always there; a step adds its own fields. */
export interface LoanerRecordBody {
  set: string;
  /** The visit (receipt to return) this step belongs to: the same set may come again for another operation. */
  visit: string;
  step: LoanerStep;
  status: LoanerStatus;
  previousStatus: LoanerStatus | null;
  holds: LoanerHold[];
  /** The sentence for people. */
  text: string;
  caseRef: string;
  vendor: string;
  dueAt: string;
  /** The CSSD operator whose scan made the step (badge id); null when the gateway's rules did. */
  operator: string | null;
  /** The vendor's representative who signed the hand-over (badge id), when one did. */
  representative: string | null;
  /** id of the visit's previous loaner record; null on the receipt. */
  supersedes: string | null;
  at: string;
  baskets?: string[];
  expected?: ItemCount[];
  counted?: ItemCount[];
  differences?: CountDifference[];
  /** At packing: the internal chemical indicator placed in the set. */
  ci?: { operator: string; at: string };
  load?: LoanerLoadRef;
  release?: { status: ReleaseStatus; reasonCode: string | null; recordId: string | null };
  bi?: { result: 'negative' | 'positive' | 'invalid'; valid: boolean; recordId: string; readAt: string };
  /** At sterilizing: when the load's BI can be read, and whether the operation is due before that. */
  biReadableAt?: string;
  dueBeforeBi?: boolean;
  /** At sterilizing: why the set was not ready for the sterilizer (no packing check, a hold), or null. */
  notReady?: string | null;
  /** At resolved: the reason the authorised operator scanned. */
  givenReason?: GivenReason;
  resolvedHold?: LoanerHold;
  /** The `scan` record of the hand-over that made the step. */
  scanRecordId?: string | null;
}

/** The retained …/loaner/{set}/state: what the operating room looks at. */
export interface LoanerStatePayload {
  set: string;
  visit: string;
  status: LoanerStatus;
  holds: LoanerHold[];
  /** Released (early or after its BI), no hold, not returned: the set may be used for its operation. */
  usable: boolean;
  caseRef: string;
  vendor: string;
  dueAt: string;
  receivedAt: string;
  /** The latest load the set is in (washer or sterilizer) and that load's release status. */
  load: { loadId: string; device: string; kind: 'washer' | 'sterilizer'; cycleNo: number | null; release: ReleaseStatus | null } | null;
  /** The set went out on an emergency release (class-5 indicator) before its BI read. */
  earlyReleased: boolean;
  /** The latest BI reading of its sterilizer load: negative and valid confirms an early release; positive recalls it. */
  bi: { result: 'negative' | 'positive' | 'invalid'; valid: boolean; readAt: string } | null;
  /** The loaner record this state reflects. */
  recordId: string;
  since: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The retained state of a visit after its record `recordId` at `at`. */
export function statePayload(st: LoanerState, recordId: string, at: number): LoanerStatePayload {
  const f = st.facts;
  const last = f.loads.at(-1) ?? null;
  return {
    set: f.set,
    visit: f.visitId,
    status: st.status,
    holds: st.holds,
    usable: (st.status === 'released' || st.status === 'released_early') && st.holds.length === 0,
    caseRef: f.caseRef,
    vendor: f.vendor,
    dueAt: iso(f.dueAt),
    receivedAt: iso(f.receivedAt),
    load: last ? { loadId: last.loadId, device: last.device, kind: last.kind, cycleNo: last.cycleNo, release: last.release } : null,
    earlyReleased: f.loads.some((l) => l.kind === 'sterilizer' && l.early),
    bi: f.bi ? { result: f.bi.result, valid: f.bi.valid, readAt: iso(f.bi.readAt) } : null,
    recordId,
    since: iso(at),
  };
}
