// A retained `cmd/replay` (issue 10): the broker hands a retained message to every new subscription, so a
// request a consumer published with retain would run again at each gateway reconnect (up to 10 000 records
// each time). Against a real Mosquitto with persistence: the gateway never runs it, neither at its first
// connect nor after the broker restarts; it answers each delivery with an error naming the cause, and a
// live request (not retained) still runs.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MqttPublisher } from '../../gateway/publish/mqtt-publisher.js';
import { RETAINED_REQUEST_IGNORED } from '../../gateway/publish/replay-handler.js';
import { Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { makeOutbox, type TestOutbox } from '../helpers/outboxes.js';
import { until } from '../helpers/until.js';

const SITE = 'test-site';
const GW = 'gw-retained';
const ROOT = `sterilink/v1/${SITE}/${GW}`;

describe('a retained replay request (real Mosquitto)', () => {
  let broker: Mosquitto;
  let sub: MqttCollector;
  let pub: MqttPublisher | undefined;
  let outbox: TestOutbox;

  beforeEach(async () => {
    broker = await Mosquitto.start({ persistence: true });
    // a persistent session: replies published while the broker restarts and this client reconnects are queued for it
    sub = await MqttCollector.connect(broker.url, `${ROOT}/#`, { clean: false });
    outbox = makeOutbox('sqlite', { site: SITE, gateway: GW, type: () => 'cycle' });
    outbox.fill(1, 30);
  });

  afterEach(async () => {
    await pub?.stop();
    await sub.close();
    await broker.dispose();
    outbox.close();
  });

  const replies = () => sub.filter((m) => m.topic === `${ROOT}/reply/replay`);
  const historical = () => sub.filter((m) => m.topic.includes('/records/') && (m.json as { historical?: boolean }).historical === true);

  it('is never run, at the first connect or after a reconnect, and each delivery is answered as ignored', async () => {
    // a consumer's mistake: the request is published with retain before the gateway is there
    await sub.client.publishAsync(`${ROOT}/cmd/replay`, JSON.stringify({ fromSeq: 1, transaction: 'oops' }), { qos: 1, retain: true });
    pub = new MqttPublisher({
      url: broker.url,
      clientId: `pub-${randomUUID().slice(0, 8)}`,
      protocolVersion: 5,
      site: SITE,
      gateway: GW,
      logger: pino({ level: 'silent' }),
      outbox: outbox.source,
      status: () => ({ version: 'test' }),
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    await pub.start();
    await until(() => outbox.deliveredCount() === 30, 10_000, 'live drain');
    await sub.waitFor(() => replies().length >= 1, 10_000);
    expect(replies()[0]?.json).toEqual({ ok: false, transaction: 'oops', error: RETAINED_REQUEST_IGNORED });

    // the broker restarts (it keeps the retained request): the gateway resubscribes and gets it again
    await broker.restart();
    await until(() => pub?.stats().replay.retained === 2, 20_000, 'the retained request delivered again after the reconnect');
    await sub.waitFor(() => replies().length >= 2, 20_000);
    expect(replies()[1]?.json).toEqual({ ok: false, transaction: 'oops', error: RETAINED_REQUEST_IGNORED });
    expect(pub.stats().replay).toMatchObject({ requests: 2, refused: 2, retained: 2, completed: 0 });

    // a live request still runs, and clearing the retained one (an empty retained message) asks nothing
    await sub.client.publishAsync(`${ROOT}/cmd/replay`, '', { qos: 1, retain: true });
    await sub.client.publishAsync(`${ROOT}/cmd/replay`, JSON.stringify({ fromSeq: 29, transaction: 'live' }), { qos: 1 });
    const live = await sub.waitFor((m) => m.topic === `${ROOT}/reply/replay` && (m.json as { transaction?: string }).transaction === 'live', 10_000);
    expect(live.json).toMatchObject({ ok: true, transaction: 'live', count: 2 });
    // every answer to the retained request (the session may deliver one twice) says it was ignored
    for (const r of replies().filter((m) => (m.json as { transaction?: string }).transaction === 'oops')) {
      expect(r.json).toEqual({ ok: false, transaction: 'oops', error: RETAINED_REQUEST_IGNORED });
    }
    expect(historical().map((m) => (m.json as { seq: number }).seq)).toEqual([29, 30]); // nothing from the retained request
    expect(pub.stats().replay).toMatchObject({ requests: 3, retained: 2, completed: 1 });
  }, 60_000);
});
