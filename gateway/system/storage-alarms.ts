// What the operators see of the store's disk (docs/operations.md, "A full disk"): the retained `status`
// carries the storage state and is published again at each change (from memory: it needs no write), and
// one `alarm` record marks each episode: `storage-full` when the state leaves `ok`, `storage-recovered`
// when it is back. The alarm is a signed record like any other: it commits from the reserve the store
// released; if even that fails it waits in memory (the status says why) and is committed as soon as the
// store takes it. Which alarm was last committed is kept in the same transaction, so a restart while the
// disk is still full does not raise the episode's alarm twice.
import type { Logger } from 'pino';
import { errorMessage } from '../../vocabulary/errors.js';
import type { StorageStatus } from '../store/storage-guard.js';

export const STORAGE_ALARM_META = 'storage.alarm';
export const STORAGE_FULL = 'storage-full';
export const STORAGE_RECOVERED = 'storage-recovered';

interface PendingAlarm {
  code: string;
  text: string;
  at: number;
  storage: StorageStatus;
}

export interface StorageAlarmsContext {
  /** Commits an alarm record with `body`, writing `code` to the meta key in the same transaction; throws when the store refuses. */
  append: (body: Record<string, unknown>, code: string) => void;
  /** The last committed storage alarm code, if any (read once at start). */
  lastCode: () => string | undefined;
  /** Publish the retained status again. */
  publishStatus: () => void;
  logger: Logger;
  /** How often a refused alarm is tried again, ms (default 1000). */
  retryMs?: number;
}

export class StorageAlarms {
  private readonly queue: PendingAlarm[] = [];
  /** Whether an episode's storage-full alarm is raised; null until init(). */
  private alarmed: boolean | null = null;
  private latest: StorageStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private stopped = false;

  constructor(private readonly ctx: StorageAlarmsContext) {}

  /** Once the store is open: reads which alarm was last committed, then acts on the state seen so far. */
  init(): void {
    this.alarmed = this.readAlarmed();
    if (this.latest) this.onChange(this.latest);
  }

  /** The store's state changed. Called inside a store write: the work is deferred. */
  onChange(s: StorageStatus): void {
    this.latest = s;
    if (this.stopped || this.alarmed === null) return;
    const ok = s.state === 'ok';
    if (ok === !this.alarmed) {
      this.schedule();
      return;
    }
    this.alarmed = !ok;
    this.queue.push(
      ok
        ? {
            code: STORAGE_RECOVERED,
            text: `storage: writes work again and the reserve is held; ${s.refusedRawLines} device lines and ${s.refusedSamples} samples outside a cycle were not stored while the disk was full`,
            at: Date.parse(s.since),
            storage: s,
          }
        : {
            code: STORAGE_FULL,
            text:
              s.state === 'low'
                ? 'storage: the disk is full; records go to the reserve and device noise (lines and samples outside a cycle) is not stored. Free space in the data folder'
                : `storage: writes fail (${s.error ?? 'unknown error'}); data is kept in memory and retried. Free space in the data folder`,
            at: Date.parse(s.since),
            storage: s,
          },
    );
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Alarms still waiting for the store. */
  get pending(): number {
    return this.queue.length;
  }

  private readAlarmed(): boolean {
    try {
      return this.ctx.lastCode() === STORAGE_FULL;
    } catch (e) {
      this.ctx.logger.debug({ err: errorMessage(e) }, 'storage: last alarm unknown');
      return false;
    }
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  private run(): void {
    if (this.stopped) return;
    try {
      this.ctx.publishStatus();
    } catch (e) {
      this.ctx.logger.debug({ err: errorMessage(e) }, 'storage: status not published');
    }
    while (this.queue.length) {
      const a = this.queue[0] as PendingAlarm;
      try {
        this.ctx.append(
          { code: a.code, text: a.text, at: new Date(a.at).toISOString(), cycleId: null, cycleNo: null, storage: storageFacts(a.storage) },
          a.code,
        );
      } catch (e) {
        // the store says why (one line per state change); this alarm waits and is tried again
        this.ctx.logger.debug({ code: a.code, err: errorMessage(e) }, 'storage alarm not stored yet');
        if (!this.timer) {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.run();
          }, this.ctx.retryMs ?? 1000);
          this.timer.unref();
        }
        return;
      }
      this.queue.shift();
    }
  }
}

/** The storage facts an alarm body carries. */
function storageFacts(s: StorageStatus): Record<string, unknown> {
  return {
    state: s.state,
    freeBytes: s.freeBytes,
    reserveBytes: s.reserveBytes,
    reserveHeld: s.reserveHeld,
    refusedRawLines: s.refusedRawLines,
    refusedSamples: s.refusedSamples,
  };
}
