// A washer-disinfector printing its ticket through a serial device server (TCP): the gateway verifies
// A0 and the disinfection stage and publishes the record; a short disinfection fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/index.js';
import { type Proc, startCli, startSimulator } from '../helpers/cli.js';
import { type GatewayRig, startGatewayRig } from '../helpers/gateway-rig.js';
import { freePort } from '../helpers/mosquitto.js';

const ROOT_TOPIC = 'sterilink/v1/wd/gw1';
type Body = { verdict: string; program: string; criteria: { id: string; pass: boolean | null; measured: number | null }[] };

describe('washer-disinfector over TCP -> gateway -> MQTT', () => {
  let rig: GatewayRig;
  let port: number;
  const procs: Proc[] = [];

  beforeAll(async () => {
    port = await freePort();
    rig = await startGatewayRig({
      site: 'wd',
      devices: [
        { id: 'WD-01', type: 'washer-disinfector', driver: 'printer-line', tcp: { host: '127.0.0.1', port }, program: 'washer-a0-3000', clockDriftAlarmS: 0 },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await rig?.close();
  });

  const records = () => rig.sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/cycle`).map((m) => (m.json as SignedRecord).body as Body);

  it('passes a good A0 3000 cycle with A0 measured from the disinfect stage', async () => {
    const sim = startCli(['simulate', 'washer', '--tcp', String(port), '--program', 'washer-a0-3000', '--speed', '300', '--cycles', '1', '--wait-client']);
    procs.push(sim);
    await rig.sub.waitFor(() => records().length >= 1, 40_000);
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
    const sim = startSimulator('washer', { tcp: port, program: 'washer-a0-3000', speed: 300, cycles: 1, fault: 'short-disinfect', waitClient: true });
    procs.push(sim);
    await rig.sub.waitFor(() => records().length >= 2, 40_000);
    const body = records()[1] as Body;
    expect(body.verdict).toBe('fail');
    expect(body.criteria.find((c) => c.id === 'disinfect_time')?.pass).toBe(false);
  }, 60_000);
});
