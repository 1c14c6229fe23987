// The timer that writes buffered samples and raw lines: every intervalMs, all logs in ONE
// transaction (one transaction per interval: what an SD card pays for is pages written per
// transaction, docs/performance.md). A log that fills its batch asks for an early flush. A failure is logged once per change of state and retried on the next tick.
import type { Logger } from 'pino';
import { msUntilPhase, TICK_PHASE_MS } from '../system/second-ticker.js';
import { type Flushable, flushAll } from './chained-log.js';
import type { Db } from './database.js';
import type { WriteGuard } from './record-log.js';

export interface FlusherContext {
  db: Db;
  logs: readonly Flushable[];
  intervalMs: number;
  logger: Logger;
  /** Runs each batch (the store's StorageGuard). */
  guard?: WriteGuard;
  /** Called after a batch is written (the Store asks for an fsync of the WAL off the event loop). */
  onWritten?: () => void;
}

export class BatchFlusher {
  private timer: NodeJS.Timeout | null = null;
  private starter: NodeJS.Timeout | null = null;
  private failing = false;
  /** Batches written (transactions), for metrics. */
  flushes = 0;

  constructor(private readonly ctx: FlusherContext) {}

  /** The last flush failed (disk full, read-only, locked): the data waits in memory. For /readyz. */
  get writeFailing(): boolean {
    return this.failing;
  }

  start(): void {
    if (this.timer || this.starter) return;
    const run = (): void => {
      this.timer = setInterval(() => this.flushSafely(), this.ctx.intervalMs);
      this.timer.unref(); // never keeps the process alive on its own; close() flushes
    };
    if (this.ctx.intervalMs < 1000) {
      run();
      return;
    }
    // Batches are written at the gateway's tick phase, between the Modbus poll bursts (system/second-ticker.ts):
    // a batch takes milliseconds, and a burst's telemetry should not wait for it.
    this.starter = setTimeout(
      () => {
        this.starter = null;
        run();
      },
      msUntilPhase(TICK_PHASE_MS, 1000),
    );
    this.starter.unref();
  }

  stop(): void {
    if (this.starter) clearTimeout(this.starter);
    if (this.timer) clearInterval(this.timer);
    this.timer = this.starter = null;
  }

  /** Writes everything buffered now; throws store.flush (the data stays buffered). */
  flush(): number {
    const { db, logs, guard } = this.ctx;
    // Only a batch that writes something tells the guard whether writes work.
    const n = guard && logs.some((l) => l.buffered > 0) ? guard.write(() => flushAll(db, logs)) : flushAll(db, logs);
    if (n > 0) {
      this.flushes++;
      this.ctx.onWritten?.();
    }
    if (this.failing) {
      this.failing = false;
      this.ctx.logger.info('store: buffered writes work again');
    }
    return n;
  }

  /** flush() for timers and full buffers: errors are logged, not thrown. */
  flushSafely(): void {
    try {
      this.flush();
    } catch (e) {
      if (!this.failing) this.ctx.logger.error({ err: e }, 'store: cannot write buffered samples; keeping them and retrying');
      this.failing = true;
    }
  }
}
