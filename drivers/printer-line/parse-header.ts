// The ticket header: its first line opens a cycle, the header lines after it add facts, and the first
// line that is not a header fact releases one `cycle-start` followed by the held raw header lines (so they
// land inside the cycle). Part of the pure printer-line parser (parse.ts).

import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { type CompiledPrinterProfile, programNumberFor } from './compile-profile.js';
import { endEvents } from './parse-end.js';
import {
  type Groups,
  type LineHandler,
  PARSE_ERROR_REASONS,
  type PendingTicket,
  type PrinterParseResult,
  type PrinterParserContext,
  type PrinterParserState,
  parseError,
} from './parse-state.js';
import { summaryEvent } from './parse-summary.js';
import { type CivilDay, isoDateFromParts, localTimeToEpochMs, nearestLocalTime, parseIsoDate, secondOfDay } from './ticket-time.js';

const TIME_GROUPS = new Set(['hh', 'mm', 'ss', 'ampm']);
const DATE_PART_GROUPS = new Set(['year', 'month', 'day']);

export const openTicket: LineHandler<PrinterParseResult> = (s, line, groups, p, ctx, events) => {
  if (s.pending !== undefined) events.push(...releasePending(s, s.pending, p, ctx).events);
  if (s.heldEnd !== undefined) {
    events.push(...endEvents(s, s.heldEnd, ctx));
  } else if (s.cycleOpen) {
    if (s.summary !== undefined) events.push(summaryEvent(s.summary, ctx.deviceId, s.lastDeviceTs ?? ctx.recvTs, s.startTs));
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.ticketWithoutResult));
  }
  const pending: PendingTicket = { ts: ctx.recvTs, info: {}, lines: [] };
  const fresh: PrinterParserState = { cycleOpen: true, ...(s.lastLineTs !== undefined && { lastLineTs: s.lastLineTs }) };
  return addHeaderFacts(fresh, pending, line, groups, ctx, events);
};

export function addHeaderFacts(
  s: PrinterParserState,
  pending: PendingTicket,
  line: string,
  groups: Groups,
  ctx: PrinterParserContext,
  events: DeviceEvent[],
): PrinterParseResult {
  const info: Record<string, string> = { ...pending.info };
  let { programNo, cycleNo, startSecondOfDay } = pending;
  let day = s.day;
  const setDate = (iso: string | undefined, printed: string): void => {
    info.date = iso ?? printed;
    day = iso === undefined ? undefined : parseIsoDate(iso);
    if (day === undefined) events.push(parseError(ctx, line, PARSE_ERROR_REASONS.invalidDate));
  };
  for (const [name, raw] of Object.entries(groups)) {
    const value = raw?.trim();
    if (value === undefined || value === '' || TIME_GROUPS.has(name) || DATE_PART_GROUPS.has(name)) continue;
    const integer = /^\d+$/.test(value) ? Number(value) : undefined;
    if (name === 'programNo' && integer !== undefined && Number.isSafeInteger(integer)) programNo = integer;
    else if (name === 'cycleNo' && integer !== undefined && Number.isSafeInteger(integer)) cycleNo = integer;
    else if (name === 'date') setDate(value, value);
    else info[name] = value;
  }
  const { year, month, day: dd } = groups;
  if (year !== undefined && month !== undefined && dd !== undefined) setDate(isoDateFromParts(year.trim(), month.trim(), dd.trim()), `${year}-${month}-${dd}`);
  if (groups.hh !== undefined && groups.mm !== undefined && groups.ss !== undefined) {
    const sod = secondOfDay(Number(groups.hh), Number(groups.mm), Number(groups.ss), groups.ampm);
    if (sod === undefined) {
      events.push(parseError(ctx, line, PARSE_ERROR_REASONS.invalidTime));
    } else {
      startSecondOfDay = sod;
      info.time = [Math.floor(sod / 3600), Math.floor((sod % 3600) / 60), sod % 60].map((n) => String(n).padStart(2, '0')).join(':');
    }
  }
  const next: PendingTicket = {
    ts: pending.ts,
    info,
    lines: [...pending.lines, { ts: ctx.recvTs, line }],
    ...(programNo !== undefined && { programNo }),
    ...(cycleNo !== undefined && { cycleNo }),
    ...(startSecondOfDay !== undefined && { startSecondOfDay }),
  };
  // Samples roll the date over from the printed start time when there is one.
  const state: PrinterParserState = { ...s, pending: next, cycleNo, day, lastSecondOfDay: startSecondOfDay };
  return { state, events };
}

/** cycle-start (at the printed start time when the header has one), then the header's held raw lines. */
export function releasePending(
  s: PrinterParserState,
  pending: PendingTicket,
  p: CompiledPrinterProfile,
  ctx: PrinterParserContext,
): { events: DeviceEvent[]; startTs?: number } {
  const startTs = pending.startSecondOfDay === undefined ? undefined : startInstant(s.day, pending.startSecondOfDay, pending.ts, ctx);
  const programNo = pending.programNo ?? programNumberFor(p, pending.info.programText);
  const start: DeviceEvent = {
    kind: 'cycle-start',
    deviceId: ctx.deviceId,
    ts: startTs ?? pending.ts,
    ...(startTs !== undefined && { deviceTime: startTs }),
    ...(programNo !== undefined && { programNo }),
    ...(pending.cycleNo !== undefined && { cycleNo: pending.cycleNo }),
    info: { ...pending.info },
  };
  const raw = pending.lines.map((held): DeviceEvent => ({ kind: 'raw', deviceId: ctx.deviceId, ts: held.ts, line: held.line }));
  return { events: [start, ...raw], ...(startTs !== undefined && { startTs }) };
}

export function withoutPending(s: PrinterParserState, startTs?: number): PrinterParserState {
  const { pending: _released, ...rest } = s;
  return startTs === undefined ? rest : { ...rest, startTs };
}

function startInstant(day: CivilDay | undefined, sod: number, recvTs: number, ctx: PrinterParserContext): number {
  return day === undefined ? nearestLocalTime(sod, recvTs, ctx.tzOffsetMinutes) : localTimeToEpochMs(day, sod, ctx.tzOffsetMinutes);
}
