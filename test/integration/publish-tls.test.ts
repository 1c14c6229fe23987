import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../gateway/publish/memory-outbox.js';
import type { MqttPublisher, PublisherContext } from '../../gateway/publish/mqtt-publisher.js';
import { freePort, Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { CLIENT_EXT, makePki, SERVER_EXT, tlsListener } from '../helpers/pki.js';
import { fakePublisher, fakeRecord } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'test-site';
const GW = 'gw-tls';
const ROOT = `sterilink/v1/${SITE}/${GW}`;

let dir: string;
let broker: Mosquitto;
let tlsPort: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sterilink-pki-'));
  // A CA with a server and a client certificate, and another CA the broker's certificate is not from.
  makePki(dir, {
    key: 'ec',
    cas: ['ca', 'other-ca'],
    leaves: [
      { name: 'server', cn: 'localhost', ca: 'ca', ext: SERVER_EXT },
      { name: 'client', cn: GW, ca: 'ca', ext: CLIENT_EXT },
    ],
  });
  tlsPort = await freePort();
  broker = await Mosquitto.start({ extraConfig: tlsListener(tlsPort, dir) });
});

afterAll(async () => {
  await broker?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function publisher(tls: PublisherContext['tls'], extra: Partial<PublisherContext> = {}): { pub: MqttPublisher; outbox: MemoryOutbox } {
  const outbox = new MemoryOutbox();
  outbox.add(fakeRecord(1, { site: SITE, gateway: GW, type: 'cycle' }));
  const url = `mqtts://localhost:${tlsPort}`;
  const pub = fakePublisher({ url, site: SITE, gateway: GW, outbox, tls, reconnect: { initialMs: 50, maxMs: 200 }, ...extra });
  return { pub, outbox };
}

describe('mutual TLS (real Mosquitto)', () => {
  it('connects with CA, client certificate and key read from files, and delivers', async () => {
    const sub = await MqttCollector.connect(broker.url, `${ROOT}/#`);
    const { pub, outbox } = publisher({ ca: `${dir}/ca.pem`, cert: `${dir}/client.pem`, key: `${dir}/client.key` });
    try {
      await pub.start();
      await until(() => outbox.isDelivered(1), 10_000, 'record delivered over TLS');
      await sub.waitFor((m) => m.topic === `${ROOT}/records/cycle`);
    } finally {
      await pub.stop();
      await sub.close();
    }
  });

  it('does not connect to a broker whose certificate it cannot verify, and keeps retrying', async () => {
    const { pub, outbox } = publisher({ ca: `${dir}/other-ca.pem`, cert: `${dir}/client.pem`, key: `${dir}/client.key` });
    let retries = 0;
    pub.on('reconnecting', () => retries++);
    try {
      await pub.start();
      await until(() => retries >= 3, 10_000, '3 retries');
      expect(pub.online).toBe(false);
      expect(outbox.isDelivered(1)).toBe(false);
    } finally {
      await pub.stop();
    }
  });

  it('connects without verifying the broker only when allowInsecure', async () => {
    const { pub, outbox } = publisher({ cert: `${dir}/client.pem`, key: `${dir}/client.key` }, { allowInsecure: true });
    try {
      const online = once(pub, 'online');
      await pub.start();
      await online;
      await until(() => outbox.isDelivered(1), 10_000, 'record delivered');
    } finally {
      await pub.stop();
    }
  });
});
