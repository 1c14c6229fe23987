import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_KIB, dbPath, openDatabase } from '../../gateway/store/database.js';
import { KeyRegistry } from '../../gateway/store/key-registry.js';
import { loadOrCreateKey } from '../../gateway/store/keys.js';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../gateway/store/migrations.js';
import { RecordLog } from '../../gateway/store/record-log.js';
import { Store } from '../../gateway/store/store.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { thrown } from '../helpers/thrown.js';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-mig-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const tables = (db: Database.Database) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();

describe('migrations', () => {
  it('open() creates the folder, WAL mode and the latest schema', () => {
    const nested = path.join(dataDir, 'a', 'b');
    const db = openDatabase(nested);
    expect(fs.existsSync(dbPath(nested))).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('cache_size', { simple: true })).toBe(-CACHE_KIB); // not better-sqlite3's 16 MB
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(tables(db)).toEqual([
      'bi_controls',
      'bi_index',
      'bi_links',
      'chain_devices',
      'cycle_ids',
      'cycle_index',
      'cycle_items',
      'keys',
      'load_items',
      'load_stations',
      'loads',
      'loaner_codes',
      'loaner_index',
      'loaner_latest',
      'loaner_loads',
      'loaner_visits',
      'meta',
      'open_cycles',
      'raw_line_rows',
      'records',
      'release_index',
      'release_latest',
      'releases',
      'sample_phases',
      'sample_rows',
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").pluck().all()).toEqual(['raw_lines', 'samples']);
    db.close();
  });

  it('migrates a version-1 database with records to the latest, keeping its data', () => {
    const v1 = openDatabase(dataDir, { targetVersion: 1 });
    expect(schemaVersion(v1)).toBe(1);
    expect(tables(v1)).toEqual(['keys', 'meta', 'records']);
    const key = loadOrCreateKey(dataDir);
    new KeyRegistry(v1).register(key, new Date().toISOString());
    const rec = new RecordLog({ db: v1, site: 'h1', gateway: 'gw1', key, now: Date.now }).append({ type: 'scan', body: { old: true } });
    v1.close();

    const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger: pino({ level: 'silent' }) });
    s.start();
    expect(schemaVersion(s.db)).toBe(LATEST_VERSION);
    expect(s.records.get(1)).toEqual(rec);
    s.samples.add('AC-01', { ts: 1, recvTs: 1, cycleId: null, temp_c: 20 });
    expect(s.append({ type: 'scan', body: {} }).prevHash).toBe(rec.hash);
    expect(s.verify()).toMatchObject({ ok: true, records: 2, samples: 1 });
    s.close();
  });

  it('a failing step leaves the previous version intact', () => {
    const db = new Database(dbPath(dataDir));
    const broken = [
      MIGRATIONS[0]!,
      { version: 2, description: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE half (x); SELECT * FROM no_such_table;') },
    ];
    const err = thrown(() => migrate(db, broken));
    expect(isGatewayError(err, 'store.migrate')).toBe(true);
    expect((err as Error).message).toMatch(/migration 2 \(broken\)/);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('half');
    db.close();
  });

  it('refuses a database from a newer SteriLink and a migration list with gaps', () => {
    const db = new Database(dbPath(dataDir));
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(dataDir)).toThrow(/newer than this SteriLink/);
    expect(() => openDatabase(dataDir, { readonly: true })).toThrow(/newer/);
    const mem = new Database(':memory:');
    expect(() => migrate(mem, [MIGRATIONS[1]!])).toThrow(/not 1..n/);
    mem.close();
  });
});
