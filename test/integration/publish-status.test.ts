import { once } from 'node:events';
import net from 'node:net';
import { Aedes } from 'aedes';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import type { MqttPublisher, PublisherContext } from '../../gateway/publish/mqtt-publisher.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { freePort, Mosquitto, MqttCollector, MqttTap } from '../helpers/mosquitto.js';
import { fakePublisher, fakeRecord } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'test-site';
const GW = 'gw-status';
const ROOT = `sterilink/v1/${SITE}/${GW}`;
const STATUS = { version: '0.1.0-test', startedAt: '2030-01-01T00:00:00.000Z', keyId: 'abcdef0123456789', publicKey: 'MCowBQYDK2VwAyEA' };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function captureLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }), lines };
}

function publisher(extra: Partial<PublisherContext> & { url: string }): MqttPublisher {
  const p = fakePublisher({ site: SITE, gateway: GW, outbox: new MemoryOutbox(), status: () => STATUS, ...extra });
  cleanups.push(() => p.stop());
  return p;
}

async function mosquitto(): Promise<Mosquitto> {
  const b = await Mosquitto.start();
  cleanups.push(() => b.dispose());
  return b;
}

async function collector(url: string, protocolVersion: 4 | 5 = 5): Promise<MqttCollector> {
  const c = await MqttCollector.connect(url, `${ROOT}/#`, { protocolVersion });
  cleanups.push(() => c.close());
  return c;
}

const isStatus = (online: boolean) => (m: { topic: string; json: unknown }) =>
  m.topic === `${ROOT}/status` && (m.json as { online?: boolean } | undefined)?.online === online;

describe('status, will and lifecycle', () => {
  it('publishes status online retained, and offline retained on stop(); stop() is idempotent', async () => {
    const b = await mosquitto();
    const sub = await collector(b.url);
    const pub = publisher({ url: b.url });
    await pub.stop(); // before start: nothing to do
    await pub.start();
    await pub.start(); // already running: nothing to do
    const online = await sub.waitFor(isStatus(true));
    expect(online.json).toEqual({ ...STATUS, online: true });

    const fresh = await collector(b.url);
    expect((await fresh.waitFor(isStatus(true))).retain).toBe(true);

    const stopped = once(pub, 'stopped');
    await Promise.all([pub.stop(), pub.stop()]);
    await stopped;
    await pub.stop();
    expect((await sub.waitFor(isStatus(false))).json).toEqual({ ...STATUS, online: false });
    expect(pub.online).toBe(false);
    const late = await collector(b.url);
    const retained = await late.waitFor((m) => m.topic === `${ROOT}/status`);
    expect(retained).toMatchObject({ retain: true, json: { online: false } });
  });

  it('leaves the will (status online:false, retained) when the connection dies abruptly, and comes back online', async () => {
    const b = await mosquitto();
    const tap = await MqttTap.start(b.port);
    cleanups.push(() => tap.close());
    const sub = await collector(b.url);
    // A slow first retry leaves time to look at the retained will before the publisher is back.
    const pub = publisher({ url: tap.url, reconnect: { initialMs: 3000, maxMs: 3000, jitter: 0 } });
    await pub.start();
    await sub.waitFor(isStatus(true));

    const offline = once(pub, 'offline');
    tap.cut();
    await offline;
    const will = await sub.waitFor(isStatus(false));
    expect(will.json).toEqual({ ...STATUS, online: false });
    const fresh = await collector(b.url);
    expect(await fresh.waitFor((m) => m.topic === `${ROOT}/status`)).toMatchObject({ retain: true, json: { online: false } });

    await once(pub, 'online');
    await fresh.waitFor(isStatus(true));
  });

  it('falls back to MQTT 3.1.1 when the broker refuses MQTT 5, and says so once', async () => {
    const aedes = await Aedes.createBroker();
    const server = net.createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    });
    const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const sub = await collector(url, 4);
    const outbox = new MemoryOutbox();
    const record = fakeRecord(1, { site: SITE, gateway: GW, type: 'alarm' });
    outbox.add(record);
    const { logger, lines } = captureLogger();
    const pub = publisher({ url, outbox, logger });
    const fallback = once(pub, 'fallback');
    const online = once(pub, 'online');
    await pub.start();
    expect((await fallback)[0]).toMatchObject({ from: 5, to: 4 });
    expect((await online)[0]).toMatchObject({ protocolVersion: 4 });
    await until(() => outbox.isDelivered(1), 10_000, 'record delivered');
    expect((await sub.waitFor((m) => m.topic === `${ROOT}/records/alarm`)).json).toEqual(record);
    expect(pub.stats().protocolVersion).toBe(4);
    expect(lines.filter((l) => l.includes('falling back to MQTT 3.1.1'))).toHaveLength(1);
  });

  it('logs a connection state once, not every retry, and never the password', async () => {
    const port = await freePort();
    const { logger, lines } = captureLogger();
    const secret = 'S3cret-pa55word';
    const pub = publisher({
      url: `mqtt://cssd:${secret}@127.0.0.1:${port}`,
      username: 'cssd',
      password: secret,
      logger,
      reconnect: { initialMs: 20, maxMs: 50 },
    });
    let retries = 0;
    pub.on('reconnecting', () => retries++);
    await pub.start();
    await until(() => retries >= 5, 10_000, '5 retries');
    const online = once(pub, 'online');
    const b = await Mosquitto.start({ port });
    cleanups.push(() => b.dispose());
    await online;
    await pub.stop();

    const all = lines.join('');
    expect(all).not.toContain(secret);
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(parsed.filter((l) => l.msg.startsWith('mqtt connect failed') && l.level >= 40)).toHaveLength(1);
    expect(parsed.filter((l) => l.msg === 'mqtt connected')).toHaveLength(1);
  });

  it('refuses to send a password in clear text to a remote host unless allowInsecure', async () => {
    const pub = publisher({ url: 'mqtt://192.0.2.10:1883', username: 'cssd', password: 'x' });
    await expect(pub.start()).rejects.toSatisfy((e: unknown) => isGatewayError(e, 'mqtt.insecure'));
    expect(pub.online).toBe(false);
  });
});
