// deploy/backup/sterilink-backup and `sterilink db backup` while the gateway writes (the online backup docs/install.md promises),
// and what restoring that older backup does (the "What an older backup means" paragraph): the gateway
// continues from the backup's last seq, chained to it, so the records made after the backup fork off.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/index.js';
import { Cleanups, tempBinDir, tempBroker } from '../helpers/cleanups.js';
import { type Proc, ROOT, runCli, startCli, startProcess, writeConfig } from '../helpers/cli.js';
import { tcpAutoclave, tcpAutoclaveSimulator } from '../helpers/gateway-rig.js';
import { freePort, MqttCollector } from '../helpers/mosquitto.js';

const SITE = 'bk';
const TOPIC = `sterilink/v1/${SITE}/gw1`;

function records(dataDir: string): Array<{ seq: number; id: string; hash: string; prevHash: string }> {
  const db = new Database(path.join(dataDir, 'sterilink.db'), { readonly: true });
  try {
    return (db.prepare('select json from records order by seq').all() as Array<{ json: string }>).map((r) => JSON.parse(r.json) as SignedRecord);
  } finally {
    db.close();
  }
}

describe('online backup and restore', () => {
  const cleanup = new Cleanups();
  afterAll(() => cleanup.run());

  it('backs up while cycles are written; a gateway on the restored backup continues its chain from there', async () => {
    const { dir, bin } = await tempBinDir(cleanup, 'sterilink-backup-');
    const env = { PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` };
    const broker = await tempBroker(cleanup);
    const sub = await MqttCollector.connect(broker.url, `${TOPIC}/#`);
    cleanup.add(() => sub.close());
    const cycles = () => sub.filter((m) => m.topic === `${TOPIC}/records/cycle`).length;

    const { port: simPort, sim } = await tcpAutoclaveSimulator({ speed: 200, cycles: 2 });
    cleanup.add(() => sim.kill('SIGKILL'));
    const device = tcpAutoclave(simPort);
    const live = path.join(dir, 'live');
    const cfg = writeConfig(dir, { site: SITE, gateway: 'gw1', dataDir: live, mqtt: { url: broker.url }, devices: [device] });
    let gw: Proc = startCli(['run', '--config', cfg]);
    cleanup.add(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('gateway running');

    // In the middle of cycle 2: samples are being written while the backup copies.
    await sub.waitFor(() => cycles() >= 1, 40_000);
    const backups = path.join(dir, 'backups');
    const backup = startProcess(path.join(ROOT, 'deploy/backup/sterilink-backup'), [live, backups, '30'], { env });
    expect(await backup.exited, backup.output()).toBe(0);
    const folder = backup.output().trim().split('\n').at(-1)!;
    expect(path.dirname(folder)).toBe(backups);
    expect(fs.readdirSync(folder).sort()).toEqual(['keys', 'sterilink.db', 'verify.txt']);
    expect(fs.statSync(path.join(folder, 'keys', 'gateway.key')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(folder, 'sterilink.db')).mode & 0o777).toBe(0o600); // private like the live store
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);

    // `db backup FILE` by hand, still while the gateway writes: a private file that `db verify --db` accepts,
    // and never over an existing file
    const byHand = path.join(dir, 'by-hand.db');
    const made = runCli(['db', 'backup', byHand, '--data-dir', live]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^backup: .*by-hand\.db \(\d+ bytes, \d+ records, last seq \d+\)/);
    expect(fs.statSync(byHand).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${byHand}-wal`)).toBe(false); // one self-contained file
    const checked = runCli(['db', 'verify', '--db', byHand]);
    expect(checked.status, checked.stdout).toBe(0);
    expect(runCli(['db', 'backup', byHand, '--data-dir', live]).status).toBe(2);

    await sub.waitFor(() => cycles() >= 2, 40_000);
    expect(await gw.kill('SIGTERM')).toBe(0);
    const liveRecords = records(live);
    const backedUp = records(folder);
    const b = backedUp.at(-1)!;
    expect(backedUp.length).toBeGreaterThan(0);
    expect(liveRecords.length).toBeGreaterThan(backedUp.length); // cycle 2 came after the backup
    expect(backedUp).toEqual(liveRecords.slice(0, backedUp.length)); // a consistent prefix of the live store
    expect(runCli(['db', 'verify', '--data-dir', folder]).status).toBe(0);

    // Restore as the guide does (database and keys into an empty folder) and run another cycle on it.
    const restored = path.join(dir, 'restored');
    fs.mkdirSync(restored, { mode: 0o750 });
    fs.cpSync(path.join(folder, 'sterilink.db'), path.join(restored, 'sterilink.db'));
    fs.cpSync(path.join(folder, 'keys'), path.join(restored, 'keys'), { recursive: true });
    const sim2Port = await freePort();
    const sim2 = startCli(['simulate', 'autoclave', '--tcp', String(sim2Port), '--program', 'steam-134-4', '--speed', '200', '--cycles', '1', '--wait-client']);
    cleanup.add(() => sim2.kill('SIGKILL'));
    await sim2.waitForOutput(String(sim2Port));
    fs.mkdirSync(path.join(dir, 'second'));
    const cfg2 = writeConfig(path.join(dir, 'second'), {
      site: SITE,
      gateway: 'gw1',
      dataDir: restored,
      mqtt: { url: broker.url },
      devices: [{ ...device, tcp: { host: '127.0.0.1', port: sim2Port } }],
    });
    const before = cycles();
    gw = startCli(['run', '--config', cfg2]);
    await gw.waitForOutput('gateway running');
    await sub.waitFor(() => cycles() > before, 40_000);
    expect(await gw.kill('SIGTERM')).toBe(0);
    expect(runCli(['db', 'verify', '--data-dir', restored]).status).toBe(0);
    const after = records(restored);
    const next = after[backedUp.length]!;
    expect(next.seq).toBe(b.seq + 1);
    expect(next.prevHash).toBe(b.hash); // chained to the backup's last record…
    const forked = liveRecords.find((r) => r.seq === next.seq)!;
    expect(next.id).not.toBe(forked.id); // …not to what the live store had after it: the fork the guide describes
  }, 120_000);
});
