// verifyCycle: one finished cycle against its program. Pure, O(n), never throws on bad data: a trace
// that proves nothing fails the criteria it cannot prove.
//
// Criteria per program kind (ids in criterion.ts):
//   steam       hold_time temp_band saturated_steam equilibration_time sensor_agreement temp_stability data_complete device_result
//   bowie-dick  the steam criteria + bowie_dick (null until the indicator sheet result is entered)
//   leak-test   leak_rate data_complete device_result. A leak test runs in an empty, evacuated chamber
//               with no plateau, so the plateau criteria are absent rather than null: a null would read
//               as "could not check" where there is nothing to check.
//   washer      a0 disinfect_temp disinfect_time prewash_temp data_complete device_result

import { equilibrationTime, sensorAgreement, tempStability } from './channel-criteria.js';
import { dataComplete, deviceResult } from './common-criteria.js';
import { type CriterionResult, type HoldPeriod, type VerificationResult, verdictOf } from './criterion.js';
import type { Program, SteamProgram, WasherProgram } from './programs.js';
import { applyRequiredProof } from './required-proof.js';
import { cycleStats, f0Minutes } from './stats.js';
import { analyzeSteam, holdTime, saturatedSteam, tempBand } from './steam-criteria.js';
import { bowieDick, leakRate } from './test-criteria.js';
import type { CycleTrace } from './trace.js';
import { buildView, phaseMask, type Run } from './trace-view.js';
import { a0Criterion, analyzeWasher, disinfectTemp, disinfectTime, prewashTemp } from './washer-criteria.js';

const holdOf = (r: Run | null): HoldPeriod | null => (r ? { start: r.start, end: r.end, seconds: r.seconds } : null);

/** The criteria judged on a steam cycle's analysis, and on a washer cycle's, in their order in the record. */
const STEAM_CRITERIA = [holdTime, tempBand, saturatedSteam, equilibrationTime, sensorAgreement, tempStability] as const;
const WASHER_CRITERIA = [a0Criterion, disinfectTemp, disinfectTime, prewashTemp] as const;

function resultOf(p: Program, criteria: CriterionResult[], hold: HoldPeriod | null, stats: VerificationResult['stats']): VerificationResult {
  return { verdict: verdictOf(criteria), program: p.id, hold, criteria, stats };
}

function verifySteam(trace: CycleTrace, p: SteamProgram): VerificationResult {
  const v = buildView(trace, p.maxGapS);
  const a = analyzeSteam(v, p);
  const plateau = v.hasPhases ? "the 'sterilizing' phase" : 'the plateau';
  const criteria = [...STEAM_CRITERIA.map((criterion) => criterion(a)), dataComplete(v, a.plateau, plateau, 'temperature'), deviceResult(v)];
  if (p.kind === 'bowie-dick') criteria.push(bowieDick(trace));
  return resultOf(p, criteria, holdOf(a.hold), cycleStats(v, a.band, { f0Min: f0Minutes(v) }));
}

function verifyLeakTest(trace: CycleTrace, p: SteamProgram): VerificationResult {
  const v = buildView(trace, p.maxGapS);
  const criteria = [leakRate(v, p), dataComplete(v, phaseMask(v, 'leak-measure'), "the 'leak-measure' phase", 'pressure'), deviceResult(v)];
  return resultOf(p, criteria, null, cycleStats(v, null, {}));
}

function verifyWasher(trace: CycleTrace, p: WasherProgram): VerificationResult {
  const v = buildView(trace, p.maxGapS);
  const a = analyzeWasher(v, p);
  const criteria = [...WASHER_CRITERIA.map((criterion) => criterion(a)), dataComplete(v, a.disinfect, "the 'disinfect' phase", 'temperature'), deviceResult(v)];
  return resultOf(p, criteria, holdOf(a.atTemp), cycleStats(v, a.band, { a0: a.a0 }));
}

/** Verify a finished cycle against its program; the logic follows `program.kind`. */
export function verifyCycle(trace: CycleTrace, program: Readonly<Program>): VerificationResult {
  switch (program.kind) {
    case 'washer':
      return applyRequiredProof(verifyWasher(trace, program), program);
    case 'leak-test':
      return applyRequiredProof(verifyLeakTest(trace, program), program);
    default:
      return applyRequiredProof(verifySteam(trace, program), program);
  }
}
