// Answers `…/cmd/replay`: republishes a seq range from the outbox with `historical: true` at QoS 1
// (through the shared in-flight window), then replies on `…/reply/replay`. One replay runs at a time;
// a few more may queue; a bad request gets an error reply. A retained request is never run: the broker
// hands a retained message to the gateway again at every (re)subscription, so it would republish up to the
// whole cap at every reconnect; it is logged and answered with an error instead. Nothing here throws to the caller.
import type { Logger } from 'pino';
import { errorMessage } from '../../vocabulary/errors.js';
import type { SignedRecord } from '../store/record.js';
import type { OutboxSource } from './outbox-source.js';
import { parseReplayRequest, REPLAY_LIMIT, type ReplayReply, type ReplayRequest, replayDone } from './replay-request.js';

export type HistoricalRecord = SignedRecord & { historical: true };

export interface ReplayContext {
  outbox: OutboxSource;
  logger: Logger;
  /** Publishes at QoS 1 (waiting for an in-flight slot first); resolves on PUBACK. */
  publishRecord(record: HistoricalRecord): Promise<void>;
  /** Publishes the reply; `correlationData` is the MQTT 5 property of the request, if any. */
  reply(reply: ReplayReply, correlationData?: Buffer): Promise<void>;
  /** Per-request cap; default REPLAY_LIMIT. */
  limit?: number;
  /**
   * How many acknowledgements a replay may wait for at once; default 64. The publisher passes half the
   * in-flight window, so live records keep flowing while history is republished.
   */
  concurrency?(): number;
}

export interface ReplayStats {
  requests: number;
  refused: number;
  /** Retained requests not run (counted in `refused` too). */
  retained: number;
  completed: number;
  aborted: number;
  republished: number;
}

/** The reply's error for a retained request. */
export const RETAINED_REQUEST_IGNORED =
  'ignored: the request was a retained message, which the broker delivers again at every reconnect; publish cmd/replay without retain (and clear the retained one with an empty retained message)';

const MAX_QUEUED = 4;
const CHUNK = 256;
const DEFAULT_CONCURRENCY = 64;

export class ReplayHandler {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly counters: ReplayStats = { requests: 0, refused: 0, retained: 0, completed: 0, aborted: 0, republished: 0 };

  constructor(private readonly ctx: ReplayContext) {}

  get stats(): ReplayStats {
    return { ...this.counters };
  }

  /** Resolves when every accepted request so far has finished (for an orderly stop and for tests). */
  async idle(): Promise<void> {
    await this.chain;
  }

  /** One `cmd/replay` message; `retained`: the MQTT packet's retain flag (the broker kept it and sent it again). */
  handle(payload: Buffer, correlationData?: Buffer, retained = false): void {
    if (payload.length === 0) {
      // An empty message is how a retained command is cleared from the broker: nothing was asked.
      this.ctx.logger.debug('empty replay command ignored (a retained request being cleared)');
      return;
    }
    this.counters.requests++;
    const parsed = parseReplayRequest(payload);
    if (retained) {
      this.counters.refused++;
      this.counters.retained++;
      const transaction = parsed.ok ? parsed.request.transaction : parsed.transaction;
      this.ctx.logger.warn(
        { transaction },
        'retained replay request ignored: a retained command would run again at every reconnect; clear it (an empty retained message on cmd/replay) and publish requests without retain',
      );
      const ignored: ReplayReply = { ok: false, error: RETAINED_REQUEST_IGNORED };
      if (transaction !== undefined) ignored.transaction = transaction;
      void this.sendReply(ignored, correlationData);
      return;
    }
    if (!parsed.ok) {
      this.counters.refused++;
      this.ctx.logger.warn({ error: parsed.error }, 'replay request refused');
      void this.sendReply(parsed, correlationData);
      return;
    }
    if (this.queued >= MAX_QUEUED) {
      this.counters.refused++;
      const busy: ReplayReply = { ok: false, error: `busy: ${MAX_QUEUED} replays already queued, try again later` };
      if (parsed.request.transaction !== undefined) busy.transaction = parsed.request.transaction;
      void this.sendReply(busy, correlationData);
      return;
    }
    this.queued++;
    this.chain = this.after(this.chain, parsed.request, correlationData);
  }

  private async after(previous: Promise<void>, req: ReplayRequest, correlationData: Buffer | undefined): Promise<void> {
    await previous;
    try {
      await this.run(req, correlationData);
    } finally {
      this.queued--;
    }
  }

  private async run(req: ReplayRequest, correlationData: Buffer | undefined): Promise<void> {
    const limit = this.ctx.limit ?? REPLAY_LIMIT;
    const to = req.toSeq ?? Number.MAX_SAFE_INTEGER;
    this.ctx.logger.info({ fromSeq: req.fromSeq, toSeq: req.toSeq, transaction: req.transaction }, 'replay started');
    let count = 0;
    let lastSeq: number | null = null;
    let truncated = false;
    try {
      let from = req.fromSeq;
      while (count < limit) {
        const chunk = this.ctx.outbox.range(from, to, Math.min(CHUNK, limit - count));
        if (chunk.length === 0) break;
        await this.republish(chunk);
        count += chunk.length;
        lastSeq = chunk[chunk.length - 1]!.seq;
        from = lastSeq + 1;
      }
      if (count >= limit && lastSeq !== null && lastSeq < to) truncated = this.ctx.outbox.range(lastSeq + 1, to, 1).length > 0;
    } catch (e) {
      this.counters.aborted++;
      this.ctx.logger.warn({ err: errorMessage(e), republished: count, transaction: req.transaction }, 'replay aborted');
      const failed: ReplayReply = { ok: false, error: `replay aborted after ${count} records: ${errorMessage(e)}` };
      if (req.transaction !== undefined) failed.transaction = req.transaction;
      await this.sendReply(failed, correlationData);
      return;
    }
    this.counters.completed++;
    this.ctx.logger.info({ count, lastSeq, truncated, transaction: req.transaction }, 'replay done');
    await this.sendReply(replayDone(req, count, lastSeq, limit, truncated), correlationData);
  }

  /** Publishes a chunk with a bounded number of acknowledgements outstanding; throws on the first failure. */
  private async republish(chunk: SignedRecord[]): Promise<void> {
    const maxPending = Math.max(1, this.ctx.concurrency?.() ?? DEFAULT_CONCURRENCY);
    const pending = new Map<number, Promise<void>>();
    let failure: unknown = null;
    const send = async (key: number, record: SignedRecord): Promise<void> => {
      try {
        await this.ctx.publishRecord({ ...record, historical: true });
        this.counters.republished++;
      } catch (e) {
        failure ??= e;
      } finally {
        pending.delete(key);
      }
    };
    for (const [key, record] of chunk.entries()) {
      if (failure !== null) break;
      pending.set(key, send(key, record));
      if (pending.size >= maxPending) await Promise.race(pending.values());
    }
    await Promise.all(pending.values());
    if (failure !== null) throw failure;
  }

  private async sendReply(reply: ReplayReply, correlationData: Buffer | undefined): Promise<void> {
    try {
      await this.ctx.reply(reply, correlationData);
    } catch (e) {
      this.ctx.logger.warn({ err: errorMessage(e), transaction: reply.transaction }, 'replay reply not delivered');
    }
  }
}
