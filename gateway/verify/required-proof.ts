// A program's `requireProof`: criteria whose "not provable" (`null`) must fail the verdict. Used where a
// site does not accept a machine's own summary as proof (e.g. a hold time only printed, not measured).
import { type VerificationResult, verdictOf } from './criterion.js';
import type { Program } from './programs.js';

export function applyRequiredProof(result: VerificationResult, program: Readonly<Program>): VerificationResult {
  const required = program.requireProof ?? [];
  if (!required.length) return result;
  const criteria = result.criteria.map((c) =>
    c.pass === null && required.includes(c.id) ? { ...c, pass: false, detail: `${c.detail}; program ${program.id} requires this criterion to be proven` } : c,
  );
  return { ...result, criteria, verdict: verdictOf(criteria) };
}
