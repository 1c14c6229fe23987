// The printer-line parser: a PURE reducer, one ticket line at a time -> DeviceEvents. No I/O and no
// clock: the receive time, the atmosphere, the time zone and the profile come in through `ctx`.
//
// Every line yields a `raw` event (so the gateway can keep the printout verbatim), plus:
//   ticket start + header facts -> one `cycle-start` once the header is complete (the first line that
//     is not a header fact), followed by the header's raw lines, held until then so they land inside
//     the cycle; sample -> (`phase` if its label maps to a new phase) + `sample`; alarm -> `alarm`;
//   result -> `cycle-end`; ignored and empty lines -> nothing more; anything else -> `parse-error`.
// Times: samples carry the printed time of day on the header DATE (rolled over when the time of day
// goes backwards by more than 12 h); with no DATE, the nearest such instant to the receive time.
// cycle-start, raw and parse-error carry the receive time; alarm and cycle-end, which print no time,
// carry the device time of the ticket's latest sample (else the receive time).

import { truncateRaw, type CycleEndStatus, type DeviceEvent, type ParseErrorEvent, type Phase } from '../device-event.js';
import { compileProfile, phaseForLabel, type CompiledPrinterProfile } from './compile-profile.js';
import type { PressureUnit, PrinterLineProfile } from './profile.js';
import { HALF_DAY_S, localTimeToEpochMs, nearestLocalTime, parseIsoDate, type CivilDay } from './ticket-time.js';

export interface PrinterParserContext {
  deviceId: string;
  /** Gateway receive time of the line, ms since the epoch. */
  recvTs: number;
  /** Converts gauge pressures to absolute (kPa). */
  atmosphericKpa: number;
  profile: PrinterLineProfile;
  /** Minutes east of UTC of the sterilizer's clock; undefined = the process's local time zone. */
  tzOffsetMinutes?: number;
}

export interface HeldLine { readonly ts: number; readonly line: string }

/** A ticket whose header is still being read. */
export interface PendingTicket {
  readonly ts: number;
  readonly programNo?: number;
  readonly cycleNo?: number;
  readonly info: Readonly<Record<string, string>>;
  readonly lines: readonly HeldLine[];
}

export interface PrinterParserState {
  /** Inside a ticket: from its first line up to its result line. */
  readonly cycleOpen: boolean;
  readonly pending?: PendingTicket;
  readonly cycleNo?: number;
  readonly phase?: Phase;
  /** The ticket's date (header DATE), advanced at each midnight rollover. */
  readonly day?: CivilDay;
  readonly lastSecondOfDay?: number;
  /** Device time of the ticket's latest sample. */
  readonly lastDeviceTs?: number;
  readonly lastAlarmCode?: string;
}

export interface PrinterParseResult {
  state: PrinterParserState;
  events: DeviceEvent[];
}

/** The `reason` of every parse-error this parser emits: a small fixed set, so "log once per reason" stays quiet. */
export const PARSE_ERROR_REASONS = {
  unrecognized: 'unrecognized line',
  unknownLabel: 'unknown phase label',
  labelOutsideTicket: 'phase label outside a ticket',
  resultOutsideTicket: 'result line outside a ticket',
  headerOutOfPlace: 'header line outside a ticket header',
  ticketWithoutResult: 'new ticket before the previous one printed a result',
  invalidTime: 'invalid time of day',
  invalidDate: 'invalid date',
  unknownStatus: 'unknown result status',
} as const;
export type PrinterParseErrorReason = (typeof PARSE_ERROR_REASONS)[keyof typeof PARSE_ERROR_REASONS];

/** Header lines held at most; a longer header is cut short (the cycle starts) so memory stays bounded. */
export const MAX_HEADER_LINES = 16;

export function initialParserState(): PrinterParserState {
  return { cycleOpen: false };
}

type Groups = Readonly<Record<string, string | undefined>>;

export function parsePrinterLine(state: PrinterParserState, line: string, ctx: PrinterParserContext): PrinterParseResult {
  const p = compileProfile(ctx.profile);
  const text = cleanLine(line);
  const events: DeviceEvent[] = [];

  const start = p.ticketStart.exec(text);
  if (start !== null) return openTicket(state, line, start.groups ?? {}, ctx, events);

  let s = state;
  if (s.pending !== undefined) {
    const fact = firstMatch(p.header, text);
    if (fact !== undefined && s.pending.lines.length < MAX_HEADER_LINES) {
      return addHeaderFacts(s, s.pending, line, fact, ctx, events);
    }
    events.push(...releasePending(s.pending, ctx.deviceId));
    s = withoutPending(s);
  }
  events.push({ kind: 'raw', deviceId: ctx.deviceId, ts: ctx.recvTs, line });
  if (text === '') return { state: s, events };

  const sample = p.sample.exec(text);
  if (sample !== null) return { state: onSample(s, line, sample.groups ?? {}, p, ctx, events), events };
  const alarm = p.alarm.exec(text);
  if (alarm !== null) return { state: onAlarm(s, alarm.groups ?? {}, ctx, events), events };
  const result = p.result.exec(text);
  if (result !== null) return { state: onResult(s, line, result.groups ?? {}, p, ctx, events), events };
  if (p.ignore.some((re) => re.test(text))) return { state: s, events };

  const reason = firstMatch(p.header, text) !== undefined ? PARSE_ERROR_REASONS.headerOutOfPlace : PARSE_ERROR_REASONS.unrecognized;
  events.push(parseError(ctx, line, reason));
  return { state: s, events };
}

function openTicket(s: PrinterParserState, line: string, groups: Groups, ctx: PrinterParserContext, events: DeviceEvent[]): PrinterParseResult {
  if (s.pending !== undefined) events.push(...releasePending(s.pending, ctx.deviceId));
  if (s.cycleOpen) events.push(parseError(ctx, line, PARSE_ERROR_REASONS.ticketWithoutResult));
  const pending: PendingTicket = { ts: ctx.recvTs, info: {}, lines: [] };
  return addHeaderFacts({ cycleOpen: true }, pending, line, groups, ctx, events);
}

function addHeaderFacts(
  s: PrinterParserState, pending: PendingTicket, line: string, groups: Groups, ctx: PrinterParserContext, events: DeviceEvent[],
): PrinterParseResult {
  const info: Record<string, string> = { ...pending.info };
  let { programNo, cycleNo } = pending;
  let day = s.day;
  for (const [name, raw] of Object.entries(groups)) {
    const value = raw?.trim();
    if (value === undefined || value === '') continue;
    const integer = /^\d+$/.test(value) ? Number(value) : undefined;
    if (name === 'programNo' && integer !== undefined && Number.isSafeInteger(integer)) programNo = integer;
    else if (name === 'cycleNo' && integer !== undefined && Number.isSafeInteger(integer)) cycleNo = integer;
    else {
      info[name] = value;
      if (name === 'date') {
        day = parseIsoDate(value);
        if (day === undefined) events.push(parseError(ctx, line, PARSE_ERROR_REASONS.invalidDate));
      }
    }
  }
  const next: PendingTicket = {
    ts: pending.ts,
    info,
    lines: [...pending.lines, { ts: ctx.recvTs, line }],
    ...(programNo !== undefined && { programNo }),
    ...(cycleNo !== undefined && { cycleNo }),
  };
  const state: PrinterParserState = { ...s, pending: next, cycleNo, day, lastSecondOfDay: undefined };
  return { state, events };
}

/** cycle-start, then the header's held raw lines. */
function releasePending(pending: PendingTicket, deviceId: string): DeviceEvent[] {
  const start: DeviceEvent = {
    kind: 'cycle-start',
    deviceId,
    ts: pending.ts,
    ...(pending.programNo !== undefined && { programNo: pending.programNo }),
    ...(pending.cycleNo !== undefined && { cycleNo: pending.cycleNo }),
    info: { ...pending.info },
  };
  return [start, ...pending.lines.map((held): DeviceEvent => ({ kind: 'raw', deviceId, ts: held.ts, line: held.line }))];
}

function withoutPending(s: PrinterParserState): PrinterParserState {
  const { pending: _released, ...rest } = s;
  return rest;
}

function onSample(
  s: PrinterParserState, line: string, g: Groups, p: CompiledPrinterProfile, ctx: PrinterParserContext, events: DeviceEvent[],
): PrinterParserState {
  const [hh, mm, ss] = [Number(g.hh), Number(g.mm), Number(g.ss)];
  if (!(hh <= 23 && mm <= 59 && ss <= 59)) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.invalidTime));
    return s;
  }
  const secondOfDay = hh * 3600 + mm * 60 + ss;
  let day = s.day;
  let ts: number;
  if (day !== undefined) {
    if (s.lastSecondOfDay !== undefined && s.lastSecondOfDay - secondOfDay > HALF_DAY_S) day += 1;
    ts = localTimeToEpochMs(day, secondOfDay, ctx.tzOffsetMinutes);
  } else {
    ts = nearestLocalTime(secondOfDay, ctx.recvTs, ctx.tzOffsetMinutes);
  }

  let phase = s.phase;
  const after: DeviceEvent[] = [];
  if (g.label !== undefined && g.label.trim() !== '') {
    if (!s.cycleOpen) {
      after.push(parseError(ctx, line, PARSE_ERROR_REASONS.labelOutsideTicket));
    } else {
      const mapped = phaseForLabel(p, g.label);
      if (mapped === undefined) {
        after.push(parseError(ctx, line, PARSE_ERROR_REASONS.unknownLabel));
      } else if (mapped !== phase) {
        phase = mapped;
        events.push({ kind: 'phase', deviceId: ctx.deviceId, ts, phase, label: g.label.trim() });
      }
    }
  }
  const pressure = g.pressure === undefined ? undefined : absoluteKpa(Number(g.pressure), p.profile.pressureUnit, ctx.atmosphericKpa);
  events.push({
    kind: 'sample',
    deviceId: ctx.deviceId,
    ts,
    deviceTime: ts,
    temp_c: Number(g.temp),
    ...(g.temp2 !== undefined && { temp2_c: Number(g.temp2) }),
    ...(pressure !== undefined && { pressure_kpa: pressure }),
    ...(s.cycleOpen && phase !== undefined && { phase }),
  });
  events.push(...after);
  if (!s.cycleOpen) return s;
  return { ...s, phase, day, lastSecondOfDay: secondOfDay, lastDeviceTs: ts };
}

function onAlarm(s: PrinterParserState, g: Groups, ctx: PrinterParserContext, events: DeviceEvent[]): PrinterParserState {
  const code = g.code?.trim() ?? '';
  const ts = s.cycleOpen ? (s.lastDeviceTs ?? ctx.recvTs) : ctx.recvTs;
  events.push({ kind: 'alarm', deviceId: ctx.deviceId, ts, code, text: trailingText(g.text) ?? '' });
  return s.cycleOpen ? { ...s, lastAlarmCode: code } : s;
}

function onResult(
  s: PrinterParserState, line: string, g: Groups, p: CompiledPrinterProfile, ctx: PrinterParserContext, events: DeviceEvent[],
): PrinterParserState {
  if (!s.cycleOpen) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.resultOutsideTicket));
    return s;
  }
  const status: CycleEndStatus | undefined = p.resultMap.get((g.status ?? '').trim().toUpperCase());
  if (status === undefined) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.unknownStatus));
    return s;
  }
  const code = status === 'ok' ? g.code?.trim() : (g.code?.trim() || s.lastAlarmCode);
  const text = trailingText(g.text);
  events.push({
    kind: 'cycle-end',
    deviceId: ctx.deviceId,
    ts: s.lastDeviceTs ?? ctx.recvTs,
    status,
    ...(code !== undefined && code !== '' && { code }),
    ...(text !== undefined && { text }),
  });
  return initialParserState();
}

/** Gauge -> absolute, rounded to 1 Pa so 101.325 + (-82.0) prints as 19.325. */
export function absoluteKpa(value: number, unit: PressureUnit, atmosphericKpa: number): number {
  const abs = unit === 'kPa-gauge' ? value + atmosphericKpa : value;
  return Math.round(abs * 1000) / 1000;
}

/** What the patterns see: control characters (form feeds, NULs, printer escapes' ESC) removed, trimmed. */
export function cleanLine(line: string): string {
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim();
}

function trailingText(text: string | undefined): string | undefined {
  const cleaned = text?.replace(/^[\s:,;-]+/, '').trim();
  return cleaned === undefined || cleaned === '' ? undefined : cleaned;
}

function firstMatch(patterns: readonly RegExp[], text: string): Groups | undefined {
  for (const re of patterns) {
    const m = re.exec(text);
    if (m !== null) return m.groups ?? {};
  }
  return undefined;
}

function parseError(ctx: PrinterParserContext, line: string, reason: PrinterParseErrorReason): ParseErrorEvent {
  return { kind: 'parse-error', deviceId: ctx.deviceId, ts: ctx.recvTs, raw: truncateRaw(line), reason };
}
