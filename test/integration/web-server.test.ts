// The web page's server on a real SQLite store: security headers, the Host check, authentication
// beyond loopback, the history's pages, the item and load search, a cycle record and its report, the
// release queue, and the live feed (snapshot, samples, verdicts from new records).
import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type GatewayConfig } from '../../config/schema.js';
import { startWebServer, type WebHandle } from '../../gateway/http/index.js';
import { hashSecret } from '../../gateway/http/secret-hash.js';
import { type SignedRecord, Store } from '../../gateway/store/index.js';
import { resolvePrograms } from '../../gateway/verify/index.js';
import { goldenCycleBody, releaseBody } from '../helpers/cycle-records.js';
import { get, SseReader } from '../helpers/http-client.js';
import { tempDir } from '../helpers/process.js';

const logger = pino({ level: 'silent' });
const T0 = Date.parse('2026-03-02T06:00:00Z');
const CYCLES = 120;
const GS = '\u001d';

function config(http: Omit<NonNullable<GatewayConfig['http']>, 'page' | 'readyMaxOutboxAgeS'>): GatewayConfig {
  return configSchema.parse({
    site: 'st-marien',
    gateway: 'gw1',
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    http,
    ui: { locale: 'en' },
    release: { timeZone: 'Europe/Berlin' },
    devices: [
      { id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 1 }, program: 'steam-134-4' },
      { id: 'AC-02', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 2 }, program: 'steam-134-4' },
    ],
  });
}

describe('web server on a real store', () => {
  let dir: string;
  let store: Store;
  let web: WebHandle;
  let secured: WebHandle;
  let failed: SignedRecord;
  let trayCycle: SignedRecord;
  const base = () => web.url.replace(/\/$/, '');
  const start = (cfg: GatewayConfig, token?: string) =>
    startWebServer({ config: cfg, httpToken: token, store, programs: resolvePrograms([]), logger, now: () => T0 + 200 * 3600_000, version: '0.1.0' });

  beforeAll(async () => {
    dir = tempDir('sl-web-');
    store = new Store({ dataDir: dir, site: 'st-marien', gateway: 'gw1', logger, now: () => T0 });
    store.start();
    // one cycle an hour, alternately on AC-01 and AC-02; every tenth fails; cycle 60 carries two trays
    for (let i = 0; i < CYCLES; i++) {
      const fail = i % 10 === 9;
      const cycleId = `cyc-${i}`;
      const items =
        i === 60
          ? [
              { raw: `]d20104000000000174${GS}21SET-1`, gtin: '04000000000174', serial: 'SET-1' },
              { raw: 'TRAY-0042', code: 'TRAY-0042', kind: 'internal' },
            ]
          : undefined;
      const rec = store.append({
        type: 'cycle',
        device: i % 2 ? 'AC-02' : 'AC-01',
        body: goldenCycleBody({
          file: fail ? 'steam-134-4-air.csv' : 'steam-134-4-pass.csv',
          programId: 'steam-134-4',
          cycleNo: 1000 + i,
          cycleId,
          startedAt: T0 + i * 3600_000,
          device: i % 2 ? 'AC-02' : 'AC-01',
          ...(items ? { items, loadId: 'LOAD-60' } : {}),
        }),
      });
      store.append({
        type: 'release',
        device: rec.device!,
        body: releaseBody({
          loadId: `L-${i}`,
          cycleId,
          cycleNo: 1000 + i,
          device: rec.device!,
          status: fail ? 'quarantined' : i === CYCLES - 2 ? 'awaiting-bi' : 'released',
          reasonCode: fail ? 'cycle-failed' : i === CYCLES - 2 ? 'bi-required' : 'checks-passed',
          reason: fail ? 'cycle verification failed: saturated_steam' : 'ok',
          at: new Date(T0 + i * 3600_000 + 1800_000).toISOString(),
        }),
      });
      if (fail) failed = rec;
      if (i === 60) trayCycle = rec;
    }
    web = await start(config({ listen: '127.0.0.1:0' }));
    secured = await start(
      config({ listen: '0.0.0.0:0', auth: { users: [{ name: 'nurse', password: await hashSecret('s3cret-pass', { N: 1024, r: 8, p: 1 }) }] } }),
      'tok-0123456789abcdef',
    );
  }, 60_000);

  afterAll(async () => {
    await web?.stop();
    await secured?.stop();
    store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends the security headers on every answer and no CORS header at all', async () => {
    for (const path of ['/', '/history', '/queue', '/assets/app.css', '/nope', '/api/board']) {
      const r = await get(`${base()}${path}`, { Origin: 'https://evil.example' });
      expect(r.headers['content-security-policy'], path).toMatch(/script-src 'self'.*frame-ancestors 'none'/);
      expect(r.headers['content-security-policy'], path).not.toContain('unsafe-inline');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    const page = await get(`${base()}/`);
    expect(page.body).not.toMatch(/<script(?![^>]*(src="\/assets\/|type="application\/json"))/); // no inline script
    expect((await get(`${base()}/`, {}, 'POST')).status).toBe(405);
  });

  it('answers only to its loopback name (no DNS rebinding)', async () => {
    const port = new URL(web.url).port;
    expect((await get(`${base()}/`, { Host: `evil.example:${port}` })).status).toBe(421);
    expect((await get(`${base()}/`, { Host: `localhost:${port}` })).status).toBe(200);
    expect((await get(`${base()}/`, { Host: `127.0.0.1:1` })).status).toBe(421);
  });

  it('beyond loopback, asks for a token or a user and accepts them', async () => {
    const url = `http://127.0.0.1:${new URL(secured.url).port}`;
    const none = await get(`${url}/history`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="SteriLink", charset="UTF-8"');
    expect((await get(`${url}/history`, { Authorization: 'Bearer wrong-token-000000' })).status).toBe(401);
    expect((await get(`${url}/history`, { Authorization: 'Bearer tok-0123456789abcdef' })).status).toBe(200);
    expect((await get(`${url}/api/board`, { Authorization: `Basic ${Buffer.from('nurse:s3cret-pass').toString('base64')}` })).status).toBe(200);
    expect((await get(`${url}/`, { Host: 'gateway.example:1', Authorization: 'Bearer tok-0123456789abcdef' })).status).toBe(200); // any name: auth protects it
  });

  it('pages the history newest first without gaps or repeats, and filters it', async () => {
    const seen: number[] = [];
    let next = '/api/cycles?limit=50';
    for (let page = 0; page < 5 && next; page++) {
      const body = JSON.parse((await get(`${base()}${next}`)).body) as {
        rows: { seq: number; startedAt: string }[];
        older: { startedAt: string; seq: number } | null;
      };
      seen.push(...body.rows.map((r) => r.seq));
      next = body.older ? `/api/cycles?limit=50&before=${encodeURIComponent(`${body.older.startedAt}~${body.older.seq}`)}` : '';
    }
    expect(seen).toHaveLength(CYCLES);
    expect(new Set(seen).size).toBe(CYCLES);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    const fails = JSON.parse((await get(`${base()}/api/cycles?verdict=fail&device=AC-02`)).body) as {
      rows: { verdict: string; device: string; failed: string[] }[];
    };
    expect(fails.rows).toHaveLength(CYCLES / 10);
    expect(fails.rows.every((r) => r.verdict === 'fail' && r.device === 'AC-02' && r.failed.includes('saturated_steam'))).toBe(true);
    // one local day in Berlin: 2026-03-02 00:00 CET = 2026-03-01 23:00 UTC; cycles start hourly from 06:00 UTC
    const day = JSON.parse((await get(`${base()}/api/cycles?from=2026-03-02&to=2026-03-02&limit=200`)).body) as { rows: unknown[] };
    expect(day.rows).toHaveLength(17); // 06:00..22:00 UTC
    expect((await get(`${base()}/api/cycles?verdict=maybe`)).status).toBe(400);
    const html = (await get(`${base()}/history?device=AC-01`)).body;
    expect(html.match(/<tr class="[^"]*" data-seq=/g)).toHaveLength(50);
    expect(html).toContain('rel="next"');
  });

  it('finds the cycle that sterilized a scanned tray, however the code reaches the search box', async () => {
    for (const q of [`]d20104000000000174${GS}21SET-1`, '(01)04000000000174(21)SET-1', '010400000000017421SET-1', 'TRAY-0042', 'LOAD-60', 'cyc-60']) {
      const html = (await get(`${base()}/history?q=${encodeURIComponent(q)}`)).body;
      expect(html, q).toContain(`data-seq="${trayCycle.seq}"`);
      expect(html.match(/data-seq=/g), q).toHaveLength(1);
    }
    const none = (await get(`${base()}/history?q=${encodeURIComponent('(01)04000000000174(21)SET-9')}`)).body;
    expect(none).toContain('data-found="0"');
    expect(none).toContain('No cycle record contains');
  });

  it('shows a failed cycle record with its criterion in words and its verified integrity, and prints it', async () => {
    const page = await get(`${base()}/cycles/${failed.id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-criterion="saturated_steam"');
    expect(page.body).toContain('Saturated steam (T − T_sat)');
    expect(page.body).toMatch(/Hash matches the content<\/dt><dd><span class="badge ok">yes/);
    expect(page.body).toMatch(/Signature valid<\/dt><dd><span class="badge ok">yes/);
    expect(page.body).toMatch(/Chained to its neighbours<\/dt><dd><span class="badge ok">yes/);
    expect(page.body).toContain('quarantined');
    expect((await get(`${base()}/cycles/${encodeURIComponent(String(failed.body.cycleId))}`)).status).toBe(200);
    expect((await get(`${base()}/cycles/${failed.seq}`)).status).toBe(200);
    expect((await get(`${base()}/cycles/no-such-cycle`)).status).toBe(404);
    const report = await get(`${base()}/cycles/${failed.id}/report?download=1`);
    expect(report.status).toBe(200);
    expect(report.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(report.headers['content-disposition']).toMatch(/^attachment; filename="sterilink-AC-02-2026-03-\d\d-\d+\.html"$/);
    expect(report.body).not.toMatch(/<script/i);
  });

  it('queues the held and the quarantined loads', async () => {
    const html = (await get(`${base()}/queue`)).body;
    expect(html.match(/data-status="awaiting-bi"/g)).toHaveLength(1);
    expect(html.match(/data-status="quarantined"/g)?.length).toBeGreaterThan(0);
    expect(html).toContain('cycle verification failed: saturated_steam');
    expect(html).toContain('data-device="AC-01"');
  });

  it('streams the board: a snapshot first, then samples of a running cycle and the verdict of a new record', async () => {
    const feed = await SseReader.open(`${base()}/api/live`);
    try {
      const snap = (await feed.waitFor((e) => e.event === 'snapshot')).data as { tiles: { id: string; last: { seq: number } | null }[] };
      expect(snap.tiles.map((t) => t.id)).toEqual(['AC-01', 'AC-02']);
      expect(snap.tiles[1]!.last?.seq).toBe(failed.seq);
      web.hub.setDeviceState('AC-01', { connected: true, phase: 'heating', program: 'steam-134-4', cycleNo: 2000, since: new Date(T0).toISOString() });
      for (let s = 0; s < 5; s++)
        web.hub.publishTelemetry('AC-01', {
          ts: new Date(T0 + s * 1000).toISOString(),
          temp_c: 120 + s,
          pressure_kpa: 200,
          tsat_c: 120.2,
          phase: 'heating',
          cycleNo: 2000,
        });
      const samples = await feed.waitFor((e) => e.event === 'samples', 5000, 'samples event');
      const ev = samples.data as { tile: { id: string; running: boolean }; points: number[][] };
      expect(ev.tile).toMatchObject({ id: 'AC-01', running: true });
      expect(ev.points.map((p) => p[1])).toEqual([120, 121, 122, 123, 124]);
      const rec = store.append({
        type: 'cycle',
        device: 'AC-01',
        body: goldenCycleBody({ file: 'steam-134-4-short-hold.csv', programId: 'steam-134-4', cycleNo: 2000, startedAt: T0 + 500 * 3600_000 }),
      });
      web.hub.notifyRecords();
      const verdict = await feed.waitFor(
        (e) => e.event === 'tile' && (e.data as { last?: { seq: number } }).last?.seq === rec.seq,
        5000,
        'tile with the new verdict',
      );
      expect((verdict.data as { last: { verdict: string; failed: string[] } }).last).toMatchObject({ verdict: 'fail', failed: ['hold_time'] });
    } finally {
      feed.close();
    }
  });

  it("serves the page's assets from the package, uPlot included", async () => {
    const js = await get(`${base()}/assets/board.js`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain("from './tile-view.js'");
    const uplot = await get(`${base()}/assets/vendor/uPlot.esm.js`);
    expect(uplot.body).toContain('export { uPlot as default }');
    expect((await get(`${base()}/assets/board.js`, { 'If-None-Match': String(js.headers.etag) })).status).toBe(304);
    expect((await get(`${base()}/assets/../package.json`)).status).toBe(404);
    expect((await get(`${base()}/assets/%2e%2e%2fpackage.json`)).status).toBe(404);
  });
});
