// Durability: the gateway is SIGKILLed in the middle of ingestion, twice, while a simulated autoclave
// keeps printing. Every committed record survives and verifies, seq has no holes, the interrupted cycle
// says so, and the undisturbed cycle passes.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type SignedRecord, verifyRecord } from '../../gateway/store/index.js';
import { Cleanups, tempGatewayFolder, tempPtyPair } from '../helpers/cleanups.js';
import { type Proc, runCli, startCli, writeGatewayConfig } from '../helpers/cli.js';
import { serialPrinterLine } from '../helpers/gateway-rig.js';
import { MqttCollector } from '../helpers/mosquitto.js';

const ROOT_TOPIC = 'sterilink/v1/k9/gw1';

describe('SIGKILL during ingestion', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('keeps every committed record, verifiable and without seq holes', async () => {
    const { dir, dataDir, broker } = await tempGatewayFolder(cleanup);
    const sub = await MqttCollector.connect(broker.url, `${ROOT_TOPIC}/#`, { clean: false });
    cleanup.add(() => sub.client.endAsync(true));
    const pty = await tempPtyPair(cleanup, dir, 'k9');
    const cfg = writeGatewayConfig(dir, { site: 'k9', mqtt: { url: broker.url }, devices: [serialPrinterLine(pty.gw)] });
    let gw: Proc = startCli(['run', '--config', cfg]);
    cleanup.add(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('gateway running');
    const telemetry = () => sub.filter((m) => m.topic.endsWith('/telemetry')).length;
    const cycles = () => sub.filter((m) => m.topic === `${ROOT_TOPIC}/records/cycle`).map((m) => m.json as SignedRecord);

    const sim = startCli(['simulate', 'autoclave', '--serial', pty.dev, '--program', 'steam-134-4', '--speed', '100', '--cycles', '3']);
    cleanup.add(() => sim.kill('SIGKILL'));
    // first kill: in the middle of cycle 1
    await sub.waitFor(() => telemetry() > 300, 30_000);
    await gw.kill('SIGKILL');
    gw = startCli(['run', '--config', cfg]);
    await gw.waitForOutput('gateway running');
    // second kill: right after the first cycle record was committed and published, in cycle 2
    await sub.waitFor(() => cycles().length >= 1, 30_000);
    const mark = telemetry();
    await sub.waitFor(() => telemetry() > mark + 100, 30_000);
    await gw.kill('SIGKILL');
    gw = startCli(['run', '--config', cfg]);
    await gw.waitForOutput('gateway running');
    expect(await sim.exited).toBe(0);
    await sub.waitFor(() => cycles().length >= 3, 30_000);
    expect(await gw.kill('SIGTERM')).toBe(0);

    const verify = runCli(['db', 'verify', '--data-dir', dataDir]);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);

    const db = new Database(path.join(dataDir, 'sterilink.db'), { readonly: true });
    const rows = db.prepare('select seq, json from records order by seq').all() as { seq: number; json: string }[];
    const keys = db.prepare('select key_id, public_key from keys').all() as { key_id: string; public_key: string }[];
    db.close();
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    for (const r of rows) {
      const rec = JSON.parse(r.json) as SignedRecord;
      const key = keys.find((k) => k.key_id === rec.keyId)?.public_key as string;
      expect(verifyRecord(rec, key)).toEqual({ ok: true });
    }
    // what reached MQTT: every stored record, seq without holes (duplicates allowed)
    const seen = new Set(sub.filter((m) => m.topic.includes('/records/')).map((m) => (m.json as SignedRecord).seq));
    expect([...seen].sort((a, b) => a - b)).toEqual(rows.map((r) => r.seq));

    const bodies = cycles().map((r) => r.body as { verdict: string; cycleNo: number; interruptions: unknown[]; headerSeen: boolean; end: unknown });
    const byNo = new Map(bodies.map((b) => [b.cycleNo, b]));
    expect(byNo.get(1)?.interruptions.length).toBe(1); // resumed after the first kill
    expect(byNo.get(1)?.end).toMatchObject({ reason: 'device', status: 'ok' }); // and read on to the ticket's result
    expect(byNo.get(3)?.verdict).toBe('pass'); // undisturbed
    expect(byNo.get(3)?.interruptions).toEqual([]);
  }, 120_000);
});
