// deploy/mosquitto/room-bridge.conf as shipped (only its SITE lines changed: addresses, credentials,
// TLS): a room broker bridged to a "hospital" broker, two real Mosquittos. While the uplink is down the
// gateway keeps publishing to the room broker; when it is back, a consumer with a persistent session on
// the hospital side has every record, and a replay request from the hospital side gets its answer.

import fs from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { ROOT as REPO } from '../helpers/process.js';
import { missingSeqs, onlineFakePublisher, recordsBySeq } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'bridge-site';
const GW = 'gw-b';
const ROOT = `sterilink/v1/${SITE}/${GW}`;
/** Set by the Mosquitto test helper (listener, anonymous access, persistence in its temp folder). */
const HELPER_KEYS = new Set(['listener', 'allow_anonymous', 'persistence', 'persistence_location', 'autosave_interval']);
/** The lines the file marks SITE, besides the listener: replaced or dropped for a local test. */
const SITE_KEYS = new Set(['password_file', 'acl_file', 'remote_username', 'remote_password', 'bridge_cafile']);

function roomConfig(hospitalPort: number): string[] {
  const text = fs.readFileSync(path.join(REPO, 'deploy/mosquitto/room-bridge.conf'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const key = (l: string) => l.split(/\s+/)[0]!;
  expect(lines.filter((l) => key(l) === 'address')).toHaveLength(1);
  return lines.filter((l) => !HELPER_KEYS.has(key(l)) && !SITE_KEYS.has(key(l))).map((l) => (key(l) === 'address' ? `address 127.0.0.1:${hospitalPort}` : l));
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('room broker bridged to the hospital (deploy/mosquitto/room-bridge.conf)', () => {
  it('stores while the uplink is down and forwards every record when it is back; replay requests come in', async () => {
    const hospital = await Mosquitto.start({ persistence: true, extraConfig: ['max_queued_messages 0'] });
    cleanups.push(() => hospital.dispose());
    const bridgeUp = await MqttCollector.connect(hospital.url, '$SYS/broker/connection/+/state');
    cleanups.push(() => bridgeUp.close());
    const consumer = await MqttCollector.connect(hospital.url, 'sterilink/v1/+/+/records/#', { clientId: 'hospital-lis', clean: false });
    cleanups.push(() => consumer.close());
    const room = await Mosquitto.start({ persistence: true, extraConfig: roomConfig(hospital.port) });
    cleanups.push(() => room.dispose());
    await bridgeUp.waitFor((m) => m.payload.toString() === '1', 15_000);

    const { pub, outbox } = await onlineFakePublisher({ url: room.url, site: SITE, gateway: GW }, (stop) => cleanups.push(stop));
    outbox.fill(100);
    pub.notifyRecords();
    await until(() => recordsBySeq(consumer.messages).size === 100, 15_000, '100 records across the bridge');

    // Uplink down: the gateway does not notice; the room broker keeps the records for the hospital.
    await hospital.stop();
    outbox.fill(200);
    pub.notifyRecords();
    await until(() => outbox.deliveredCount() === 300, 15_000, 'the room broker took all 300');
    expect(recordsBySeq(consumer.messages).size).toBe(100);

    await hospital.start();
    await until(() => recordsBySeq(consumer.messages).size === 300, 30_000, 'all 300 on the hospital side');
    expect(missingSeqs(recordsBySeq(consumer.messages), 300)).toEqual([]);

    // The gateway's retained status went across too.
    const viewer = await MqttCollector.connect(hospital.url, `${ROOT}/status`);
    cleanups.push(() => viewer.close());
    expect((await viewer.waitFor(() => true)).json).toMatchObject({ online: true });

    // A replay request from the hospital side crosses in; the reply and the records cross out, once.
    const asker = await mqtt.connectAsync(hospital.url, { protocolVersion: 4, clientId: 'replay-asker' });
    cleanups.push(async () => void (await asker.endAsync(true)));
    await asker.subscribeAsync(`${ROOT}/reply/replay`, { qos: 1 });
    const replies: unknown[] = [];
    asker.on('message', (_t, p) => replies.push(JSON.parse(p.toString())));
    const before = consumer.messages.length;
    await asker.publishAsync(`${ROOT}/cmd/replay`, JSON.stringify({ fromSeq: 1, toSeq: 5, transaction: 'from-hospital' }), { qos: 1 });
    await until(() => replies.length === 1, 15_000, 'the replay reply');
    expect(replies[0]).toMatchObject({ ok: true, count: 5, transaction: 'from-hospital' });
    await until(() => consumer.messages.length === before + 5, 15_000, 'the 5 replayed records');
    expect(pub.stats().replay).toMatchObject({ requests: 1 });
  });
});
