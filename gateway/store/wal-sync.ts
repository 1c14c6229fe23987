// Makes commits done at synchronous=NORMAL durable soon, without blocking the event loop: fsync of the
// WAL file on libuv's thread pool. Sample batches and open-cycle states commit at NORMAL (no fsync in
// the commit, so a slow SD card never holds the telemetry of other devices); each asks for a sync
// afterwards, which bounds their power-cut window to the time that fsync takes. Records do not rely on
// this: they commit with synchronous=FULL before they are published (database.ts).
//
// One sync at a time; requests that arrive meanwhile are served by one more sync after it. fsync on
// any descriptor of a file flushes that file's dirty pages, so a descriptor of our own is enough.
import fs from 'node:fs/promises';
import type { Logger } from 'pino';

export class WalSyncer {
  private running: Promise<void> | null = null;
  private again = false;
  private failing = false;
  /** fsyncs completed, for metrics and tests. */
  syncs = 0;

  constructor(
    private readonly walFile: string,
    private readonly logger: Logger,
  ) {}

  /** Asks for an fsync of the WAL; returns at once. */
  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no sync is running or pending (close, tests). */
  async settle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.syncOnce();
    } while (this.again);
  }

  private async syncOnce(): Promise<void> {
    let fh: fs.FileHandle | undefined;
    try {
      fh = await fs.open(this.walFile, 'r');
      await fh.sync();
      this.syncs++;
      if (this.failing) this.logger.info({ file: this.walFile }, 'store: WAL fsync works again');
      this.failing = false;
    } catch (e) {
      // No WAL file (the database was closed and checkpointed meanwhile): nothing is pending.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      if (!this.failing)
        this.logger.error({ err: e, file: this.walFile }, 'store: cannot fsync the WAL; samples may be lost in a power cut until a record commit');
      this.failing = true;
    } finally {
      await fh?.close().catch(() => undefined);
    }
  }
}
