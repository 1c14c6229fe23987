// SQLite's automatic checkpoint runs inside whichever commit crosses WAL_CHECKPOINT_BYTES of WAL: it fsyncs
// the WAL, copies ~4 MiB into the database file and fsyncs that, on the event loop (~25 ms on the dev VM,
// ~130 ms with 50 ms fsyncs, likely 0.5-1 s on a Pi 3's SD card; docs/performance.md "Cycle end"). The Store
// turns it off on its connection and runs the checkpoint here instead: after each WAL fsync it asks SQLite
// how many frames wait (PRAGMA wal_checkpoint(NOOP): no I/O), and past the threshold starts a worker thread
// with its own connection for one PASSIVE checkpoint, which does not block the main connection's commits.
// The thread ends after it: a resident worker is ~10 MB of RSS, this costs that only while it runs.
// If the worker cannot do it (fails, or the WAL still grows past MAIN_THREAD_FACTOR times the threshold),
// the checkpoint runs on the main connection, as SQLite would have done.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './database.js';

/** The worker: its own connection to the store, one PASSIVE checkpoint (SQLite's own crash-safe copy of the
 * WAL's frames into the database file, with an fsync of each), the result to the parent, then it ends. It
 * never writes a row, migrates, or changes the journal mode. Evaluated code with better-sqlite3 by its
 * resolved path, so it runs the same from the built files and from the sources under test. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let out;
try {
  const db = new Database(workerData.file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    out = db.pragma('wal_checkpoint(PASSIVE)')[0] || { error: 'no result' };
  } finally {
    db.close();
  }
} catch (e) {
  out = { error: String(e && e.message) };
}
parentPort.postMessage(out);
`;
const SQLITE = createRequire(import.meta.url).resolve('better-sqlite3');

/** How often the WAL is looked at besides after each fsync (a NOOP checkpoint: no I/O). */
export const CHECK_INTERVAL_MS = 5000;

/** WAL size, as a multiple of the threshold, from which the main connection checkpoints itself. */
export const MAIN_THREAD_FACTOR = 4;

export interface CheckpointerContext {
  db: Db;
  /** The database file the worker opens. */
  file: string;
  /** Checkpoint once this many bytes of WAL wait. */
  thresholdBytes: number;
  logger: Logger;
}

export class WalCheckpointer {
  private worker: Worker | null = null;
  private readonly pageSize: number;
  private closed = false;
  private failing = false;
  private timer: NodeJS.Timeout | null = null;
  /** Checkpoints run by a worker / by the main connection, for tests and metrics. */
  byWorker = 0;
  onMain = 0;

  constructor(private readonly ctx: CheckpointerContext) {
    this.pageSize = Number(ctx.db.pragma('page_size', { simple: true }));
  }

  /** Frames in the WAL not yet copied into the database file. */
  waitingBytes(): number {
    const r = (this.ctx.db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[])[0];
    return r ? Math.max(0, r.log - r.checkpointed) * this.pageSize : 0;
  }

  /** Also looks every `intervalMs` (writes that ask for no fsync, such as retention's deletions, fill the WAL too). */
  start(intervalMs = CHECK_INTERVAL_MS): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.checkSafely(), intervalMs);
    this.timer.unref();
  }

  /** check() for callbacks and timers: a failure is logged, not thrown. */
  checkSafely(): void {
    try {
      this.check();
    } catch (e) {
      this.ctx.logger.warn({ err: (e as Error).message }, 'store: could not look at the WAL for a checkpoint');
    }
  }

  /** Called after the WAL was fsynced: starts a checkpoint when enough waits. */
  check(): void {
    if (this.closed || this.ctx.db.inTransaction) return;
    const waiting = this.waitingBytes();
    if (waiting >= this.ctx.thresholdBytes * MAIN_THREAD_FACTOR || (this.failing && waiting >= this.ctx.thresholdBytes)) {
      if (this.worker) return; // one is at it
      this.onMain++;
      this.ctx.db.pragma('wal_checkpoint(PASSIVE)');
      return;
    }
    if (waiting >= this.ctx.thresholdBytes && !this.worker) this.startWorker();
  }

  /** Whether a worker is checkpointing now. */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Resolves when no worker runs (tests, close). */
  async settle(): Promise<void> {
    const w = this.worker;
    if (w) await new Promise((r) => w.once('exit', r));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.worker?.unref(); // a checkpoint in progress finishes (it is crash-safe anyway); it does not hold the process
  }

  private startWorker(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.ctx.file, sqlite: SQLITE },
      resourceLimits: { maxYoungGenerationSizeMb: 1 },
    });
    this.worker = worker;
    worker.once('message', (m: { error?: string; log?: number; checkpointed?: number }) => {
      if (m.error !== undefined) this.fail(m.error);
      else {
        this.byWorker++;
        if (this.failing) this.ctx.logger.info('store: WAL checkpoints work again');
        this.failing = false;
      }
    });
    worker.once('error', (e) => this.fail(e.message));
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = null;
    });
  }

  private fail(error: string): void {
    if (!this.failing) this.ctx.logger.warn({ err: error }, 'store: the WAL checkpoint thread failed; checkpointing on the main thread meanwhile');
    this.failing = true;
  }
}
