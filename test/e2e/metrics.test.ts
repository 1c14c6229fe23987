// A running gateway watched as Prometheus and a probe watch it: `sterilink run` with a printer-line
// sterilizer and a Modbus one (simulators on TCP), a real Mosquitto, and `http.listen` on a free port.
// /metrics is scraped and read as an exposition (test/helpers/prom-text.ts); the values move with what the
// devices do; /healthz and /readyz answer 200, and /readyz turns 503 (with its reason) once a record has
// waited for a stopped broker longer than the configured bound, then 200 again when the broker is back.
// The example alert rules and dashboard of deploy/ are parsed and every metric they name must be exported.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { SignedRecord } from '../../gateway/store/index.js';
import { type Proc, ROOT, startCli } from '../helpers/cli.js';
import { type GatewayRig, startGatewayRig } from '../helpers/gateway-rig.js';
import { get } from '../helpers/http-client.js';
import { freePort } from '../helpers/mosquitto.js';
import { type Exposition, exportedNames, parseExposition, sampleValue } from '../helpers/prom-text.js';
import { untilAsync } from '../helpers/until.js';

const SITE = 'mx';
const ROOT_TOPIC = `sterilink/v1/${SITE}/gw1`;
const MAX_OUTBOX_AGE_S = 2;

describe('metrics and health of a running gateway', () => {
  let rig: GatewayRig;
  let base: string;
  let acPort: number;
  const procs: Proc[] = [];

  const scrape = async (): Promise<Exposition> => {
    const r = await get(`${base}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(r.body);
  };
  const value = async (name: string, labels: Record<string, string> = {}) => sampleValue(await scrape(), name, labels);
  const cycleRecords = () => rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/cycle`).map((m) => m.json as SignedRecord);

  beforeAll(async () => {
    acPort = await freePort();
    const mbPort = await freePort();
    const httpPort = await freePort();
    base = `http://127.0.0.1:${httpPort}`;
    procs.push(startCli(['simulate', 'autoclave', '--modbus-tcp', String(mbPort), '--speed', '60']));
    rig = await startGatewayRig({
      site: SITE,
      devices: [
        {
          id: 'AC-01',
          type: 'steam-sterilizer',
          driver: 'printer-line',
          tcp: { host: '127.0.0.1', port: acPort },
          program: 'steam-134-4',
          clockDriftAlarmS: 0,
        },
        {
          id: 'AC-03',
          type: 'steam-sterilizer',
          driver: 'modbus',
          modbus: { mode: 'tcp', host: '127.0.0.1', port: mbPort, unitId: 1, pollMs: 500 },
          program: 'steam-134-18',
          clockDriftAlarmS: 0,
        },
      ],
      extra: { http: { listen: `127.0.0.1:${httpPort}`, readyMaxOutboxAgeS: MAX_OUTBOX_AGE_S } },
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await rig?.close();
  });

  it('exports each family in the text format, and the values move with the devices', async () => {
    const first = await scrape();
    for (const f of [
      'sterilink_device_link_up',
      'sterilink_device_samples_total',
      'sterilink_device_lines_total',
      'sterilink_device_parse_errors_total',
      'sterilink_modbus_poll_duration_seconds',
      'sterilink_modbus_polls_failed_total',
      'sterilink_cycles_total',
      'sterilink_bowie_dick_last_pass_timestamp_seconds',
      'sterilink_outbox_records',
      'sterilink_outbox_oldest_age_seconds',
      'sterilink_records_published_total',
      'sterilink_records_acknowledged_total',
      'sterilink_mqtt_connected',
      'sterilink_mqtt_reconnects_total',
      'sterilink_store_table_bytes',
      'sterilink_disk_free_bytes',
      'sterilink_event_loop_lag_seconds',
      'sterilink_process_resident_memory_bytes',
    ])
      expect(first.has(f), f).toBe(true);
    expect(first.get('sterilink_modbus_poll_duration_seconds')!.type).toBe('histogram');
    expect(first.get('sterilink_cycles_total')!.type).toBe('counter');
    expect(first.get('sterilink_outbox_records')!.type).toBe('gauge');
    for (const f of first.values()) expect(f.name).toMatch(/^sterilink_[a-z0-9_]+$/);

    // the Modbus machine: polled, answered, its samples counted
    await untilAsync(async () => (await value('sterilink_device_link_up', { device: 'AC-03' })) === 1, 20_000, 'AC-03 link up');
    const samples0 = await value('sterilink_device_samples_total', { device: 'AC-03' });
    await untilAsync(async () => (await value('sterilink_device_samples_total', { device: 'AC-03' })) > samples0, 20_000, 'AC-03 samples counted');
    const polls = await scrape();
    expect(sampleValue(polls, 'sterilink_modbus_poll_duration_seconds_count', { device: 'AC-03' })).toBeGreaterThan(0);
    expect(sampleValue(polls, 'sterilink_modbus_poll_duration_seconds_bucket', { device: 'AC-03', le: '+Inf' })).toBe(
      sampleValue(polls, 'sterilink_modbus_poll_duration_seconds_count', { device: 'AC-03' }),
    );
    expect(sampleValue(polls, 'sterilink_cycles_total', { device: 'AC-01', verdict: 'pass' })).toBe(0);
    expect(sampleValue(polls, 'sterilink_bowie_dick_last_pass_timestamp_seconds', { device: 'AC-01' })).toBe(0);

    // the printer-line machine runs a Bowie–Dick test: lines, a passed cycle, its time
    procs.push(startCli(['simulate', 'autoclave', '--tcp', String(acPort), '--program', 'bowie-dick-134', '--speed', '300', '--cycles', '1', '--wait-client']));
    await rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/records/cycle` && (m.json as SignedRecord).device === 'AC-01', 60_000);
    const bd = cycleRecords().find((r) => r.device === 'AC-01')!;
    expect(bd.body.verdict).toBe('pass');
    await untilAsync(async () => (await value('sterilink_records_acknowledged_total')) >= 1, 10_000, 'the record acknowledged');
    const after = await scrape();
    expect(sampleValue(after, 'sterilink_cycles_total', { device: 'AC-01', verdict: 'pass' })).toBe(1);
    expect(sampleValue(after, 'sterilink_device_lines_total', { device: 'AC-01' })).toBeGreaterThan(10);
    expect(sampleValue(after, 'sterilink_bowie_dick_last_pass_timestamp_seconds', { device: 'AC-01' })).toBe(Date.parse(bd.body.endedAt as string) / 1000);
    expect(sampleValue(after, 'sterilink_records_published_total')).toBeGreaterThanOrEqual(sampleValue(after, 'sterilink_records_acknowledged_total'));
    expect(sampleValue(after, 'sterilink_mqtt_connected')).toBe(1);
    // the tables are measured in a worker, begun at start: the scrape reports its answer
    expect(sampleValue(after, 'sterilink_store_table_bytes', { table: 'records' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'sterilink_store_table_bytes', { table: 'samples' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'sterilink_store_file_bytes', { file: 'database' })).toBeGreaterThan(0);
    expect(sampleValue(after, 'sterilink_disk_free_bytes')).toBeGreaterThan(0);
    expect(sampleValue(after, 'sterilink_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(sampleValue(after, 'sterilink_event_loop_lag_seconds', { quantile: '0.99' })).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('/healthz and /readyz: 200, then /readyz 503 with its reason while records wait for a stopped broker, 200 when it is back', async () => {
    const health = await get(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'alive', phase: 'running' });
    const ready = await get(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', store: { ok: true }, outbox: { ok: true, maxAgeS: MAX_OUTBOX_AGE_S } });
    // the retained status carries the health (a first one may still say "starting"; the flip publishes it again)
    const status = await rig.sub.waitFor(
      (m) => m.topic === `${ROOT_TOPIC}/status` && (m.json as { health?: { ready?: boolean } }).health?.ready === true,
      20_000,
    );
    expect((status.json as { online: boolean; health?: unknown }).online).toBe(true);
    expect((status.json as { health?: unknown }).health).toMatchObject({
      alive: true,
      ready: true,
      reasons: [],
      outboxDepth: expect.any(Number),
      outboxOldestAgeS: expect.any(Number),
    });

    await rig.broker.stop();
    await untilAsync(async () => (await value('sterilink_mqtt_connected')) === 0, 20_000, 'the gateway sees the broker gone');
    // a cycle recorded while the broker is away: its record waits in the outbox
    const before = cycleRecords().length;
    procs.push(startCli(['simulate', 'autoclave', '--tcp', String(acPort), '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', '--wait-client']));
    await untilAsync(async () => (await value('sterilink_outbox_records')) >= 1, 60_000, 'a record in the outbox');
    await untilAsync(async () => (await get(`${base}/readyz`)).status === 503, 20_000, '/readyz 503');
    const notReady = await get(`${base}/readyz`);
    const why = JSON.parse(notReady.body) as { status: string; reason: string; outbox: { ok: boolean; depth: number; oldestAgeS: number } };
    expect(why.status).toBe('not ready');
    expect(why.reason).toMatch(/^outbox: the oldest of \d+ undelivered record\(s\) is \d+ s old \(bound 2 s\)$/);
    expect(why.outbox.ok).toBe(false);
    expect(why.outbox.oldestAgeS).toBeGreaterThanOrEqual(MAX_OUTBOX_AGE_S);
    const down = await scrape();
    expect(sampleValue(down, 'sterilink_ready')).toBe(0);
    expect(sampleValue(down, 'sterilink_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(MAX_OUTBOX_AGE_S);
    expect((await get(`${base}/healthz`)).status).toBe(200); // alive all along

    await rig.broker.start();
    await untilAsync(async () => (await get(`${base}/readyz`)).status === 200, 60_000, '/readyz 200 again'); // the reconnect backoff reaches 30 s
    const back = await scrape();
    expect(sampleValue(back, 'sterilink_mqtt_reconnects_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(back, 'sterilink_outbox_records')).toBe(0);
    await rig.sub.waitFor(() => cycleRecords().length > before, 20_000);
    // the retained status says ready again (published anew when readiness flipped)
    await rig.sub.waitFor(
      (m) => m.topic === `${ROOT_TOPIC}/status` && m.at > status.at && (m.json as { health?: { ready?: boolean } }).health?.ready === true,
      20_000,
    );
  }, 240_000);

  it("deploy/'s alert rules and dashboard parse, and every metric they name is exported", async () => {
    const names = exportedNames(await scrape());
    const rules = parseYaml(fs.readFileSync(path.join(ROOT, 'deploy/prometheus/sterilink-alerts.yml'), 'utf8')) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string; labels?: object; annotations?: { summary?: string } }[] }[];
    };
    const alerts = rules.groups.flatMap((g) => g.rules);
    expect(alerts.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['SterilinkOutboxStale', 'SterilinkDeviceOffline', 'SterilinkDiskNearlyFull', 'SterilinkNoBowieDickBy0800']),
    );
    const dashboard = JSON.parse(fs.readFileSync(path.join(ROOT, 'deploy/grafana/sterilink-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const exprs = [...alerts.map((r) => r.expr), ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr))];
    expect(exprs.length).toBeGreaterThan(20);
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/\bsterilink_[a-z0-9_]+/g)].map((m) => m[0])));
    expect(used.size).toBeGreaterThan(15);
    for (const n of used) expect(names.has(n), `${n} is named in deploy/ but not exported`).toBe(true);
    for (const r of alerts) {
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.expr.split('(').length, `${r.alert}: parentheses`).toBe(r.expr.split(')').length);
    }
  }, 30_000);

  it('the will, published by the broker when the gateway dies, carries no health', async () => {
    const t = performance.now();
    await rig.gw.kill('SIGKILL');
    const will = await rig.sub.waitFor((m) => m.topic === `${ROOT_TOPIC}/status` && m.at > t && (m.json as { online?: boolean }).online === false, 20_000);
    expect(will.json).not.toHaveProperty('health');
    expect(will.json).toHaveProperty('keyId');
  }, 30_000);
});
