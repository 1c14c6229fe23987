// How far the gateway's own clock can be trusted, for the records it makes (issue: clock-quality flag).
// Two facts: whether the system clock is synchronised (systemd's timedatectl, when present), and whether
// the wall clock stepped (jumped against the monotonic clock) recently, as it does when NTP first
// corrects a Raspberry Pi that booted without a real-time clock.
import { execFile } from 'node:child_process';
import { errorMessage } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';
import { SecondTicker } from '../system/second-ticker.js';

export interface ClockQuality {
  /** true/false from the OS; null when the gateway cannot tell (no timedatectl). */
  synchronized: boolean | null;
  /** The last step of the wall clock within the recent window, if any. */
  step: { at: string; ms: number } | null;
}

export interface ClockMonitorOptions {
  logger: Logger;
  /** Wall-clock jumps bigger than this count as a step. Default 1000 ms. */
  stepThresholdMs?: number;
  /** A step is reported on records made within this long after it. Default 10 min. */
  stepWindowMs?: number;
  /** Injectable sync probe (tests). Default: `timedatectl show -p NTPSynchronized --value`. */
  probe?: () => Promise<boolean | null>;
  wallNow?: () => number;
  monoNow?: () => number;
  /** The gateway's one-a-second timer for the step check; default a timer of the monitor's own. */
  ticker?: SecondTicker;
}

export function timedatectlProbe(): Promise<boolean | null> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { timeout: 3000 }, (err, stdout) => {
      if (err) return resolve(null); // no systemd here (container, CI): unknown, and said so in records
      const v = stdout.trim();
      resolve(v === 'yes' ? true : v === 'no' ? false : null);
    });
  });
}

/** Seconds between two sync probes. The probe forks a process, which blocks the event loop for the fork
 * (15–20 ms measured with an 80 MB gateway on a 2-core VM), so it runs on the gateway's SecondTicker, at its
 * phase between the Modbus poll slots, never in the middle of a burst (docs/performance.md "Third pass"). */
export const SYNC_PROBE_EVERY_S = 60;

export class ClockMonitor {
  private readonly opts: Required<Omit<ClockMonitorOptions, 'logger' | 'ticker'>> & { logger: Logger };
  private synchronized: boolean | null = null;
  private lastStep: { atMs: number; ms: number } | null = null;
  private lastWall = 0;
  private lastMono = 0;
  private untick: (() => void) | null = null;
  private seconds = 0;

  private readonly ticker: SecondTicker | undefined;

  constructor(opts: ClockMonitorOptions) {
    const { ticker, ...rest } = opts;
    this.ticker = ticker;
    this.opts = {
      stepThresholdMs: 1000,
      stepWindowMs: 600_000,
      probe: timedatectlProbe,
      wallNow: Date.now,
      monoNow: () => performance.now(),
      ...rest,
    };
  }

  async start(): Promise<void> {
    this.lastWall = this.opts.wallNow();
    this.lastMono = this.opts.monoNow();
    await this.refreshSync();
    const ticker = this.ticker ?? new SecondTicker(this.opts.wallNow, (err) => this.opts.logger.error({ err: errorMessage(err) }, 'clock check failed'));
    this.untick = ticker.add(() => this.onSecond());
  }

  stop(): void {
    this.untick?.();
    this.untick = null;
  }

  /** The once-a-second work: the step check, and every SYNC_PROBE_EVERY_S seconds the sync probe; exposed for tests. */
  onSecond(): void {
    this.checkStep();
    if (++this.seconds % SYNC_PROBE_EVERY_S === 0)
      this.refreshSync().catch((err: unknown) => this.opts.logger.error({ err: errorMessage(err) }, 'clock sync probe failed'));
  }

  /** Compares wall and monotonic clocks since the last check; exposed for tests. */
  checkStep(): void {
    const wall = this.opts.wallNow();
    const mono = this.opts.monoNow();
    const jump = wall - this.lastWall - (mono - this.lastMono);
    this.lastWall = wall;
    this.lastMono = mono;
    if (Math.abs(jump) > this.opts.stepThresholdMs) {
      this.lastStep = { atMs: wall, ms: Math.round(jump) };
      this.opts.logger.warn({ stepMs: Math.round(jump) }, 'the system clock stepped; records made in the next minutes carry the step');
    }
  }

  async refreshSync(): Promise<void> {
    const s = await this.opts.probe();
    if (s !== this.synchronized) this.opts.logger.info({ synchronized: s }, 'system clock synchronisation');
    this.synchronized = s;
  }

  quality(): ClockQuality {
    const now = this.opts.wallNow();
    const step =
      this.lastStep && now - this.lastStep.atMs <= this.opts.stepWindowMs ? { at: new Date(this.lastStep.atMs).toISOString(), ms: this.lastStep.ms } : null;
    return { synchronized: this.synchronized, step };
  }
}
