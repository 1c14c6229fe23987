// Renders a steam cycle as the default `printer-line` ticket (`prevac-ticket`, docs/devices.md): a header,
// one line per sample with the phase label on the first sample of each phase or machine sub-step, alarm
// lines where they happen, the machine's summary and the RESULT line. Pure: no clock, no I/O. Times are the
// sterilizer's local clock (the process TZ), pressures in kPa gauge against `atmosphericKpa`.

import {
  fixed1,
  formatAlarmLine,
  formatClock,
  formatMinSec,
  formatResultLine,
  formatTicketHeader,
  layOutSampledTicket,
  type TicketHeaderFacts,
  type TicketLine,
} from '../shared/ticket-text.js';
import type { CycleSample, CycleStep, SteamCycle, SteamCyclePhase } from './cycle.js';

export { formatClock, formatDate, TICKET_EOL, type TicketLine, ticketText } from '../shared/ticket-text.js';

export const DEFAULT_ATMOSPHERIC_KPA = 101.325;

export interface TicketHeader extends TicketHeaderFacts {
  /** Machine name; printed as one word (`STERILIZER SZ-03`). */
  sterilizer: string;
}

export interface TicketOptions {
  atmosphericKpa?: number;
}

/** Label printed on the first sample of a phase (docs/devices.md label table). */
const PHASE_LABELS: Readonly<Record<SteamCyclePhase, string>> = {
  conditioning: 'START',
  heating: 'HEAT UP',
  sterilizing: 'STERILIZE',
  exhaust: 'EXHAUST',
  drying: 'DRYING',
  aeration: 'AIR IN',
  complete: 'END',
  fault: 'FAULT',
  'leak-stabilize': 'LEAK STAB',
  'leak-measure': 'LEAK MEASURE',
};

export function stepLabel(step: CycleStep): string {
  if (step === 'vent') return 'EXHAUST';
  if (step === 'evacuate') return 'LEAK TEST';
  const m = /^pulse(\d+)-(vac|steam)$/.exec(step);
  return m ? `PULSE${m[1]} ${m[2] === 'vac' ? 'VAC' : 'STEAM'}` : step.toUpperCase();
}

/**
 * The label for `cur` given the sample before it: the phase label when the phase changes (the end of the
 * plateau prints `STERILIZE END`, which maps to exhaust), else the sub-step label when the step changes.
 */
export function sampleLabel(prev: CycleSample | undefined, cur: CycleSample): string | undefined {
  if (!prev || prev.phase !== cur.phase) {
    if (cur.phase === 'exhaust' && prev?.phase === 'sterilizing') return 'STERILIZE END';
    return PHASE_LABELS[cur.phase];
  }
  if (cur.step !== undefined && cur.step !== prev.step) return stepLabel(cur.step);
  return undefined;
}

/** A ticket format's sample line: the sterilizer's clock, the label (on a phase's first sample), T and p (printed gauge). */
export type SampleLineFormat = (clockMs: number, label: string | undefined, tempC: number, pressureKpaAbs: number, atmosphericKpa?: number) => string;

/** `08:12:30  STERILIZE      134.2     203.1`: columns as in the docs example (label 14 wide, T and p right-aligned). */
export const formatSampleLine: SampleLineFormat = (clockMs, label, tempC, pressureKpaAbs, atmosphericKpa = DEFAULT_ATMOSPHERIC_KPA) =>
  `${formatClock(clockMs)}  ${(label ?? '').padEnd(14)}${fixed1(tempC).padStart(6)}${fixed1(pressureKpaAbs - atmosphericKpa).padStart(10)}`;

export function formatHeader(h: TicketHeader): string[] {
  return formatTicketHeader('STERILIZER', h.sterilizer, h, 'TIME      PHASE           T(C)    P(kPa)');
}

/** The machine's own plateau summary (kept raw by the gateway, never trusted for verification). */
function summaryLines(cycle: SteamCycle): string[] {
  const plateau = cycle.samples.filter((s) => s.phase === 'sterilizing');
  const first = plateau[0];
  const last = plateau[plateau.length - 1];
  if (!first || !last) return [];
  const temps = plateau.map((s) => Number(fixed1(s.temp_c)));
  return [`STER TEMP MIN/MAX: ${fixed1(Math.min(...temps))}/${fixed1(Math.max(...temps))} C`, `STER TIME: ${formatMinSec(last.t - first.t + 1)}   F0: n/a`];
}

/** The whole ticket, each line with the cycle time at which it is printed. */
export function renderTicket(header: TicketHeader, cycle: SteamCycle, options: TicketOptions = {}): TicketLine[] {
  const atm = options.atmosphericKpa ?? DEFAULT_ATMOSPHERIC_KPA;
  return layOutSampledTicket<CycleSample>({
    header: formatHeader(header),
    samples: cycle.samples,
    alarms: cycle.alarms,
    sampleLine: (prev, s) => formatSampleLine(header.startMs + s.t * 1000, sampleLabel(prev, s), s.temp_c, s.pressure_kpa, atm),
    alarmLine: formatAlarmLine,
    footer: [...summaryLines(cycle), formatResultLine(cycle.result)],
  });
}
