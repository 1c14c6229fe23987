// `driver: modbus`: polls one unit at a fixed rate over a shared connection (bus-registry.ts), decodes
// each poll with the register map and turns it into DeviceEvents (parse.ts).
//
// Failures: a timeout, a bad CRC or a garbled reply counts against the unit; after `failuresBeforeDown`
// in a row its link is reported down (`link` connected: false), and a unit that timed out is polled
// again only after a backoff (pollMs doubling to `silentBackoff.maxMs`), so a silent slave holds a shared
// bus for one timeout per backoff step, never per poll. An exception response means the device is
// there: it is logged, the link stays up and polling keeps its rate. Every change of health is logged
// once, not once per failed poll; the first good poll after trouble says so and reports the link up.

import type { Logger } from 'pino';
import { type BackoffPolicy, backoffDelay } from '../../vocabulary/backoff.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import type { Phase } from '../../vocabulary/phases.js';
import { type EmitEvent, safeEmitter } from '../support/safe-emit.js';
import type { BusLease, ModbusBusRegistry } from './bus-registry.js';
import type { ModbusConnection } from './client.js';
import { decodeSnapshot } from './decode.js';
import { describeLink, type ModbusLinkSettings } from './link-settings.js';
import { DEFAULT_STALE_AFTER, DEFAULT_STALE_PHASES, initialTrackState, type ModbusTrackState, markGap, trackSnapshot } from './parse.js';
import { PollClock } from './poll-clock.js';
import { buildReadPlan, type ReadPlanOptions, type ReadRequestSpec, registerLookup } from './read-plan.js';
import { DEFAULT_REGISTER_MAP, type RegisterMap, validateRegisterMap } from './register-map.js';
import { isModbusRequestError } from './request-errors.js';

export interface ModbusDriverOptions {
  deviceId: string;
  /** How to reach the device (devices with equal links share one connection). */
  link: ModbusLinkSettings;
  /** Modbus unit (slave) id, 0..255. */
  unitId: number;
  pollMs: number;
  /** Where in the poll interval this device is polled (default 0): polls happen at startOffsetMs + k·pollMs on
   * the pollClock's grid. The gateway spreads large fleets over a few such slots with it (device-link.ts). */
  startOffsetMs?: number;
  /** Wakes the devices due at one instant with one timer; the gateway shares one among its Modbus drivers.
   * Default: one of this driver's own. */
  pollClock?: PollClock;
  /** Per request, from when it goes on the wire. */
  timeoutMs: number;
  /** Default DEFAULT_REGISTER_MAP (docs/devices.md). */
  map?: RegisterMap;
  readPlan?: ReadPlanOptions;
  /** Identical temperature readings in a row that count as a stale sensor. Default 10. */
  staleAfter?: number;
  /** Phases in which a temperature must move. Default heating, sterilizing, disinfect. */
  stalePhases?: readonly Phase[];
  /** Failed polls in a row before the link is reported down. Default 2. */
  failuresBeforeDown?: number;
  /** Backoff of a unit that stopped answering. Default from pollMs, ×2, up to 10 s, up to 20 % shorter at random. */
  silentBackoff?: BackoffPolicy;
  /** Backoff of the connection's reconnects (used when this driver opens it). Default DEFAULT_BACKOFF. */
  reconnectBackoff?: BackoffPolicy;
  /** The app's registry of open buses, shared by all its Modbus drivers (devices on one bus share a connection). */
  buses: ModbusBusRegistry;
  logger: Logger;
  /** Gateway clock (ms since the epoch). */
  now: () => number;
  onEvent: (event: DeviceEvent) => void;
  /** Told after every poll (answered or failed) how long it took: for the gateway's metrics. Never throws into the poll loop. */
  onPoll?: (report: ModbusPollReport) => void;
  random?: () => number;
}

/** One poll as the driver saw it: answered in full (`ok`) or failed, and for a failure why. */
export interface ModbusPollReport {
  ok: boolean;
  /** From the first request of the poll to its last answer or its failure. */
  seconds: number;
  /** For a failed poll: `timeout`, `crc`, `exception`, `not-connected`, `io`, … */
  reason?: string;
}

export interface ModbusDriverCounters {
  /** Polls begun / answered in full / failed. */
  polls: number;
  ok: number;
  failed: number;
  timeouts: number;
  exceptions: number;
  /** Poll slots skipped because a poll ran past the next slot. */
  missed: number;
  /** Gateway time of the first poll and of the last answered one, for rate figures. */
  firstPollAt: number | undefined;
  lastOkAt: number | undefined;
}

type Health = 'ok' | 'offline' | 'timeout' | 'crc' | 'io' | `exception-${number}`;

export class ModbusDriver {
  private readonly opts: ModbusDriverOptions;
  private readonly log: Logger;
  private readonly send: EmitEvent;
  private readonly map: RegisterMap;
  private plan: ReadRequestSpec[] = [];
  private lease: BusLease | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stopping: Promise<void> | undefined;
  private track: ModbusTrackState = initialTrackState();
  private linkUp: boolean | undefined;
  private health: Health | undefined;
  private failuresInARow = 0;
  private silentAttempt = 0;
  private readonly counts: ModbusDriverCounters = {
    polls: 0,
    ok: 0,
    failed: 0,
    timeouts: 0,
    exceptions: 0,
    missed: 0,
    firstPollAt: undefined,
    lastOkAt: undefined,
  };

  constructor(opts: ModbusDriverOptions) {
    this.opts = opts;
    this.map = opts.map ?? DEFAULT_REGISTER_MAP;
    this.log = opts.logger.child({ driver: 'modbus', deviceId: opts.deviceId });
    this.send = safeEmitter(this.log, opts.onEvent);
  }

  /** Validates the settings and map (a GatewayError names every problem), joins the bus and starts polling. */
  async start(): Promise<void> {
    if (this.loop !== undefined || this.stopping !== undefined) return;
    const { pollMs, timeoutMs, unitId } = this.opts;
    const problems = validateRegisterMap(this.map).map((p) => `map.${p}`);
    if (!(Number.isInteger(unitId) && unitId >= 0 && unitId <= 255)) problems.push(`unitId: expected 0..255, found ${unitId}`);
    if (!(Number.isFinite(pollMs) && pollMs >= 10)) problems.push(`pollMs: expected >= 10, found ${pollMs}`);
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 10)) problems.push(`timeoutMs: expected >= 10, found ${timeoutMs}`);
    if (problems.length > 0) {
      throw new GatewayError('device.modbus.config', `Modbus device ${this.opts.deviceId}:\n  ${problems.join('\n  ')}`, {
        deviceId: this.opts.deviceId,
        problems,
      });
    }
    this.plan = buildReadPlan(this.map, this.opts.readPlan);
    this.lease = this.opts.buses.acquire(this.opts.link, {
      logger: this.opts.logger,
      ...(this.opts.reconnectBackoff && { backoff: this.opts.reconnectBackoff }),
      ...(this.opts.random && { random: this.opts.random }),
    });
    this.log.info({ link: describeLink(this.opts.link), unitId, pollMs, timeoutMs, map: this.map.name, requests: this.plan.length }, 'modbus driver starting');
    this.loop = this.run(this.lease.connection);
  }

  /** Idempotent. No event is emitted once it has begun. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      await this.loop;
      await this.lease?.release();
    })();
    return this.stopping;
  }

  get counters(): Readonly<ModbusDriverCounters> {
    return { ...this.counts };
  }

  private async run(conn: ModbusConnection): Promise<void> {
    const signal = this.abort.signal;
    const { pollMs } = this.opts;
    // Say nothing about the link before the first connection attempt has had its chance.
    await Promise.race([conn.firstAttempt, new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))]);
    const clock = this.opts.pollClock ?? new PollClock();
    // The grid's step is the interval, or one second for longer ones: a 60 s device starts within a second, not a minute.
    const step = Math.min(pollMs, 1000);
    const offset = Math.max(0, this.opts.startOffsetMs ?? 0) % step;
    const onGrid = (at: number): number => PollClock.gridAtOrAfter(at, step, offset);
    let nextAt = onGrid(performance.now());
    while (!signal.aborted) {
      if (!conn.online) {
        this.gap();
        // A TCP link re-opened during a silence is part of that silence, not news.
        if (this.health === 'ok' || this.health === undefined) this.setHealth('offline', 'warn', `${conn.description} is down; waiting for it`);
        this.setLink(false, `${conn.description} down`);
        if (!(await conn.whenOnline(signal))) break;
        nextAt = onGrid(performance.now());
      }
      if (!(await clock.wait(nextAt, signal))) break;
      const outcome = await this.pollOnce(conn);
      if (signal.aborted) break;
      const now = performance.now();
      if (outcome === 'silent') {
        nextAt = onGrid(now + backoffDelay(this.silentPolicy(), this.silentAttempt++, this.opts.random));
        continue;
      }
      if (outcome === 'ok') this.silentAttempt = 0;
      nextAt += pollMs;
      if (nextAt < now - pollMs) {
        const skipped = Math.floor((now - nextAt) / pollMs);
        this.counts.missed += skipped;
        nextAt += skipped * pollMs;
      }
    }
  }

  /** One poll: every request of the plan, then decode and emit. */
  private async pollOnce(conn: ModbusConnection): Promise<'ok' | 'failed' | 'silent' | 'offline'> {
    this.counts.polls++;
    this.counts.firstPollAt ??= this.opts.now();
    const responses: number[][] = [];
    const began = performance.now();
    try {
      for (const req of this.plan) {
        responses.push(
          await conn.read({ unitId: this.opts.unitId, function: req.function, address: req.address, count: req.count, timeoutMs: this.opts.timeoutMs }),
        );
      }
    } catch (e) {
      if (this.abort.signal.aborted) return 'failed';
      this.report({ ok: false, seconds: (performance.now() - began) / 1000, reason: isModbusRequestError(e) ? e.kind : 'io' });
      return this.failed(e);
    }
    this.report({ ok: true, seconds: (performance.now() - began) / 1000 });
    this.counts.ok++;
    this.counts.lastOkAt = this.opts.now();
    this.failuresInARow = 0;
    this.setHealth('ok', 'info', 'polls answered');
    this.setLink(true);
    const snapshot = decodeSnapshot(this.map, registerLookup(this.plan, responses));
    const { state, events, notes } = trackSnapshot(this.track, snapshot, this.opts.now(), {
      deviceId: this.opts.deviceId,
      staleAfter: this.opts.staleAfter ?? DEFAULT_STALE_AFTER,
      stalePhases: new Set(this.opts.stalePhases ?? DEFAULT_STALE_PHASES),
      ...(this.map.alarms !== undefined && { alarmTexts: this.map.alarms }),
    });
    this.track = state;
    for (const n of notes) this.log[n.level](n.data ?? {}, n.msg);
    for (const e of events) this.emit(e);
    return 'ok';
  }

  private failed(e: unknown): 'failed' | 'silent' | 'offline' {
    this.counts.failed++;
    this.gap();
    if (!isModbusRequestError(e)) {
      this.setHealth('io', 'error', `poll failed: ${errorMessage(e)}`);
      return 'failed';
    }
    if (e.kind === 'not-connected') return 'offline';
    if (e.kind === 'exception') {
      // The device answered: the link works, it just will not give these registers.
      this.counts.exceptions++;
      this.failuresInARow = 0;
      this.setHealth(`exception-${e.exceptionCode ?? 0}`, 'warn', e.message);
      this.setLink(true);
      return 'failed';
    }
    if (e.kind === 'timeout') this.counts.timeouts++;
    this.failuresInARow++;
    this.setHealth(e.kind, 'warn', e.message);
    if (this.failuresInARow >= (this.opts.failuresBeforeDown ?? 2)) this.setLink(false, e.message);
    return e.kind === 'timeout' ? 'silent' : 'failed';
  }

  private report(r: ModbusPollReport): void {
    try {
      this.opts.onPoll?.(r);
    } catch (e) {
      this.log.debug({ err: errorMessage(e) }, 'poll observer failed');
    }
  }

  private silentPolicy(): BackoffPolicy {
    return this.opts.silentBackoff ?? { initialMs: this.opts.pollMs, maxMs: Math.max(10_000, this.opts.pollMs), factor: 2, jitter: 0.2 };
  }

  private gap(): void {
    this.track = markGap(this.track);
  }

  /** Logs a change of health once (and the recovery once). */
  private setHealth(health: Health, level: 'info' | 'warn' | 'error', msg: string): void {
    if (health === this.health) return;
    const was = this.health;
    this.health = health;
    if (health === 'ok') {
      if (was !== undefined) this.log.info({ was }, 'polls answered again');
      return;
    }
    this.log[level]({ health, unitId: this.opts.unitId }, msg);
  }

  private setLink(connected: boolean, error?: string): void {
    if (this.linkUp === connected || this.abort.signal.aborted) return;
    this.linkUp = connected;
    this.emit({ kind: 'link', deviceId: this.opts.deviceId, ts: this.opts.now(), connected, ...(error !== undefined && { error }) });
  }

  private emit(event: DeviceEvent): void {
    if (!this.abort.signal.aborted) this.send(event);
  }
}
