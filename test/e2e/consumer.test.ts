// The consumer kit end to end: docs/examples/consumer.mjs (the integrator's example subscriber, run as its own
// process) against the real gateway CLI, a simulated autoclave on a PTY and a private Mosquitto with
// persistence. The consumer starts late (it has to ask for a replay to get the first records), then the broker
// restarts, the gateway restarts, and the consumer itself is down while a cycle is recorded. In the end its
// SQLite file holds every record the gateway made exactly once, each one verifiable.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePublicKey, verifyRecords } from '../../cli/commands/verify-record.js';
import type { SignedRecord } from '../../gateway/store/index.js';
import { type Proc, ptyPair, ROOT, startCli, startProcess, tempDir, writeConfig } from '../helpers/cli.js';
import { Mosquitto, MqttCollector } from '../helpers/mosquitto.js';
import { assertPayloadValid } from '../helpers/payload-schemas.js';

const SITE = 'cons';
const GW = 'gw1';
const ROOT_TOPIC = `sterilink/v1/${SITE}/${GW}`;
const CONSUMER = path.join(ROOT, 'docs/examples/consumer.mjs');

describe('docs/examples/consumer.mjs', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('stores every record once, verified, across a late start, a broker restart, a gateway restart and its own restart', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const dbFile = path.join(dir, 'consumer.db');
    const broker = await Mosquitto.start({ persistence: true });
    cleanup.push(() => broker.dispose());
    // A witness with a persistent session: what the gateway published, including across the broker restart.
    const watch = await MqttCollector.connect(broker.url, `${ROOT_TOPIC}/#`, { clean: false, clientId: `witness-${process.pid}` });
    cleanup.push(() => watch.close());
    const pty = await ptyPair(dir, 'cons');
    cleanup.push(() => pty.proc.kill('SIGKILL'));
    const cfg = writeConfig(dir, {
      site: SITE,
      gateway: GW,
      dataDir,
      mqtt: { url: broker.url },
      devices: [{ id: 'AC-01', type: 'steam-sterilizer', driver: 'printer-line', serial: { path: pty.gw, baudRate: 9600 }, program: 'steam-134-4' }],
    });
    let gw: Proc = startCli(['run', '--config', cfg]);
    cleanup.push(() => gw.kill('SIGKILL'));
    await gw.waitForOutput('gateway running');

    const live = () =>
      watch.filter((m) => m.topic.startsWith(`${ROOT_TOPIC}/records/`) && !(m.json as { historical?: boolean }).historical).map((m) => m.json as SignedRecord);
    const maxSeq = () => Math.max(0, ...live().map((r) => r.seq));
    const cycle = async (...extra: string[]) => {
      const before = live().filter((r) => r.type === 'cycle').length;
      const sim = startCli(['simulate', 'autoclave', '--serial', pty.dev, '--program', 'steam-134-4', '--speed', '300', '--cycles', '1', ...extra]);
      cleanup.push(() => sim.kill('SIGKILL'));
      expect(await sim.exited).toBe(0);
      await watch
        .waitFor(() => live().filter((r) => r.type === 'cycle').length > before, 30_000)
        .catch((e: Error) => {
          throw new Error(`${e.message}\n--- simulator:\n${sim.output().slice(-1500)}\n--- gateway:\n${gw.output().slice(-6000)}`);
        });
      return maxSeq();
    };
    let consumer: Proc | null = null;
    const startConsumer = async () => {
      const p = startProcess(process.execPath, [
        CONSUMER,
        '--url',
        broker.url,
        '--db',
        dbFile,
        '--client-id',
        'cssd-erp-1',
        '--gap-grace-ms',
        '300',
        '--retry-ms',
        '5000',
      ]);
      consumer = p;
      cleanup.push(() => p.kill('SIGKILL'));
      await p.waitForOutput(/connected to mqtt:\/\/127\.0\.0\.1:\d+ \(session/, 20_000);
      return p;
    };
    const stored = (p: Proc, seq: number) => p.waitForOutput(new RegExp(`stored seq ${seq} \\w+.* of ${SITE}/${GW}`), 30_000);

    // 1. Records the consumer never sees live: an aborted cycle (alarm E23 + cycle record) before it exists.
    const early = await cycle('--fault', 'abort');
    expect(early).toBeGreaterThanOrEqual(2);

    // 2. The consumer starts late; its first record is early + 1: a gap, so it asks for 1..early.
    let c = await startConsumer();
    await c.waitForOutput(`trusting key`, 20_000);
    const first = await cycle();
    await stored(c, first);
    await c.waitForOutput(new RegExp(`gap: seq 1\\.\\.${early} of ${SITE}/${GW} missing; replay requested \\(cssd-erp-1-1\\)`), 20_000);
    await c.waitForOutput(new RegExp(`gap of ${SITE}/${GW} closed: every record up to seq \\d+ stored`), 30_000);
    await c.waitForOutput(/replay reply cssd-erp-1-1: \d+ records republished/, 20_000);
    const request = await watch.waitFor((m) => m.topic === `${ROOT_TOPIC}/cmd/replay`);
    assertPayloadValid(request.topic, request.json);
    expect(request.json).toMatchObject({ fromSeq: 1, toSeq: early, transaction: 'cssd-erp-1-1' });

    // 3. The broker restarts (persistence keeps the consumer's session); the next record still arrives.
    await broker.restart();
    await gw.waitForOutput('mqtt reconnected', 30_000);
    await c.waitForOutput(/connected to .* \(session resumed\)/, 30_000);
    await stored(c, await cycle());

    // 4. The gateway restarts.
    expect(await gw.kill('SIGTERM')).toBe(0);
    gw = startCli(['run', '--config', cfg]);
    await gw.waitForOutput('gateway running');
    await stored(c, await cycle());

    // 5. The consumer is down while a cycle is recorded; the broker queues it in its session.
    expect(await c.kill('SIGTERM')).toBe(0);
    const whileAway = await cycle();
    c = await startConsumer();
    await c.waitForOutput('(session resumed)');
    await stored(c, whileAway);

    // The end: exactly the gateway's records, once each, all verifiable; nothing rejected.
    expect(await gw.kill('SIGTERM')).toBe(0);
    expect(await c.kill('SIGTERM')).toBe(0);
    const gwDb = new Database(path.join(dataDir, 'sterilink.db'), { readonly: true });
    const expected = gwDb.prepare('select id, seq, hash from records order by seq').all();
    gwDb.close();
    const db = new Database(dbFile, { readonly: true });
    const got = db.prepare('select id, seq, hash from records order by seq').all();
    const rows = db.prepare('select json, via_replay as viaReplay from records order by seq').all() as { json: string; viaReplay: number }[];
    const rejected = db.prepare('select seq, reason from rejected').all();
    db.close();
    expect(rejected).toEqual([]);
    expect(got).toEqual(expected);
    expect(got.length).toBe(whileAway);
    expect(rows.filter((r) => r.viaReplay).length).toBe(early);
    const status = watch.messages.find((m) => m.topic === `${ROOT_TOPIC}/status`)?.json as { publicKey: string };
    const report = verifyRecords(
      rows.map((r) => JSON.parse(r.json) as SignedRecord),
      [parsePublicKey(status.publicKey, 'status')],
    );
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: whileAway, duplicates: 0, chains: [{ fromSeq: 1, toSeq: whileAway }] });
    expect((consumer as Proc | null)?.output()).not.toMatch(/REJECTED|CHAIN BROKEN/);
  }, 240_000);
});
