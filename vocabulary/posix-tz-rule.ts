// A POSIX TZ string (POSIX.1-2017 §8.3, with the RFC 8536 §3.3.1 extensions: hours of a transition time from
// -167 to 167) and the UT offset it gives at an instant. The footer of a TZif file (v2+) is one of these and
// governs every instant after the file's last transition, which is all of the future in a "slim" file.
// Examples: `CET-1CEST,M3.5.0,M10.5.0/3`, `<+0330>-3:30`, `IST-1GMT0,M10.5.0,M3.5.0/1` (Dublin: "standard" time
// is summer time, winter is the negative "DST"), `<-02>2<-01>,M3.5.0/-1,M10.5.0/0` (Nuuk). Pure.

/** The day of the year a transition falls on. */
export type RuleDate =
  /** `Jn`: day 1..365, February 29 never counted. */
  | { kind: 'julian'; day: number }
  /** `n`: day 0..365, February 29 counted in leap years. */
  | { kind: 'zero-based'; day: number }
  /** `Mm.w.d`: weekday `weekday` (0 = Sunday) of week `week` (1..4, 5 = the last) of month `month` (1..12). */
  | { kind: 'month-week-day'; month: number; week: number; weekday: number };

export interface RuleTransition {
  date: RuleDate;
  /** Local wall time of the transition, seconds after midnight of `date` (may be negative or beyond a day). */
  time: number;
}

export interface PosixTzRule {
  stdName: string;
  /** Standard time's offset from UT in seconds, east positive (the opposite sign of the string's). */
  stdOffset: number;
  dst?: {
    name: string;
    /** Daylight time's offset from UT in seconds, east positive (std + 1 h when the string names none). */
    offset: number;
    /** Into daylight time, at local standard time. */
    start: RuleTransition;
    /** Back to standard time, at local daylight time. */
    end: RuleTransition;
  };
}

const DAY = 86_400;

/** A reader over the string: each `take` consumes what it matched, or returns undefined and consumes nothing. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  take(re: RegExp): RegExpExecArray | undefined {
    const sticky = new RegExp(re.source, 'y');
    sticky.lastIndex = this.pos;
    const m = sticky.exec(this.text);
    if (!m) return undefined;
    this.pos = sticky.lastIndex;
    return m;
  }
  get done(): boolean {
    return this.pos === this.text.length;
  }
}

function name(c: Cursor): string | undefined {
  const m = c.take(/<([A-Za-z0-9+-]{3,})>|([A-Za-z]{3,})/);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** `[+-]hh[:mm[:ss]]` in seconds; hours up to `maxHours`. */
function hms(c: Cursor, maxHours: number): number | undefined {
  const m = c.take(/([+-])?(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/);
  if (!m) return undefined;
  const h = Number(m[2]);
  const min = Number(m[3] ?? 0);
  const s = Number(m[4] ?? 0);
  if (h > maxHours || min > 59 || s > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (h * 3600 + min * 60 + s);
}

function ruleDate(c: Cursor): RuleDate | undefined {
  let m = c.take(/J(\d{1,3})/);
  if (m) {
    const day = Number(m[1]);
    return day >= 1 && day <= 365 ? { kind: 'julian', day } : undefined;
  }
  m = c.take(/M(\d{1,2})\.(\d)\.(\d)/);
  if (m) {
    const [month, week, weekday] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return month >= 1 && month <= 12 && week >= 1 && week <= 5 && weekday <= 6 ? { kind: 'month-week-day', month, week, weekday } : undefined;
  }
  m = c.take(/(\d{1,3})/);
  if (m) {
    const day = Number(m[1]);
    return day <= 365 ? { kind: 'zero-based', day } : undefined;
  }
  return undefined;
}

function transition(c: Cursor): RuleTransition | undefined {
  const date = ruleDate(c);
  if (!date) return undefined;
  if (!c.take(/\//)) return { date, time: 2 * 3600 };
  const time = hms(c, 167);
  return time === undefined ? undefined : { date, time };
}

/** The rule a POSIX TZ string states, or undefined when it is not one. */
export function parsePosixTz(text: string): PosixTzRule | undefined {
  const c = new Cursor(text);
  const stdName = name(c);
  const stdWest = hms(c, 24);
  if (stdName === undefined || stdWest === undefined) return undefined;
  const rule: PosixTzRule = { stdName, stdOffset: 0 - stdWest };
  if (c.done) return rule;
  const dstName = name(c);
  if (dstName === undefined) return undefined;
  let dstOffset = rule.stdOffset + 3600;
  if (!c.done && !text.startsWith(',', c.pos)) {
    const dstWest = hms(c, 24);
    if (dstWest === undefined) return undefined;
    dstOffset = 0 - dstWest;
  }
  // Without rules POSIX leaves the dates to the implementation; glibc and the tz code use the US rules.
  let start: RuleTransition | undefined = { date: { kind: 'month-week-day', month: 3, week: 2, weekday: 0 }, time: 7200 };
  let end: RuleTransition | undefined = { date: { kind: 'month-week-day', month: 11, week: 1, weekday: 0 }, time: 7200 };
  if (!c.done) {
    if (!c.take(/,/)) return undefined;
    start = transition(c);
    if (!start || !c.take(/,/)) return undefined;
    end = transition(c);
    if (!end || !c.done) return undefined;
  }
  rule.dst = { name: dstName, offset: dstOffset, start, end };
  return rule;
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Seconds since the epoch of 00:00 UT on the day `date` of `year` (a "local" midnight before any offset). */
export function ruleDay(year: number, date: RuleDate): number {
  const jan1 = Date.UTC(year, 0, 1) / 1000;
  switch (date.kind) {
    case 'julian':
      return jan1 + (date.day - 1 + (isLeap(year) && date.day >= 60 ? 1 : 0)) * DAY;
    case 'zero-based':
      return jan1 + date.day * DAY;
    case 'month-week-day': {
      const first = Date.UTC(year, date.month - 1, 1) / 1000;
      const daysInMonth = new Date(Date.UTC(year, date.month, 0)).getUTCDate();
      const firstWeekday = new Date(first * 1000).getUTCDay();
      let day = 1 + ((date.weekday - firstWeekday + 7) % 7) + (date.week - 1) * 7;
      while (day > daysInMonth) day -= 7;
      return first + (day - 1) * DAY;
    }
  }
}

/** The rule's UT offset (seconds, east positive) and whether it is daylight time at `t` (seconds since the epoch). */
export function posixOffsetAt(rule: PosixTzRule, t: number): { offset: number; isDst: boolean } {
  const dst = rule.dst;
  if (!dst) return { offset: rule.stdOffset, isDst: false };
  // The transitions of the years around t, in order; the last one at or before t says which time is in force.
  // Looking a year either side covers transition times past the end of their year or before its start.
  const year = new Date((t + rule.stdOffset) * 1000).getUTCFullYear();
  const changes: { at: number; isDst: boolean }[] = [];
  for (let y = year - 1; y <= year + 1; y++) {
    changes.push({ at: ruleDay(y, dst.start.date) + dst.start.time - rule.stdOffset, isDst: true });
    changes.push({ at: ruleDay(y, dst.end.date) + dst.end.time - dst.offset, isDst: false });
  }
  changes.sort((a, b) => a.at - b.at);
  let inDst = !(changes[0] as { isDst: boolean }).isDst;
  for (const ch of changes) {
    if (ch.at > t) break;
    inDst = ch.isDst;
  }
  return inDst ? { offset: dst.offset, isDst: true } : { offset: rule.stdOffset, isDst: false };
}
