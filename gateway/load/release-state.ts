// What the release machine (release-machine.ts) knows of one load: its facts and its status. Plain data,
// stored as JSON per load (release-table.ts); the machine and its alarms (release-alarms.ts) read it.
import type { CycleKind, ReasonCode, ReleaseStatus } from './release-status.js';

export interface CycleFacts {
  recordId: string;
  verdict: 'pass' | 'fail';
  program: string | null;
  cycleNo: number | null;
  /** Criterion ids that failed. */
  failed: string[];
  startedAt: number;
  endedAt: number;
  /** The bowie_dick / leak_rate criteria as the cycle record has them (null: not applicable or unknown). */
  bowieDick: boolean | null;
  leakRate: boolean | null;
}
export interface IndicatorFact {
  result: 'pass' | 'fail';
  operator: string;
  at: number;
}
export interface BiFact {
  result: 'negative' | 'positive';
  recordId: string;
  at: number;
}

export interface ReleaseFacts {
  loadId: string;
  device: string;
  cycleId: string | null;
  kind: CycleKind;
  /** When the load entered the machine (cycle start hand-off, or the cycle record for an unscanned cycle). */
  closedAt: number;
  implant: boolean;
  /** A BI vial (PCD) was scanned into the load. */
  biVial: boolean;
  cycle: CycleFacts | null;
  ci: IndicatorFact | null;
  class5: IndicatorFact | null;
  /** Bowie–Dick test cycles: the indicator sheet as read by an operator. */
  bdSheet: IndicatorFact | null;
  bi: BiFact | null;
  recallRecordId: string | null;
}

export interface ReleaseState {
  facts: ReleaseFacts;
  status: ReleaseStatus;
  reasonCode: ReasonCode;
  /** id of the last release record of this load (what the next one supersedes). */
  lastRecordId: string | null;
}
