// The store's view of its disk (docs/operations.md, "A full disk"). Every write the store makes goes through
// write(): a write that fails because the disk is full releases the reserve (a pre-allocated file in the
// data folder, `sterilink.reserve`) and is tried once more at once, so records, cycle samples and open-cycle
// state still commit when something else filled the disk. While space is low the store refuses device
// *noise* (raw lines and samples outside a cycle) so what is left goes to records. A timer looks at the free
// space (statfs) every few seconds and, once there is room again, writes the reserve back.
//
// The state (`ok`, `low`, `failing`) changes are logged once each and handed to onChange; single failures
// are not logged here (the caller that keeps the data logs its own first failure).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { errorMessage } from '../../vocabulary/errors.js';

export const RESERVE_FILE = 'sterilink.reserve';
/** Free space on top of twice the reserve before the reserve is written back (hysteresis). */
const MARGIN_BYTES = 1 << 20;
const CHUNK = 1 << 20;

/** ok: writes work and the reserve is held. low: the disk filled (the reserve is released or the free space
 * is below it): noise is refused, records are written. failing: a write failed and its data is kept in
 * memory and retried. */
export type StorageState = 'ok' | 'low' | 'failing';

export interface StorageStatus {
  state: StorageState;
  /** When the state began (ISO). */
  since: string;
  /** The last error, while `failing`; else null. */
  error: string | null;
  /** Bytes free for the gateway in the data folder's file system, at the last look (null: unknown). */
  freeBytes: number | null;
  /** The reserve's size and whether it is held now. */
  reserveBytes: number;
  reserveHeld: boolean;
  /** Device lines and samples refused as noise while space was low, since the gateway started. */
  refusedRawLines: number;
  refusedSamples: number;
}

export interface StorageGuardContext {
  dataDir: string;
  /** Size of the reserve file; 0: no reserve (space is then only judged by write failures). */
  reserveBytes: number;
  logger: Logger;
  now: () => number;
  /** How often the free space is looked at, ms (default 5000). */
  checkIntervalMs?: number;
  onChange?: (s: StorageStatus) => void;
  /** Free bytes of the data folder's file system (tests); default fs.statfsSync. */
  freeBytes?: (dir: string) => number;
  /** Whether the caller is inside a transaction of its own: then a write only passes through (a retry
   * after SQLite rolled that transaction back would run the rest of it outside any transaction). */
  inTransaction?: () => boolean;
}

function statfsFree(dir: string): number {
  const s = fs.statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** SQLITE_FULL, or an ENOSPC from the file system. */
export function isSpaceError(e: unknown): boolean {
  const err = e as { code?: unknown; cause?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  if (err.code === 'SQLITE_FULL' || err.code === 'ENOSPC') return true;
  if (typeof err.message === 'string' && /database or disk is full|ENOSPC|no space left/i.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== e && isSpaceError(err.cause);
}

export class StorageGuard {
  private readonly reservePath: string;
  private reserveHeld = false;
  private spaceLow = false;
  private failing = false;
  private lastError: string | null = null;
  private free: number | null = null;
  private state: StorageState = 'ok';
  private since: number;
  private depth = 0;
  private timer: NodeJS.Timeout | null = null;
  refusedRawLines = 0;
  refusedSamples = 0;

  constructor(private readonly ctx: StorageGuardContext) {
    this.reservePath = path.join(ctx.dataDir, RESERVE_FILE);
    this.since = ctx.now();
  }

  /** Before the database is opened: a reserve left from an earlier run is released at once when the disk is
   * (nearly) full, so opening, migrating and resuming open cycles find room; else it is made if missing. */
  start(): void {
    fs.mkdirSync(this.ctx.dataDir, { recursive: true, mode: 0o700 });
    const size = this.reserveSize();
    this.reserveHeld = size !== null && size >= this.ctx.reserveBytes && this.ctx.reserveBytes > 0;
    const free = this.lookFree();
    if (this.reserveHeld && free !== null && free < MARGIN_BYTES) {
      this.releaseReserve('the disk is full at start');
    } else if (!this.reserveHeld) {
      this.tryMakeReserve();
    }
    if (this.ctx.reserveBytes > 0 && !this.reserveHeld) this.spaceLow = true;
    this.check();
    this.timer = setInterval(() => this.check(), this.ctx.checkIntervalMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** False while space is low or writes fail: device noise (lines and samples outside a cycle) is refused. */
  get acceptsNoise(): boolean {
    return this.state === 'ok';
  }

  status(): StorageStatus {
    return {
      state: this.state,
      since: new Date(this.since).toISOString(),
      error: this.state === 'failing' ? this.lastError : null,
      freeBytes: this.free,
      reserveBytes: this.ctx.reserveBytes,
      reserveHeld: this.reserveHeld,
      refusedRawLines: this.refusedRawLines,
      refusedSamples: this.refusedSamples,
    };
  }

  /** Runs one write. A failure for lack of space releases the reserve and runs it once more; the outcome
   * moves the state. Nested calls (a write inside a guarded transaction) only pass through. */
  write<T>(fn: () => T): T {
    if (this.depth > 0 || this.ctx.inTransaction?.() === true) return fn();
    this.depth++;
    try {
      let result: T;
      try {
        result = fn();
      } catch (e) {
        if (!(isSpaceError(e) && this.reserveHeld)) throw e;
        this.releaseReserve(errorMessage(e));
        result = fn();
      }
      if (this.failing) {
        this.failing = false;
        this.lastError = null;
        this.update();
      }
      return result;
    } catch (e) {
      if (isSpaceError(e)) this.spaceLow = true;
      this.failing = true;
      this.lastError = errorMessage(e);
      this.update();
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** The periodic look at the free space: low when it falls below the reserve, the reserve written back and
   * ok again once there is twice the reserve free (plus a margin). */
  check(): void {
    const free = this.lookFree();
    if (free === null) return;
    const reserve = this.ctx.reserveBytes;
    if (this.reserveHeld && reserve > 0 && free < reserve) this.spaceLow = true;
    if (this.spaceLow && free >= 2 * reserve + MARGIN_BYTES) {
      if (!this.reserveHeld) this.tryMakeReserve();
      if (this.reserveHeld || reserve === 0) this.spaceLow = false;
    }
    this.update();
  }

  private lookFree(): number | null {
    try {
      this.free = (this.ctx.freeBytes ?? statfsFree)(this.ctx.dataDir);
    } catch (e) {
      this.ctx.logger.debug({ err: errorMessage(e) }, 'storage: cannot read the free space');
      this.free = null;
    }
    return this.free;
  }

  private reserveSize(): number | null {
    try {
      return fs.statSync(this.reservePath).size;
    } catch {
      return null; // no reserve yet
    }
  }

  private releaseReserve(why: string): void {
    try {
      fs.rmSync(this.reservePath, { force: true });
    } catch (e) {
      this.ctx.logger.error({ err: errorMessage(e), file: this.reservePath }, 'storage: cannot release the reserve file');
    }
    this.reserveHeld = false;
    this.spaceLow = true;
    this.ctx.logger.debug({ why }, 'storage: reserve released');
    this.update();
  }

  /** Writes the reserve (zeros, so the blocks are really allocated) and syncs it; a partial one is removed. */
  private tryMakeReserve(): void {
    const want = this.ctx.reserveBytes;
    if (want <= 0) return;
    const tmp = `${this.reservePath}.tmp`;
    let fd: number | null = null;
    try {
      fd = fs.openSync(tmp, 'w', 0o600);
      const zeros = Buffer.alloc(Math.min(CHUNK, want));
      for (let done = 0; done < want; ) {
        const n = fs.writeSync(fd, zeros, 0, Math.min(zeros.length, want - done));
        done += n;
      }
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fd = null;
      fs.renameSync(tmp, this.reservePath);
      this.reserveHeld = true;
    } catch (e) {
      if (fd !== null) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      this.ctx.logger.debug({ err: errorMessage(e) }, 'storage: no room for the reserve yet');
    }
  }

  private update(): void {
    const next: StorageState = this.failing ? 'failing' : this.spaceLow ? 'low' : 'ok';
    if (next === this.state) return;
    const was = this.state;
    this.state = next;
    this.since = this.ctx.now();
    this.lookFree(); // the status and the log line say how much is free now
    const s = this.status();
    const fields = {
      storage: next,
      was,
      freeBytes: s.freeBytes,
      reserveHeld: s.reserveHeld,
      refusedRawLines: s.refusedRawLines,
      refusedSamples: s.refusedSamples,
    };
    if (next === 'ok') this.ctx.logger.info(fields, 'storage: writes work and the reserve is held again; device noise is stored again');
    else if (next === 'low')
      this.ctx.logger.warn(fields, 'storage: the disk is nearly full; device noise (lines and samples outside a cycle) is refused, records are still written');
    else this.ctx.logger.error({ ...fields, err: s.error }, 'storage: writes fail; data is kept in memory and retried');
    try {
      this.ctx.onChange?.(s);
    } catch (e) {
      this.ctx.logger.error({ err: errorMessage(e) }, 'storage: state listener failed');
    }
  }
}
