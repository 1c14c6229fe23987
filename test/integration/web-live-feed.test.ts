// The live feed under a browser that stops reading (a sleeping laptop, a saturated link): the hub
// drops that client once its buffer passes the bound, never waits for it, and the other browsers keep
// getting every update. Real sockets, real SQLite; only the bounds are small so the test is quick.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardModel } from '../../gateway/http/board-model.js';
import { LiveHub } from '../../gateway/http/live-hub.js';
import { Store } from '../../gateway/store/index.js';
import { resolvePrograms } from '../../gateway/verify/index.js';
import { SseReader } from '../helpers/http-client.js';
import { tempDir } from '../helpers/process.js';
import { until } from '../helpers/until.js';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2026-03-02T08:00:00Z');

describe('live feed with a client that stops reading', () => {
  let dir: string;
  let store: Store;
  let hub: LiveHub;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    dir = tempDir('sl-live-');
    store = new Store({ dataDir: dir, site: 's', gateway: 'g', logger });
    store.start();
    const model = new BoardModel([{ id: 'AC-01', type: 'steam-sterilizer', program: 'steam-134-4' }], resolvePrograms([]), { maxPoints: 200_000 });
    hub = new LiveHub({ model, db: store.db, logger, site: 's', gateway: 'g', flushMs: 1, maxClientBytes: 256 * 1024, heartbeatMs: 60_000 });
    server = http.createServer((_req, res) => hub.addClient(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  });

  afterAll(async () => {
    hub?.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('drops the stalled client and keeps serving the reading one', async () => {
    const reader = await SseReader.open(url);
    await reader.waitFor((e) => e.event === 'snapshot');
    const stalled = net.connect(Number(new URL(url).port), '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', resolve));
    stalled.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    stalled.pause(); // reads nothing from now on
    await until(() => hub.clientCount === 2, 5000, 'two clients');

    // publishTelemetry is synchronous: the device session calling it can never wait on a socket
    let s = 0;
    for (let round = 0; round < 400 && hub.clientCount > 1; round++) {
      for (let i = 0; i < 2000; i++, s++)
        hub.publishTelemetry('AC-01', {
          ts: new Date(T0 + s * 1000).toISOString(),
          temp_c: 100 + (s % 30),
          pressure_kpa: 200,
          tsat_c: 120,
          phase: 'heating',
          cycleNo: 1,
        });
      await new Promise((r) => setTimeout(r, 3));
    }
    expect(hub.clientCount).toBe(1); // the stalled one was dropped
    expect(reader.closed).toBe(false);
    const last = s - 1;
    await reader.waitFor((e) => e.event === 'samples' && ((e.data as { points: number[][] }).points.at(-1)?.[0] ?? -1) === last, 10_000, 'the last sample');
    stalled.destroy();
    reader.close();
  }, 60_000);
});
