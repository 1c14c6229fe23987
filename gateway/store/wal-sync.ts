// Makes commits done at synchronous=NORMAL durable soon, without blocking the event loop: fsync of the
// WAL file on libuv's thread pool. Sample batches, open-cycle states and records commit at NORMAL (no
// fsync in the commit, so a slow SD card never holds the telemetry of other devices); each asks for a
// sync afterwards. Samples and states rely on it to bound their power-cut window; records rely on it
// for publishing: the record log marks a record durable, and only then lets the outbox hand it to the
// publisher, when a sync that began after the record's commit has completed (whenSynced()).
//
// One sync at a time; requests that arrive meanwhile are served by one more sync after it. fsync on
// any descriptor of a file flushes that file's dirty pages, so a descriptor of our own is enough. The
// WAL is one sequential file: a sync covers every commit made before it began. A failed sync is tried
// again every RETRY_MS while someone waits for it (a record is never published without it).
import fs from 'node:fs/promises';
import type { Logger } from 'pino';

/** How long after a failed fsync it is tried again while records wait for it. */
export const RETRY_MS = 1000;

export interface WalSyncerOptions {
  /** The fsync itself; default `fh.sync()`. Tests hold it to show what waits for it. */
  fsync?: (fh: fs.FileHandle) => Promise<void>;
  retryMs?: number;
  /** Called after each successful fsync (the Store's checkpointer looks whether the WAL wants one). */
  onSynced?: () => void;
}

export class WalSyncer {
  private running: Promise<void> | null = null;
  private again = false;
  private failing = false;
  /** Requests made so far; a sync covers every request made before it began. */
  private requested = 0;
  private covered = 0;
  private waiters: { ticket: number; resolve: () => void }[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** fsyncs completed, for metrics and tests. */
  syncs = 0;

  constructor(
    private readonly walFile: string,
    private readonly logger: Logger,
    private readonly opts: WalSyncerOptions = {},
  ) {}

  /** Asks for an fsync of the WAL; returns at once. */
  request(): void {
    this.requested++;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.retryTimer) return; // a failed sync is tried again soon; it serves this request too
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Asks for an fsync and resolves once one that began after this call has completed (never rejects:
   * a failing fsync is retried). Everything committed before the call is then on disk. */
  whenSynced(): Promise<void> {
    this.request();
    const ticket = this.requested;
    if (this.covered >= ticket) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ticket, resolve }));
  }

  /** Everything requested so far is durable by other means (the database was closed: SQLite checkpointed
   * and fsynced it). Releases the waiters and stops retrying. */
  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.cover(this.requested);
  }

  /** Resolves when no sync is running or pending (close, tests). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.syncOnce();
    } while (this.again && !this.retryTimer);
  }

  private cover(ticket: number): void {
    if (ticket > this.covered) this.covered = ticket;
    if (!this.waiters.length) return;
    const done = this.waiters.filter((w) => w.ticket <= this.covered);
    this.waiters = this.waiters.filter((w) => w.ticket > this.covered);
    for (const w of done) w.resolve();
  }

  private async syncOnce(): Promise<void> {
    const ticket = this.requested; // what this sync covers: every request made before it begins
    let fh: fs.FileHandle | undefined;
    try {
      fh = await fs.open(this.walFile, 'r');
      await (this.opts.fsync ? this.opts.fsync(fh) : fh.sync());
      this.syncs++;
      if (this.failing) this.logger.info({ file: this.walFile }, 'store: WAL fsync works again');
      this.failing = false;
      this.cover(ticket);
      this.opts.onSynced?.();
    } catch (e) {
      // No WAL file: the database was closed, which checkpointed and fsynced it: nothing is pending.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cover(ticket);
        return;
      }
      if (!this.failing)
        this.logger.error({ err: e, file: this.walFile }, 'store: cannot fsync the WAL; retrying (records wait for it before they are published)');
      this.failing = true;
      this.scheduleRetry();
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.covered < this.requested) this.request(); // a fresh sync covers everything requested so far
    }, this.opts.retryMs ?? RETRY_MS);
    this.retryTimer.unref();
  }
}
