// Renders a washer cycle as a printer-line ticket of the same family as the sterilizer ticket
// (docs/devices.md, default profile `prevac-ticket`): the same header facts, column order and result line,
// so one profile reads both. What differs, and what the default profile has to accept for it (see
// simulators/washer/README.md, "Ticket"):
//   - the first line names a WASHER instead of a STERILIZER;
//   - the phase labels PREWASH, WASH, NEUTRALIZE, RINSE, DISINFECT (DRYING, END, FAULT as for steam);
//   - the pressure column prints `-`: a washer chamber is not a pressure vessel, and a 0.0 would be
//     recorded as one atmosphere absolute, where a washer trace has no pressure (docs/verification.md);
//   - a fifth column T2(C), the load probe (the verifier judges the colder sensor);
//   - the machine's summary `DISINF TEMP MIN/MAX`, `DISINF TIME … A0: n`.
// Pure: no clock, no I/O. Times are the washer's local clock (the process TZ).

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
import type { WasherCycle, WasherCyclePhase, WasherCycleSample } from './cycle.js';
import { cycleA0 } from './device-a0.js';

export { TICKET_EOL, type TicketLine, ticketText as washerTicketText } from '../shared/ticket-text.js';

export interface WasherTicketHeader extends TicketHeaderFacts {
  /** Machine name; printed as one word (`WASHER WD-01`). */
  washer: string;
}

/** Label printed on the first sample of a phase. */
export const WASHER_PHASE_LABELS: Readonly<Record<WasherCyclePhase, string>> = {
  prewash: 'PREWASH',
  wash: 'WASH',
  neutralize: 'NEUTRALIZE',
  rinse: 'RINSE',
  disinfect: 'DISINFECT',
  drying: 'DRYING',
  complete: 'END',
  fault: 'FAULT',
};

/** What the pressure column holds on a washer ticket: no measurement. */
export const NO_PRESSURE = '-';

export const WASHER_COLUMN_HEADER = 'TIME      PHASE           T(C)    P(kPa)   T2(C)';

/** The phase label for `cur` given the sample before it, or undefined when the phase goes on. */
export function washerSampleLabel(prev: WasherCycleSample | undefined, cur: WasherCycleSample): string | undefined {
  return !prev || prev.phase !== cur.phase ? WASHER_PHASE_LABELS[cur.phase] : undefined;
}

/** `08:21:40  DISINFECT       91.2         -    90.9`: label 14 wide, T, P and T2 right-aligned at columns 30, 40, 48. */
export function formatWasherSampleLine(clockMs: number, label: string | undefined, tempC: number, probeC?: number): string {
  const probe = probeC === undefined ? '' : fixed1(probeC).padStart(8);
  return `${formatClock(clockMs)}  ${(label ?? '').padEnd(14)}${fixed1(tempC).padStart(6)}${NO_PRESSURE.padStart(10)}${probe}`;
}

export function formatWasherHeader(h: WasherTicketHeader): string[] {
  return formatTicketHeader('WASHER', h.washer, h, WASHER_COLUMN_HEADER);
}

/** The machine's own disinfection summary (kept raw by the gateway, never trusted for verification). */
function summaryLines(cycle: WasherCycle): string[] {
  const hold = cycle.hold;
  if (!hold) return [];
  const temps = cycle.samples
    .filter((s) => s.phase === 'disinfect' && s.t >= hold.startT && s.t <= hold.endT)
    .flatMap((s) => (s.temp2_c === undefined ? [s.temp_c] : [s.temp_c, s.temp2_c]))
    .map((t) => Number(fixed1(t)));
  if (temps.length === 0) return [];
  return [
    `DISINF TEMP MIN/MAX: ${fixed1(Math.min(...temps))}/${fixed1(Math.max(...temps))} C`,
    `DISINF TIME: ${formatMinSec(hold.endT - hold.startT + 1)}   A0: ${Math.round(cycleA0(cycle.samples))}`,
  ];
}

/** The whole ticket, each line with the cycle time at which it is printed. */
export function renderWasherTicket(header: WasherTicketHeader, cycle: WasherCycle): TicketLine[] {
  return layOutSampledTicket<WasherCycleSample>({
    header: formatWasherHeader(header),
    samples: cycle.samples,
    alarms: cycle.alarms,
    sampleLine: (prev, s) => formatWasherSampleLine(header.startMs + s.t * 1000, washerSampleLabel(prev, s), s.temp_c, s.temp2_c),
    alarmLine: formatAlarmLine,
    footer: [...summaryLines(cycle), formatResultLine(cycle.result)],
  });
}
