// Broker outages against a real Mosquitto: records in flight when the broker goes away are not marked
// delivered and arrive after the restart; retained device state and status come back on a broker that
// lost them; telemetry is dropped (and counted) while offline, never queued. The record tests run over
// every outbox: the in-memory reference and the store's SQLite record log (helpers/outboxes.ts).
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttPublisher, PublisherContext } from '../../gateway/publish/mqtt-publisher.js';
import type { OutboxSource } from '../../gateway/publish/outbox-source.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { Mosquitto, MqttCollector, MqttTap } from '../helpers/mosquitto.js';
import { makeOutbox, OUTBOX_KINDS, type OutboxKind, type TestOutbox } from '../helpers/outboxes.js';
import { fakePublisher } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'test-site';
const GW = 'gw-outage';
const ROOT = `sterilink/v1/${SITE}/${GW}`;

/** An outbox under test that also records every markDelivered call. */
class RecordingOutbox implements OutboxSource {
  readonly markCalls: number[] = [];
  constructor(readonly box: TestOutbox) {}
  pending(afterSeq: number, limit: number): SignedRecord[] {
    return this.box.source.pending(afterSeq, limit);
  }
  markDelivered(seq: number): void {
    this.markCalls.push(seq);
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
  deliveredCount(): number {
    return this.box.deliveredCount();
  }
  undelivered(): number[] {
    return this.box.undelivered();
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(persistence: boolean): Promise<Mosquitto> {
  // The subscriber's persistent session must hold everything published while it reconnects (default 1000).
  const b = await Mosquitto.start({ persistence, extraConfig: ['max_queued_messages 0'] });
  cleanups.push(() => b.dispose());
  return b;
}

async function collector(url: string, opts: { clientId?: string; clean?: boolean } = {}): Promise<MqttCollector> {
  const c = await MqttCollector.connect(url, `${ROOT}/#`, opts);
  cleanups.push(() => c.close());
  return c;
}

function publisher(url: string, outbox: OutboxSource, extra: Partial<PublisherContext> = {}): MqttPublisher {
  const p = fakePublisher({ url, site: SITE, gateway: GW, outbox, ...extra });
  cleanups.push(() => p.stop());
  return p;
}

function recording(kind: OutboxKind): RecordingOutbox {
  const box = makeOutbox(kind, {
    site: SITE,
    gateway: GW,
    type: (seq) => (seq % 3 === 0 ? 'cycle' : 'scan'),
    body: (seq) => ({ n: seq, pad: 'x'.repeat(200) }),
  });
  cleanups.push(async () => box.close());
  return new RecordingOutbox(box);
}

const recordIds = (c: MqttCollector) => new Set(c.filter((m) => m.topic.includes('/records/')).map((m) => (m.json as SignedRecord).id));

describe.each(OUTBOX_KINDS)('broker outages, records in the %s outbox (real Mosquitto)', (kind) => {
  it('does not mark records in flight at the outage as delivered, and delivers every record after the restart', async () => {
    const b = await broker(true);
    const tap = await MqttTap.start(b.port);
    cleanups.push(() => tap.close());
    const sub = await collector(b.url, { clientId: `sub-${randomUUID().slice(0, 8)}`, clean: false });
    const outbox = recording(kind);
    const pub = publisher(tap.url, outbox, { window: 10 });
    const events: string[] = [];
    for (const e of ['online', 'offline', 'reconnecting'] as const) pub.on(e, () => events.push(e));
    await pub.start();
    await once(pub, 'online');
    await tap.waitFor((p) => p.dir === 'down' && p.name === 'puback'); // status acknowledged

    // The broker receives a window of records but its PUBACKs never reach the publisher: then it stops.
    tap.hold();
    outbox.fill(1, 300);
    pub.notifyRecords();
    await until(() => tap.packets.filter((p) => p.dir === 'up' && p.name === 'publish' && p.topic!.includes('/records/')).length === 10);
    const offline = once(pub, 'offline');
    await b.stop();
    await offline;
    expect(outbox.markCalls).toEqual([]);
    tap.release();

    await b.start();
    await until(() => outbox.deliveredCount() === 300, 20_000, 'all 300 delivered');
    await until(() => recordIds(sub).size === 300, 20_000, 'all 300 received');
    expect(outbox.undelivered()).toEqual([]);
    expect(events).toEqual(expect.arrayContaining(['online', 'offline', 'reconnecting']));
    expect(events.filter((e) => e === 'online')).toHaveLength(2);
    expect(pub.stats().reconnects).toBe(1);
    // Delivery order per connection: the second connection starts again at seq 1.
    const secondConn = tap.packets.filter((p) => p.conn === 2 && p.dir === 'up' && p.name === 'publish' && p.topic!.includes('/records/'));
    const seqs = secondConn.map((p) => (JSON.parse(p.payload!.toString()) as SignedRecord).seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(seqs[0]).toBe(1);
  });

  it('delivers every record while records keep coming and the broker goes away twice', async () => {
    const b = await broker(true);
    const sub = await collector(b.url, { clientId: `sub-${randomUUID().slice(0, 8)}`, clean: false });
    const outbox = recording(kind);
    const pub = publisher(b.url, outbox);
    await pub.start();
    // Records are committed in bursts, as a busy store would, through both outages.
    let next = 1;
    const producer = setInterval(() => {
      if (next > 20_000) return clearInterval(producer);
      outbox.fill(next, next + 199);
      next += 200;
      pub.notifyRecords();
    }, 5);
    cleanups.push(async () => clearInterval(producer));
    for (const at of [3000, 12_000]) {
      await until(() => outbox.deliveredCount() >= at, 20_000, `${at} delivered`);
      const offline = once(pub, 'offline');
      await b.stop();
      await offline;
      await b.start();
    }
    await until(() => outbox.deliveredCount() === 20_000, 30_000, 'all delivered');
    await until(() => recordIds(sub).size === 20_000, 30_000, 'all 20 000 received');
    expect(outbox.undelivered()).toEqual([]);
    expect(pub.stats().reconnects).toBe(2);
  }, 60_000);
});

describe('broker outages, retained state and telemetry (real Mosquitto)', () => {
  it('republishes retained status and device state to a restarted broker that lost them', async () => {
    const b = await broker(false);
    const outbox = recording('memory');
    const pub = publisher(b.url, outbox);
    await pub.start();
    await once(pub, 'online');
    pub.setDeviceState('AC-01', { connected: true, phase: 'sterilizing', program: 'steam-134-4', cycleNo: 7, since: '2030-01-01T00:00:00.000Z' });
    pub.setDeviceState('AC-01', { connected: true, phase: 'exhaust', program: 'steam-134-4', cycleNo: 7, since: '2030-01-01T00:10:00.000Z' });
    const before = await collector(b.url);
    await before.waitFor((m) => m.topic === `${ROOT}/device/AC-01/state` && (m.json as { phase: string }).phase === 'exhaust');

    const online = once(pub, 'online');
    await b.restart();
    await online;
    // A fresh subscriber on the restarted broker sees what the publisher put back.
    await until(() => pub.stats().inFlight === 0, 5000);
    const after = await collector(b.url);
    const state = await after.waitFor((m) => m.topic === `${ROOT}/device/AC-01/state`);
    expect(state.retain).toBe(true);
    expect(state.json).toMatchObject({ phase: 'exhaust', cycleNo: 7 });
    const status = await after.waitFor((m) => m.topic === `${ROOT}/status`);
    expect(status.retain).toBe(true);
    expect(status.json).toMatchObject({ online: true, version: 'test', keyId: 'k' });
  });

  it('drops telemetry while offline (counted) and never sends it later', async () => {
    const b = await broker(false);
    const tap = await MqttTap.start(b.port);
    cleanups.push(() => tap.close());
    const pub = publisher(tap.url, recording('memory'));
    await pub.start();
    await once(pub, 'online');
    expect(pub.publishTelemetry('AC-01', { ts: 1, temp_c: 134.1, marker: 'live' })).toBe(true);
    await tap.waitFor((p) => p.dir === 'up' && p.payload?.toString().includes('"live"') === true);

    const offline = once(pub, 'offline');
    await b.stop();
    await offline;
    for (let i = 0; i < 10; i++) expect(pub.publishTelemetry('AC-01', { ts: 2 + i, marker: 'during-outage' })).toBe(false);
    expect(pub.stats()).toMatchObject({ telemetrySent: 1, telemetryDropped: 10 });

    const online = once(pub, 'online');
    await b.start();
    await online;
    pub.publishTelemetry('AC-01', { ts: 99, marker: 'after' });
    await tap.waitFor((p) => p.dir === 'up' && p.payload?.toString().includes('"after"') === true);
    const upTelemetry = tap.packets.filter((p) => p.dir === 'up' && p.topic === `${ROOT}/device/AC-01/telemetry`);
    expect(upTelemetry.map((p) => (JSON.parse(p.payload!.toString()) as { marker: string }).marker)).toEqual(['live', 'after']);
    expect(upTelemetry.every((p) => p.qos === 0 && !p.retain)).toBe(true);
  });
});
