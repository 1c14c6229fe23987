// Renders a washer cycle as a printer-line ticket of the same family as the sterilizer ticket
// (docs/devices.md, default profile `prevac-ticket`): the same header facts, column order and result line,
// so one profile reads both. What differs, and what the default profile has to accept for it (see
// simulators/washer/README.md, "Ticket"):
//   - the first line names a WASHER instead of a STERILIZER;
//   - the phase labels PREWASH, WASH, NEUTRALIZE, RINSE, DISINFECT (DRYING, END, FAULT as for steam);
//   - the pressure column prints `-`: a washer chamber is not a pressure vessel, and a 0.0 would be
//     recorded as one atmosphere absolute, where a washer trace has no pressure (DESIGN §6);
//   - a fifth column T2(C), the load probe (the verifier judges the colder sensor);
//   - the machine's summary `DISINF TEMP MIN/MAX`, `DISINF TIME … A0: n`.
// Pure: no clock, no I/O. Times are the washer's local clock (the process TZ).

import { formatClock, formatDate, TICKET_EOL, type TicketLine } from '../steam/ticket-writer.js';
import type { WasherCycle, WasherCyclePhase, WasherCycleSample } from './cycle.js';
import { cycleA0 } from './device-a0.js';

export { TICKET_EOL, type TicketLine };

export interface WasherTicketHeader {
  /** Machine name; printed as one word (`WASHER WD-01`). */
  washer: string;
  programNo: number;
  programText: string;
  cycleNo: number;
  operator: string;
  loadId: string;
  /** Wall-clock time of cycle t = 0, ms since the epoch (the machine's clock). */
  startMs: number;
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

/** One decimal, never `-0.0`. */
function fixed1(x: number): string {
  const s = x.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

/** `08:21:40  DISINFECT       91.2         -    90.9`: label 14 wide, T, P and T2 right-aligned at columns 30, 40, 48. */
export function formatWasherSampleLine(clockMs: number, label: string | undefined, tempC: number, probeC?: number): string {
  const probe = probeC === undefined ? '' : fixed1(probeC).padStart(8);
  return `${formatClock(clockMs)}  ${(label ?? '').padEnd(14)}${fixed1(tempC).padStart(6)}${NO_PRESSURE.padStart(10)}${probe}`;
}

export function formatWasherHeader(h: WasherTicketHeader): string[] {
  if (!/^\S+$/.test(h.washer)) throw new Error(`washer name must be one word without spaces, got '${h.washer}'`);
  if (!/^\S+$/.test(h.operator) || !/^\S+$/.test(h.loadId)) throw new Error('operator and load id must be single words');
  if (!Number.isInteger(h.cycleNo) || h.cycleNo < 0) throw new Error(`cycle number must be a non-negative integer, got ${h.cycleNo}`);
  return [
    `==== WASHER ${h.washer}  PROG ${h.programNo}: ${h.programText} ====`,
    `CYCLE NO: ${String(h.cycleNo).padStart(6, '0').padEnd(12)}DATE: ${formatDate(h.startMs)}`,
    `OPERATOR: ${h.operator.padEnd(12)}LOAD ID: ${h.loadId}`,
    WASHER_COLUMN_HEADER,
  ];
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function formatDuration(s: number): string {
  const whole = Math.max(0, Math.round(s));
  return `${pad2(Math.floor(whole / 60))}:${pad2(whole % 60)}`;
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
    `DISINF TIME: ${formatDuration(hold.endT - hold.startT + 1)}   A0: ${Math.round(cycleA0(cycle.samples))}`,
  ];
}

/** The whole ticket, each line with the cycle time at which it is printed. */
export function renderWasherTicket(header: WasherTicketHeader, cycle: WasherCycle): TicketLine[] {
  const first = cycle.samples[0];
  const t0 = first ? first.t : 0;
  const lines: TicketLine[] = formatWasherHeader(header).map((text) => ({ t: t0, text }));
  const alarms = [...cycle.alarms].sort((a, b) => a.t - b.t);
  let a = 0;
  let prev: WasherCycleSample | undefined;
  for (const s of cycle.samples) {
    for (; a < alarms.length && (alarms[a]?.t ?? Infinity) <= s.t; a++) {
      const alarm = alarms[a];
      if (alarm) lines.push({ t: s.t, text: `ALARM ${alarm.code}: ${alarm.text}` });
    }
    lines.push({ t: s.t, text: formatWasherSampleLine(header.startMs + s.t * 1000, washerSampleLabel(prev, s), s.temp_c, s.temp2_c) });
    prev = s;
  }
  const tEnd = prev ? prev.t : t0;
  for (; a < alarms.length; a++) {
    const alarm = alarms[a];
    if (alarm) lines.push({ t: tEnd, text: `ALARM ${alarm.code}: ${alarm.text}` });
  }
  for (const text of summaryLines(cycle)) lines.push({ t: tEnd, text });
  lines.push({ t: tEnd, text: cycle.result === 'aborted' ? 'RESULT: CYCLE ABORTED' : 'RESULT: CYCLE OK' });
  return lines;
}

/** The ticket as the bytes a printer port sends: every line CRLF-terminated. */
export function washerTicketText(lines: readonly TicketLine[]): string {
  return lines.map((l) => l.text + TICKET_EOL).join('');
}
