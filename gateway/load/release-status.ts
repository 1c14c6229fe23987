// The vocabulary of release decisions (gateway/load/README.md): load statuses, reason codes and the body of a
// `release` record. Public contract: docs/schemas/body-release.schema.json describes the same.
import type { GivenReason } from './given-reason.js';
import type { LoadContents } from './load-contents.js';

/**
 * - `pending`: the load is closed and its cycle runs (or its record has not arrived).
 * - `awaiting-bd`: the sterilizer's Bowie–Dick sheet of today is not read yet (loads), or this
 *   Bowie–Dick cycle waits for its sheet (test cycles).
 * - `awaiting-ci`: the program requires a chemical-indicator result.
 * - `awaiting-bi`: implant or BI load: held until a valid negative BI.
 * - `quarantined`: not to be used (cycle failed, indicator failed, gate failed, cancelled, recall).
 * - `released`: may be used. For a test cycle: the test passed (the sterilizer is released).
 * - `released_early`: emergency release by an authorised operator on a class-5 indicator pass; the BI
 *   still incubates and decides between `released` and `recalled`.
 * - `recalled`: was released (or early released), then a positive BI put it in a recall, or one of its
 *   indicators was read as failed after its release.
 */
export const RELEASE_STATUSES = ['pending', 'awaiting-bd', 'awaiting-ci', 'awaiting-bi', 'quarantined', 'released', 'released_early', 'recalled'] as const;
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

/** Statuses in which the load still waits for something. */
export const HELD_STATUSES: readonly ReleaseStatus[] = ['pending', 'awaiting-bd', 'awaiting-ci', 'awaiting-bi'];
export const isHeld = (s: ReleaseStatus): boolean => HELD_STATUSES.includes(s);

/** What a cycle was for: a load of goods, or one of the sterilizer's daily tests (empty chamber). */
export type CycleKind = 'load' | 'bowie-dick' | 'leak-test';

/** Machine-readable reason of a transition; `reason` beside it is the sentence for people. */
export const REASON_CODES = [
  'load-closed',
  'cycle-failed',
  'bowie-dick-missing',
  'bowie-dick-failed',
  'bowie-dick-pending',
  'leak-test-missing',
  'leak-test-failed',
  'ci-required',
  'ci-failed',
  'class5-failed',
  'bi-required',
  'bi-positive',
  'checks-passed',
  'early-release',
  'bi-confirmed',
  'recall',
  'cancelled',
  'test-passed',
  'test-failed',
  'bowie-dick-sheet-pending',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** The facts a release record shows beside its decision, so the record stands on its own. */
export interface ReleaseEvidence {
  cycleRecordId: string | null;
  verdict: 'pass' | 'fail' | null;
  program: string | null;
  ci: 'pass' | 'fail' | null;
  class5: 'pass' | 'fail' | null;
  bowieDickSheet: 'pass' | 'fail' | null;
  biRequired: string[];
  bi: { result: 'negative' | 'positive'; recordId: string } | null;
  recallRecordId: string | null;
}

/** Body of a `release` record: one per transition of one load (or test cycle). */
export interface ReleaseRecordBody {
  loadId: string;
  cycleId: string | null;
  cycleNo: number | null;
  device: string;
  cycleKind: CycleKind;
  status: ReleaseStatus;
  /** null on the first record of a load. */
  previousStatus: ReleaseStatus | null;
  reasonCode: ReasonCode;
  reason: string;
  /** Who: the operator whose scan made the transition; null when the gateway's rules decided. */
  operator: string | null;
  decidedBy: 'operator' | 'gateway';
  /** id of this load's previous release record (the one this decision replaces); null on the first. */
  supersedes: string | null;
  /** true when an authorised operator corrected an earlier result (the old record stays as it was). */
  correction: boolean;
  /** The reason the operator scanned (CMD:REASON:<CODE> from `release.reasons`): always on an early release and
   * on a correction towards release; null when none was given. */
  givenReason: GivenReason | null;
  evidence: ReleaseEvidence;
  /** The `scan` record of the operator action that caused this transition, if one did. */
  scanRecordId: string | null;
  /** On a load's first record only: what was loaded, as closed at cycle start. */
  load?: LoadContents;
  /** When the event happened (ISO 8601 UTC). */
  at: string;
}
