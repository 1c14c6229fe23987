// A per-device hash chain written in batches (samples, raw device lines). add() only buffers; the
// chain (seq, hash) is computed when a batch is written, inside its transaction, so a failed write
// leaves nothing half-chained: the batch goes back to the buffer and the heads are re-read from the
// database. A bounded buffer drops its oldest entries (counted, warned) only while writes fail.
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import { GatewayError } from '../../vocabulary/errors.js';
import type { Db } from './database.js';
import { GENESIS_HASH } from './record.js';

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainedLogOptions {
  /** Write as soon as this many entries are buffered (default 1000). */
  maxBatch?: number;
  /** While writes fail, keep at most this many entries, dropping the oldest (default 50 000). */
  maxBuffered?: number;
  logger?: Logger;
}

/** What a flusher takes from a log: write it inside the caller's transaction, or put it back. */
export interface Batch {
  readonly size: number;
  write(): void;
  restore(): void;
}

export interface Flushable {
  take(): Batch | null;
  /** Entries waiting to be written. */
  readonly buffered: number;
}

/** hex sha256(prevHash + canonical text): the link rule of every chain in the store. */
// crypto.hash (Node >= 20.12) is about twice as fast as createHash for short inputs.
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : null;

export function chainHash(prevHash: string, canonical: string): string {
  return oneShot
    ? oneShot('sha256', prevHash + canonical, 'hex')
    : crypto
        .createHash('sha256')
        .update(prevHash + canonical)
        .digest('hex');
}

/** Writes the batches of several logs in one IMMEDIATE transaction; on failure all go back. */
export function flushAll(db: Db, logs: readonly Flushable[]): number {
  const batches = logs.map((l) => l.take()).filter((b): b is Batch => b !== null);
  if (batches.length === 0) return 0;
  try {
    db.transaction(() => {
      for (const b of batches) b.write();
    }).immediate();
  } catch (e) {
    for (const b of batches) b.restore();
    throw new GatewayError('store.flush', `cannot write buffered device data: ${(e as Error).message}`, {}, { cause: e });
  }
  return batches.reduce((n, b) => n + b.size, 0);
}

interface Entry<T> {
  deviceId: string;
  item: T;
}

export abstract class ChainedLog<T> implements Flushable {
  private buffer: Entry<T>[] = [];
  private readonly heads = new Map<string, ChainHead>();
  private readonly headStmt;
  protected readonly maxBatch: number;
  private readonly maxBuffered: number;
  private dropping = false;
  /** Entries dropped because writes kept failing and the buffer was full. */
  dropped = 0;
  /** Called when the buffer reaches maxBatch; the Store points it at its combined flush. */
  onFull: () => void = () => this.autoFlush();

  constructor(
    protected readonly db: Db,
    protected readonly table: string,
    opts: ChainedLogOptions = {},
    protected readonly logger?: Logger,
  ) {
    this.maxBatch = opts.maxBatch ?? 1000;
    this.maxBuffered = Math.max(opts.maxBuffered ?? 50_000, this.maxBatch);
    this.headStmt = db.prepare(`SELECT seq, hash FROM ${table} WHERE device_id = ? ORDER BY seq DESC LIMIT 1`);
  }

  /** Canonical text of one entry as chained (must include deviceId and seq). */
  protected abstract canonical(deviceId: string, seq: number, item: T): string;
  protected abstract insertRow(deviceId: string, seq: number, item: T, hash: string): void;
  /** A batch's transaction rolled back: forget what was cached from rows it wrote. */
  protected rolledBack(): void {}

  protected enqueue(deviceId: string, item: T): void {
    this.buffer.push({ deviceId, item });
    this.trim();
    if (this.buffer.length % this.maxBatch === 0) this.onFull();
  }

  /** Bounds the buffer while writes fail: the oldest go first, counted and warned once. */
  private trim(): void {
    const excess = this.buffer.length - this.maxBuffered;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.dropped += excess;
    if (!this.dropping) {
      this.dropping = true;
      this.logger?.warn(
        { table: this.table, maxBuffered: this.maxBuffered },
        `${this.table}: writes are failing and the buffer is full; dropping the oldest entries`,
      );
    }
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Writes what is buffered in one transaction of its own; returns the count written. */
  flush(): number {
    return flushAll(this.db, [this]);
  }

  private autoFlush(): void {
    try {
      this.flush();
    } catch (e) {
      this.logger?.error({ err: e, table: this.table }, `${this.table}: buffered write failed, will retry`);
    }
  }

  /** The device's chain head as stored, after writing what is buffered. {0, GENESIS} when empty. */
  head(deviceId: string): ChainHead {
    this.flush();
    return { ...this.storedHead(deviceId) };
  }

  private storedHead(deviceId: string): ChainHead {
    let h = this.heads.get(deviceId);
    if (!h) {
      h = (this.headStmt.get(deviceId) as ChainHead | undefined) ?? { seq: 0, hash: GENESIS_HASH };
      this.heads.set(deviceId, h);
    }
    return h;
  }

  take(): Batch | null {
    if (this.buffer.length === 0) return null;
    const batch = this.buffer;
    this.buffer = [];
    return {
      size: batch.length,
      write: () => {
        for (const { deviceId, item } of batch) {
          const h = this.storedHead(deviceId);
          const seq = h.seq + 1;
          const hash = chainHash(h.hash, this.canonical(deviceId, seq, item));
          this.insertRow(deviceId, seq, item, hash);
          this.heads.set(deviceId, { seq, hash });
        }
        if (this.dropping) {
          this.dropping = false;
          this.logger?.info({ table: this.table, dropped: this.dropped }, `${this.table}: writes work again`);
        }
      },
      restore: () => {
        this.heads.clear(); // the transaction rolled back: re-read heads from the database
        this.rolledBack();
        this.buffer = batch.concat(this.buffer);
        this.trim();
      },
    };
  }
}
