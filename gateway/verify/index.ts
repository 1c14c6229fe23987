// The pure verification core (docs/verification.md): programs, trace format, criteria, report. No I/O, no clock.

export type { Phase, TraceSample, CycleTrace, KnownGap, DeviceResult } from './trace.js';
export { isReading } from './trace.js';
export { parseTraceCsv, parseTraceFile, writeTraceCsv, TraceFormatError } from './trace-csv.js';
export type { TraceFile, TraceCsvOptions } from './trace-csv.js';
export type {
  SteamKind, ProgramKind, Equilibration, SteamProgram, WasherProgram, Program, ProgramOverride,
} from './programs.js';
export {
  PRESETS, getProgram, knownProgramIds, isWasherProgram, mergeProgram, resolvePrograms, programProblems, ProgramError,
  STEAM_OVERRIDE_KEYS, WASHER_OVERRIDE_KEYS,
} from './programs.js';
export type {
  CriterionId, CriterionResult, VerificationResult, HoldPeriod, CycleStats, PhaseSegment,
} from './criterion.js';
export {
  STEAM_CRITERIA, BOWIE_DICK_CRITERIA, LEAK_TEST_CRITERIA, WASHER_CRITERIA, LIMIT_SENSE, verdictOf, criterionIds,
} from './criterion.js';
export { verifyCycle } from './verify-cycle.js';
export { a0Rate } from './washer-criteria.js';
export { formatVerificationTable } from './report.js';
export { psatKpa, tsatC } from './steam-table.js';
export { verifySummary, NOT_PROVABLE } from './verify-summary.js';
export { applyRequiredProof } from './required-proof.js';
