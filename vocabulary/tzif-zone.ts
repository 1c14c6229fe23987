// A time zone read from a TZif file: its UT offset at any instant. Up to the last transition the file's own
// table answers; after it the footer's POSIX rule does (RFC 8536 §3.2), which in a "slim" file is all of the
// future, since zic then stores only the transitions the rule cannot produce. Pure.
import { type PosixTzRule, parsePosixTz, posixOffsetAt } from './posix-tz-rule.js';
import { parseTzif } from './tzif.js';

export interface TzifZone {
  /** Offset from UTC at the instant `ms` (ms since the epoch), in ms, east positive. */
  offsetAt(ms: number): number;
}

/** The zone a TZif file describes, or undefined when the bytes are not a usable TZif file. */
export function zoneFromTzif(bytes: Uint8Array): TzifZone | undefined {
  const data = parseTzif(bytes);
  if (!data) return undefined;
  let rule: PosixTzRule | undefined;
  if (data.footer !== '') {
    rule = parsePosixTz(data.footer);
    if (!rule) return undefined;
  }
  const { transitions, transitionTypes, types } = data;
  const offsetOfType = (i: number) => (types[i] as { utOffset: number }).utOffset;
  const last = transitions.length - 1;
  return {
    offsetAt(ms: number): number {
      const t = Math.floor(ms / 1000);
      // Before the first transition: type 0 (RFC 8536 §3.2); with no transitions at all the footer, if any, rules.
      if (last < 0) return (rule ? posixOffsetAt(rule, t).offset : offsetOfType(0)) * 1000;
      if (t < (transitions[0] as number)) return offsetOfType(0) * 1000;
      if (t >= (transitions[last] as number)) {
        return (rule ? posixOffsetAt(rule, t).offset : offsetOfType(transitionTypes[last] as number)) * 1000;
      }
      // The last transition at or before t.
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if ((transitions[mid] as number) <= t) lo = mid;
        else hi = mid;
      }
      return offsetOfType(transitionTypes[lo] as number) * 1000;
    },
  };
}
