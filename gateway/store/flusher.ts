// The timer that writes buffered samples and raw lines: every intervalMs, all logs in ONE
// transaction (one transaction per interval: what an SD card pays for is pages written per
// transaction, docs/performance.md). A log that fills its batch asks for an early flush. A failure is logged once per change of state and retried on the next tick.
import type { Logger } from 'pino';
import { type Flushable, flushAll } from './chained-log.js';
import type { Db } from './database.js';

export interface FlusherContext {
  db: Db;
  logs: readonly Flushable[];
  intervalMs: number;
  logger: Logger;
  /** Called after a batch is written (the Store asks for an fsync of the WAL off the event loop). */
  onWritten?: () => void;
}

export class BatchFlusher {
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  /** Batches written (transactions), for metrics. */
  flushes = 0;

  constructor(private readonly ctx: FlusherContext) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.flushSafely(), this.ctx.intervalMs);
    this.timer.unref(); // never keeps the process alive on its own; close() flushes
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Writes everything buffered now; throws store.flush (the data stays buffered). */
  flush(): number {
    const n = flushAll(this.ctx.db, this.ctx.logs);
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
