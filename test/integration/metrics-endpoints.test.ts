// The metrics and health endpoints in-process, on a real SQLite store: the listener without the page
// (`http.page: false`) beyond loopback, where /metrics wants the bearer token (as the page would) and
// /healthz and /readyz answer without it; GatewayMetrics fed through a device observer and the cycle
// callback; the last passed Bowie–Dick test seeded from the store at start; /readyz 503 once a record
// has waited longer than the bound (a fake clock, no broker: nothing is ever delivered here).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type GatewayConfig } from '../../config/schema.js';
import type { CycleSummary } from '../../gateway/device/device-session.js';
import { type EndpointHandle, startEndpointServer } from '../../gateway/http/index.js';
import { HealthMonitor } from '../../gateway/metrics/health-monitor.js';
import { addHealthRoutes, addMetricsRoute, GatewayMetrics } from '../../gateway/metrics/index.js';
import { Store } from '../../gateway/store/index.js';
import { resolvePrograms } from '../../gateway/verify/index.js';
import { goldenCycleBody } from '../helpers/cycle-records.js';
import { get } from '../helpers/http-client.js';
import { tempDir } from '../helpers/process.js';
import { parseExposition, sampleValue } from '../helpers/prom-text.js';

const logger = pino({ level: 'silent' });
const TOKEN = 'tok-0123456789abcdef';
const T0 = Date.parse('2026-03-02T06:00:00Z');
const BD_END = '2026-03-02T05:40:00.000Z';

function config(dataDir: string): GatewayConfig {
  return configSchema.parse({
    site: 'st-marien',
    gateway: 'gw1',
    dataDir,
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    http: { listen: '0.0.0.0:0', page: false, readyMaxOutboxAgeS: 60 },
    release: { timeZone: 'Asia/Shanghai' },
    devices: [
      { id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', tcp: { host: '127.0.0.1', port: 1 }, program: 'steam-134-4' },
      { id: 'AC-02', type: 'steam-sterilizer', driver: 'modbus', modbus: { mode: 'tcp', host: '127.0.0.1', port: 2 }, program: 'steam-134-4' },
      { id: 'SC-01', type: 'scanner', driver: 'scanner-line', tcp: { host: '127.0.0.1', port: 3 } },
    ],
  });
}

describe('/metrics, /healthz and /readyz without the page', () => {
  let store: Store;
  let metrics: GatewayMetrics;
  let server: EndpointHandle;
  let clock = T0;
  let base: string;
  const stats = { online: true, sent: 7, delivered: 6, refused: 0, reconnects: 2, telemetryDropped: 0 };

  const scrape = async () => {
    const r = await get(`${base}/metrics`, { Authorization: `Bearer ${TOKEN}` });
    expect(r.status).toBe(200);
    return parseExposition(r.body);
  };

  beforeAll(async () => {
    const dir = tempDir('sl-metrics-');
    const cfg = config(dir);
    store = new Store({ dataDir: dir, site: 'st-marien', gateway: 'gw1', logger, now: () => clock });
    store.start();
    // a passed Bowie–Dick test of AC-01 from before this start
    store.append({
      type: 'cycle',
      device: 'AC-01',
      body: {
        ...goldenCycleBody({ file: 'steam-134-4-pass.csv', programId: 'steam-134-4', device: 'AC-01' }),
        program: 'bowie-dick-134',
        verdict: 'pass',
        endedAt: BD_END,
      },
    });
    const health = new HealthMonitor({ store, dataDir: dir, maxOutboxAgeS: 60, now: () => clock, phase: () => 'running', logger });
    const programs = resolvePrograms([]);
    metrics = new GatewayMetrics({
      config: cfg,
      store,
      publisher: { stats: () => stats },
      health,
      programs,
      version: '0.1.0',
      startedAt: T0,
      now: () => clock,
      logger,
    });
    await metrics.measureStore();
    server = await startEndpointServer({
      config: cfg,
      httpToken: TOKEN,
      logger,
      now: () => clock,
      addRoutes: (routes) => {
        addMetricsRoute(routes, metrics);
        addHealthRoutes(routes, health);
      },
    });
    base = server.url.replace(/\/$/, '');
  });

  afterAll(async () => {
    await server?.stop();
    metrics?.stop();
    store?.close();
  });

  it('serves no page; /metrics wants the token, /healthz and /readyz do not', async () => {
    expect((await get(`${base}/`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    expect((await get(`${base}/api/board`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(404);
    const anonymous = await get(`${base}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await get(`${base}/metrics`, { Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const healthz = await get(`${base}/healthz`);
    expect(healthz.status).toBe(200);
    expect(healthz.headers['content-type']).toMatch(/^application\/json/);
    expect(healthz.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(healthz.body)).toMatchObject({ status: 'alive', phase: 'running' });
    expect((await get(`${base}/readyz`)).status).toBe(200);
    expect((await get(`${base}/metrics`, { Authorization: `Bearer ${TOKEN}` }, 'POST')).status).toBe(405);
  });

  it('starts every device at zero, seeds the last Bowie–Dick pass from the store, and reads the publisher and the site zone', async () => {
    const exp = await scrape();
    expect(sampleValue(exp, 'sterilink_device_link_up', { device: 'AC-02', type: 'steam-sterilizer', driver: 'modbus' })).toBe(0);
    expect(sampleValue(exp, 'sterilink_device_samples_total', { device: 'SC-01' })).toBe(0);
    expect(sampleValue(exp, 'sterilink_device_scans_total', { device: 'SC-01' })).toBe(0);
    expect(sampleValue(exp, 'sterilink_modbus_poll_duration_seconds_count', { device: 'AC-02' })).toBe(0);
    expect(() => sampleValue(exp, 'sterilink_modbus_poll_duration_seconds_count', { device: 'AC-01' })).toThrow(); // not a Modbus device
    expect(sampleValue(exp, 'sterilink_cycles_total', { device: 'AC-02', verdict: 'fail' })).toBe(0);
    expect(() => sampleValue(exp, 'sterilink_cycles_total', { device: 'SC-01', verdict: 'pass' })).toThrow(); // a scanner makes no cycles
    expect(sampleValue(exp, 'sterilink_bowie_dick_last_pass_timestamp_seconds', { device: 'AC-01' })).toBe(Date.parse(BD_END) / 1000);
    expect(sampleValue(exp, 'sterilink_bowie_dick_last_pass_timestamp_seconds', { device: 'AC-02' })).toBe(0);
    expect(sampleValue(exp, 'sterilink_records_published_total')).toBe(7);
    expect(sampleValue(exp, 'sterilink_records_acknowledged_total')).toBe(6);
    expect(sampleValue(exp, 'sterilink_mqtt_reconnects_total')).toBe(2);
    expect(sampleValue(exp, 'sterilink_mqtt_connected')).toBe(1);
    expect(sampleValue(exp, 'sterilink_site_utc_offset_seconds')).toBe(8 * 3600);
    expect(sampleValue(exp, 'sterilink_build_info', { site: 'st-marien', gateway: 'gw1', version: '0.1.0' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_outbox_records')).toBe(1);
    expect(sampleValue(exp, 'sterilink_store_table_bytes', { table: 'records' })).toBeGreaterThan(0);
    expect(sampleValue(exp, 'sterilink_store_table_bytes', { table: 'cycle_index' })).toBeGreaterThan(0);
    expect(sampleValue(exp, 'sterilink_store_file_bytes', { file: 'wal' })).toBeGreaterThan(0);
  });

  it('counts what a device observer sees and what the cycle callback tells', async () => {
    const ac2 = metrics.observerFor('AC-02');
    ac2.event({ kind: 'link', deviceId: 'AC-02', ts: clock, connected: true });
    for (let i = 0; i < 3; i++) ac2.event({ kind: 'sample', deviceId: 'AC-02', ts: clock + i, temp_c: 134 });
    ac2.event({ kind: 'parse-error', deviceId: 'AC-02', ts: clock, raw: 'phase register 99', reason: 'phase code not in the register map' });
    ac2.poll?.({ ok: true, seconds: 0.004 });
    ac2.poll?.({ ok: true, seconds: 0.3 });
    ac2.poll?.({ ok: false, seconds: 1, reason: 'timeout' });
    const sc = metrics.observerFor('SC-01');
    sc.event({
      kind: 'scan',
      deviceId: 'SC-01',
      ts: clock,
      raw: 'TRAY-1',
      parsed: { kind: 'internal', valid: true, raw: 'TRAY-1', fields: {}, errors: [] } as never,
    });
    const bdEnd = '2026-03-02T06:30:00.000Z';
    const bd = store.append({ type: 'cycle', device: 'AC-02', body: { program: 'bowie-dick-134', verdict: 'pass', endedAt: bdEnd } });
    const summary = (program: string, verdict: string): CycleSummary => ({ deviceId: 'AC-02', record: bd, program, cycleNo: 1, verdict, failed: [] });
    metrics.cycle(summary('bowie-dick-134', 'pass'));
    metrics.cycle(summary('steam-134-4', 'fail'));

    const exp = await scrape();
    expect(sampleValue(exp, 'sterilink_device_link_up', { device: 'AC-02' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_device_samples_total', { device: 'AC-02' })).toBe(3);
    expect(sampleValue(exp, 'sterilink_device_parse_errors_total', { device: 'AC-02', reason: 'phase code not in the register map' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_modbus_poll_duration_seconds_count', { device: 'AC-02' })).toBe(2);
    expect(sampleValue(exp, 'sterilink_modbus_poll_duration_seconds_bucket', { device: 'AC-02', le: '0.005' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_modbus_poll_duration_seconds_bucket', { device: 'AC-02', le: '0.5' })).toBe(2);
    expect(sampleValue(exp, 'sterilink_modbus_polls_failed_total', { device: 'AC-02', reason: 'timeout' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_device_scans_total', { device: 'SC-01' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_cycles_total', { device: 'AC-02', verdict: 'pass' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_cycles_total', { device: 'AC-02', verdict: 'fail' })).toBe(1);
    expect(sampleValue(exp, 'sterilink_bowie_dick_last_pass_timestamp_seconds', { device: 'AC-02' })).toBe(Date.parse(bdEnd) / 1000); // a failed load did not move it
  });

  it('/readyz says 503 with the outbox reason once the oldest undelivered record is older than the bound', async () => {
    clock = T0 + 30_000;
    expect((await get(`${base}/readyz`)).status).toBe(200);
    clock = T0 + 61_000;
    const r = await get(`${base}/readyz`);
    expect(r.status).toBe(503);
    const body = JSON.parse(r.body) as { status: string; reason: string; outbox: { ok: boolean; depth: number; oldestAgeS: number; maxAgeS: number } };
    expect(body.status).toBe('not ready');
    expect(body.reason).toBe('outbox: the oldest of 2 undelivered record(s) is 61 s old (bound 60 s)');
    expect(body.outbox).toEqual({ ok: false, depth: 2, oldestAgeS: 61, maxAgeS: 60 });
    const exp = await scrape();
    expect(sampleValue(exp, 'sterilink_ready')).toBe(0);
    expect(sampleValue(exp, 'sterilink_outbox_oldest_age_seconds')).toBe(61);
    expect((await get(`${base}/healthz`)).status).toBe(200);
    store.records.markDelivered(1);
    store.records.markDelivered(2);
    expect((await get(`${base}/readyz`)).status).toBe(200);
  });
});
