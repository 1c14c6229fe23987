// The gateway's MQTT face (docs/mqtt.md): retained status with a matching will, retained device state that
// survives a broker restart, live telemetry at QoS 0, signed records drained from the outbox at QoS 1, and
// replay on request. The parts live next door: mqtt-connection (session, reconnect, fallback),
// flight-window (in-flight bound), outbox-drain (records), replay-handler (history).
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../../vocabulary/backoff.js';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import type { ConnectionSettings } from './client-options.js';
import { FlightWindow } from './flight-window.js';
import { MqttConnection, type OnlineInfo } from './mqtt-connection.js';
import { type DrainStats, OutboxDrain } from './outbox-drain.js';
import type { OutboxSource } from './outbox-source.js';
import { type HistoricalRecord, ReplayHandler, type ReplayStats } from './replay-handler.js';
import type { ReplayReply } from './replay-request.js';
import { type TopicTree, topicTree } from './topics.js';

/** How to reach the broker (client-options.ts), then what to publish. */
export interface PublisherContext extends ConnectionSettings {
  site: string;
  gateway: string;
  logger: Logger;
  outbox: OutboxSource;
  /** The status payload `{online, version, startedAt, keyId, publicKey}`; `online` is set by the publisher. */
  status: () => object;
  /** The gateway's health for the status payload (`health`), while online only: the will and a clean stop leave it out. */
  health?: () => object;
  /** Most unacknowledged QoS 1 publishes at once (also capped by the broker's Receive Maximum). Default 64. */
  window?: number;
  /** Most records one replay request republishes. Default 10 000. */
  replayLimit?: number;
  /** Reconnect policy (vocabulary/backoff.ts). Default: 250 ms doubling to 30 s, up to 20 % shorter at random. */
  reconnect?: BackoffOptions;
  /** Telemetry is dropped while this many bytes wait on the socket. Default 1 MiB. */
  maxWriteBacklogBytes?: number;
  /** At stop, remove the retained status and device states instead of leaving `online: false` (the demo:
   * a run that is over leaves nothing on a shared broker). Default false: a site gateway's last word stays. */
  clearRetainedOnStop?: boolean;
}

export interface PublisherEvents {
  online: [info: OnlineInfo & { window: number }];
  offline: [info: { reason: string }];
  reconnecting: [info: { attempt: number; delayMs: number; url: string }];
  fallback: [info: { from: 5; to: 4; reason: string }];
  /** The broker acknowledged the record with this seq and markDelivered(seq) was called. */
  delivered: [seq: number];
  stopped: [];
}

export interface PublisherStats extends DrainStats {
  online: boolean;
  protocolVersion: 4 | 5;
  reconnects: number;
  /** Effective in-flight window of the current connection (0 offline). */
  window: number;
  inFlight: number;
  peakInFlight: number;
  telemetrySent: number;
  telemetryDropped: number;
  replay: ReplayStats;
}

const DEFAULT_WINDOW = 64;

export class MqttPublisher extends EventEmitter<PublisherEvents> {
  private readonly topics: TopicTree;
  private readonly window = new FlightWindow();
  private readonly drain: OutboxDrain;
  private readonly replay: ReplayHandler;
  private readonly deviceStates = new Map<string, string>();
  private readonly loanerStates = new Map<string, string>();
  private connection: MqttConnection | null = null;
  private stopping: Promise<void> | null = null;
  private telemetrySent = 0;
  private telemetryDropped = 0;

  constructor(private readonly ctx: PublisherContext) {
    super();
    this.topics = topicTree(ctx.site, ctx.gateway);
    this.drain = new OutboxDrain({
      outbox: ctx.outbox,
      window: this.window,
      logger: ctx.logger,
      // The drain holds the in-flight slot itself, so this goes straight to the connection.
      send: (record) => this.requireConnection().publish(this.topics.records(record.type), JSON.stringify(record), { qos: 1 }),
      onDelivered: (seq) => this.emit('delivered', seq),
    });
    this.replay = new ReplayHandler({
      outbox: ctx.outbox,
      logger: ctx.logger,
      ...(ctx.replayLimit === undefined ? {} : { limit: ctx.replayLimit }),
      concurrency: () => Math.floor(this.window.size / 2),
      publishRecord: (record: HistoricalRecord) => this.publishJson(this.topics.records(record.type), JSON.stringify(record), false),
      reply: (reply, correlationData) => this.sendReplayReply(reply, correlationData),
    });
    // a record committed earlier became durable (its fsync ran on the thread pool): it may go out now
    ctx.outbox.onDurable?.(() => this.drain.notify());
  }

  get online(): boolean {
    return this.connection?.online ?? false;
  }

  /** Validates settings, reads TLS files (throws GatewayError `mqtt.config` / `mqtt.insecure`), starts connecting. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.connection || signal?.aborted) return;
    const connection = new MqttConnection({
      settings: this.ctx,
      defaultClientId: `sterilink-${this.ctx.site}-${this.ctx.gateway}`,
      logger: this.ctx.logger,
      will: () => ({ topic: this.topics.status, payload: this.statusPayload(false) }),
      backoff: new Backoff(this.ctx.reconnect ?? { initialMs: 250, maxMs: 30_000 }),
    });
    connection.on('online', (info) => this.onOnline(info));
    connection.on('offline', (info) => this.onOffline(info));
    connection.on('reconnecting', (info) => this.emit('reconnecting', info));
    connection.on('fallback', (info) => this.emit('fallback', info));
    connection.on('message', (topic, payload, packet) => {
      if (topic === this.topics.cmdReplay) this.replay.handle(payload, packet.properties?.correlationData, packet.retain);
    });
    this.connection = connection;
    this.stopping = null;
    try {
      await connection.start();
    } catch (e) {
      this.connection = null;
      throw e;
    }
    signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /** Publishes status offline (retained), waits briefly for acknowledgements, disconnects cleanly. Idempotent. */
  async stop(): Promise<void> {
    if (!this.connection) return;
    this.stopping ??= this.doStop(this.connection);
    return this.stopping;
  }

  /** New records are committed to the outbox. Cheap; call it after every commit. */
  notifyRecords(): void {
    this.drain.notify();
  }

  /** QoS 0, never queued: false (and counted as dropped) while offline or while the socket is backed up. */
  publishTelemetry(deviceId: string, payload: object): boolean {
    const topic = this.topics.deviceTelemetry(deviceId);
    const connection = this.connection;
    if (!connection?.online || connection.writeBacklog > (this.ctx.maxWriteBacklogBytes ?? 1 << 20)) {
      this.telemetryDropped++;
      return false;
    }
    connection.publishQos0(topic, JSON.stringify(payload));
    this.telemetrySent++;
    return true;
  }

  /** Publishes the retained status again now (its content changed, e.g. the storage state); offline it waits for the next connect. */
  publishStatus(): void {
    if (this.online) void this.publishQuietly(this.topics.status, this.statusPayload(true), 'status');
  }

  /** Retained; the latest state per device is kept and published again on every (re)connect. */
  setDeviceState(deviceId: string, state: object): void {
    const topic = this.topics.deviceState(deviceId);
    const payload = JSON.stringify(state);
    this.deviceStates.set(deviceId, payload);
    if (this.online) void this.publishQuietly(topic, payload, 'device state');
  }

  /** Retained …/loaner/{set}/state; like device state, the latest per set is kept and published again on every (re)connect. */
  setLoanerState(set: string, state: object): void {
    const topic = this.topics.loanerState(set);
    const payload = JSON.stringify(state);
    this.loanerStates.set(set, payload);
    if (this.online) void this.publishQuietly(topic, payload, 'loaner state');
  }

  /** Publishes the retained status again (its health changed); nothing while offline (every connect publishes it). */
  refreshStatus(): void {
    if (this.online) void this.publishQuietly(this.topics.status, this.statusPayload(true), 'status');
  }

  stats(): PublisherStats {
    return {
      ...this.drain.stats,
      online: this.online,
      protocolVersion: this.connection?.protocolVersion ?? this.ctx.protocolVersion,
      reconnects: this.connection?.reconnectCount ?? 0,
      window: this.window.size,
      inFlight: this.window.inFlight,
      peakInFlight: this.window.peakInFlight,
      telemetrySent: this.telemetrySent,
      telemetryDropped: this.telemetryDropped,
      replay: this.replay.stats,
    };
  }

  private onOnline(info: OnlineInfo): void {
    const window = Math.min(this.ctx.window ?? DEFAULT_WINDOW, info.receiveMaximum);
    this.window.open(window);
    // Written in this order: status, device states (a restarted broker may have lost them), then records.
    void this.publishQuietly(this.topics.status, this.statusPayload(true), 'status');
    for (const [deviceId, payload] of this.deviceStates) void this.publishQuietly(this.topics.deviceState(deviceId), payload, 'device state');
    for (const [set, payload] of this.loanerStates) void this.publishQuietly(this.topics.loanerState(set), payload, 'loaner state');
    void this.subscribeReplay();
    this.drain.resume();
    this.emit('online', { ...info, window });
  }

  private onOffline(info: { reason: string }): void {
    this.window.close();
    this.drain.suspend();
    this.emit('offline', info);
  }

  private async doStop(connection: MqttConnection): Promise<void> {
    this.drain.suspend();
    await connection.stop(() => (this.ctx.clearRetainedOnStop ? this.clearRetained() : this.publishJson(this.topics.status, this.statusPayload(false), true)));
    this.window.close();
    connection.removeAllListeners();
    this.connection = null;
    this.emit('stopped');
  }

  /** An empty retained message removes what the broker keeps: the device and loaner states, then the status. */
  private async clearRetained(): Promise<void> {
    await Promise.all([
      ...[...this.deviceStates.keys()].map((id) => this.publishJson(this.topics.deviceState(id), '', true)),
      ...[...this.loanerStates.keys()].map((set) => this.publishJson(this.topics.loanerState(set), '', true)),
    ]);
    await this.publishJson(this.topics.status, '', true);
  }

  /**
   * QoS 1 through the in-flight window; resolves on PUBACK. When a slot is free the PUBLISH is written
   * synchronously, so calls made in a row reach the socket in that order.
   */
  private async publishJson(topic: string, payload: string, retain: boolean, correlationData?: Buffer): Promise<void> {
    const slot = this.window.tryAcquire() ?? (await this.window.acquire());
    try {
      const properties = correlationData && this.connection?.protocolVersion === 5 ? { correlationData } : undefined;
      await this.requireConnection().publish(topic, payload, { qos: 1, retain, ...(properties ? { properties } : {}) });
    } finally {
      this.window.release(slot);
    }
  }

  private async publishQuietly(topic: string, payload: string, what: string): Promise<void> {
    try {
      await this.publishJson(topic, payload, true);
    } catch (e) {
      // Offline again: it is published on the next connect anyway.
      this.ctx.logger.debug({ topic, err: errorMessage(e) }, `${what} not published`);
    }
  }

  private async subscribeReplay(): Promise<void> {
    try {
      await this.requireConnection().subscribe(this.topics.cmdReplay);
    } catch (e) {
      if (this.online) this.ctx.logger.warn({ topic: this.topics.cmdReplay, err: errorMessage(e) }, 'cannot subscribe to replay commands');
    }
  }

  private async sendReplayReply(reply: ReplayReply, correlationData: Buffer | undefined): Promise<void> {
    await this.publishJson(this.topics.replyReplay, JSON.stringify(reply), false, correlationData);
  }

  private requireConnection(): MqttConnection {
    if (!this.connection) throw new GatewayError('mqtt.offline', 'publisher not started');
    return this.connection;
  }

  private statusPayload(online: boolean): string {
    let base: object = {};
    try {
      base = this.ctx.status();
    } catch (e) {
      this.ctx.logger.error({ err: errorMessage(e) }, 'status() failed; publishing online state only');
    }
    let health: object | undefined;
    if (online && this.ctx.health) {
      try {
        health = this.ctx.health();
      } catch (e) {
        this.ctx.logger.error({ err: errorMessage(e) }, 'health() failed; status published without it');
      }
    }
    return JSON.stringify({ ...base, online, ...(health ? { health } : {}) });
  }
}
