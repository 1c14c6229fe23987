// A washer-disinfector printing its ticket through a serial device server (TCP): the gateway verifies
// A0 and the disinfection stage and publishes the record; a short disinfection fails.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto, MqttCollector, freePort } from '../helpers/mosquitto.js';
import { startCli, tempDir, writeConfig, type Proc } from '../helpers/cli.js';
import type { SignedRecord } from '../../gateway/store/index.js';

const ROOT_TOPIC = 'sterilink/v1/wd/gw1';
type Body = { verdict: string; program: string; criteria: { id: string; pass: boolean | null; measured: number | null }[] };

describe('washer-disinfector over TCP -> gateway -> MQTT', () => {
  let broker: Mosquitto;
  let sub: MqttCollector;
  let gw: Proc;
  let port: number;
  const procs: Proc[] = [];

  beforeAll(async () => {
    const dir = tempDir();
    broker = await Mosquitto.start();
    sub = await MqttCollector.connect(broker.url, `${ROOT_TOPIC}/#`);
    port = await freePort();
    const cfg = writeConfig(dir, {
      site: 'wd', gateway: 'gw1', dataDir: path.join(dir, 'data'), mqtt: { url: broker.url },
      devices: [{ id: 'WD-01', type: 'washer-disinfector', driver: 'printer-line', tcp: { host: '127.0.0.1', port }, program: 'washer-a0-3000', clockDriftAlarmS: 0 }],
    });
    gw = startCli(['run', '--config', cfg]);
    await gw.waitForOutput('gateway running');
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await gw?.kill('SIGKILL');
    await sub?.client.endAsync(true);
    await broker?.dispose();
  });

  const records = () => sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/cycle`).map((m) => (m.json as SignedRecord).body as Body);

  it('passes a good A0 3000 cycle with A0 measured from the disinfect stage', async () => {
    const sim = startCli(['simulate', 'washer', '--tcp', String(port), '--program', 'washer-a0-3000', '--speed', '300', '--cycles', '1', '--wait-client']);
    procs.push(sim);
    await sub.waitFor(() => records().length >= 1, 40_000);
    const body = records()[0] as Body;
    expect(body.program).toBe('washer-a0-3000');
    expect(body.verdict).toBe('pass');
    const a0 = body.criteria.find((c) => c.id === 'a0');
    expect(a0?.pass).toBe(true);
    expect(a0?.measured).toBeGreaterThan(3000);
    expect(body.criteria.map((c) => c.id).sort()).toEqual(['a0', 'data_complete', 'device_result', 'disinfect_temp', 'disinfect_time', 'prewash_temp']);
    await sim.exited;
  }, 60_000);

  it('fails a short disinfection on disinfect_time', async () => {
    const sim = startCli(['simulate', 'washer', '--tcp', String(port), '--program', 'washer-a0-3000', '--speed', '300', '--cycles', '1', '--fault', 'short-disinfect', '--wait-client']);
    procs.push(sim);
    await sub.waitFor(() => records().length >= 2, 40_000);
    const body = records()[1] as Body;
    expect(body.verdict).toBe('fail');
    expect(body.criteria.find((c) => c.id === 'disinfect_time')?.pass).toBe(false);
  }, 60_000);
});
