// Runs retention (retention.ts) inside the gateway: a pass a few minutes after start (RETENTION_FIRST_MS,
// at most the interval), then every `intervalMinutes`. A pass writes a checkpoint if one is due, then
// deletes in transactions of at most `batchRows` rows, yielding to the event loop between them so
// device reads, sample batches and record commits go on in between. One pass at a time; stop()
// ends a pass at its next batch. Errors are logged (one line per failed pass) and the next pass retries.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { SignedRecord } from './record.js';
import type { DeleteResult, Retention, RetentionPolicy } from './retention.js';

export const RETENTION_FIRST_MS = 5 * 60_000;

export interface PassResult extends DeleteResult {
  checkpoint: number | null;
  batches: number;
  ms: number;
}

export class RetentionRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassResult | null> | null = null;
  private stopped = false;

  constructor(
    private readonly retention: Retention,
    private readonly policy: RetentionPolicy,
    private readonly logger: Logger,
    /** Told of a checkpoint record, so the publisher sends it like any other record. */
    private readonly onRecord: (r: SignedRecord) => void = () => undefined,
  ) {}

  start(firstMs = Math.min(RETENTION_FIRST_MS, this.policy.intervalMinutes * 60_000)): void {
    this.stopped = false;
    const every = this.policy.intervalMinutes * 60_000;
    const tick = (ms: number) => {
      this.timer = setTimeout(() => {
        void this.pass().finally(() => {
          if (!this.stopped) tick(every);
        });
      }, ms);
      this.timer.unref();
    };
    tick(firstMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One pass now (or the one already running). Resolves null when it failed (logged). */
  pass(): Promise<PassResult | null> {
    if (!this.running) this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<PassResult | null> {
    const t0 = performance.now();
    const out: PassResult = { checkpoint: null, samples: 0, raw_lines: 0, records: 0, batches: 0, ms: 0 };
    try {
      const cp = this.retention.checkpointIfDue();
      if (cp) {
        out.checkpoint = cp.seq;
        this.onRecord(cp);
      }
      while (!this.stopped) {
        const d = this.retention.deleteBatch();
        const n = d.samples + d.raw_lines + d.records;
        if (n === 0) break;
        out.batches++;
        out.samples += d.samples;
        out.raw_lines += d.raw_lines;
        out.records += d.records;
        await yieldToLoop();
      }
    } catch (e) {
      this.logger.error({ err: e, ...out }, 'retention: pass failed; the next pass retries');
      return null;
    }
    out.ms = Math.round(performance.now() - t0);
    if (out.checkpoint !== null || out.batches > 0) this.logger.info(out, 'retention: checkpoint and deletion');
    return out;
  }
}
