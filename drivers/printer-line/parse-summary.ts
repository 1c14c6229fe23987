// The machine's own summary lines (profile `summary` rules) -> one `summary` event per ticket, emitted
// right before its cycle-end. Pure helpers of the parser: matching, accumulating, building the event.

import type { SummaryEvent } from '../../vocabulary/summary-event.js';
import { type CompiledPrinterProfile, phaseForLabel } from './compile-profile.js';
import { type Groups, PARSE_ERROR_REASONS, type PrinterParseErrorReason, type PrinterParserContext, type SummaryAcc } from './parse-state.js';
import { parseDuration } from './ticket-time.js';
import { absoluteKpa, celsius, readNumber } from './units.js';

const TEMPS = { minTemp: 'minTempC', maxTemp: 'maxTempC' } as const;
const PRESSURES = { minPressure: 'minPressureKpa', maxPressure: 'maxPressureKpa' } as const;
const SPECIAL = new Set(['minTemp', 'maxTemp', 'minPressure', 'maxPressure', 'sterilizeTime', 'phaseLabel', 'phaseAt']);
/** Phases kept per ticket at most (memory stays bounded on a runaway printout). */
const MAX_PHASES = 64;

/** The groups of the first summary rule matching `text` (with its `after` rule matching `prevText`). */
export function matchSummary(p: CompiledPrinterProfile, text: string, prevText: string | undefined): Groups | undefined {
  for (const rule of p.summary) {
    if (rule.after !== undefined && (prevText === undefined || !rule.after.test(prevText))) continue;
    const m = rule.pattern.exec(text);
    if (m !== null) return m.groups ?? {};
  }
  return undefined;
}

/** Adds one summary line's groups; the reasons are for values it could not read (the rest still counts). */
export function addSummary(
  acc: SummaryAcc | undefined,
  g: Groups,
  p: CompiledPrinterProfile,
  ctx: PrinterParserContext,
): { acc: SummaryAcc; problems: PrinterParseErrorReason[] } {
  const next: { -readonly [K in keyof SummaryAcc]: SummaryAcc[K] } = { phases: [], info: {}, ...acc };
  const problems: PrinterParseErrorReason[] = [];
  const { temperatureUnit, pressureUnit, vacuumUnit } = p.profile;
  for (const [group, key] of Object.entries(TEMPS)) {
    const value = readNumber(g[group]);
    if (value === null) problems.push(PARSE_ERROR_REASONS.invalidSummary);
    else if (value !== undefined) next[key] = celsius(value, temperatureUnit);
  }
  for (const [group, key] of Object.entries(PRESSURES)) {
    const value = readNumber(g[group]);
    if (value === null) problems.push(PARSE_ERROR_REASONS.invalidSummary);
    else if (value !== undefined) next[key] = absoluteKpa(value, pressureUnit, ctx.atmosphericKpa, vacuumUnit);
  }
  if (g.sterilizeTime !== undefined) {
    const s = parseDuration(g.sterilizeTime);
    if (s === undefined) problems.push(PARSE_ERROR_REASONS.invalidSummary);
    else next.sterilizeS = s;
  }
  if (g.phaseLabel !== undefined && g.phaseAt !== undefined) {
    const phase = phaseForLabel(p, g.phaseLabel);
    const atS = parseDuration(g.phaseAt);
    if (phase === undefined) problems.push(PARSE_ERROR_REASONS.unknownLabel);
    else if (atS === undefined) problems.push(PARSE_ERROR_REASONS.invalidSummary);
    else if (next.phases.length < MAX_PHASES) next.phases = [...next.phases, { phase, atS, label: g.phaseLabel.trim().replace(/\s+/g, ' ') }];
  }
  const info: Record<string, string> = { ...next.info };
  for (const [name, raw] of Object.entries(g)) {
    const value = raw?.trim();
    if (!SPECIAL.has(name) && value !== undefined && value !== '') info[name] = value;
  }
  next.info = info;
  return { acc: next, problems };
}

/** Device time of the cycle's end by the summary: the printed start plus the latest phase time. */
export function summaryEndTs(acc: SummaryAcc | undefined, startTs: number | undefined): number | undefined {
  if (acc === undefined || startTs === undefined || acc.phases.length === 0) return undefined;
  return startTs + Math.max(...acc.phases.map((ph) => ph.atS)) * 1000;
}

export function summaryEvent(acc: SummaryAcc, deviceId: string, ts: number, startTs: number | undefined): SummaryEvent {
  return {
    kind: 'summary',
    deviceId,
    ts,
    ...(startTs !== undefined && { startTs }),
    ...(acc.minTempC !== undefined && { minTempC: acc.minTempC }),
    ...(acc.maxTempC !== undefined && { maxTempC: acc.maxTempC }),
    ...(acc.minPressureKpa !== undefined && { minPressureKpa: acc.minPressureKpa }),
    ...(acc.maxPressureKpa !== undefined && { maxPressureKpa: acc.maxPressureKpa }),
    ...(acc.sterilizeS !== undefined && { sterilizeS: acc.sterilizeS }),
    ...(acc.phases.length > 0 && { phases: acc.phases.map((ph) => ({ ...ph })) }),
    ...(Object.keys(acc.info).length > 0 && { info: { ...acc.info } }),
  };
}
