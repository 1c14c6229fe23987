// One MQTT session at a time, and the visible reconnect policy around it.
//
// mqtt.js is used as a codec and socket with its own recovery switched off:
// - reconnectPeriod 0: we reconnect ourselves with exponential backoff and jitter (backoff.ts), log a
//   state change once, and emit `online` / `offline` / `reconnecting` for the app and the tests.
// - every reconnect hands mqtt.js a fresh outgoing store, and on every close the callbacks still waiting
//   for an acknowledgement are settled with an error. So mqtt.js never resends or reorders an old
//   PUBLISH by itself, and nothing waits forever: the outbox is the only queue of records.
// - we never call publish while disconnected, and queueQoSZero is false: no hidden offline queue.
// - MQTT 5 first; a broker that refuses it (CONNACK "unacceptable / unsupported protocol version")
//   gets MQTT 3.1.1 from then on, once, logged.
// - a list of broker URLs (the nodes of one cluster): the connection stays on the node it has; when that
//   connection is lost it goes to the next node at once, and only after every node failed in a row does the
//   backoff apply. A node is never given up for good: the list is walked round again.
import { EventEmitter } from 'node:events';
import type { IClientOptions, IClientPublishOptions, IPublishPacket, MqttClient } from 'mqtt';
import mqtt from 'mqtt';
import type { Logger } from 'pino';
import { Backoff } from '../../vocabulary/backoff.js';
import { errorMessage, GatewayError } from '../../vocabulary/errors.js';
import { redactUrl } from '../../vocabulary/redact-url.js';
import { socketFor } from './broker-socket.js';
import { brokerUrlList, buildClientOptions, type ConnectionSettings } from './client-options.js';

export interface OnlineInfo {
  protocolVersion: 4 | 5;
  /** The broker node connected to (credentials redacted). */
  url: string;
  /** The broker's Receive Maximum (65 535 when it does not say). */
  receiveMaximum: number;
}

export interface ConnectionEvents {
  online: [info: OnlineInfo];
  offline: [info: { reason: string }];
  reconnecting: [info: { attempt: number; delayMs: number; url: string }];
  fallback: [info: { from: 5; to: 4; reason: string }];
  message: [topic: string, payload: Buffer, packet: IPublishPacket];
}

export interface Will {
  topic: string;
  payload: string;
}

export interface ConnectionContext {
  settings: ConnectionSettings;
  defaultClientId: string;
  logger: Logger;
  /** The last will, computed again before every connection attempt. */
  will(): Will;
  backoff?: Backoff;
}

type State = 'idle' | 'connecting' | 'online' | 'offline' | 'stopping' | 'stopped';

/** CONNACK codes meaning "not this protocol version": 3.1.1 return code 1, MQTT 5 reason 132. */
const PROTOCOL_REFUSED = new Set([1, 132]);
const MAX_RECEIVE_MAXIMUM = 65_535;

export class MqttConnection extends EventEmitter<ConnectionEvents> {
  private state: State = 'idle';
  private client: MqttClient | null = null;
  private baseOptions: IClientOptions | null = null;
  private version: 4 | 5;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastError: string | null = null;
  private loggedFailure: string | null = null;
  private fallbackPending = false;
  private reconnects = 0;
  private connectedOnce = false;
  private stopping: Promise<void> | null = null;
  private readonly backoff: Backoff;
  private readonly urls: readonly string[];
  /** Index in `urls` of the node the current client talks to. */
  private node = 0;
  /** Connections lost or refused since the last successful one. */
  private failures = 0;

  constructor(private readonly ctx: ConnectionContext) {
    super();
    this.version = ctx.settings.protocolVersion;
    this.urls = brokerUrlList(ctx.settings);
    this.backoff = ctx.backoff ?? new Backoff({ initialMs: 250, maxMs: 30_000 });
  }

  get online(): boolean {
    return this.state === 'online' && this.client?.connected === true;
  }

  get protocolVersion(): 4 | 5 {
    return this.version;
  }

  /** Successful connections after the first one. */
  get reconnectCount(): number {
    return this.reconnects;
  }

  /** Bytes queued on the socket and not yet written (0 when offline). */
  get writeBacklog(): number {
    return this.online ? (this.client?.stream.writableLength ?? 0) : 0;
  }

  /** Reads TLS files and validates settings (throws `mqtt.config` / `mqtt.insecure`), then connects. */
  async start(): Promise<void> {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.state = 'connecting';
    try {
      this.baseOptions = await buildClientOptions(this.ctx.settings, this.ctx.defaultClientId);
    } catch (e) {
      this.state = 'idle';
      throw e;
    }
    if (this.stoppedMeanwhile()) return;
    this.stopping = null;
    this.ctx.logger.info({ url: this.urls.map(redactUrl).join(', '), clientId: this.baseOptions.clientId, protocolVersion: this.version }, 'mqtt connecting');
    this.createClient();
  }

  /** Runs `beforeDisconnect` while still online (bounded by `timeoutMs`), then disconnects cleanly. */
  async stop(beforeDisconnect?: () => Promise<void>, timeoutMs = 3000): Promise<void> {
    if (this.state === 'idle' || this.state === 'stopped') return;
    this.stopping ??= this.doStop(beforeDisconnect, timeoutMs);
    return this.stopping;
  }

  /** QoS 1 resolves on PUBACK; QoS 0 once written. Rejects `mqtt.offline` when not connected. */
  async publish(topic: string, payload: string | Buffer, opts: IClientPublishOptions): Promise<void> {
    const client = this.client;
    // While stopping, the final status still goes out on the open connection.
    if (!client || !client.connected || (this.state !== 'online' && this.state !== 'stopping'))
      throw new GatewayError('mqtt.offline', 'not connected', { topic });
    await client.publishAsync(topic, payload, opts);
  }

  /** QoS 0, never queued: false (and nothing sent) when not connected. The telemetry of every device
   * answered in the same turn of the event loop leaves in one write (see holdWrites). */
  publishQos0(topic: string, payload: string | Buffer): boolean {
    const client = this.client;
    if (!client || !this.online) return false;
    this.holdWrites(client);
    client.publish(topic, payload, { qos: 0 });
    return true;
  }

  private corked: MqttClient['stream'] | null = null;

  /** Corks the socket until the end of this turn of the event loop (setImmediate), so that the packets
   * published meanwhile go out in one system call instead of one each: on a loaded or small machine a
   * write to a socket costs more than building the packet (docs/performance.md, "Telemetry latency").
   * They leave before the loop waits for I/O again, so no packet waits for a later event. */
  private holdWrites(client: MqttClient): void {
    const stream = client.stream;
    if (this.corked === stream || typeof stream?.cork !== 'function') return;
    this.corked = stream;
    stream.cork();
    setImmediate(() => {
      this.corked = null;
      stream.uncork();
    });
  }

  async subscribe(filter: string): Promise<void> {
    const client = this.client;
    if (!client || !this.online) throw new GatewayError('mqtt.offline', 'not connected', { filter });
    await client.subscribeAsync(filter, { qos: 1 });
  }

  /** stop() may run while start() awaits the TLS files. */
  private stoppedMeanwhile(): boolean {
    return this.state === 'stopping' || this.state === 'stopped';
  }

  private createClient(): void {
    const opts: IClientOptions = { ...this.baseOptions, protocolVersion: this.version, will: this.willOption() };
    const socket = socketFor(this.currentUrl(), opts);
    // mqtt.connect() for the rest: it loads every transport it knows (broker-socket.ts)
    const client = socket ? new mqtt.MqttClient(() => socket.open((err) => client.emit('error', err)), socket.options) : mqtt.connect(this.currentUrl(), opts);
    this.client = client;
    client.on('connect', (connack) => {
      if (client !== this.client) return;
      // Telemetry is many small packets: without this, Nagle's algorithm holds them for the previous ACK.
      (client.stream as { setNoDelay?: (noDelay: boolean) => void }).setNoDelay?.(true);
      this.onConnect(connack.properties?.receiveMaximum);
    });
    client.on('error', (err) => {
      if (client !== this.client) return;
      this.onError(err);
    });
    client.on('disconnect', (packet) => {
      if (client !== this.client) return;
      this.lastError = `broker sent DISCONNECT (reason ${packet.reasonCode ?? 0})`;
    });
    client.on('close', () => {
      if (client !== this.client) return;
      this.onClose(client);
    });
    client.on('message', (topic, payload, packet) => {
      if (client !== this.client) return;
      this.emit('message', topic, payload, packet);
    });
  }

  private currentUrl(): string {
    return this.urls[this.node] ?? this.urls[0] ?? '';
  }

  private willOption(): IClientOptions['will'] {
    const w = this.ctx.will();
    return { topic: w.topic, payload: Buffer.from(w.payload), qos: 1, retain: true };
  }

  private onConnect(receiveMaximum: number | undefined): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const again = this.connectedOnce;
    if (again) this.reconnects++;
    this.connectedOnce = true;
    this.state = 'online';
    this.backoff.reset();
    this.failures = 0;
    this.lastError = null;
    this.loggedFailure = null;
    const url = redactUrl(this.currentUrl());
    this.ctx.logger.info({ protocolVersion: this.version, url }, again ? 'mqtt reconnected' : 'mqtt connected');
    this.emit('online', { protocolVersion: this.version, url, receiveMaximum: receiveMaximum ?? MAX_RECEIVE_MAXIMUM });
  }

  private onError(err: Error): void {
    const code = (err as { code?: unknown }).code;
    this.lastError = typeof code === 'number' || typeof code === 'string' ? `${err.message} (${code})` : err.message;
    if (this.version === 5 && typeof code === 'number' && PROTOCOL_REFUSED.has(code) && this.state !== 'online') {
      this.fallbackPending = true;
    }
  }

  private onClose(client: MqttClient): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    const reason = this.lastError ?? 'connection closed';
    this.lastError = null;
    this.settleStaleCallbacks(client);
    const url = redactUrl(this.currentUrl());
    if (this.state === 'online') {
      this.state = 'offline';
      this.ctx.logger.warn({ reason, url }, 'mqtt connection lost');
      this.loggedFailure = reason;
      this.emit('offline', { reason });
    } else {
      this.state = 'offline';
      if (reason !== this.loggedFailure) this.ctx.logger.warn({ reason, url }, 'mqtt connect failed; retrying with backoff');
      else this.ctx.logger.debug({ reason, url }, 'mqtt connect failed again');
      this.loggedFailure = reason;
    }
    if (this.fallbackPending) {
      this.fallbackPending = false;
      this.version = 4;
      this.ctx.logger.warn({ reason }, 'broker refused MQTT 5; falling back to MQTT 3.1.1');
      this.emit('fallback', { from: 5, to: 4, reason });
      client.end(true);
      this.createClient();
      return;
    }
    this.scheduleReconnect();
  }

  /** Acknowledgements that can no longer come: settle them now (with an error), so nothing waits forever. */
  private settleStaleCallbacks(client: MqttClient): void {
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
  }

  /** The next node at once while some node of the list has not failed since the last connection; the
   * backoff once all have (with one URL: always the backoff). */
  private scheduleReconnect(): void {
    if (this.reconnectTimer) return;
    this.failures++;
    const moveOn = this.urls.length > 1;
    if (moveOn) this.node = (this.node + 1) % this.urls.length;
    const delayMs = moveOn && this.failures % this.urls.length !== 0 ? 0 : this.backoff.next();
    this.emit('reconnecting', { attempt: this.failures, delayMs, url: redactUrl(this.currentUrl()) });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      const client = this.client;
      if (!client || this.state !== 'offline') return;
      this.state = 'connecting';
      if (moveOn) {
        // Another node: a new client for its URL (mqtt.js reconnects only to the one it was made for).
        client.end(true);
        this.createClient();
        return;
      }
      client.options.will = this.willOption();
      // Fresh stores: whatever the last session had in flight is the outbox's business, not mqtt.js'.
      client.reconnect({ incomingStore: new mqtt.Store(), outgoingStore: new mqtt.Store() });
    }, delayMs);
  }

  private async doStop(beforeDisconnect: (() => Promise<void>) | undefined, timeoutMs: number): Promise<void> {
    const wasOnline = this.online;
    this.state = 'stopping';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    if (client && wasOnline) {
      if (beforeDisconnect) {
        try {
          await withTimeout(beforeDisconnect(), timeoutMs, 'final publish');
        } catch (e) {
          this.ctx.logger.warn({ err: errorMessage(e) }, 'mqtt: final publish before disconnect did not complete');
        }
      }
      try {
        await withTimeout(client.endAsync(false), timeoutMs, 'clean disconnect');
      } catch (e) {
        this.ctx.logger.warn({ err: errorMessage(e) }, 'mqtt: clean disconnect did not complete; closing the socket');
        await client.endAsync(true);
      }
    } else if (client) {
      await client.endAsync(true);
    }
    this.client = null;
    this.state = 'stopped';
    this.ctx.logger.info('mqtt disconnected');
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new GatewayError('mqtt.timeout', `${what} timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
