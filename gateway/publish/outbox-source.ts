// What the publisher needs from the store's outbox. The store implements it; the publisher only drains.
import type { SignedRecord } from '../store/record.js';

/**
 * The durable queue of signed records awaiting delivery. A record is on disk before it is visible here
 * (pending() and range() never return one that is not).
 * All methods are synchronous (better-sqlite3); any of them may throw, and the publisher copes.
 */
export interface OutboxSource {
  /**
   * Undelivered records with `seq > afterSeq`, ascending by seq, at most `limit` of them.
   * `pending(0, n)` starts at the oldest undelivered record.
   */
  pending(afterSeq: number, limit: number): SignedRecord[];
  /** The broker acknowledged (PUBACK) the record with this seq. Idempotent; unknown seqs are ignored. */
  markDelivered(seq: number): void;
  /** All records (delivered or not) with `fromSeq <= seq <= toSeq`, ascending, at most `limit`: for replay. */
  range(fromSeq: number, toSeq: number, limit: number): SignedRecord[];
  /**
   * Optional: calls `listener` when records become visible here after the commit that made them (the
   * store's record log shows a record once an fsync off the event loop made it durable).
   */
  onDurable?(listener: () => void): void;
}
