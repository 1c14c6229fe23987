// The parser state of a cycle the gateway resumes after a restart: the gateway kept the open cycle in its
// store, so the ticket the machine is still printing goes on being read as that cycle's body (its phase
// labels, alarms and result line), instead of as lines outside any ticket. Pure: everything comes in.

import type { Phase } from '../../vocabulary/phases.js';
import type { PrinterParserState } from './parse-state.js';
import { needsIdleTick, type PrinterLineProfile, segmentationOf } from './profile.js';
import { civilDayOf, localTimeToEpochMs } from './ticket-time.js';

/** What the gateway knows of the cycle it resumes. */
export interface ResumedCycle {
  /** Device time of the cycle's latest stored sample (else its start): dates the lines that follow. */
  readonly lastDeviceTs: number;
  /** The cycle's latest phase, if it had one. */
  readonly phase?: Phase;
  readonly cycleNo?: number;
}

/**
 * The state that reads the rest of a resumed cycle: inside a ticket without its header (its result line
 * closes it), or, for a flag-segmented stream, inside a cycle joined mid-stream with the flag as it was.
 * `since` is the driver's start time (the silence of idle-ending profiles counts from it).
 */
export function resumedParserState(
  resume: ResumedCycle,
  profile: PrinterLineProfile,
  opts: { since: number; tzOffsetMinutes?: number | undefined },
): PrinterParserState {
  const day = civilDayOf(resume.lastDeviceTs, opts.tzOffsetMinutes);
  const lastSecondOfDay = Math.round((resume.lastDeviceTs - localTimeToEpochMs(day, 0, opts.tzOffsetMinutes)) / 1000);
  const base: PrinterParserState = {
    cycleOpen: true,
    day,
    lastSecondOfDay,
    lastDeviceTs: resume.lastDeviceTs,
    ...(resume.phase !== undefined && { phase: resume.phase }),
    ...(resume.cycleNo !== undefined && { cycleNo: resume.cycleNo }),
    ...(needsIdleTick(profile) && { lastLineTs: opts.since }),
  };
  if (segmentationOf(profile) !== 'flag') return base;
  const flag = profile.flag;
  const flagSeen = flag !== undefined && (resume.phase === flag.during || resume.phase === flag.after);
  return { ...base, quiet: false, joined: true, flagSeen };
}
