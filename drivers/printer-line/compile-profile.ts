// A validated profile turned into RegExp objects, once per profile object (profiles are immutable
// data, so the parser can take the plain profile in its context and still compile only once).

import type { CycleEndStatus, Phase } from '../device-event.js';
import { DriverError } from '../driver-error.js';
import { validateProfile, type PrinterLineProfile } from './profile.js';

export interface CompiledPrinterProfile {
  readonly profile: PrinterLineProfile;
  readonly ticketStart: RegExp;
  readonly header: readonly RegExp[];
  readonly sample: RegExp;
  readonly alarm: RegExp;
  readonly result: RegExp;
  readonly ignore: readonly RegExp[];
  readonly phaseRules: readonly { readonly pattern: RegExp; readonly phase: Phase }[];
  readonly resultMap: ReadonlyMap<string, CycleEndStatus>;
}

const cache = new WeakMap<PrinterLineProfile, CompiledPrinterProfile>();

/** Compiles `profile`; a DriverError `device.profile.invalid` lists every problem if it is not valid. */
export function compileProfile(profile: PrinterLineProfile): CompiledPrinterProfile {
  const cached = cache.get(profile);
  if (cached !== undefined) return cached;
  const problems = validateProfile(profile);
  if (problems.length > 0) {
    const name = typeof profile?.name === 'string' ? profile.name : '(unnamed)';
    throw new DriverError('device.profile.invalid', `printer-line profile ${name} is invalid:\n  ${problems.join('\n  ')}`, { profile: name, problems });
  }
  const compiled: CompiledPrinterProfile = {
    profile,
    ticketStart: new RegExp(profile.ticketStart),
    header: profile.header.map((source) => new RegExp(source)),
    sample: new RegExp(profile.sample),
    alarm: new RegExp(profile.alarm),
    result: new RegExp(profile.result),
    ignore: profile.ignore.map((source) => new RegExp(source)),
    phaseRules: Object.entries(profile.phaseMap).map(([label, phase]) => ({ pattern: new RegExp(`^(?:${label})$`, 'i'), phase })),
    resultMap: new Map(Object.entries(profile.resultMap).map(([status, end]) => [status.toUpperCase(), end])),
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
