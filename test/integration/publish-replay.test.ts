import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttPublisher } from '../../gateway/publish/mqtt-publisher.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { Mosquitto, MqttCollector, type Received } from '../helpers/mosquitto.js';
import { makeOutbox, OUTBOX_KINDS, type TestOutbox } from '../helpers/outboxes.js';
import { fakePublisher } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'test-site';
const GW = 'gw-replay';
const ROOT = `sterilink/v1/${SITE}/${GW}`;

type Reply = Record<string, unknown> & { ok: boolean };

describe.each(OUTBOX_KINDS)('replay from the %s outbox (real Mosquitto)', (kind) => {
  let broker: Mosquitto;
  let sub: MqttCollector;
  let pub: MqttPublisher;
  let outbox: TestOutbox;

  beforeEach(async () => {
    broker = await Mosquitto.start();
    sub = await MqttCollector.connect(broker.url, `${ROOT}/#`);
    outbox = makeOutbox(kind, { site: SITE, gateway: GW, type: (seq) => (seq % 2 ? 'cycle' : 'release') });
    outbox.fill(1, 40);
    pub = fakePublisher({ url: broker.url, site: SITE, gateway: GW, outbox: outbox.source, reconnect: undefined, replayLimit: 25 });
    await pub.start();
    await until(() => outbox.deliveredCount() === 40, 10_000, 'live drain');
  });

  afterEach(async () => {
    await pub.stop();
    await sub.close();
    await broker.dispose();
    outbox.close();
  });

  /** Sends a request and resolves with the reply that follows it (matched by order: one request at a time). */
  async function request(payload: string | object, properties?: { correlationData: Buffer }): Promise<{ reply: Reply; before: Received[]; message: Received }> {
    const from = sub.messages.length;
    await sub.client.publishAsync(`${ROOT}/cmd/replay`, typeof payload === 'string' ? payload : JSON.stringify(payload), {
      qos: 1,
      ...(properties ? { properties } : {}),
    });
    const reply = await sub.waitFor((m) => sub.messages.indexOf(m) >= from && m.topic === `${ROOT}/reply/replay`, 10_000);
    const at = sub.messages.indexOf(reply);
    return { reply: reply.json as Reply, before: sub.messages.slice(from, at), message: reply };
  }

  const historical = (ms: Received[]) => ms.filter((m) => m.topic.includes('/records/') && (m.json as { historical?: boolean }).historical === true);

  it('republishes a range with historical: true before replying with the transaction', async () => {
    const { reply, before } = await request({ fromSeq: 5, toSeq: 9, transaction: 'tx-42' });
    expect(reply).toEqual({ transaction: 'tx-42', ok: true, fromSeq: 5, toSeq: 9, count: 5, lastSeq: 9, limit: 25, truncated: false });
    const got = historical(before);
    expect(got.map((m) => (m.json as SignedRecord).seq)).toEqual([5, 6, 7, 8, 9]);
    const original = outbox.get(5)!;
    expect(got[0]!.topic).toBe(`${ROOT}/records/${original.type}`);
    expect(got[0]!.json).toEqual({ ...original, historical: true });
    expect(got[0]!.retain).toBe(false);
  });

  it('caps a replay and says where to continue', async () => {
    const first = await request({ fromSeq: 1, transaction: 7 });
    expect(first.reply).toEqual({ transaction: 7, ok: true, fromSeq: 1, toSeq: 25, count: 25, lastSeq: 25, limit: 25, truncated: true, nextFromSeq: 26 });
    expect(historical(first.before)).toHaveLength(25);
    const rest = await request({ fromSeq: 26 });
    expect(rest.reply).toEqual({ ok: true, fromSeq: 26, toSeq: 40, count: 15, lastSeq: 40, limit: 25, truncated: false });
    const none = await request({ fromSeq: 100 });
    expect(none.reply).toMatchObject({ ok: true, count: 0, lastSeq: null, toSeq: null, truncated: false });
  });

  it.each([
    ['not JSON', '{fromSeq: 1', { ok: false, error: 'request is not JSON' }],
    ['fromSeq missing', { transaction: 'a' }, { ok: false, transaction: 'a', error: 'fromSeq: required' }],
    ['fromSeq negative', { fromSeq: -1, transaction: 'b' }, { ok: false, transaction: 'b' }],
    ['fromSeq not an integer', { fromSeq: '3' }, { ok: false }],
    ['toSeq below fromSeq', { fromSeq: 9, toSeq: 3, transaction: 'c' }, { ok: false, transaction: 'c', error: 'toSeq (3) is below fromSeq (9)' }],
    ['an array', [1, 2], { ok: false }],
  ])('answers a bad request (%s) with an error and keeps working', async (_why, payload, expected) => {
    const bad = await request(payload);
    expect(bad.reply).toMatchObject(expected);
    expect(typeof bad.reply.error).toBe('string');
    expect(historical(bad.before)).toEqual([]);
    const good = await request({ fromSeq: 40, transaction: 'after' });
    expect(good.reply).toMatchObject({ ok: true, count: 1, transaction: 'after' });
    expect(pub.stats().replay).toMatchObject({ refused: 1, completed: 1 });
  });

  it('echoes MQTT 5 correlation data on the reply', async () => {
    const { reply, message } = await request({ fromSeq: 40 }, { correlationData: Buffer.from('corr-1') });
    expect(reply.ok).toBe(true);
    expect(message.properties?.correlationData?.toString()).toBe('corr-1');
  });

  it('keeps live records flowing while it replays', async () => {
    outbox.fill(41, 60);
    const pending = request({ fromSeq: 1, toSeq: 25 });
    pub.notifyRecords();
    const { reply } = await pending;
    expect(reply).toMatchObject({ ok: true, count: 25 });
    await until(() => outbox.deliveredCount() === 60, 10_000, 'live records delivered');
  });
});
