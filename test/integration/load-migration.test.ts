// Migration 3 (the load workflow's tables) is additive: a version-2 store with records and samples
// migrates to it keeping every row, and the chain still verifies.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../gateway/store/database.js';
import { KeyRegistry } from '../../gateway/store/key-registry.js';
import { loadOrCreateKey } from '../../gateway/store/keys.js';
import { LATEST_VERSION, MIGRATIONS, schemaVersion } from '../../gateway/store/migrations.js';
import { RecordLog } from '../../gateway/store/record-log.js';
import { Store } from '../../gateway/store/store.js';

const LOAD_TABLES = ['bi_controls', 'bi_links', 'load_items', 'load_stations', 'loads', 'releases'];
let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-load-mig-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));
const tables = (db: Database.Database) => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

describe('migration 3: load workflow tables', () => {
  it('is the step that adds exactly the load tables, each with a rowid', () => {
    const m = MIGRATIONS.find((x) => x.version === 3);
    expect(m?.description).toMatch(/load workflow/);
    const v2 = openDatabase(dataDir, { targetVersion: 2 });
    const before = tables(v2);
    v2.close();
    const db = openDatabase(dataDir, { targetVersion: 3 });
    expect(tables(db).filter((t) => !before.includes(t))).toEqual(LOAD_TABLES);
    for (const t of LOAD_TABLES) expect(() => db.prepare(`SELECT rowid FROM "${t}" LIMIT 1`).all()).not.toThrow();
    db.close();
  });

  it('migrates a version-2 store with records and samples, keeping them; the chain verifies', () => {
    const v2 = openDatabase(dataDir, { targetVersion: 2 });
    const key = loadOrCreateKey(dataDir);
    new KeyRegistry(v2).register(key, new Date().toISOString());
    const rec = new RecordLog({ db: v2, site: 'h1', gateway: 'gw1', key, now: Date.now }).append({
      type: 'cycle',
      device: 'AC-01',
      body: { cycleId: 'c1', verdict: 'pass' },
    });
    v2.prepare("INSERT INTO open_cycles (device_id, state, updated_at) VALUES ('AC-01', '{}', 1)").run();
    v2.close();

    const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger: pino({ level: 'silent' }) });
    s.start();
    expect(schemaVersion(s.db)).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBeGreaterThanOrEqual(3);
    expect(s.records.get(1)).toEqual(rec);
    expect(s.loadOpenCycle('AC-01')).toEqual({});
    for (const t of LOAD_TABLES) expect(s.db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()).toBe(0);
    expect(s.append({ type: 'release', device: 'AC-01', body: { loadId: 'x' } }).prevHash).toBe(rec.hash);
    expect(s.verify()).toMatchObject({ ok: true, records: 2 });
    s.close();
  });
});
