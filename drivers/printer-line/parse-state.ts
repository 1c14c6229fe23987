// What the printer-line parser (parse.ts) carries from one line to the next, what it is given with each
// line, and the fixed set of parse-error reasons. Plain immutable data: the parser never mutates a state.

import { type CycleEndStatus, type DeviceEvent, type ParseErrorEvent, truncateRaw } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import type { SummaryPhase } from '../../vocabulary/summary-event.js';
import type { CompiledPrinterProfile } from './compile-profile.js';
import type { PrinterLineProfile } from './profile.js';
import type { CivilDay } from './ticket-time.js';

export interface PrinterParserContext {
  deviceId: string;
  /** Gateway receive time of the line, ms since the epoch (for a tick: the current time). */
  recvTs: number;
  /** Converts gauge pressures to absolute (kPa). */
  atmosphericKpa: number;
  profile: PrinterLineProfile;
  /** Minutes east of UTC of the sterilizer's clock; undefined = the process's local time zone. */
  tzOffsetMinutes?: number;
  /** Receive-time silence that counts as idle, ms; default the profile's idleGapS. (An accelerated
   * simulator prints `speed` times faster, so its silences are that much shorter.) */
  idleAfterMs?: number;
}

export interface HeldLine {
  readonly ts: number;
  readonly line: string;
}

/** A ticket whose header is still being read. */
export interface PendingTicket {
  readonly ts: number;
  readonly programNo?: number;
  readonly cycleNo?: number;
  /** The printed start time of day, when the header has one (the cycle-start then carries it). */
  readonly startSecondOfDay?: number;
  readonly info: Readonly<Record<string, string>>;
  readonly lines: readonly HeldLine[];
}

/** A result line seen in a profile with `ticketEnd`: the cycle-end waits for the ticket's last line. */
export interface HeldEnd {
  readonly status: CycleEndStatus;
  readonly code?: string;
  readonly text?: string;
}

/** The machine's summary lines read so far in a ticket (parse-summary.ts reads and adds them). */
export interface SummaryAcc {
  readonly minTempC?: number;
  readonly maxTempC?: number;
  readonly minPressureKpa?: number;
  readonly maxPressureKpa?: number;
  readonly sterilizeS?: number;
  readonly phases: readonly SummaryPhase[];
  readonly info: Readonly<Record<string, string>>;
}

export interface PrinterParserState {
  /** Inside a ticket (from its first line up to its result line) or a flag-segmented cycle. */
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
  /** Device time of the cycle's start as the header printed it. */
  readonly startTs?: number;
  /** Receive time of the latest recognised line; idle is measured from it (profiles with idle ends only). */
  readonly lastLineTs?: number;
  /** Flag segmentation: false while the parser cannot tell whether the stream it joined is mid-cycle
   * (then a cycle opens without a cycle-start). Undefined counts as true: the stream starts quiet. */
  readonly quiet?: boolean;
  /** Flag segmentation: the cycle was joined mid-stream, so it has no cycle-start. */
  readonly joined?: boolean;
  /** Flag segmentation: the flag has risen in this cycle. */
  readonly flagSeen?: boolean;
  /** The machine's summary lines read so far in this ticket. */
  readonly summary?: SummaryAcc;
  /** The previous non-empty line as the patterns saw it (summary rules with `after`). */
  readonly prevText?: string;
  readonly heldEnd?: HeldEnd;
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
  summaryOutsideTicket: 'summary line outside a ticket',
  invalidSummary: 'unreadable summary value',
} as const;
export type PrinterParseErrorReason = (typeof PARSE_ERROR_REASONS)[keyof typeof PARSE_ERROR_REASONS];

/** Header lines held at most; a longer header is cut short (the cycle starts) so memory stays bounded. */
export const MAX_HEADER_LINES = 16;

/**
 * The state before the first line. A driver joining a live line passes `since` (its start time): a
 * flag-segmented stream then counts as mid-cycle until `idleGapS` of silence shows otherwise.
 */
export function initialParserState(opts: { since?: number } = {}): PrinterParserState {
  return opts.since === undefined ? { cycleOpen: false } : { cycleOpen: false, quiet: false, lastLineTs: opts.since };
}

export type Groups = Readonly<Record<string, string | undefined>>;

/**
 * One step of the parser for a line a pattern matched: the state, the raw line, the pattern's groups, the
 * profile and the context in; the events it makes are appended to `events` (the line's events so far).
 */
export type LineHandler<R = PrinterParserState> = (
  s: PrinterParserState,
  line: string,
  groups: Groups,
  p: CompiledPrinterProfile,
  ctx: PrinterParserContext,
  events: DeviceEvent[],
) => R;

export function parseError(ctx: PrinterParserContext, line: string, reason: PrinterParseErrorReason): ParseErrorEvent {
  return { kind: 'parse-error', deviceId: ctx.deviceId, ts: ctx.recvTs, raw: truncateRaw(line), reason };
}

export function trailingText(text: string | undefined): string | undefined {
  const cleaned = text?.replace(/^[\s:,;：-]+/, '').trim();
  return cleaned === undefined || cleaned === '' ? undefined : cleaned;
}
