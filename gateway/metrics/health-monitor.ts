// Is the gateway alive, and is it doing its job? (docs/operations.md, "Health")
//   alive: the process runs and its event loop turns: a 1 s timer ticks, and the last tick is recent.
//          A loop that hangs cannot answer /healthz at all; one that was stuck answers 503 until it ticks.
//   ready: the store is open and writable, and no record has waited for the broker longer than the
//          bound (`http.readyMaxOutboxAgeS`).
// Always on (the retained status carries the health, with or without the HTTP listener); it costs a
// timer and, every 5 s, one indexed query. A change of readiness is told to `onChange` (the publisher
// publishes the status again).
import fs from 'node:fs';
import { errorMessage } from '../../vocabulary/errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/index.js';

/** The loop counts as stalled when its 1 s timer has not run for this long. */
export const ALIVE_MAX_TICK_AGE_S = 10;
/** Default bound of the oldest undelivered record (the config's default too). */
export const DEFAULT_READY_MAX_OUTBOX_AGE_S = 600;
const TICK_MS = 1000;
const READY_EVERY_TICKS = 5;

export type GatewayPhase = 'starting' | 'running' | 'stopping';

export interface Liveness {
  alive: boolean;
  phase: GatewayPhase;
  /** Seconds since the event loop's timer last ran. */
  lastTickAgoS: number;
  reason?: string;
}

export interface OutboxHealth {
  ok: boolean;
  /** Undelivered records. */
  depth: number;
  /** Age of the oldest undelivered record (s); 0 when the outbox is empty. */
  oldestAgeS: number;
  maxAgeS: number;
}

export interface Readiness {
  ready: boolean;
  /** Why not, in words (empty when ready). */
  reasons: string[];
  store: { ok: boolean; reason?: string };
  outbox: OutboxHealth;
}

export interface HealthSources {
  store: Pick<Store, 'started' | 'writeFailing' | 'db' | 'records'>;
  dataDir: string;
  maxOutboxAgeS: number;
  /** Wall clock (ms): record times are wall-clock times. */
  now: () => number;
  phase: () => GatewayPhase;
  logger: Pick<Logger, 'error'>;
  /** Monotonic clock (ms) for the loop's ticks. Default performance.now. */
  monotonic?: () => number;
}

export class HealthMonitor {
  private readonly mono: () => number;
  private lastTick: number;
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private lastReady: boolean | null = null;
  /** What the last status payload said (statusHealth()); null before the first. */
  private publishedReady: boolean | null = null;
  private listeners: Array<(r: Readiness) => void> = [];
  private statusListeners: Array<() => void> = [];

  constructor(private readonly s: HealthSources) {
    this.mono = s.monotonic ?? (() => performance.now());
    this.lastTick = this.mono();
  }

  /** Starts the tick (unref: it never keeps the process alive). Idempotent. */
  start(): void {
    if (this.timer) return;
    this.lastTick = this.mono();

    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Told when readiness flips (checked every 5 s). */
  onChange(fn: (r: Readiness) => void): void {
    this.listeners.push(fn);
  }

  /** Told (every 5 s) while the last status payload's `ready` differs from the readiness now: publish it again. */
  onStatusStale(fn: () => void): void {
    this.statusListeners.push(fn);
  }

  liveness(): Liveness {
    const phase = this.s.phase();
    const lastTickAgoS = Math.max(0, (this.mono() - this.lastTick) / 1000);
    if (phase === 'stopping') return { alive: false, phase, lastTickAgoS, reason: 'the gateway is stopping' };
    if (this.timer && lastTickAgoS > ALIVE_MAX_TICK_AGE_S)
      return { alive: false, phase, lastTickAgoS, reason: `the event loop's timer last ran ${lastTickAgoS.toFixed(1)} s ago (> ${ALIVE_MAX_TICK_AGE_S} s)` };
    return { alive: true, phase, lastTickAgoS };
  }

  readiness(): Readiness {
    const store = this.storeHealth();
    const outbox = this.outboxHealth(store.ok);
    const reasons: string[] = [];
    const phase = this.s.phase();
    if (phase !== 'running') reasons.push(`the gateway is ${phase}`);
    if (!store.ok) reasons.push(`store: ${store.reason}`);
    if (!outbox.ok && this.s.store.started)
      reasons.push(`outbox: the oldest of ${outbox.depth} undelivered record(s) is ${Math.round(outbox.oldestAgeS)} s old (bound ${outbox.maxAgeS} s)`);
    return { ready: reasons.length === 0, reasons, store, outbox };
  }

  /** What the retained status carries (docs/mqtt.md): small, and no path or secret in it. */
  statusHealth(): { alive: boolean; ready: boolean; reasons: string[]; outboxDepth: number; outboxOldestAgeS: number } {
    const r = this.readiness();
    this.publishedReady = r.ready;
    return { alive: this.liveness().alive, ready: r.ready, reasons: r.reasons, outboxDepth: r.outbox.depth, outboxOldestAgeS: Math.round(r.outbox.oldestAgeS) };
  }

  private tick(): void {
    this.lastTick = this.mono();
    if (++this.ticks % READY_EVERY_TICKS !== 0 || (this.listeners.length === 0 && this.statusListeners.length === 0)) return;
    try {
      const r = this.readiness();
      const changed = this.lastReady !== null && r.ready !== this.lastReady;
      this.lastReady = r.ready;
      if (changed) for (const fn of this.listeners) fn(r);
      // the status went out with another answer (or while starting): it is published again
      if (this.publishedReady !== null && this.publishedReady !== r.ready) for (const fn of this.statusListeners) fn();
    } catch (e) {
      this.s.logger.error({ err: errorMessage(e) }, 'health: the readiness check failed');
    }
  }

  private storeHealth(): { ok: boolean; reason?: string } {
    const { store, dataDir } = this.s;
    if (!store.started) return { ok: false, reason: 'not open' };
    try {
      if (store.db.readonly) return { ok: false, reason: 'opened read-only' };
      // EROFS on a file system remounted read-only, EACCES when the folder's mode or owner changed
      fs.accessSync(dataDir, fs.constants.W_OK);
    } catch (e) {
      return { ok: false, reason: `the data folder is not writable (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})` };
    }
    if (store.writeFailing) return { ok: false, reason: 'the last write of buffered samples failed (disk full or locked?); they wait in memory' };
    return { ok: true };
  }

  private outboxHealth(storeOpen: boolean): OutboxHealth {
    const maxAgeS = this.s.maxOutboxAgeS;
    if (!storeOpen && !this.s.store.started) return { ok: false, depth: 0, oldestAgeS: 0, maxAgeS }; // unknown: the store's reason says why
    const records = this.s.store.records;
    const oldest = records.oldestPending();
    if (!oldest) return { ok: true, depth: 0, oldestAgeS: 0, maxAgeS };
    const made = Date.parse(oldest.ts);
    const oldestAgeS = Number.isNaN(made) ? 0 : Math.max(0, (this.s.now() - made) / 1000);
    return { ok: oldestAgeS <= maxAgeS, depth: records.pendingCount(), oldestAgeS, maxAgeS };
  }
}
