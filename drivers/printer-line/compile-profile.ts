// A validated profile turned into RegExp objects, once per profile object (profiles are immutable
// data, so the parser can take the plain profile in its context and still compile only once).

import type { CycleEndStatus } from '../../vocabulary/device-event.js';
import { GatewayError } from '../../vocabulary/errors.js';
import type { Phase } from '../../vocabulary/phases.js';
import { DEFAULT_IDLE_GAP_S, type FlagRule, type PrinterLineProfile, type Segmentation, segmentationOf, validateProfile } from './profile.js';

export interface CompiledSummaryRule {
  readonly pattern: RegExp;
  readonly after?: RegExp;
}

export interface CompiledPrinterProfile {
  readonly profile: PrinterLineProfile;
  readonly segmentation: Segmentation;
  readonly idleGapS: number;
  readonly ticketStart?: RegExp;
  readonly header: readonly RegExp[];
  readonly sample?: RegExp;
  readonly alarm?: RegExp;
  readonly result?: RegExp;
  readonly ticketEnd?: RegExp;
  readonly summary: readonly CompiledSummaryRule[];
  readonly ignore: readonly RegExp[];
  readonly flag?: { readonly on: RegExp; readonly rule: FlagRule };
  readonly phaseRules: readonly { readonly pattern: RegExp; readonly phase: Phase }[];
  readonly resultMap: ReadonlyMap<string, CycleEndStatus>;
  readonly programRules: readonly { readonly pattern: RegExp; readonly programNo: number }[];
}

const cache = new WeakMap<PrinterLineProfile, CompiledPrinterProfile>();

const optional = (source: string | undefined): RegExp | undefined => (source === undefined ? undefined : new RegExp(source));
const whole = (source: string): RegExp => new RegExp(`^(?:${source})$`, 'i');

/** Compiles `profile`; a GatewayError `device.profile.invalid` lists every problem if it is not valid. */
export function compileProfile(profile: PrinterLineProfile): CompiledPrinterProfile {
  const cached = cache.get(profile);
  if (cached !== undefined) return cached;
  const problems = validateProfile(profile);
  if (problems.length > 0) {
    const name = typeof profile?.name === 'string' ? profile.name : '(unnamed)';
    throw new GatewayError('device.profile.invalid', `printer-line profile ${name} is invalid:\n  ${problems.join('\n  ')}`, { profile: name, problems });
  }
  const compiled: CompiledPrinterProfile = {
    profile,
    segmentation: segmentationOf(profile),
    idleGapS: profile.idleGapS ?? DEFAULT_IDLE_GAP_S,
    ticketStart: optional(profile.ticketStart),
    header: profile.header.map((source) => new RegExp(source)),
    sample: optional(profile.sample),
    alarm: optional(profile.alarm),
    result: optional(profile.result),
    ticketEnd: optional(profile.ticketEnd),
    summary: (profile.summary ?? []).map((rule) =>
      typeof rule === 'string'
        ? { pattern: new RegExp(rule) }
        : { pattern: new RegExp(rule.pattern), ...(rule.after !== undefined && { after: new RegExp(rule.after) }) },
    ),
    ignore: profile.ignore.map((source) => new RegExp(source)),
    ...(profile.flag !== undefined && { flag: { on: whole(profile.flag.on), rule: profile.flag } }),
    phaseRules: Object.entries(profile.phaseMap).map(([label, phase]) => ({ pattern: whole(label), phase })),
    resultMap: new Map(Object.entries(profile.resultMap).map(([status, end]) => [status.toUpperCase(), end])),
    programRules: Object.entries(profile.programNumbers ?? {}).map(([text, programNo]) => ({ pattern: whole(text), programNo })),
  };
  cache.set(profile, compiled);
  return compiled;
}

/** Trimmed, runs of whitespace collapsed, upper-cased: the form phaseMap keys are matched against. */
export function normalizeLabel(label: string): string {
  return label.trim().replace(/\s+/g, ' ').toUpperCase();
}

export function phaseForLabel(compiled: CompiledPrinterProfile, label: string): Phase | undefined {
  const normalized = normalizeLabel(label);
  return compiled.phaseRules.find((rule) => rule.pattern.test(normalized))?.phase;
}

/** The program number the profile's `programNumbers` gives a printed program text. */
export function programNumberFor(compiled: CompiledPrinterProfile, programText: string | undefined): number | undefined {
  if (programText === undefined) return undefined;
  const normalized = normalizeLabel(programText);
  return compiled.programRules.find((rule) => rule.pattern.test(normalized))?.programNo;
}
