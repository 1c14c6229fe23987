// The codes scanned at a loaner desk that are not goods, badges or commands (gateway/load/README.md, "Loaner
// sets"): the vendor representative's badge (`VR:<id>`), the confirmation card's reference (`CASE:<ref>`), a line
// of a count sheet (`CNT:<item>:<n>`) and the operation's due time (`DUE:<local time>`). The desk reads them from
// the raw text, as a station reads a reader's well code; everything else goes to the decoder. Pure.
import { localTimeUtc } from '../../vocabulary/local-day.js';

/** The commands a loaner desk acts on (besides CMD:CANCEL and CMD:REASON:<CODE>, which it shares with the stations). */
export const DESK_COMMANDS = ['LOANER-RECEIVE', 'LOANER-PACK', 'LOANER-RETURN', 'LOANER-RESOLVE', 'LOANER-CI', 'LOANER-DONE'] as const;
export type DeskCommand = (typeof DESK_COMMANDS)[number];

/** The hand-over a command starts. */
export const HANDOVER_OF: Readonly<Record<string, 'receive' | 'pack' | 'return' | 'resolve'>> = {
  'LOANER-RECEIVE': 'receive',
  'LOANER-PACK': 'pack',
  'LOANER-RETURN': 'return',
  'LOANER-RESOLVE': 'resolve',
};

export const CASE_PREFIX = 'CASE:';
export const COUNT_PREFIX = 'CNT:';
export const DUE_PREFIX = 'DUE:';

/** What a count line's item may be: the same key a scanned item counts under (a GTIN-14, an HIBC `+LICproduct`, an internal code). */
export const COUNT_ITEM = /^[A-Za-z0-9+][A-Za-z0-9._/+-]{0,47}$/;
/** Most of one item a count line may state. */
export const MAX_COUNT = 999;

/**
 * The built-in guard on a confirmation card's reference, whatever the site's own pattern: a code, never a name.
 * No spaces, at most 64 characters of letters, digits and `. _ / -`, and at least one digit (a person's name has
 * none). The site's `loaner.caseRefPattern` narrows it further.
 */
export const CASE_REF_GUARD = /^(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

/** A set or basket code becomes a topic level (…/loaner/{set}/state): what it may look like. */
export const SET_CODE_GUARD = /^[A-Za-z0-9_-]{1,64}$/;

export type DeskCode =
  | { kind: 'representative'; id: string }
  | { kind: 'case'; ref: string }
  | { kind: 'count'; item: string; count: number }
  | { kind: 'due'; at: number; text: string }
  | { kind: 'set'; code: string }
  /** A desk code that cannot be used; `redact`: its text must not be kept (it may carry what is not a reference). */
  | { kind: 'error'; what: 'representative' | 'case' | 'count' | 'due' | 'set'; reason: string; redact: boolean };

export interface DeskReading {
  representativePrefix: string;
  representativeId: RegExp;
  setPattern: RegExp;
  caseRefPattern: RegExp;
  timeZone: string;
}

/** `DUE:YYYY-MM-DDTHH:MM` or `DUE:YYYYMMDDHHMM`, local time of the site -> the instant; null when not a time. */
export function readDueTime(text: string, timeZone: string): number | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T?(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return null;
  return localTimeUtc(`${m[1]}-${m[2]}-${m[3]}`, Number(m[4]), Number(m[5]), timeZone);
}

const test = (re: RegExp, s: string) => {
  re.lastIndex = 0;
  return re.test(s);
};

/** The desk code in `raw` (trimmed), or null when it is none of them (then it is decoded like any scan). */
export function readDeskCode(raw: string, r: DeskReading): DeskCode | null {
  const text = raw.trim();
  if (r.representativePrefix !== '' && text.startsWith(r.representativePrefix)) {
    const id = text.slice(r.representativePrefix.length);
    return test(r.representativeId, id)
      ? { kind: 'representative', id }
      : {
          kind: 'error',
          what: 'representative',
          reason: `not a representative badge: ${JSON.stringify(id)} does not match ${String(r.representativeId)}`,
          redact: false,
        };
  }
  if (text.startsWith(CASE_PREFIX)) {
    const ref = text.slice(CASE_PREFIX.length);
    if (!test(CASE_REF_GUARD, ref) || !test(r.caseRefPattern, ref)) {
      // Never echo it: whatever was scanned here that is not a reference may be a person's name.
      return {
        kind: 'error',
        what: 'case',
        reason: `not a confirmation card reference (expected a code matching ${String(r.caseRefPattern)}, with a digit and no spaces); nothing of it was kept`,
        redact: true,
      };
    }
    return { kind: 'case', ref };
  }
  if (text.startsWith(COUNT_PREFIX)) {
    const m = /^(.+):(\d{1,4})$/.exec(text.slice(COUNT_PREFIX.length));
    const count = m ? Number(m[2]) : Number.NaN;
    if (!m || !test(COUNT_ITEM, m[1] as string) || !(count >= 1 && count <= MAX_COUNT))
      return {
        kind: 'error',
        what: 'count',
        reason: `not a count line: expected CNT:<item>:<count> (item ${String(COUNT_ITEM)}, count 1–${MAX_COUNT})`,
        redact: false,
      };
    return { kind: 'count', item: m[1] as string, count };
  }
  if (text.startsWith(DUE_PREFIX)) {
    const v = text.slice(DUE_PREFIX.length);
    const at = readDueTime(v, r.timeZone);
    return at === null
      ? { kind: 'error', what: 'due', reason: `not a due time: expected DUE:YYYY-MM-DDTHH:MM or DUE:YYYYMMDDHHMM (local time, ${r.timeZone})`, redact: false }
      : { kind: 'due', at, text: v };
  }
  if (test(r.setPattern, text)) {
    return test(SET_CODE_GUARD, text)
      ? { kind: 'set', code: text }
      : { kind: 'error', what: 'set', reason: `set code ${JSON.stringify(text)} cannot name a set: expected ${String(SET_CODE_GUARD)}`, redact: false };
  }
  return null;
}
