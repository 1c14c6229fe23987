// Renders a steam cycle as the default `printer-line` ticket (`prevac-ticket`, docs/devices.md): a header,
// one line per sample with the phase label on the first sample of each phase or machine sub-step, alarm
// lines where they happen, the machine's summary and the RESULT line. Pure: no clock, no I/O. Times are the
// sterilizer's local clock (the process TZ), pressures in kPa gauge against `atmosphericKpa`.

import type { CycleSample, CycleStep, SteamCycle, SteamCyclePhase } from './cycle.js';

export const TICKET_EOL = '\r\n';
export const DEFAULT_ATMOSPHERIC_KPA = 101.325;

export interface TicketHeader {
  /** Machine name; printed as one word (`STERILIZER SZ-03`). */
  sterilizer: string;
  programNo: number;
  programText: string;
  cycleNo: number;
  operator: string;
  loadId: string;
  /** Wall-clock time of cycle t = 0, ms since the epoch (the machine's clock). */
  startMs: number;
}

/** One printed line and the cycle time (s from start) at which the machine prints it. */
export interface TicketLine { t: number; text: string }

export interface TicketOptions { atmosphericKpa?: number }

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

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `HH:MM:SS` of the local clock. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `YYYY-MM-DD` of the local clock. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** One decimal, never `-0.0`. */
function fixed1(x: number): string {
  const s = x.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

/** `08:12:30  STERILIZE      134.2     203.1`: columns as in the docs example (label 14 wide, T and p right-aligned). */
export function formatSampleLine(clockMs: number, label: string | undefined, tempC: number, pressureKpaAbs: number, atmosphericKpa = DEFAULT_ATMOSPHERIC_KPA): string {
  return `${formatClock(clockMs)}  ${(label ?? '').padEnd(14)}${fixed1(tempC).padStart(6)}${fixed1(pressureKpaAbs - atmosphericKpa).padStart(10)}`;
}

export function formatHeader(h: TicketHeader): string[] {
  if (!/^\S+$/.test(h.sterilizer)) throw new Error(`sterilizer name must be one word without spaces, got '${h.sterilizer}'`);
  if (!/^\S+$/.test(h.operator) || !/^\S+$/.test(h.loadId)) throw new Error('operator and load id must be single words');
  if (!Number.isInteger(h.cycleNo) || h.cycleNo < 0) throw new Error(`cycle number must be a non-negative integer, got ${h.cycleNo}`);
  return [
    `==== STERILIZER ${h.sterilizer}  PROG ${h.programNo}: ${h.programText} ====`,
    `CYCLE NO: ${String(h.cycleNo).padStart(6, '0').padEnd(12)}DATE: ${formatDate(h.startMs)}`,
    `OPERATOR: ${h.operator.padEnd(12)}LOAD ID: ${h.loadId}`,
    'TIME      PHASE           T(C)    P(kPa)',
  ];
}

function formatDuration(s: number): string {
  const whole = Math.max(0, Math.round(s));
  return `${pad2(Math.floor(whole / 60))}:${pad2(whole % 60)}`;
}

/** The machine's own plateau summary (kept raw by the gateway, never trusted for verification). */
function summaryLines(cycle: SteamCycle): string[] {
  const plateau = cycle.samples.filter((s) => s.phase === 'sterilizing');
  const first = plateau[0];
  const last = plateau[plateau.length - 1];
  if (!first || !last) return [];
  const temps = plateau.map((s) => Number(fixed1(s.temp_c)));
  return [
    `STER TEMP MIN/MAX: ${fixed1(Math.min(...temps))}/${fixed1(Math.max(...temps))} C`,
    `STER TIME: ${formatDuration(last.t - first.t + 1)}   F0: n/a`,
  ];
}

/** The whole ticket, each line with the cycle time at which it is printed. */
export function renderTicket(header: TicketHeader, cycle: SteamCycle, options: TicketOptions = {}): TicketLine[] {
  const atm = options.atmosphericKpa ?? DEFAULT_ATMOSPHERIC_KPA;
  const first = cycle.samples[0];
  const t0 = first ? first.t : 0;
  const lines: TicketLine[] = formatHeader(header).map((text) => ({ t: t0, text }));
  const alarms = [...cycle.alarms].sort((a, b) => a.t - b.t);
  let a = 0;
  let prev: CycleSample | undefined;
  for (const s of cycle.samples) {
    for (; a < alarms.length && (alarms[a]?.t ?? Infinity) <= s.t; a++) {
      const alarm = alarms[a];
      if (alarm) lines.push({ t: s.t, text: `ALARM ${alarm.code}: ${alarm.text}` });
    }
    lines.push({ t: s.t, text: formatSampleLine(header.startMs + s.t * 1000, sampleLabel(prev, s), s.temp_c, s.pressure_kpa, atm) });
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
export function ticketText(lines: readonly TicketLine[]): string {
  return lines.map((l) => l.text + TICKET_EOL).join('');
}
