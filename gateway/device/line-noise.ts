// A device's line noise (docs/operations.md, "Line noise"): the device lines the parser could not read
// (a parse error, a line of control characters only, a line too long) and blank lines. Outside a cycle such a
// line is stored only while the device's daily sample lasts (`storage.noiseSamplePerDay`, per local day);
// the rest is counted, and the count is kept in the store's meta table. Lines inside a cycle are always
// stored (they belong to the printout the cycle record binds).
//
// The alarm: when, within the last 30 s, at least 20 lines were unparsed and they were at least half of
// the device's lines, one `line-noise` alarm ("line noise: check the baud rate"); once 30 s pass with
// at most 2 unparsed lines, one `line-noise-cleared`.
import type { RawLineEvent } from '../../vocabulary/device-event.js';
import { errorMessage } from '../../vocabulary/errors.js';
import { localDate } from '../../vocabulary/local-day.js';
import type { OpenCycle } from '../cycle/cycle-state.js';
import type { Logger } from '../logger.js';

export const NOISE_WINDOW_MS = 30_000;
const BUCKET_MS = 5_000;
export const NOISE_ALARM_MIN_UNPARSED = 20;
export const NOISE_ALARM_RATIO = 0.5;
export const NOISE_CLEAR_MAX_UNPARSED = 2;
const SAVE_EVERY_MS = 10_000;

/** Today's noise of one device, as persisted and as the alarms carry it. */
export interface NoiseCounts {
  /** Local day (YYYY-MM-DD) the counts are of. */
  day: string;
  /** Unparsed and blank lines outside a cycle. */
  noiseLines: number;
  /** ... of which stored (the day's sample). */
  stored: number;
  /** ... of which only counted. */
  dropped: number;
  /** Unparsed lines (in or out of a cycle; parse errors, control-character lines, overlong lines). */
  unparsed: number;
}

export interface NoiseMeta {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface LineNoiseContext {
  deviceId: string;
  /** Noise lines stored per device per local day; 0 stores none. */
  samplePerDay: number;
  timeZone: string;
  /** Where the day's counts are kept across restarts (the store's meta table). */
  meta: () => NoiseMeta;
  /** Stores a line with the cycle it came in (the sample sink). */
  store: (e: RawLineEvent, cycle: Readonly<OpenCycle> | null) => void;
  /** Raises an alarm record with extra body fields. */
  alarm: (code: string, text: string, ts: number, extra: Record<string, unknown>) => void;
  log: Logger;
}

interface Bucket {
  start: number;
  lines: number;
  unparsed: number;
}

const metaKey = (deviceId: string) => `noise.${deviceId}`;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Nothing but control characters (NULs from a dead or mis-set line): the printer-line parser drops these
 * characters and, finding nothing left, reports no parse error, so the line is counted as unparsed here. */
function isControlOnly(line: string): boolean {
  return line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim() === '';
}

export class LineNoise {
  private pending: RawLineEvent | null = null;
  private pendingUnparsed = false;
  private buckets: Bucket[] = [];
  private alarmed = false;
  private counts: NoiseCounts | null = null;
  private dirty = false;
  private lastSave = 0;
  /** When the last alarm was raised: it clears only after a whole window was watched since. */
  private alarmAt = 0;
  private alarmFailed = false;

  constructor(private readonly ctx: LineNoiseContext) {}

  /** Today's counts (read from the store at first use). */
  today(now: number): NoiseCounts {
    const day = localDate(now, this.ctx.timeZone);
    if (this.counts?.day === day) return this.counts;
    if (this.counts) this.save(now, true); // yesterday's final counts
    let counts: NoiseCounts = { day, noiseLines: 0, stored: 0, dropped: 0, unparsed: 0 };
    try {
      const saved = this.ctx.meta().get(metaKey(this.ctx.deviceId));
      const parsed = saved ? (JSON.parse(saved) as Partial<NoiseCounts>) : null;
      if (parsed?.day === day) counts = { ...counts, ...parsed, day };
    } catch (e) {
      this.ctx.log.warn({ err: errorMessage(e) }, 'line noise: stored counts unreadable; counting from zero');
    }
    this.counts = counts;
    return counts;
  }

  /** A raw line. Inside a cycle it is stored at once; outside one it waits for the parse error that may
   * follow it (the parser emits both for one line), until the next event or the end of this turn. */
  raw(e: RawLineEvent, cycle: Readonly<OpenCycle> | null, now: number): void {
    this.settle(now);
    const blank = isBlank(e.line);
    const junk = !blank && isControlOnly(e.line);
    if (!blank) this.bucket(now).lines++;
    if (junk) this.countUnparsed(now);
    if (cycle) {
      this.ctx.store(e, cycle);
      return;
    }
    this.pending = e;
    this.pendingUnparsed = blank || junk;
    queueMicrotask(() => {
      try {
        this.settle(now);
      } catch (err) {
        // out of the event handler's try: a store error here must not become an uncaught exception
        this.ctx.log.error({ err: errorMessage(err) }, 'could not store a device line');
      }
    });
  }

  /** A parse error: the line before it (if still waiting) is noise. `withRaw` false: an overlong line, which
   * comes without a raw line. */
  parseError(now: number, withRaw: boolean): void {
    this.countUnparsed(now);
    if (this.pending) this.pendingUnparsed = true;
    else if (!withRaw) this.bucket(now).lines++;
  }

  /** Decides on the waiting line: a line that parsed is stored; noise within the day's sample too; the rest is counted. */
  settle(now: number): void {
    const e = this.pending;
    if (!e) return;
    this.pending = null;
    if (!this.pendingUnparsed) {
      this.ctx.store(e, null);
      return;
    }
    const c = this.today(now);
    c.noiseLines++;
    if (c.stored < this.ctx.samplePerDay) {
      c.stored++;
      this.ctx.store(e, null);
    } else {
      c.dropped++;
    }
    this.dirty = true;
  }

  /** Every second: the alarm's window moves on (silence clears it), the counts are saved now and then. */
  tick(now: number): void {
    this.settle(now);
    this.evaluate(now);
    this.save(now, false);
  }

  /** At stop: the counts as they stand. */
  stop(now: number): void {
    this.settle(now);
    this.save(now, true);
  }

  private countUnparsed(now: number): void {
    this.bucket(now).unparsed++;
    this.today(now).unparsed++;
    this.dirty = true;
    if (!this.alarmed) this.evaluate(now);
  }

  private bucket(now: number): Bucket {
    const start = now - (now % BUCKET_MS);
    let b = this.buckets.at(-1);
    if (!b || b.start !== start) {
      b = { start, lines: 0, unparsed: 0 };
      this.buckets.push(b);
    }
    return b;
  }

  private evaluate(now: number): void {
    this.buckets = this.buckets.filter((b) => b.start > now - NOISE_WINDOW_MS);
    const lines = this.buckets.reduce((n, b) => n + b.lines, 0);
    const unparsed = this.buckets.reduce((n, b) => n + b.unparsed, 0);
    const ratio = unparsed / Math.max(lines, unparsed, 1);
    const windowS = NOISE_WINDOW_MS / 1000;
    if (!this.alarmed && unparsed >= NOISE_ALARM_MIN_UNPARSED && ratio >= NOISE_ALARM_RATIO) {
      const c = this.today(now);
      this.alarmed = this.raise(
        'line-noise',
        `line noise: check the baud rate (${unparsed} of ${Math.max(lines, unparsed)} lines unreadable in ${windowS} s)`,
        now,
        c,
      );
    } else if (this.alarmed && unparsed <= NOISE_CLEAR_MAX_UNPARSED && now - this.alarmAt >= NOISE_WINDOW_MS) {
      const c = this.today(now);
      this.alarmed = !this.raise('line-noise-cleared', `line noise cleared: at most ${NOISE_CLEAR_MAX_UNPARSED} unreadable lines in ${windowS} s`, now, c);
    }
  }

  /** Records the alarm; false when the store refused it (the state stays, so it is tried again; logged once). */
  private raise(code: string, text: string, now: number, c: NoiseCounts): boolean {
    try {
      this.ctx.alarm(code, text, now, { noise: { ...c } });
      this.alarmAt = now;
      this.alarmFailed = false;
      return true;
    } catch (e) {
      if (!this.alarmFailed) this.ctx.log.error({ code, err: errorMessage(e) }, 'line noise: the alarm record could not be stored; tried again');
      this.alarmFailed = true;
      return false;
    }
  }

  private save(now: number, force: boolean): void {
    if (!this.dirty || !this.counts || (!force && now - this.lastSave < SAVE_EVERY_MS)) return;
    this.lastSave = now;
    try {
      this.ctx.meta().set(metaKey(this.ctx.deviceId), JSON.stringify(this.counts));
      this.dirty = false;
    } catch (e) {
      this.ctx.log.debug({ err: errorMessage(e) }, 'line noise: counts not saved; saved again later');
    }
  }
}
