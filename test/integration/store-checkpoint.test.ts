// The WAL checkpoint runs on a worker thread with its own connection, not inside a commit on the event loop
// (wal-checkpoint.ts, docs/performance.md "Cycle end"): the Store's connection never checkpoints on its own,
// a worker copies the WAL into the database file once 4 MiB wait, the main connection keeps committing
// meanwhile, and everything still verifies. Real SQLite files, a real worker thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyStore } from '../../gateway/store/audit.js';
import { WAL_CHECKPOINT_BYTES } from '../../gateway/store/database.js';
import { Store } from '../../gateway/store/store.js';
import { WalCheckpointer } from '../../gateway/store/wal-checkpoint.js';
import { until } from '../helpers/until.js';

const silent = pino({ level: 'silent' });
const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) {
    await s.checkpointer.settle();
    s.close();
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function openStore(): Store {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-checkpoint-'));
  dirs.push(dataDir);
  const store = new Store({ dataDir, site: 's', gateway: 'g', logger: silent });
  store.start();
  stores.push(store);
  return store;
}

/** One 30 s batch of 16 devices' samples (~0.7 MiB of WAL with 1 KiB pages). */
function batch(store: Store, k: number): void {
  for (let j = 0; j < 300; j++)
    for (let d = 0; d < 16; d++)
      store.samples.add(`AC-${d}`, { ts: 1_750_000_000_000 + (k * 300 + j) * 1000, recvTs: 1_750_000_000_000, cycleId: null, temp_c: 20 + j / 100 });
  store.flush();
}

describe('the WAL checkpoint', () => {
  it('is never run by a commit of the store: a worker thread copies the WAL once 4 MiB wait, while commits go on', async () => {
    const store = openStore();
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    let k = 0;
    while (store.checkpointer.waitingBytes() < WAL_CHECKPOINT_BYTES) batch(store, k++);
    expect(store.checkpointer.byWorker).toBe(0); // nothing checkpointed inside those commits
    await until(() => store.checkpointer.running || store.checkpointer.byWorker > 0, 5000, 'a worker started after the fsync');
    // commits are not blocked while it copies
    const rec = store.append({ type: 'scan', body: { raw: 'during the checkpoint' } });
    expect(store.records.get(rec.seq)?.id).toBe(rec.id);
    await until(() => store.checkpointer.byWorker === 1 && !store.checkpointer.running, 10_000, 'the worker checkpointed');
    expect(store.checkpointer.onMain).toBe(0);
    expect(store.checkpointer.waitingBytes()).toBeLessThan(WAL_CHECKPOINT_BYTES);
    expect(verifyStore(store.db).ok).toBe(true);
  });

  it('is also looked for on a timer, for writes that ask for no fsync (retention deleting)', async () => {
    const store = openStore();
    const file = path.join(dirs[0]!, 'sterilink.db');
    const timed = new WalCheckpointer({ db: store.db, file, thresholdBytes: 64 * 1024, logger: silent });
    let k = 0;
    while (timed.waitingBytes() < 64 * 1024) batch(store, k++);
    timed.start(20);
    try {
      await until(() => timed.byWorker >= 1, 10_000, 'a checkpoint started by the timer');
    } finally {
      timed.close();
      await timed.settle();
    }
  });

  it('falls back to the main connection when the worker cannot do it', async () => {
    const store = openStore();
    const logs: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void logs.push(l) });
    // a checkpointer whose worker opens a file that is not there
    const broken = new WalCheckpointer({ db: store.db, file: path.join(dirs[0]!, 'missing.db'), thresholdBytes: 64 * 1024, logger });
    let k = 0;
    while (broken.waitingBytes() < 64 * 1024) batch(store, k++);
    broken.check();
    expect(broken.running).toBe(true);
    await broken.settle();
    expect(broken.byWorker).toBe(0);
    expect(logs.join('')).toMatch(/checkpoint thread failed/);
    broken.check(); // the next look checkpoints on the main connection
    expect(broken.onMain).toBe(1);
    expect(broken.waitingBytes()).toBe(0);
  });
});
