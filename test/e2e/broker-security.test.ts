// The gateway against a Mosquitto configured as a hospital would: TLS with client certificates (made
// here with openssl) and an ACL that lets the gateway write only under its own root. A certificate
// from another CA is refused with a clear log line and the gateway keeps its records until the broker
// accepts it; with the right certificate everything stored arrives; writing outside its root is refused.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/index.js';
import { type Proc, ROOT as REPO, runCli, startCli, startProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { tcpAutoclave } from '../helpers/gateway-rig.js';
import { freePort, Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { CLIENT_EXT, makePki, SERVER_EXT, tlsListener } from '../helpers/pki.js';

const ROOT = 'sterilink/v1/sec/gw1';

describe('broker security: mutual TLS and ACL', () => {
  let broker: Mosquitto;
  let sub: MqttCollector;
  let dir: string;
  let pki: string;
  let tlsPort: number;
  let simPort: number;
  const procs: Proc[] = [];

  beforeAll(async () => {
    dir = tempDir();
    fs.chmodSync(dir, 0o755); // Mosquitto (dropped to its own user) must reach pki/ below it
    pki = path.join(dir, 'pki');
    fs.mkdirSync(pki);
    makePki(pki, {
      cas: ['ca', 'rogue-ca'],
      leaves: [
        { name: 'server', cn: 'localhost', ca: 'ca', ext: SERVER_EXT },
        { name: 'gw1', cn: 'gw1', ca: 'ca', ext: CLIENT_EXT },
        { name: 'rogue', cn: 'gw1', ca: 'rogue-ca', ext: CLIENT_EXT },
        { name: 'erp', cn: 'erp', ca: 'ca', ext: CLIENT_EXT },
      ],
    });
    tlsPort = await freePort();
    simPort = await freePort();
    const acl = path.join(pki, 'acl');
    // anonymous (the test's subscriber on the plain listener) reads everything; gw1 writes only its own root
    fs.writeFileSync(
      acl,
      [
        'topic read sterilink/#',
        '',
        'user gw1',
        'topic write sterilink/v1/sec/gw1/#',
        'topic read sterilink/v1/sec/gw1/cmd/#',
        '',
        'user erp',
        'topic read sterilink/#',
        'topic write sterilink/v1/+/+/cmd/replay',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
    broker = await Mosquitto.start({
      extraConfig: [`acl_file ${acl}`, ...tlsListener(tlsPort, pki), 'use_identity_as_username true'],
    });
    sub = await MqttCollector.connect(broker.url, 'sterilink/#');
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await p.kill('SIGKILL');
    await sub?.client.endAsync(true);
    await broker?.dispose();
  });

  const config = (site: string, cert: 'gw1' | 'rogue', dataDir: string) =>
    writeConfig(dir, {
      site,
      gateway: 'gw1',
      dataDir,
      mqtt: { url: `mqtts://localhost:${tlsPort}`, tls: { ca: `${pki}/ca.pem`, cert: `${pki}/${cert}.pem`, key: `${pki}/${cert}.key` } },
      devices: [tcpAutoclave(simPort)],
    });

  it('refuses a certificate from another CA, keeps the records, and delivers them once the right one is configured', async () => {
    const dataDir = path.join(dir, 'data');
    let gw = startCli(['run', '--config', config('sec', 'rogue', dataDir)]);
    procs.push(gw);
    await gw.waitForOutput('gateway running');
    await gw.waitForOutput(/"msg":"mqtt connect failed[^"]*"/, 20_000);
    expect(gw.output()).toMatch(/certificate|ssl|tls|alert|ECONNRESET|socket/i);

    const sim = startCli(['simulate', 'autoclave', '--tcp', String(simPort), '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', '--wait-client']);
    procs.push(sim);
    await gw.waitForOutput('cycle verified and recorded', 30_000);
    expect(sub.filter((m) => m.topic.startsWith(`${ROOT}/records/`))).toHaveLength(0);
    expect(await gw.kill('SIGTERM')).toBe(0);
    const stored = runCli(['db', 'export', '--data-dir', dataDir])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as SignedRecord);
    expect(stored.map((r) => r.type)).toEqual(['cycle', 'release']);

    gw = startCli(['run', '--config', config('sec', 'gw1', dataDir)]);
    procs.push(gw);
    await sub.waitFor(() => sub.filter((m) => m.topic.startsWith(`${ROOT}/records/`)).length >= stored.length, 30_000);
    const arrived = sub.filter((m) => m.topic.startsWith(`${ROOT}/records/`)).map((m) => (m.json as SignedRecord).id);
    expect(arrived).toEqual(stored.map((r) => r.id));
    await sub.waitFor((m) => m.topic === `${ROOT}/status` && (m.json as { online?: boolean }).online === true);
    expect(await gw.kill('SIGTERM')).toBe(0);
  }, 90_000);

  it('the example consumer receives, verifies and stores every record over mutual TLS', async () => {
    const dbFile = path.join(dir, 'erp.db');
    const consumer = startProcess(process.execPath, [
      path.join(REPO, 'docs/examples/consumer.mjs'),
      '--url',
      `mqtts://localhost:${tlsPort}`,
      '--db',
      dbFile,
      '--client-id',
      'erp-1',
      '--ca',
      `${pki}/ca.pem`,
      '--cert',
      `${pki}/erp.pem`,
      '--key',
      `${pki}/erp.key`,
      '--gap-grace-ms',
      '300',
      '--retry-ms',
      '3000',
    ]);
    procs.push(consumer);
    await consumer.waitForOutput('connected to mqtts://', 20_000);
    // The first test's gateway again: its first records were delivered before this consumer existed. A new
    // cycle's records arrive live; the consumer sees the hole before them and asks for a replay.
    const gw = startCli(['run', '--config', config('sec', 'gw1', path.join(dir, 'data'))]);
    procs.push(gw);
    const sim = startCli(['simulate', 'autoclave', '--tcp', String(simPort), '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', '--wait-client']);
    procs.push(sim);
    await gw.waitForOutput('cycle verified and recorded', 30_000);
    const rows = () => {
      if (!fs.existsSync(dbFile)) return 0;
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('select count(*) as n from records').get() as { n: number }).n;
      } catch {
        return 0; // the consumer has not created its table yet
      } finally {
        db.close();
      }
    };
    await sub.waitFor(() => rows() >= 4, 30_000).catch(() => undefined);
    expect(await gw.kill('SIGTERM')).toBe(0);
    const expected = runCli(['db', 'export', '--data-dir', path.join(dir, 'data')])
      .stdout.trim()
      .split('\n').length;
    expect(expected).toBe(4); // two cycles and their release decisions
    expect(rows()).toBe(expected);
    expect(consumer.output()).toMatch(/replay/i);
  }, 60_000);

  it('cannot write outside its own root: the broker refuses, the gateway says so and keeps the record', async () => {
    const dataDir = path.join(dir, 'data-other');
    const sim = startCli(['simulate', 'autoclave', '--tcp', String(simPort), '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', '--wait-client']);
    procs.push(sim);
    const gw = startCli(['run', '--config', config('other-site', 'gw1', dataDir)]);
    procs.push(gw);
    await gw.waitForOutput('cycle verified and recorded', 40_000);
    await gw.waitForOutput(/not authori[sz]ed|refused/i, 20_000);
    expect(sub.filter((m) => m.topic.startsWith('sterilink/v1/other-site/'))).toHaveLength(0);
    expect(await gw.kill('SIGTERM')).toBe(0);
    const stored = runCli(['db', 'export', '--data-dir', dataDir]).stdout.trim().split('\n');
    expect(stored.length).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
