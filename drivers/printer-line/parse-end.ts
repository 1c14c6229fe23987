// How a printer-line cycle ends: a result line (at once, or at the ticket's last line with `ticketEnd`),
// or silence. Silence is the only end a flag-segmented stream (AMSCO LS) has: after `idleGapS` without a
// line the cycle closes with an *inferred* cycle-end, whose status is the driver's reading of the flag, not
// the device's word. printerParserTick() is the pure clock tick the driver calls; parsePrinterLine() runs
// the same check before each line, so a parser fed without a clock still ends cycles at the next line.

import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { type CompiledPrinterProfile, compileProfile } from './compile-profile.js';
import { type HeldEnd, initialParserState, type PrinterParseResult, type PrinterParserContext, type PrinterParserState } from './parse-state.js';
import { summaryEndTs, summaryEvent } from './parse-summary.js';
import { needsIdleTick } from './profile.js';

/** The summary (if the ticket printed one) and the cycle-end of the open cycle. */
export function endEvents(s: PrinterParserState, end: HeldEnd & { inferred?: boolean }, ctx: PrinterParserContext): DeviceEvent[] {
  const ts = s.lastDeviceTs ?? summaryEndTs(s.summary, s.startTs) ?? ctx.recvTs;
  const events: DeviceEvent[] = [];
  if (s.summary !== undefined) events.push(summaryEvent(s.summary, ctx.deviceId, ts, s.startTs));
  events.push({
    kind: 'cycle-end',
    deviceId: ctx.deviceId,
    ts,
    status: end.status,
    ...(end.code !== undefined && end.code !== '' && { code: end.code }),
    ...(end.text !== undefined && { text: end.text }),
    ...(end.inferred === true && { inferred: true }),
  });
  return events;
}

/**
 * The state after a cycle ended. Profiles without idle ends get the initial state back (as before idle
 * ends existed); the others keep the time of the last line. `quiet`: the stream is known to be between
 * cycles (after silence), so the next sample of a flag stream opens a cycle with a cycle-start.
 */
export function closedState(s: PrinterParserState, p: CompiledPrinterProfile, quiet: boolean): PrinterParserState {
  if (!needsIdleTick(p.profile)) return initialParserState();
  return { cycleOpen: false, quiet, ...(s.lastLineTs !== undefined && { lastLineTs: s.lastLineTs }) };
}

/** The inferred end of a flag-segmented cycle, from what the flag did. */
export function inferredEnd(s: PrinterParserState, p: CompiledPrinterProfile): HeldEnd & { inferred: true } {
  const flag = p.flag?.rule;
  if (s.flagSeen === true && flag !== undefined && s.phase === flag.after) {
    return { status: 'ok', inferred: true, text: 'stream went quiet after the sterilize flag fell (the stream prints no result)' };
  }
  const why = s.flagSeen === true ? 'while the sterilize flag was up' : 'and the sterilize flag never rose';
  return { status: 'aborted', inferred: true, text: `stream went quiet ${why} (the stream prints no result)` };
}

/** Receive-time silence that counts as idle, ms. */
export function idleAfterMs(p: CompiledPrinterProfile, ctx: PrinterParserContext): number {
  return ctx.idleAfterMs ?? p.idleGapS * 1000;
}

/**
 * The clock tick: with `ctx.recvTs` as the current time, ends what the silence since the last line ends
 * (a flag-segmented cycle, a held ticket end) and marks the stream quiet. Returns the same state object
 * when there is nothing to do, so a driver may call it every second.
 */
export function printerParserTick(state: PrinterParserState, ctx: PrinterParserContext): PrinterParseResult {
  const p = compileProfile(ctx.profile);
  if (!needsIdleTick(p.profile) || state.lastLineTs === undefined || ctx.recvTs - state.lastLineTs < idleAfterMs(p, ctx)) {
    return { state, events: [] };
  }
  if (state.heldEnd !== undefined) return { state: closedState(state, p, true), events: endEvents(state, state.heldEnd, ctx) };
  if (p.segmentation === 'flag' && state.cycleOpen && state.pending === undefined) {
    return { state: closedState(state, p, true), events: endEvents(state, inferredEnd(state, p), ctx) };
  }
  if (state.quiet === false) return { state: { ...state, quiet: true }, events: [] };
  return { state, events: [] };
}
