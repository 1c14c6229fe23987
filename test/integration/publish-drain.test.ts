import { once } from 'node:events';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MqttPublisher, PublisherContext } from '../../gateway/publish/mqtt-publisher.js';
import type { OutboxSource } from '../../gateway/publish/outbox-source.js';
import type { RecordType, SignedRecord } from '../../gateway/store/record.js';
import { Mosquitto, MqttCollector, MqttTap, type TapPacket } from '../helpers/mosquitto.js';
import { makeOutbox, OUTBOX_KINDS, type TestOutbox } from '../helpers/outboxes.js';
import { fakePublisher } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'test-site';
const GW = 'gw-drain';
const ROOT = `sterilink/v1/${SITE}/${GW}`;
const TYPES: RecordType[] = ['cycle', 'scan', 'release', 'alarm'];

/** An outbox under test, plus when each markDelivered happened, and failures of pending() on demand. */
class WatchedOutbox implements OutboxSource {
  readonly marked = new Map<number, number>();
  pendingFailures = 0;
  constructor(readonly box: TestOutbox) {}
  pending(afterSeq: number, limit: number): SignedRecord[] {
    if (this.pendingFailures > 0) {
      this.pendingFailures--;
      throw new Error('SQLITE_BUSY: database is locked');
    }
    return this.box.source.pending(afterSeq, limit);
  }
  markDelivered(seq: number): void {
    if (!this.marked.has(seq)) this.marked.set(seq, performance.now());
    this.box.source.markDelivered(seq);
  }
  range(fromSeq: number, toSeq: number, limit: number): SignedRecord[] {
    return this.box.source.range(fromSeq, toSeq, limit);
  }
  onDurable(listener: () => void): void {
    this.box.source.onDurable?.(listener);
  }
  fill(from: number, to: number): void {
    this.box.fill(from, to);
  }
}

const seqOf = (p: TapPacket): number => (JSON.parse(p.payload!.toString()) as SignedRecord).seq;
const isRecordPublish = (p: TapPacket) => p.dir === 'up' && p.name === 'publish' && p.topic!.startsWith(`${ROOT}/records/`);

/** For every markDelivered(seq): a PUBACK for a PUBLISH of that seq was forwarded to the client before. */
function markedWithoutPuback(tap: TapPacket[], marked: Map<number, number>): number[] {
  const ackAt = new Map<number, number>();
  const publishOf = new Map<string, number>(); // conn:packetId -> seq
  for (const p of tap) {
    if (isRecordPublish(p) && p.qos === 1) publishOf.set(`${p.conn}:${p.packetId}`, seqOf(p));
    if (p.dir === 'down' && p.name === 'puback') {
      const seq = publishOf.get(`${p.conn}:${p.packetId}`);
      if (seq !== undefined && !ackAt.has(seq)) ackAt.set(seq, p.at);
    }
  }
  return [...marked].filter(([seq, at]) => !(ackAt.has(seq) && ackAt.get(seq)! <= at)).map(([seq]) => seq);
}

describe.each(OUTBOX_KINDS)('outbox drain over the %s outbox (real Mosquitto)', (kind) => {
  let broker: Mosquitto;
  let tap: MqttTap;
  let collector: MqttCollector;
  let publisher: MqttPublisher | null = null;
  const logger = pino({ level: 'silent' });

  beforeEach(async () => {
    broker = await Mosquitto.start();
    tap = await MqttTap.start(broker.port);
    collector = await MqttCollector.connect(broker.url, `${ROOT}/#`);
  });

  const boxes: TestOutbox[] = [];
  const watched = () => {
    const box = makeOutbox(kind, { site: SITE, gateway: GW, type: (seq) => TYPES[seq % TYPES.length]! });
    boxes.push(box);
    return new WatchedOutbox(box);
  };

  afterEach(async () => {
    tap.release();
    await publisher?.stop();
    publisher = null;
    for (const b of boxes.splice(0)) b.close();
    await collector.close();
    await tap.close();
    await broker.dispose();
  });

  function makePublisher(outbox: OutboxSource, extra: Partial<PublisherContext> = {}): MqttPublisher {
    publisher = fakePublisher({ url: tap.url, site: SITE, gateway: GW, outbox, logger, reconnect: undefined, ...extra });
    return publisher;
  }

  it('publishes every record in seq order at QoS 1 and marks each delivered only after its PUBACK', async () => {
    const outbox = watched();
    outbox.fill(1, 600);
    const pub = makePublisher(outbox);
    await pub.start();
    await until(() => outbox.marked.size === 600 && collector.filter((m) => m.topic.includes('/records/')).length >= 600, 20_000, 'all delivered');

    const sent = tap.packets.filter(isRecordPublish);
    expect(sent.every((p) => p.qos === 1 && p.retain === false)).toBe(true);
    expect(sent.map(seqOf)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    expect(markedWithoutPuback(tap.packets, outbox.marked)).toEqual([]);

    const got = collector.filter((m) => m.topic.includes('/records/'));
    expect(got.map((m) => (m.json as SignedRecord).seq)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    const first = got[0]!;
    expect(first.topic).toBe(`${ROOT}/records/${TYPES[1]}`);
    expect(first.json).toEqual(outbox.box.get(1));
    expect(pub.stats()).toMatchObject({ delivered: 600, refused: 0 });

    // Records committed later are drained on notify.
    outbox.fill(601, 650);
    pub.notifyRecords();
    await until(() => outbox.marked.size === 650, 10_000, 'late records delivered');
    expect(outbox.box.undelivered()).toEqual([]);
  });

  it.each([
    { window: 5, expected: 5, why: 'our window' },
    { window: undefined, expected: 20, why: "the broker's Receive Maximum (Mosquitto: 20) under the default 64" },
  ])('keeps at most $expected QoS 1 publishes unacknowledged: $why', async ({ window, expected }) => {
    const outbox = watched();
    const pub = makePublisher(outbox, window === undefined ? {} : { window });
    const online = once(pub, 'online');
    await pub.start();
    const [info] = (await online) as [{ window: number }];
    expect(info.window).toBe(expected);
    await tap.waitFor((p) => p.dir === 'down' && p.name === 'puback'); // the status is acknowledged

    tap.hold(); // from now on PUBACKs wait in the tap
    outbox.fill(1, 200);
    pub.notifyRecords();
    await tap.waitFor(() => tap.packets.filter(isRecordPublish).length >= expected);
    // A telemetry message written after the drain's pump proves the pump has finished: nothing more came.
    pub.publishTelemetry('AC-01', { marker: 'pump-done' });
    await tap.waitFor((p) => p.dir === 'up' && p.topic === `${ROOT}/device/AC-01/telemetry`);
    expect(tap.packets.filter(isRecordPublish).length).toBe(expected);
    expect(pub.stats().inFlight).toBe(expected);
    expect(outbox.marked.size).toBe(0);

    tap.release();
    await until(() => outbox.marked.size === 200, 20_000, 'all delivered');
    let open = 0;
    let peak = 0;
    for (const p of tap.packets) {
      if (p.dir === 'up' && p.name === 'publish' && p.qos === 1) peak = Math.max(peak, ++open);
      if (p.dir === 'down' && p.name === 'puback') open--;
    }
    expect(peak).toBe(expected);
    expect(pub.stats().peakInFlight).toBe(expected);
    expect(markedWithoutPuback(tap.packets, outbox.marked)).toEqual([]);
  });

  it('pauses with backoff when the outbox fails, then drains everything', async () => {
    const outbox = watched();
    outbox.fill(1, 50);
    outbox.pendingFailures = 2;
    const pub = makePublisher(outbox);
    await pub.start();
    await until(() => outbox.marked.size === 50, 15_000, 'all delivered');
    expect(pub.stats().outboxFailures).toBe(2);
    expect(tap.packets.filter(isRecordPublish).map(seqOf)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });
});
