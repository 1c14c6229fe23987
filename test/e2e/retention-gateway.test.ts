// Retention in a running gateway process (issue 10 item 6): with a policy measured in seconds, the real
// `sterilink run` writes signed checkpoints (published on records/audit), deletes the samples and raw lines
// of a delivered cycle once its checkpoint is old enough, while the device keeps printing, and the store
// it leaves verifies from the last checkpoint and in full.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type Proc, runCli, startCli, tempDir, writeConfig } from '../helpers/cli.js';
import { freePort, Mosquitto, MqttCollector } from '../helpers/mosquitto.js';

const SITE = 'rt';
const TOPIC = `sterilink/v1/${SITE}/gw1`;

describe('retention in the running gateway', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('checkpoints, deletes what is old and delivered, and leaves a store that verifies', async () => {
    const dir = tempDir('sterilink-retention-');
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const broker = await Mosquitto.start();
    cleanup.push(() => broker.dispose());
    const sub = await MqttCollector.connect(broker.url, `${TOPIC}/#`);
    cleanup.push(() => sub.close());

    const simPort = await freePort();
    const sim = startCli(['simulate', 'autoclave', '--tcp', String(simPort), '--program', 'steam-134-4', '--speed', '200', '--cycles', '3', '--wait-client']);
    cleanup.push(() => sim.kill('SIGKILL'));
    await sim.waitForOutput(String(simPort));
    const dataDir = path.join(dir, 'data');
    const cfg = writeConfig(dir, {
      site: SITE,
      gateway: 'gw1',
      dataDir,
      mqtt: { url: broker.url },
      devices: [
        {
          id: 'AC-01',
          type: 'steam-sterilizer',
          driver: 'printer-line',
          tcp: { host: '127.0.0.1', port: simPort },
          program: 'steam-134-4',
          clockDriftAlarmS: 0,
          dailyBowieDick: false,
        },
      ],
      // seconds instead of days: a pass every 0.6 s, a checkpoint at most every ~1 s, rows older than ~2 s
      retention: {
        intervalMinutes: 0.01,
        checkpointHours: 0.0003,
        samples: { maxAgeDays: 0.00002 },
        raw_lines: { maxAgeDays: 0.00002 },
      },
    });
    const gw: Proc = startCli(['run', '--config', cfg, '--log-level', 'info']);
    cleanup.push(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('gateway running');
    const checkpoints = () => sub.filter((m) => m.topic === `${TOPIC}/records/audit` && (m.json as { body?: { event?: string } }).body?.event === 'checkpoint');
    await sub.waitFor(() => sub.filter((m) => m.topic === `${TOPIC}/records/cycle`).length >= 2, 60_000);
    await sub.waitFor(() => checkpoints().length >= 2, 30_000);
    // a pass that deleted samples: the log line names the rows
    await gw.waitForOutput(/"samples":[1-9]\d*,[^\n]*"msg":"retention: checkpoint and deletion"/, 30_000);
    expect(await gw.kill('SIGTERM')).toBe(0);

    const db = new Database(path.join(dataDir, 'sterilink.db'), { readonly: true });
    let firstSample: number;
    let cycleSampleSeq: number;
    try {
      firstSample = db.prepare("SELECT seq FROM samples WHERE device_id = 'AC-01' ORDER BY seq LIMIT 1").pluck().get() as number;
      const first = JSON.parse(db.prepare("SELECT json FROM records WHERE type = 'cycle' ORDER BY seq LIMIT 1").pluck().get() as string) as {
        body: { samples: { chainSeq: number } };
      };
      cycleSampleSeq = first.body.samples.chainSeq;
    } finally {
      db.close();
    }
    expect(firstSample).toBeGreaterThan(1); // the first cycle's samples are gone…
    expect(cycleSampleSeq).toBeGreaterThan(0); // …and its record, with its curve, stays
    const fast = runCli(['db', 'verify', '--data-dir', dataDir]);
    expect(fast.status, fast.stdout).toBe(0);
    expect(fast.stdout).toMatch(/checked from the checkpoint at seq \d+/);
    const full = runCli(['db', 'verify', '--full', '--data-dir', dataDir]);
    expect(full.status, full.stdout).toBe(0);
  }, 180_000);
});
