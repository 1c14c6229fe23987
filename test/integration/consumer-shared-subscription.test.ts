// Consumers scale out with MQTT 5 shared subscriptions (docs/deployment.md, "Consumers"): two instances
// of the hospital system share `$share/lis/sterilink/v1/+/+/records/#` on Mosquitto; each record goes to
// one of them, and together they have every one. When an instance dies with records in flight to it,
// the gap in seq shows (the instances keep seq in a common store) and `cmd/replay` fills it.
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/record.js';
import { Mosquitto, MqttCollector, MqttTap } from '../helpers/mosquitto.js';
import { missingSeqs, onlineFakePublisher } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'shared-site';
const GW = 'gw-s';
const ROOT = `sterilink/v1/${SITE}/${GW}`;
const SHARED = '$share/lis/sterilink/v1/+/+/records/#';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const seqsOf = (c: MqttCollector) => new Set(c.filter((m) => m.topic.startsWith(`${ROOT}/records/`)).map((m) => (m.json as SignedRecord).seq));
const union = (...cs: MqttCollector[]) => new Set(cs.flatMap((c) => [...seqsOf(c)]));

describe('shared subscriptions for consumers (Mosquitto, MQTT 5)', () => {
  it('splits the records between two instances with none lost, and replay fills the gap an instance leaves', async () => {
    const broker = await Mosquitto.start({ extraConfig: ['max_queued_messages 0'] });
    cleanups.push(() => broker.dispose());
    // Instance B reaches the broker through a tap, so that the test can hold and then cut what is on its way to it.
    const tap = await MqttTap.start(broker.port);
    cleanups.push(() => tap.close());
    const a = await MqttCollector.connect(broker.url, SHARED, { clientId: 'lis-a' });
    cleanups.push(() => a.close());
    const b = await MqttCollector.connect(tap.url, SHARED, { clientId: 'lis-b' });
    cleanups.push(() => b.close());

    const { pub, outbox } = await onlineFakePublisher({ url: broker.url, site: SITE, gateway: GW }, (stop) => cleanups.push(stop));

    // 1. Shared: each record once, both instances working.
    outbox.fill(300);
    pub.notifyRecords();
    await until(() => union(a, b).size === 300, 20_000, '300 records between the two');
    expect(missingSeqs(union(a, b), 300)).toEqual([]);
    expect(seqsOf(a).size).toBeGreaterThan(50);
    expect(seqsOf(b).size).toBeGreaterThan(50);
    expect(seqsOf(a).size + seqsOf(b).size).toBe(300); // no record went to both

    // 2. Instance B dies with records on their way to it: those are gone with its session.
    tap.hold();
    outbox.fill(300);
    pub.notifyRecords();
    await until(() => outbox.deliveredCount() === 600, 20_000, 'all 600 acknowledged by the broker');
    b.client.removeAllListeners('message');
    tap.cut();
    await b.close();
    const gap = missingSeqs(union(a, b), 600);
    expect(gap.length).toBeGreaterThan(0); // the broker acknowledged them to the gateway; B never had them

    // 3. The surviving instance sees the gap in seq and asks the gateway to replay it.
    const asker = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: `replay-${randomUUID().slice(0, 8)}` });
    cleanups.push(async () => void (await asker.endAsync(true)));
    await asker.subscribeAsync(`${ROOT}/reply/replay`, { qos: 1 });
    const reply = new Promise<{ ok: boolean; count: number }>((resolve) =>
      asker.on('message', (_t, p) => resolve(JSON.parse(p.toString()) as { ok: boolean; count: number })),
    );
    await asker.publishAsync(`${ROOT}/cmd/replay`, JSON.stringify({ fromSeq: gap[0], toSeq: gap[gap.length - 1], transaction: 'fill-gap' }), { qos: 1 });
    expect(await reply).toMatchObject({ ok: true });
    await until(() => missingSeqs(union(a, b), 600).length === 0, 20_000, 'no seq missing');
    const replayed = a.filter((m) => m.topic.startsWith(`${ROOT}/records/`) && (m.json as { historical?: boolean }).historical === true);
    expect(replayed.length).toBeGreaterThanOrEqual(gap.length);
  });
});
