// Sample lines of the printer-line parser: the printed time of day -> device time, the readings ->
// °C and kPa absolute, and the phase: from the line's label (ticket profiles) or from its flag column
// (flag-segmented streams, where the samples also open and split cycles).

import type { DeviceEvent, SampleEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import { type CompiledPrinterProfile, phaseForLabel } from './compile-profile.js';
import { closedState, endEvents, inferredEnd } from './parse-end.js';
import { type Groups, type LineHandler, PARSE_ERROR_REASONS, type PrinterParserContext, type PrinterParserState, parseError } from './parse-state.js';
import { type CivilDay, civilDayOf, HALF_DAY_S, localTimeToEpochMs, nearestLocalTime, secondOfDay } from './ticket-time.js';
import { absoluteKpa, celsius, readNumber } from './units.js';

/** Phases that are evidence of a cycle running: a labelled sample in one of them, seen outside a ticket, is
 * the body of a ticket whose header the gateway missed. `complete` and `fault` are not (a machine may print
 * them between cycles). */
const NOT_RUNNING: ReadonlySet<Phase> = new Set<Phase>(['complete', 'fault']);

/**
 * A sample line of a ticket profile. Outside a ticket the sample is still emitted, without a phase, unless
 * its label names a running phase: then it is the body of a ticket whose header was missed (the gateway
 * started, or the line came up, mid-cycle), and it opens a headerless ticket (`phase` + the sample; no
 * cycle-start, so the gateway opens the cycle with headerSeen false) that the result line closes.
 */
export function onTicketSample(
  s: PrinterParserState,
  line: string,
  g: Groups,
  p: CompiledPrinterProfile,
  ctx: PrinterParserContext,
  events: DeviceEvent[],
): PrinterParserState {
  const sod = secondOfDay(Number(g.hh), Number(g.mm), Number(g.ss), g.ampm);
  if (sod === undefined) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.invalidTime));
    return s;
  }
  let day = s.day;
  let ts: number;
  if (day !== undefined) {
    if (s.lastSecondOfDay !== undefined && s.lastSecondOfDay - sod > HALF_DAY_S) day += 1;
    ts = localTimeToEpochMs(day, sod, ctx.tzOffsetMinutes);
  } else {
    ts = nearestLocalTime(sod, ctx.recvTs, ctx.tzOffsetMinutes);
  }

  let phase = s.phase;
  let open = s.cycleOpen;
  const after: DeviceEvent[] = [];
  if (g.label !== undefined && g.label.trim() !== '') {
    if (!s.cycleOpen) {
      const mapped = phaseForLabel(p, g.label);
      if (mapped === undefined) {
        after.push(parseError(ctx, line, PARSE_ERROR_REASONS.unknownLabel));
      } else if (NOT_RUNNING.has(mapped)) {
        after.push(parseError(ctx, line, PARSE_ERROR_REASONS.labelOutsideTicket));
      } else {
        // The header was missed: this ticket body opens a cycle without one, dated by its own lines.
        open = true;
        phase = mapped;
        day = civilDayOf(ts, ctx.tzOffsetMinutes);
        events.push({ kind: 'phase', deviceId: ctx.deviceId, ts, phase, label: g.label.trim() });
      }
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
  events.push(sampleEvent(g, p, ctx, ts, open ? phase : undefined));
  events.push(...after);
  if (!open) return s;
  return { ...s, cycleOpen: true, phase, day, lastSecondOfDay: sod, lastDeviceTs: ts };
}

/**
 * A sample of a flag-segmented stream. It opens a cycle when none is open (with a cycle-start if the
 * stream was known to be quiet; joined mid-stream, without one and with no phase until the flag shows
 * it), closes the open one first when the device clock jumped by more than idleGapS, and its phase is
 * the flag's: `before` until the flag first rises, `during` while it is up, `after` once it fell.
 */
export const onFlagSample: LineHandler = (state, line, g, p, ctx, events) => {
  const rule = p.flag?.rule;
  const sod = secondOfDay(Number(g.hh), Number(g.mm), Number(g.ss), g.ampm);
  if (sod === undefined || rule === undefined) {
    events.push(parseError(ctx, line, PARSE_ERROR_REASONS.invalidTime));
    return state;
  }
  let s = state;
  if (s.cycleOpen && s.day !== undefined && s.lastDeviceTs !== undefined) {
    const gapMs = Math.abs(deviceTs(s.day, s.lastSecondOfDay, sod, ctx).ts - s.lastDeviceTs);
    if (gapMs > p.idleGapS * 1000) {
      events.push(...endEvents(s, inferredEnd(s, p), ctx));
      s = closedState(s, p, true);
    }
  }
  if (!s.cycleOpen) {
    const joined = s.quiet === false;
    const day = civilDayOf(nearestLocalTime(sod, ctx.recvTs, ctx.tzOffsetMinutes), ctx.tzOffsetMinutes);
    const startTs = localTimeToEpochMs(day, sod, ctx.tzOffsetMinutes);
    if (!joined) events.push({ kind: 'cycle-start', deviceId: ctx.deviceId, ts: startTs, deviceTime: startTs, info: {} });
    s = { cycleOpen: true, joined, day, ...(s.lastLineTs !== undefined && { lastLineTs: s.lastLineTs }), quiet: s.quiet ?? true };
  }
  const day = s.day ?? civilDayOf(nearestLocalTime(sod, ctx.recvTs, ctx.tzOffsetMinutes), ctx.tzOffsetMinutes);
  const at = deviceTs(day, s.lastSecondOfDay, sod, ctx);

  const up = p.flag?.on.test((g.flag ?? '').trim()) === true;
  const flagSeen = s.flagSeen === true || up;
  let phase: Phase | undefined;
  if (up) phase = rule.during;
  else if (s.flagSeen === true) phase = rule.after;
  else if (s.joined !== true) phase = rule.before;
  if (phase !== undefined && phase !== s.phase) events.push({ kind: 'phase', deviceId: ctx.deviceId, ts: at.ts, phase });
  events.push(sampleEvent(g, p, ctx, at.ts, phase));
  return { ...s, day: at.day, phase, flagSeen, lastSecondOfDay: sod, lastDeviceTs: at.ts };
};

/** Device time of a time of day on the cycle's date, rolled over when the clock went back more than 12 h. */
function deviceTs(day: CivilDay, lastSecondOfDay: number | undefined, sod: number, ctx: PrinterParserContext): { day: CivilDay; ts: number } {
  const d = lastSecondOfDay !== undefined && lastSecondOfDay - sod > HALF_DAY_S ? day + 1 : day;
  return { day: d, ts: localTimeToEpochMs(d, sod, ctx.tzOffsetMinutes) };
}

function sampleEvent(g: Groups, p: CompiledPrinterProfile, ctx: PrinterParserContext, ts: number, phase: Phase | undefined): SampleEvent {
  const { temperatureUnit, pressureUnit, vacuumUnit } = p.profile;
  const temp = (text: string | undefined): number | null | undefined => {
    const value = readNumber(text);
    return value === null || value === undefined ? value : celsius(value, temperatureUnit);
  };
  const rawPressure = readNumber(g.pressure);
  const pressure = rawPressure === null || rawPressure === undefined ? rawPressure : absoluteKpa(rawPressure, pressureUnit, ctx.atmosphericKpa, vacuumUnit);
  const temp2 = temp(g.temp2);
  return {
    kind: 'sample',
    deviceId: ctx.deviceId,
    ts,
    deviceTime: ts,
    temp_c: temp(g.temp) ?? null,
    ...(temp2 !== undefined && { temp2_c: temp2 }),
    ...(pressure !== undefined && { pressure_kpa: pressure }),
    ...(phase !== undefined && { phase }),
  };
}
