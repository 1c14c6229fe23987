// The pure verification core (docs/verification.md): programs, trace format, criteria, report. No I/O, no clock.

export type {
  CriterionId,
  CriterionResult,
  CycleStats,
  HoldPeriod,
  PhaseSegment,
  VerificationResult,
} from './criterion.js';
export {
  BOWIE_DICK_CRITERIA,
  criterionIds,
  LEAK_TEST_CRITERIA,
  LIMIT_SENSE,
  STEAM_CRITERIA,
  verdictOf,
  WASHER_CRITERIA,
} from './criterion.js';
export type {
  Equilibration,
  Program,
  ProgramKind,
  ProgramOverride,
  SteamKind,
  SteamProgram,
  WasherProgram,
} from './programs.js';
export {
  getProgram,
  isWasherProgram,
  knownProgramIds,
  mergeProgram,
  PRESETS,
  ProgramError,
  programProblems,
  resolvePrograms,
  STEAM_OVERRIDE_KEYS,
  WASHER_OVERRIDE_KEYS,
} from './programs.js';
export { formatVerificationTable } from './report.js';
export { applyRequiredProof } from './required-proof.js';
export { psatKpa, tsatC } from './steam-table.js';
export type { CycleTrace, DeviceResult, KnownGap, Phase, TraceSample } from './trace.js';
export { isReading } from './trace.js';
export type { TraceCsvOptions, TraceFile } from './trace-csv.js';
export { parseTraceCsv, parseTraceFile, TraceFormatError, writeTraceCsv } from './trace-csv.js';
export { verifyCycle } from './verify-cycle.js';
export { NOT_PROVABLE, verifySummary } from './verify-summary.js';
export { a0Rate } from './washer-criteria.js';
