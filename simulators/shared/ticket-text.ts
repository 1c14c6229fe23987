// What every simulated printer ticket shares, whatever the machine or language: the number and clock
// formats, the header facts, and the layout of a sampled ticket (header, sample lines with the alarms at
// their times, then the machine's summary and the result line). Pure: no clock, no I/O. Times are the
// machine's local clock (the process TZ).

export const TICKET_EOL = '\r\n';

/** One printed line and the cycle time (s from start) at which the machine prints it. */
export interface TicketLine {
  t: number;
  text: string;
}

/** The header facts every ticket prints, besides the machine's name. */
export interface TicketHeaderFacts {
  programNo: number;
  programText: string;
  cycleNo: number;
  operator: string;
  loadId: string;
  /** Wall-clock time of cycle t = 0, ms since the epoch (the machine's clock). */
  startMs: number;
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** One decimal, never `-0.0`. */
export function fixed1(x: number): string {
  const s = x.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

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

/** `mm:ss` (minutes not wrapped at 60), as tickets print durations and elapsed times. */
export function formatMinSec(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  return `${pad2(Math.floor(whole / 60))}:${pad2(whole % 60)}`;
}

/** The English ticket header (`==== STERILIZER SZ-03  PROG 2: …`); throws when a word would not parse back. */
export function formatTicketHeader(machine: 'STERILIZER' | 'WASHER', name: string, h: TicketHeaderFacts, columns: string): string[] {
  if (!/^\S+$/.test(name)) throw new Error(`${machine.toLowerCase()} name must be one word without spaces, got '${name}'`);
  if (!/^\S+$/.test(h.operator) || !/^\S+$/.test(h.loadId)) throw new Error('operator and load id must be single words');
  if (!Number.isInteger(h.cycleNo) || h.cycleNo < 0) throw new Error(`cycle number must be a non-negative integer, got ${h.cycleNo}`);
  return [
    `==== ${machine} ${name}  PROG ${h.programNo}: ${h.programText} ====`,
    `CYCLE NO: ${String(h.cycleNo).padStart(6, '0').padEnd(12)}DATE: ${formatDate(h.startMs)}`,
    `OPERATOR: ${h.operator.padEnd(12)}LOAD ID: ${h.loadId}`,
    columns,
  ];
}

export interface TicketAlarm {
  t: number;
  code: string;
  text: string;
}

export interface SampledTicket<S extends { t: number }> {
  header: readonly string[];
  samples: readonly S[];
  alarms: readonly TicketAlarm[];
  /** The line of sample `cur`, given the sample printed before it. */
  sampleLine(prev: S | undefined, cur: S): string;
  alarmLine(alarm: TicketAlarm): string;
  /** The machine's summary and result lines, printed with the last sample. */
  footer: readonly string[];
}

/** The header at the first sample's time, each sample at its time with the alarms due by then before it,
 * and at the last sample's time the alarms still due and the footer. */
export function layOutSampledTicket<S extends { t: number }>(ticket: SampledTicket<S>): TicketLine[] {
  const t0 = ticket.samples[0]?.t ?? 0;
  const lines: TicketLine[] = ticket.header.map((text) => ({ t: t0, text }));
  const alarms = [...ticket.alarms].sort((a, b) => a.t - b.t);
  let a = 0;
  let prev: S | undefined;
  for (const s of ticket.samples) {
    for (; a < alarms.length && (alarms[a]?.t ?? Infinity) <= s.t; a++) {
      const alarm = alarms[a];
      if (alarm) lines.push({ t: s.t, text: ticket.alarmLine(alarm) });
    }
    lines.push({ t: s.t, text: ticket.sampleLine(prev, s) });
    prev = s;
  }
  const tEnd = prev ? prev.t : t0;
  for (; a < alarms.length; a++) {
    const alarm = alarms[a];
    if (alarm) lines.push({ t: tEnd, text: ticket.alarmLine(alarm) });
  }
  for (const text of ticket.footer) lines.push({ t: tEnd, text });
  return lines;
}

/** `ALARM E12: STEAM SUPPLY`. */
export function formatAlarmLine(alarm: TicketAlarm): string {
  return `ALARM ${alarm.code}: ${alarm.text}`;
}

/** The English tickets' last line. */
export function formatResultLine(result: 'ok' | 'aborted'): string {
  return result === 'aborted' ? 'RESULT: CYCLE ABORTED' : 'RESULT: CYCLE OK';
}

/** The ticket as the bytes a printer port sends: every line CRLF-terminated. */
export function ticketText(lines: readonly TicketLine[]): string {
  return lines.map((l) => l.text + TICKET_EOL).join('');
}
