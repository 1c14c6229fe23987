// A finished cycle whose record cannot be committed (the database refuses writes for a while) is not
// lost: the session retries it and the record appears once writes work again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { DeviceSession } from '../../gateway/device/device-session.js';
import { Store } from '../../gateway/store/index.js';
import { psatKpa } from '../../gateway/verify/steam-table.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import { until } from '../helpers/until.js';

describe('device session: a cycle record that cannot be committed', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-retry-'));
  const store = new Store({ dataDir, site: 's', gateway: 'g', logger: pino({ level: 'silent' }) });
  afterAll(() => store.close());

  it('is retried until the store accepts it', async () => {
    store.start();
    const device = configSchema.parse({
      site: 's',
      gateway: 'g',
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      devices: [
        { id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 1 }, program: 'steam-134-4', clockDriftAlarmS: 0 },
      ],
    }).devices[0]!;
    let emit: (e: DeviceEvent) => void = () => undefined;
    const session = new DeviceSession({
      device,
      store,
      logger: pino({ level: 'silent' }),
      now: Date.now,
      output: { publishTelemetry: () => undefined, setDeviceState: () => undefined, notifyRecords: () => undefined },
      driver: (onEvent) => {
        emit = onEvent;
        return { start: async () => undefined, stop: async () => undefined };
      },
    });
    await session.start();
    const t0 = Date.now();
    const d = 'AC-01';
    emit({ kind: 'cycle-start', deviceId: d, ts: t0, programNo: 1, cycleNo: 1 });
    for (let t = 0; t < 400; t++) {
      const phase = t < 60 ? 'heating' : t < 330 ? 'sterilizing' : 'exhaust';
      const temp = t < 60 ? 100 + t * 0.5 : t < 330 ? 134.6 : 120;
      emit({ kind: 'sample', deviceId: d, ts: t0 + t * 1000, temp_c: temp, pressure_kpa: psatKpa(temp), phase });
    }
    store.db.pragma('query_only = ON'); // the database refuses every write from here on
    emit({ kind: 'cycle-end', deviceId: d, ts: t0 + 400_000, status: 'ok' });
    store.db.pragma('query_only = OFF');
    expect(store.records.count()).toBe(0);
    await until(() => store.records.count() === 1, 10_000, 'the cycle record after the retry');
    const rec = store.records.get(1)!;
    expect(rec.type).toBe('cycle');
    expect((rec.body as { verdict: string; cycleNo: number }).cycleNo).toBe(1);
    expect(store.loadOpenCycle(d)).toBeNull();
    await session.stop();
  });
});
