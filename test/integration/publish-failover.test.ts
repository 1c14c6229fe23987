// mqtt.urls: the publisher on a list of broker nodes moves to the next node when its connection is lost,
// and delivers every record there (at least once: what was in flight is sent again). Two independent
// Mosquittos stand for two nodes here; test/e2e/nats-cluster.test.ts does it on a real cluster.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, Mosquitto, MqttCollector, MqttTap } from '../helpers/mosquitto.js';
import { FakeOutbox, fakePublisher, missingSeqs, recordsBySeq } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'failover-site';
const GW = 'gw-f';
const ROOT = `sterilink/v1/${SITE}/${GW}`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function node(): Promise<Mosquitto> {
  const b = await Mosquitto.start({ extraConfig: ['max_queued_messages 0'] });
  cleanups.push(() => b.dispose());
  return b;
}

async function collector(url: string): Promise<MqttCollector> {
  const c = await MqttCollector.connect(url, `${ROOT}/#`);
  cleanups.push(() => c.close());
  return c;
}

describe('publisher failover across a list of broker URLs', () => {
  it('moves to the next node when the connection is lost, with every record delivered there', async () => {
    const a = await node();
    const b = await node();
    const tap = await MqttTap.start(a.port);
    cleanups.push(() => tap.close());
    const subB = await collector(b.url);
    const outbox = new FakeOutbox({ site: SITE, gateway: GW });
    const pub = fakePublisher({ url: [tap.url, b.url], site: SITE, gateway: GW, outbox, window: 10 });
    cleanups.push(() => pub.stop());
    const onlines: string[] = [];
    pub.on('online', (info) => onlines.push(info.url));
    await pub.start();
    await once(pub, 'online');
    expect(onlines).toEqual([tap.url]);
    await tap.waitFor((p) => p.dir === 'down' && p.name === 'puback'); // status acknowledged

    // Ten records reach node A, whose acknowledgements never come back: then node A dies.
    tap.hold();
    outbox.fill(200);
    pub.notifyRecords();
    await until(() => tap.packets.filter((p) => p.dir === 'up' && p.name === 'publish' && p.topic!.includes('/records/')).length === 10);
    const movedToB = once(pub, 'online');
    await a.kill();
    await movedToB;
    expect(onlines).toEqual([tap.url, b.url]);

    await until(() => outbox.deliveredCount() === 200, 20_000, 'all 200 delivered');
    await until(() => recordsBySeq(subB.messages).size === 200, 20_000, 'all 200 on node B');
    expect(missingSeqs(recordsBySeq(subB.messages), 200)).toEqual([]);
    // The status on the new node says online (retained), for a consumer that comes later.
    const late = await collector(b.url);
    const status = await late.waitFor((m) => m.topic === `${ROOT}/status`);
    expect(status.retain).toBe(true);
    expect(status.json).toMatchObject({ online: true });
  });

  it('starts on the second node at once when the first does not answer, and backs off only after a full round', async () => {
    const dead = `mqtt://127.0.0.1:${await freePort()}`;
    const b = await node();
    const outbox = new FakeOutbox({ site: SITE, gateway: GW });
    const pub = fakePublisher({ url: [dead, b.url], site: SITE, gateway: GW, outbox, reconnect: { initialMs: 200, maxMs: 1000 } });
    cleanups.push(() => pub.stop());
    const tries: Array<{ delayMs: number; url: string }> = [];
    pub.on('reconnecting', (info) => tries.push(info));
    const online = once(pub, 'online');
    await pub.start();
    const [info] = await online;
    expect(info.url).toBe(b.url);
    expect(tries).toEqual([{ attempt: 1, delayMs: 0, url: b.url }]);

    // Both nodes gone: the next node at once, then the backoff before the round starts again.
    await b.kill();
    await until(() => tries.length >= 3, 10_000, 'three reconnect attempts');
    expect(tries[1]).toMatchObject({ delayMs: 0, url: dead });
    expect(tries[2]!.url).toBe(b.url);
    expect(tries[2]!.delayMs).toBeGreaterThan(0);
  });
});
