// A crash between committing a cycle record and making its release decision: the next start decides.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { GatewayApp } from '../../gateway/app.js';
import { type SignedRecord, Store } from '../../gateway/store/index.js';
import { Mosquitto } from '../helpers/mosquitto.js';

describe('gateway start after a crash before the release decision', () => {
  let broker: Mosquitto | undefined;
  afterAll(async () => {
    await broker?.dispose();
  });

  it('decides the release of a cycle record that has none, once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-app-'));
    const logger = pino({ level: 'silent' });
    const store = new Store({ dataDir, site: 's', gateway: 'g', logger });
    store.start();
    const t0 = Date.now() - 3600_000;
    const cycle = store.records.append({
      type: 'cycle',
      device: 'AC-01',
      body: {
        cycleId: 'c-1',
        device: 'AC-01',
        program: 'steam-134-4',
        cycleNo: 7,
        verdict: 'fail',
        startedAt: new Date(t0).toISOString(),
        endedAt: new Date(t0 + 1_000_000).toISOString(),
        criteria: [{ id: 'saturated_steam', pass: false, measured: -3, limit: 2, unit: 'K', detail: 'air' }],
      },
    });
    store.close();

    broker = await Mosquitto.start();
    const config = configSchema.parse({
      site: 's',
      gateway: 'g',
      dataDir,
      mqtt: { url: broker.url },
      devices: [{ id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 1 }, program: 'steam-134-4' }],
    });
    for (let run = 0; run < 2; run++) {
      const app = new GatewayApp({ config, logger });
      await app.start();
      await app.stop();
    }

    const after = new Store({ dataDir, site: 's', gateway: 'g', logger });
    after.start();
    const releases = after.records.range(1, 1000, 1000).filter((r: SignedRecord) => r.type === 'release');
    after.close();
    expect(releases).toHaveLength(1); // decided on the first start, not again on the second
    expect(releases[0]?.body).toMatchObject({ cycleId: 'c-1', status: 'quarantined', reasonCode: 'cycle-failed' });
    expect(releases[0]?.seq).toBeGreaterThan(cycle.seq);
  }, 30_000);
});
