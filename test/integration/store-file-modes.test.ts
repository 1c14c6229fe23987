// Issue 10 item 8: the store holds operator ids, loads and the whole history, so only the gateway's
// account may read it: the data folder is made 0700 and the database with its -wal and -shm files 0600,
// whatever the process umask; a store made by an older version with looser modes is narrowed at start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../gateway/store/database.js';
import { Store } from '../../gateway/store/store.js';

const logger = pino({ level: 'silent' });
const mode = (f: string) => fs.statSync(f).mode & 0o777;
let root: string;
let umask: number;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-modes-'));
  umask = process.umask(0o022); // the usual umask: files 0644, folders 0755 unless the store says otherwise
});
afterEach(() => {
  process.umask(umask);
  fs.rmSync(root, { recursive: true, force: true });
});

function writeSome(dataDir: string): Store {
  const store = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger });
  store.start();
  store.samples.add('AC-01', { ts: 1, recvTs: 1, cycleId: null, temp_c: 20 });
  store.append({ type: 'scan', device: 'SC-01', body: { raw: 'X' } });
  return store;
}

describe.skipIf(process.platform === 'win32')('store file modes', () => {
  it('makes the data folder 0700 and the database, -wal and -shm 0600 under umask 022', () => {
    const dataDir = path.join(root, 'nested', 'data');
    const store = writeSome(dataDir);
    try {
      const db = path.join(dataDir, DB_FILE);
      expect(fs.existsSync(`${db}-wal`)).toBe(true);
      expect(fs.existsSync(`${db}-shm`)).toBe(true);
      expect(mode(dataDir).toString(8)).toBe('700');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(`${path.basename(f)} ${mode(f).toString(8)}`).toBe(`${path.basename(f)} 600`);
      expect(process.umask()).toBe(0o022); // restored after the open
    } finally {
      store.close();
    }
  });

  it('narrows a store an older version left readable by everyone', () => {
    const dataDir = path.join(root, 'data');
    writeSome(dataDir).close();
    const db = path.join(dataDir, DB_FILE);
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(db, 0o644);
    const store = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger });
    store.start();
    try {
      expect(mode(db).toString(8)).toBe('600');
      expect(mode(`${db}-wal`).toString(8)).toBe('600');
      expect(mode(dataDir).toString(8)).toBe('750'); // others lose access; a site's backup group keeps it
    } finally {
      store.close();
    }
  });
});
