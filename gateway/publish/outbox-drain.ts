// Drains the outbox to the broker: seq order, at most one window of unacknowledged records, and
// markDelivered(seq) only after the broker's PUBACK. On a connection loss everything in flight is
// forgotten and the next connection starts again from the oldest undelivered record in the outbox: the
// outbox, not mqtt.js, is the only queue (duplicates are possible and allowed; consumers dedupe on id).
import type { Logger } from 'pino';
import { Backoff } from '../../vocabulary/backoff.js';
import { errorMessage } from '../../vocabulary/errors.js';
import type { SignedRecord } from '../store/record.js';
import type { FlightWindow, Slot } from './flight-window.js';
import type { OutboxSource } from './outbox-source.js';

export interface DrainContext {
  outbox: OutboxSource;
  window: FlightWindow;
  /** Publishes one record at QoS 1; resolves on PUBACK, rejects on a refusal or a lost connection. */
  send(record: SignedRecord): Promise<void>;
  logger: Logger;
  /** Called after markDelivered(seq) succeeded or was attempted for an acknowledged record. */
  onDelivered?(seq: number): void;
  /** How many records one outbox query fetches. Default 256 (memory stays flat: this many, at most). */
  fetchSize?: number;
  /** Retry policy after a refused record or an outbox error. */
  retry?: Backoff;
}

export interface DrainStats {
  /** Records acknowledged by the broker (duplicates included). */
  delivered: number;
  /** Records handed to the MQTT client (duplicates included). */
  sent: number;
  /** Records the broker refused (negative PUBACK) or that could not be published at all. */
  refused: number;
  /** markDelivered calls that threw (the record stays pending and is sent again later). */
  markFailures: number;
  /** Outbox queries that threw. */
  outboxFailures: number;
}

type Fault = { kind: 'refused'; seq: number } | { kind: 'outbox' };

export class OutboxDrain {
  private active = false;
  private pumping = false;
  /** Highest seq handed out on this connection; the next fetch asks for records above it. */
  private cursor = 0;
  private buffer: SignedRecord[] = [];
  private next = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private fault: Fault | null = null;
  private markFailing = false;
  private readonly retry: Backoff;
  private readonly fetchSize: number;
  private readonly counters: DrainStats = { delivered: 0, sent: 0, refused: 0, markFailures: 0, outboxFailures: 0 };

  constructor(private readonly ctx: DrainContext) {
    this.retry = ctx.retry ?? new Backoff({ initialMs: 500, maxMs: 60_000 });
    this.fetchSize = Math.max(1, ctx.fetchSize ?? 256);
    ctx.window.onFree(() => this.pump());
  }

  get stats(): DrainStats {
    return { ...this.counters };
  }

  /** A connection is up: start from the oldest undelivered record. */
  resume(): void {
    this.reset();
    this.active = true;
    this.pump();
  }

  /** The connection is gone: forget what is buffered and in flight; the outbox still has it. */
  suspend(): void {
    this.active = false;
    this.reset();
  }

  /** New records were committed to the outbox. */
  notify(): void {
    this.pump();
  }

  private reset(): void {
    this.cursor = 0;
    this.buffer = [];
    this.next = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private pump(): void {
    if (!this.active || this.pumping || this.retryTimer) return;
    this.pumping = true;
    try {
      for (;;) {
        if (this.next >= this.buffer.length && !this.refill()) break;
        const slot = this.ctx.window.tryAcquire();
        if (!slot) break;
        const record = this.buffer[this.next++]!;
        this.cursor = record.seq;
        void this.deliver(record, slot);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Fetches the next batch after the cursor; false when there is none or the outbox failed. */
  private refill(): boolean {
    let batch: SignedRecord[];
    try {
      batch = this.ctx.outbox.pending(this.cursor, this.fetchSize);
    } catch (e) {
      this.counters.outboxFailures++;
      this.enterFault({ kind: 'outbox' }, `outbox query failed: ${errorMessage(e)}`);
      return false;
    }
    if (this.fault?.kind === 'outbox') this.leaveFault();
    this.buffer = batch;
    this.next = 0;
    return batch.length > 0;
  }

  private async deliver(record: SignedRecord, slot: Slot): Promise<void> {
    this.counters.sent++;
    try {
      await this.ctx.send(record);
    } catch (e) {
      // A dead connection voids the slot: the record is simply sent again on the next connection.
      if (!this.ctx.window.isCurrent(slot)) return;
      this.counters.refused++;
      this.enterFault({ kind: 'refused', seq: record.seq }, `record seq ${record.seq} (${record.type}) not accepted: ${errorMessage(e)}`);
      this.ctx.window.release(slot);
      return;
    }
    // PUBACK received: the broker owns the record now, whatever happens to the connection next.
    this.counters.delivered++;
    this.markDelivered(record.seq);
    if (this.fault?.kind === 'refused' && this.fault.seq === record.seq) this.leaveFault();
    try {
      this.ctx.onDelivered?.(record.seq);
    } catch (e) {
      this.ctx.logger.error({ seq: record.seq, err: errorMessage(e) }, 'a delivered-record listener threw');
    }
    this.ctx.window.release(slot);
  }

  private markDelivered(seq: number): void {
    try {
      this.ctx.outbox.markDelivered(seq);
      if (this.markFailing) this.ctx.logger.info({ seq }, 'outbox markDelivered works again');
      this.markFailing = false;
    } catch (e) {
      this.counters.markFailures++;
      if (!this.markFailing)
        this.ctx.logger.error({ seq, err: errorMessage(e) }, 'outbox markDelivered failed; the record stays pending and will be sent again');
      this.markFailing = true;
    }
  }

  /** Pauses the drain with backoff, then restarts it from the oldest undelivered record. */
  private enterFault(fault: Fault, message: string): void {
    const delayMs = this.retry.next();
    if (!this.fault) this.ctx.logger.error({ retryInMs: delayMs }, `outbox drain paused: ${message}`);
    else this.ctx.logger.debug({ retryInMs: delayMs }, `outbox drain still failing: ${message}`);
    this.fault = fault;
    if (this.retryTimer || !this.active) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.cursor = 0;
      this.buffer = [];
      this.next = 0;
      this.pump();
    }, delayMs);
    this.retryTimer.unref();
  }

  private leaveFault(): void {
    this.ctx.logger.info('outbox drain recovered');
    this.fault = null;
    this.retry.reset();
  }
}
