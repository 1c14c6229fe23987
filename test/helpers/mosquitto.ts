// Test helpers for anything that talks MQTT: a private Mosquitto on a free loopback port (bench/mosquitto.ts,
// which `npm run bench` uses too); MqttTap, a TCP proxy in front of it that sees every MQTT packet, can hold the
// broker-to-client direction (so acknowledgements wait) and can cut connections abruptly; and MqttCollector, a
// subscriber that keeps what it receives.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import mqtt from 'mqtt';
import { firstMessage, type Subscribe } from './first-message.js';

export { canConnect, freePort, Mosquitto, type MosquittoOptions } from '../../bench/mosquitto.js';

// ---------------------------------------------------------------------------------------------------
// MqttTap

export const PACKET_NAMES = [
  'reserved',
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
] as const;
export type PacketName = (typeof PACKET_NAMES)[number];

export interface TapPacket {
  /** Connection number through the tap, from 1. */
  conn: number;
  /** up = client to broker, down = broker to client; recorded when forwarded. */
  dir: 'up' | 'down';
  name: PacketName;
  packetId?: number;
  topic?: string;
  qos?: number;
  retain?: boolean;
  payload?: Buffer;
  /** performance.now() when forwarded. */
  at: number;
}

interface Pipe {
  conn: number;
  client: net.Socket;
  upstream: net.Socket;
  version: number;
  held: Buffer[];
  down: FrameParser;
}

/** A TCP proxy to a broker that decodes what passes (enough for tests) and can delay or cut it. */
export class MqttTap extends EventEmitter<{ packet: [TapPacket] }> {
  readonly packets: TapPacket[] = [];
  private readonly pipes = new Set<Pipe>();
  private holding = false;
  private conns = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: number,
  ) {
    super();
  }

  static async start(targetPort: number): Promise<MqttTap> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const tap = new MqttTap(server, (server.address() as net.AddressInfo).port, targetPort);
    server.on('connection', (socket) => tap.accept(socket));
    return tap;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Connections currently open through the tap. */
  get open(): number {
    return this.pipes.size;
  }

  /** Keep broker-to-client bytes (PUBACKs, …) until release(). */
  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const pipe of this.pipes) {
      const held = pipe.held.splice(0);
      for (const chunk of held) this.forwardDown(pipe, chunk);
    }
  }

  /** Ends every connection abruptly (no DISCONNECT): the broker publishes the client's will. */
  cut(): void {
    for (const pipe of this.pipes) {
      pipe.client.resetAndDestroy();
      pipe.upstream.resetAndDestroy();
    }
    this.pipes.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Resolves with the first recorded packet (past or future) that matches; rejects after timeoutMs. */
  async waitFor(match: (p: TapPacket) => boolean, timeoutMs = 10_000): Promise<TapPacket> {
    const subscribe: Subscribe<TapPacket> = (on) => (this.on('packet', on), () => this.off('packet', on));
    return firstMessage(this.packets, subscribe, match, timeoutMs, () => `tap: no matching packet within ${timeoutMs} ms`);
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target, '127.0.0.1');
    const pipe: Pipe = { conn: ++this.conns, client, upstream, version: 4, held: [], down: new FrameParser((f) => this.record(pipe, 'down', f)) };
    this.pipes.add(pipe);
    const upParser = new FrameParser((f) => this.record(pipe, 'up', f));
    client.on('data', (chunk) => {
      upParser.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.holding) pipe.held.push(chunk);
      else this.forwardDown(pipe, chunk);
    });
    const end = () => {
      this.pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }

  private forwardDown(pipe: Pipe, chunk: Buffer): void {
    pipe.down.push(chunk);
    pipe.client.write(chunk);
  }

  private record(pipe: Pipe, dir: 'up' | 'down', f: Frame): void {
    const name = PACKET_NAMES[f.type] ?? 'reserved';
    const p: TapPacket = { conn: pipe.conn, dir, name, at: performance.now() };
    const b = f.body;
    if (name === 'connect' && b.length >= 7) {
      const nameLen = b.readUInt16BE(0);
      pipe.version = b[2 + nameLen] ?? 4;
    } else if (name === 'publish') {
      const qos = (f.flags >> 1) & 3;
      const topicLen = b.readUInt16BE(0);
      let pos = 2 + topicLen;
      p.topic = b.subarray(2, pos).toString();
      p.qos = qos;
      p.retain = (f.flags & 1) === 1;
      if (qos > 0) {
        p.packetId = b.readUInt16BE(pos);
        pos += 2;
      }
      if (pipe.version === 5) {
        const props = readVarint(b, pos);
        pos = props.next + props.value;
      }
      p.payload = b.subarray(pos);
    } else if (['puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback'].includes(name) && b.length >= 2) {
      p.packetId = b.readUInt16BE(0);
    }
    this.packets.push(p);
    this.emit('packet', p);
  }
}

interface Frame {
  type: number;
  flags: number;
  body: Buffer;
}

function readVarint(b: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let mult = 1;
  let pos = at;
  for (;;) {
    const byte = b[pos++];
    if (byte === undefined) return { value: -1, next: pos };
    value += (byte & 0x7f) * mult;
    if ((byte & 0x80) === 0) return { value, next: pos };
    mult *= 128;
  }
}

/** Splits a byte stream into MQTT control packets (fixed header + remaining length). */
class FrameParser {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (f: Frame) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.buf.length < 2) return;
      const len = readVarint(this.buf, 1);
      if (len.value < 0) return;
      const end = len.next + len.value;
      if (this.buf.length < end) return;
      const first = this.buf[0]!;
      this.onFrame({ type: first >> 4, flags: first & 0x0f, body: this.buf.subarray(len.next, end) });
      this.buf = this.buf.subarray(end);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// MqttCollector

export interface Received {
  topic: string;
  payload: Buffer;
  /** Parsed payload, or undefined when it is not JSON. */
  json: unknown;
  retain: boolean;
  /** MQTT 5 properties (correlationData, …). */
  properties: mqtt.IPublishPacket['properties'];
  /** performance.now() on arrival. */
  at: number;
}

export interface CollectorOptions {
  clientId?: string;
  /** false = persistent session (kept an hour; survives a broker restart with persistence). Default true. */
  clean?: boolean;
  protocolVersion?: 4 | 5;
}

/** An MQTT subscriber that keeps every message under a filter (QoS 1) and reconnects quickly. */
export class MqttCollector {
  readonly messages: Received[] = [];
  private readonly events = new EventEmitter<{ message: [Received] }>();

  private constructor(readonly client: mqtt.MqttClient) {}

  /** Resolves once the subscription is acknowledged. */
  static async connect(url: string, filter: string, opts: CollectorOptions = {}): Promise<MqttCollector> {
    const clean = opts.clean ?? true;
    const protocolVersion = opts.protocolVersion ?? 5;
    const client = mqtt.connect(url, {
      clientId: opts.clientId ?? `collector-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
      clean,
      protocolVersion,
      // MQTT 5 ends a session on disconnect unless it is given an expiry.
      ...(!clean && protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
      reconnectPeriod: 200,
      connectTimeout: 5000,
    });
    const c = new MqttCollector(client);
    client.on('error', () => {});
    client.on('message', (topic, payload, packet) => {
      let json: unknown;
      try {
        json = JSON.parse(payload.toString());
      } catch {
        json = undefined;
      }
      const m: Received = { topic, payload, json, retain: packet.retain, properties: packet.properties, at: performance.now() };
      c.messages.push(m);
      c.events.emit('message', m);
    });
    // Subscribe on every connect: a broker without persistence forgets subscriptions when it restarts.
    const subscribed = new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.subscribe(filter, { qos: 1 }, (err) => (err ? reject(err) : resolve()));
      };
      client.on('connect', onConnect);
    });
    try {
      await subscribed;
    } catch (e) {
      client.end(true); // a refused subscription leaves no client reconnecting behind the caller's back
      throw e;
    }
    return c;
  }

  /** Messages matching, in arrival order. */
  filter(match: (m: Received) => boolean): Received[] {
    return this.messages.filter(match);
  }

  /** Resolves with the first message (past or future) that matches; rejects after timeoutMs. */
  async waitFor(match: (m: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    const subscribe: Subscribe<Received> = (on) => (this.events.on('message', on), () => this.events.off('message', on));
    const failure = () => `collector: no matching message within ${timeoutMs} ms (${this.messages.length} received)`;
    return firstMessage(this.messages, subscribe, match, timeoutMs, failure);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
