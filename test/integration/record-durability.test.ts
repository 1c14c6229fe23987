// A record is never published before it is durable (issue 10, item 11): records commit at synchronous=NORMAL
// and the WAL is fsynced afterwards on the thread pool; the outbox the publisher drains and replays stops at
// the durable mark. Real SQLite files, a real Mosquitto, a real fsync (held back by the test where it says
// so), and a real SIGKILL of a process that commits and publishes.
import { once } from 'node:events';
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignedRecord } from '../../gateway/store/record.js';
import { Store } from '../../gateway/store/store.js';
import { WalSyncer } from '../../gateway/store/wal-sync.js';
import { Cleanups, tempBroker, tempDir } from '../helpers/cleanups.js';
import { MqttCollector } from '../helpers/mosquitto.js';
import { ROOT, startProcess } from '../helpers/process.js';
import { fakePublisher, missingSeqs, recordsBySeq } from '../helpers/records.js';
import { until } from '../helpers/until.js';

const SITE = 'dur';
const GW = 'gw1';
const silent = pino({ level: 'silent' });
const cleanup = new Cleanups();
afterEach(() => cleanup.run());

/** An fsync the test lets through one at a time (`open()`), noting when each really completed. */
class HeldFsync {
  private gate: { promise: Promise<void>; release: () => void } = HeldFsync.newGate();
  readonly done: number[] = [];
  started = 0;
  private static newGate() {
    let release!: () => void;
    const promise = new Promise<void>((r) => {
      release = r;
    });
    return { promise, release };
  }
  readonly fsync = async (fh: FileHandle): Promise<void> => {
    this.started++;
    await this.gate.promise;
    await fh.sync();
    this.done.push(performance.now());
  };
  /** Lets every waiting and future fsync through. */
  open(): void {
    this.gate.release();
  }
  /** Holds the next ones again. */
  close(): void {
    this.gate = HeldFsync.newGate();
  }
}

async function heldStore(dataDir: string, held: HeldFsync): Promise<Store> {
  const store = new Store({ dataDir, site: SITE, gateway: GW, logger: silent, walFsync: held.fsync });
  store.start();
  cleanup.add(async () => store.close());
  return store;
}

describe('a record and its fsync', () => {
  it('is not published (drained or replayed) before the fsync after its commit has completed', async () => {
    const broker = await tempBroker(cleanup);
    const dataDir = await tempDir(cleanup, 'sl-durable-');
    const held = new HeldFsync();
    const store = await heldStore(dataDir, held);
    const sub = await MqttCollector.connect(broker.url, `sterilink/v1/${SITE}/${GW}/records/#`);
    cleanup.add(() => sub.client.endAsync(true));
    const pub = fakePublisher({ url: broker.url, site: SITE, gateway: GW, outbox: store.records.outbox });
    cleanup.add(() => pub.stop());
    await pub.start();
    await once(pub, 'online');

    const rec = store.records.append({ type: 'scan', device: 'SC-01', body: { raw: 'A1' } });
    pub.notifyRecords();
    expect(store.records.get(rec.seq)?.id).toBe(rec.id); // committed: a crash would keep it
    await until(() => held.started > 0, 5000, 'the fsync started');
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.messages).toEqual([]);
    expect(store.records.durableSeq).toBe(0);
    expect(store.records.outbox.pending(0, 10)).toEqual([]);
    expect(store.records.outbox.range(1, 10, 10)).toEqual([]);

    held.open();
    const got = await sub.waitFor((m) => (m.json as SignedRecord).id === rec.id);
    expect(held.done.length).toBeGreaterThan(0);
    expect(held.done[0]!).toBeLessThan(got.at); // the fsync completed before the broker passed it on
    expect(store.records.durableSeq).toBe(rec.seq);
    await until(() => store.records.pendingCount() === 0, 5000, 'delivered');

    // the next one waits for its own fsync, not the one that served the first
    held.close();
    const second = store.records.append({ type: 'scan', device: 'SC-01', body: { raw: 'A2' } });
    pub.notifyRecords();
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.filter((m) => (m.json as SignedRecord).id === second.id)).toEqual([]);
    held.open();
    await sub.waitFor((m) => (m.json as SignedRecord).id === second.id);
  });

  it('waits for the commit of the transaction it was appended in, and never for a record that rolled back', async () => {
    const dataDir = await tempDir(cleanup, 'sl-durable-');
    const held = new HeldFsync();
    held.open();
    const store = await heldStore(dataDir, held);
    const heard: number[] = [];
    store.records.onDurable(() => heard.push(store.records.durableSeq));
    expect(() =>
      store.db.transaction(() => {
        store.records.append({ type: 'scan', body: { raw: 'gone' } });
        throw new Error('the step fails');
      })(),
    ).toThrow('the step fails');
    await new Promise((r) => setTimeout(r, 100));
    expect(store.records.durableSeq).toBe(0);
    expect(heard).toEqual([]);
    // the same seq, made again, is durable only through its own commit and fsync
    held.close();
    const kept = store.records.append({ type: 'scan', body: { raw: 'kept' } });
    expect(kept.seq).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(store.records.outbox.pending(0, 10)).toEqual([]);
    held.open();
    await until(() => store.records.durableSeq === 1, 5000, 'durable');
    expect(store.records.outbox.pending(0, 10).map((r) => r.body)).toEqual([{ raw: 'kept' }]);
    expect(heard).toEqual([1]);
  });

  it('runs afterDurable() work only once the records committed before it are durable', async () => {
    const dataDir = await tempDir(cleanup, 'sl-durable-');
    const held = new HeldFsync();
    const store = await heldStore(dataDir, held);
    const ran: string[] = [];
    store.records.afterDurable(() => ran.push('nothing pending'));
    expect(ran).toEqual(['nothing pending']);
    store.records.append({ type: 'scan', body: { raw: 'x' } });
    store.records.afterDurable(() => ran.push('after x'));
    await new Promise((r) => setTimeout(r, 100));
    expect(ran).toEqual(['nothing pending']);
    held.open();
    await until(() => ran.length === 2, 5000, 'after x');
  });

  it('counts what a store already holds as durable once it opens (its files are fsynced at start)', async () => {
    const dataDir = await tempDir(cleanup, 'sl-durable-');
    const held = new HeldFsync(); // never opened: nothing this store commits becomes durable by its syncer
    const first = new Store({ dataDir, site: SITE, gateway: GW, logger: silent, walFsync: held.fsync });
    first.start();
    for (let i = 0; i < 3; i++) first.records.append({ type: 'scan', body: { raw: `r${i}` } });
    expect(first.records.outbox.pending(0, 10)).toEqual([]);
    first.close();
    held.open(); // its syncer's last fsync finishes on the closed store's (deleted) WAL
    const again = await heldStore(dataDir, new HeldFsync());
    expect(again.records.durableSeq).toBe(3);
    expect(again.records.outbox.pending(0, 10).map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('a failed fsync is tried again until it works; the waiters resolve only then', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-walsync-'));
    cleanup.add(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'x.db-wal');
    fs.writeFileSync(file, 'frames');
    let calls = 0;
    const syncer = new WalSyncer(file, silent, {
      retryMs: 50,
      fsync: async (fh) => {
        if (++calls === 1) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        await fh.sync();
      },
    });
    let resolved = false;
    const done = syncer.whenSynced().then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toBe(1);
    expect(resolved).toBe(false);
    await done;
    expect(calls).toBe(2);
    expect(syncer.syncs).toBe(1);
  });
});

// A process that commits records and publishes them as they become durable, killed with SIGKILL in the
// middle: every record a consumer received is in the store as received, and the records committed but not
// yet published then go out after the restart (the store fsyncs its files at start).
const CHILD = `
import pino from 'pino';
import { Store } from '${ROOT}/dist/gateway/store/store.js';
import { MqttPublisher } from '${ROOT}/dist/gateway/publish/mqtt-publisher.js';
const [dataDir, url] = process.argv.slice(2);
const store = new Store({ dataDir, site: '${SITE}', gateway: '${GW}', logger: pino({ level: 'silent' }) });
store.start();
const pub = new MqttPublisher({ url, site: '${SITE}', gateway: '${GW}', clientId: 'dur-child', protocolVersion: 5, logger: pino({ level: 'silent' }),
  outbox: store.records.outbox, status: () => ({ version: 't', startedAt: new Date().toISOString(), keyId: 'k', publicKey: 'p' }) });
await pub.start();
pub.once('online', () => {
  let n = 0;
  const t = setInterval(() => {
    const r = store.records.append({ type: 'scan', device: 'SC-01', body: { raw: 'code-' + ++n, pad: 'x'.repeat(2000) } });
    pub.notifyRecords();
    process.stdout.write('committed ' + r.seq + '\\n');
  }, 2);
});
`;

describe('SIGKILL right after a commit', () => {
  it('loses nothing that was committed and published, and publishes the rest after the restart', async () => {
    const broker = await tempBroker(cleanup);
    const dir = await tempDir(cleanup, 'sl-durable-kill-');
    const dataDir = path.join(dir, 'data');
    const script = path.join(ROOT, 'dist', `durable-child-${process.pid}.mjs`); // beside dist/ so it resolves the project's packages
    fs.writeFileSync(script, CHILD);
    cleanup.add(async () => fs.rmSync(script, { force: true }));
    const sub = await MqttCollector.connect(broker.url, `sterilink/v1/${SITE}/${GW}/records/#`, { clean: false, clientId: 'dur-sub' });
    cleanup.add(() => sub.client.endAsync(true));

    const child = startProcess(process.execPath, [script, dataDir, broker.url]);
    cleanup.add(() => child.kill('SIGKILL'));
    await until(() => sub.messages.length >= 150, 30_000, '150 records published');
    await child.kill('SIGKILL');
    const committed = Math.max(...[...child.output().matchAll(/committed (\d+)/g)].map((m) => Number(m[1])));
    const published = recordsBySeq(sub.messages);
    const lastPublished = Math.max(...published.keys());
    expect(committed).toBeGreaterThanOrEqual(lastPublished);

    // what a consumer received is in the store, byte for byte the same signed record
    const store = new Store({ dataDir, site: SITE, gateway: GW, logger: silent });
    store.start();
    cleanup.add(async () => store.close());
    expect(store.records.head().seq).toBeGreaterThanOrEqual(committed);
    for (const [seq, rec] of published) expect(store.records.get(seq)).toEqual(rec);

    // the committed-but-unpublished tail goes out after the restart
    const pub = fakePublisher({ url: broker.url, site: SITE, gateway: GW, outbox: store.records.outbox });
    cleanup.add(() => pub.stop());
    await pub.start();
    const head = store.records.head().seq;
    await until(() => recordsBySeq(sub.messages).size >= head, 20_000, 'every committed record published');
    expect(missingSeqs(recordsBySeq(sub.messages), head)).toEqual([]);
    for (const [seq, rec] of recordsBySeq(sub.messages)) expect(store.records.get(seq)).toEqual(rec);
  });
});
