// The printer-line parser: a PURE reducer, one line at a time -> DeviceEvents. No I/O and no clock: the
// receive time, the atmosphere, the time zone and the profile come in through `ctx`; silence is seen
// through printerParserTick() (parse-end.ts), which the driver calls on its clock.
//
// Every line yields a `raw` event (so the gateway can keep the printout verbatim), plus:
//   ticket start + header facts -> one `cycle-start` once the header is complete (the first line that
//     is not a header fact), followed by the header's raw lines, held until then so they land inside
//     the cycle (parse-header.ts); sample -> (`phase` if its label or flag gives a new phase) + `sample`
//     (parse-sample.ts); alarm -> `alarm`; summary lines -> kept for the ticket's `summary` event;
//   result -> (`summary`) + `cycle-end`, or with `ticketEnd` held until that line; ignored and empty
//   lines -> nothing more; anything else -> `parse-error`.
// Times: samples carry the printed time of day on the header date (rolled over when the time of day
// goes backwards by more than 12 h); with no date, the nearest such instant to the receive time (a
// flag-segmented cycle fixes its date so at its first sample). cycle-start carries the printed start
// time when the header has one, else the receive time; raw and parse-error carry the receive time;
// alarm and cycle-end, which print no time, carry the device time of the ticket's latest sample (else the
// summary's end, else the receive time).

import type { CycleEndStatus, DeviceEvent } from '../../vocabulary/device-event.js';
import { type CompiledPrinterProfile, compileProfile } from './compile-profile.js';
import { closedState, endEvents, printerParserTick } from './parse-end.js';
import { addHeaderFacts, openTicket, releasePending, withoutPending } from './parse-header.js';
import { onFlagSample, onTicketSample } from './parse-sample.js';
import {
  type Groups,
  type LineHandler,
  MAX_HEADER_LINES,
  PARSE_ERROR_REASONS,
  type PrinterParseResult,
  type PrinterParserContext,
  type PrinterParserState,
  parseError,
  trailingText,
} from './parse-state.js';
import { addSummary, matchSummary } from './parse-summary.js';
import { needsIdleTick } from './profile.js';

export { printerParserTick } from './parse-end.js';
export { type ResumedCycle, resumedParserState } from './parse-resume.js';
export {
  type HeldEnd,
  type HeldLine,
  initialParserState,
  MAX_HEADER_LINES,
  PARSE_ERROR_REASONS,
  type PendingTicket,
  type PrinterParseErrorReason,
  type PrinterParseResult,
  type PrinterParserContext,
  type PrinterParserState,
} from './parse-state.js';
export { absoluteKpa } from './units.js';

export function parsePrinterLine(state: PrinterParserState, line: string, ctx: PrinterParserContext): PrinterParseResult {
  const p = compileProfile(ctx.profile);
  const text = cleanLine(line);
  const quietBefore = printerParserTick(state, ctx);
  const events: DeviceEvent[] = [...quietBefore.events];
  const r = parseLine(quietBefore.state, line, text, p, ctx, events);
  return { state: remember(r.state, r.recognised, text, p, ctx), events };
}

interface LineResult {
  state: PrinterParserState;
  recognised: boolean;
}

function parseLine(
  state: PrinterParserState,
  line: string,
  text: string,
  p: CompiledPrinterProfile,
  ctx: PrinterParserContext,
  events: DeviceEvent[],
): LineResult {
  const start = p.ticketStart?.exec(text);
  if (start !== null && start !== undefined) return { state: openTicket(state, line, start.groups ?? {}, p, ctx, events).state, recognised: true };

  let s = state;
  if (s.pending !== undefined) {
    const fact = firstMatch(p.header, text);
    if (fact !== undefined && s.pending.lines.length < MAX_HEADER_LINES) {
      return { state: addHeaderFacts(s, s.pending, line, fact, ctx, events).state, recognised: true };
    }
    const released = releasePending(s, s.pending, p, ctx);
    events.push(...released.events);
    s = withoutPending(s, released.startTs);
  }
  events.push({ kind: 'raw', deviceId: ctx.deviceId, ts: ctx.recvTs, line });
  if (text === '') return { state: s, recognised: false };

  if (s.heldEnd !== undefined && p.ticketEnd?.test(text) === true) {
    events.push(...endEvents(s, s.heldEnd, ctx));
    return { state: closedState(s, p, true), recognised: true };
  }
  const summary = p.summary.length > 0 ? matchSummary(p, text, s.prevText) : undefined;
  const sample = p.sample?.exec(text);
  if (sample !== null && sample !== undefined) {
    const groups = sample.groups ?? {};
    const next = p.segmentation === 'flag' ? onFlagSample(s, line, groups, p, ctx, events) : onTicketSample(s, line, groups, p, ctx, events);
    return { state: next, recognised: true };
  }
  const alarm = p.alarm?.exec(text);
  if (alarm !== null && alarm !== undefined) return { state: onAlarm(s, alarm.groups ?? {}, ctx, events), recognised: true };
  const result = p.result?.exec(text);
  if (result !== null && result !== undefined) {
    const withSummary = summary !== undefined && s.cycleOpen ? onSummary(s, line, summary, p, ctx, events) : s;
    return { state: onResult(withSummary, line, result.groups ?? {}, p, ctx, events), recognised: true };
  }
  if (summary !== undefined) return { state: onSummary(s, line, summary, p, ctx, events), recognised: true };
  if (p.ignore.some((re) => re.test(text)) || p.ticketEnd?.test(text) === true) return { state: s, recognised: true };

  const reason = firstMatch(p.header, text) !== undefined ? PARSE_ERROR_REASONS.headerOutOfPlace : PARSE_ERROR_REASONS.unrecognized;
  events.push(parseError(ctx, line, reason));
  return { state: s, recognised: false };
}

/** What the next line needs to know about this one, if it was recognised: when it came (profiles with idle
 * ends) and its text (summary rules with `after`). Profiles with neither keep exactly the state they always had. */
function remember(s: PrinterParserState, recognised: boolean, text: string, p: CompiledPrinterProfile, ctx: PrinterParserContext): PrinterParserState {
  let next = s;
  if (recognised && needsIdleTick(p.profile)) next = { ...next, lastLineTs: ctx.recvTs };
  // Only recognised lines: junk between `Min. steri. Values:` and its values must not break the pair.
  if (recognised && p.summary.some((rule) => rule.after !== undefined)) next = { ...next, prevText: text };
  return next;
}

function onAlarm(s: PrinterParserState, g: Groups, ctx: PrinterParserContext, events: DeviceEvent[]): PrinterParserState {
  const code = g.code?.trim() ?? '';
  const ts = s.cycleOpen ? (s.lastDeviceTs ?? ctx.recvTs) : ctx.recvTs;
  events.push({ kind: 'alarm', deviceId: ctx.deviceId, ts, code, text: trailingText(g.text) ?? '' });
  return s.cycleOpen ? { ...s, lastAlarmCode: code } : s;
}

const onSummary: LineHandler = (s, line, g, p, ctx, events) => {
  if (!s.cycleOpen) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.summaryOutsideTicket));
    return s;
  }
  const { acc, problems } = addSummary(s.summary, g, p, ctx);
  for (const reason of problems) events.push(parseError(ctx, line, reason));
  return { ...s, summary: acc };
};

const onResult: LineHandler = (s, line, g, p, ctx, events) => {
  if (!s.cycleOpen) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.resultOutsideTicket));
    return s;
  }
  const status: CycleEndStatus | undefined = p.resultMap.get((g.status ?? '').trim().toUpperCase());
  if (status === undefined) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.unknownStatus));
    return s;
  }
  const code = status === 'ok' ? g.code?.trim() : g.code?.trim() || s.lastAlarmCode;
  const text = trailingText(g.text);
  const end = { status, ...(code !== undefined && code !== '' && { code }), ...(text !== undefined && { text }) };
  if (p.ticketEnd !== undefined) return { ...s, heldEnd: end };
  events.push(...endEvents(s, end, ctx));
  // After an explicit end of a flag stream, lines up to the next silence belong to no new cycle.
  return closedState(s, p, p.segmentation !== 'flag');
};

/** What the patterns see: control characters (form feeds, NULs, printer escapes' ESC) removed, trimmed. */
export function cleanLine(line: string): string {
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim();
}

function firstMatch(patterns: readonly RegExp[], text: string): Groups | undefined {
  for (const re of patterns) {
    const m = re.exec(text);
    if (m !== null) return m.groups ?? {};
  }
  return undefined;
}
