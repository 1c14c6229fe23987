// Migration 4: the lookup tables over the signed records. Filled by triggers with each record, filled
// from the records already stored when an older database is migrated, emptied with a deleted record,
// rebuildable, and never in the way of storing a record, whatever its body looks like.
import fs from 'node:fs';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../gateway/store/database.js';
import { KeyRegistry } from '../../gateway/store/key-registry.js';
import { loadOrCreateKey } from '../../gateway/store/keys.js';
import { REBUILD_RECORD_INDEX_SQL, RECORD_INDEX_TABLES } from '../../gateway/store/record-index.js';
import { RecordLog } from '../../gateway/store/record-log.js';
import { Store } from '../../gateway/store/store.js';
import { goldenCycleBody, releaseBody } from '../helpers/cycle-records.js';
import { tempDir } from '../helpers/process.js';

const logger = pino({ level: 'silent' });
const GS = '\u001d';
const items = [
  { raw: `]d20104000000000174${GS}21SET-1`, gtin: '04000000000174', serial: 'SET-1' },
  { raw: 'TRAY-7', code: 'TRAY-7', kind: 'internal' },
];

let dir: string;
beforeEach(() => {
  dir = tempDir('sl-index-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const dump = (s: Store) => Object.fromEntries(RECORD_INDEX_TABLES.map((t) => [t, s.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]));

describe('record lookup tables', () => {
  it('index each cycle, its items, each release (latest per load) and BI as the record is stored', () => {
    const s = new Store({ dataDir: dir, site: 'h', gateway: 'g', logger });
    s.start();
    const cycle = s.append({
      type: 'cycle',
      device: 'AC-01',
      body: goldenCycleBody({
        file: 'steam-134-4-air.csv',
        programId: 'steam-134-4',
        cycleNo: 7,
        cycleId: 'c7',
        loadId: 'L7',
        items,
        info: { operator: 'OP7', loadId: 'T-0007' },
      }),
    });
    s.append({
      type: 'release',
      device: 'AC-01',
      body: releaseBody({
        loadId: 'L7',
        cycleId: 'c7',
        status: 'pending',
        reasonCode: 'load-closed',
        reason: 'closed',
        operator: 'OP7',
        at: '2026-03-02T08:00:00Z',
      }),
    });
    const q = s.append({
      type: 'release',
      device: 'AC-01',
      body: releaseBody({ loadId: 'L7', cycleId: 'c7', status: 'quarantined', reasonCode: 'cycle-failed', reason: 'failed', at: '2026-03-02T08:40:00Z' }),
    });
    s.append({ type: 'bi', device: 'BI-01', body: { cycleId: 'c7', loadId: 'L7', result: 'negative' } });
    s.append({ type: 'scan', device: 'SC-01', body: { raw: 'OP:OP7' } });
    const row = s.db.prepare('SELECT * FROM cycle_index').get() as Record<string, unknown>;
    expect(row).toMatchObject({
      seq: cycle.seq,
      record_id: cycle.id,
      cycle_id: 'c7',
      device: 'AC-01',
      program: 'steam-134-4',
      cycle_no: 7,
      verdict: 'fail',
      failed: 'saturated_steam',
      started_at: cycle.body.startedAt,
      load_id: 'L7',
      ticket_load_id: 'T-0007',
      items: 2,
      operator: 'OP7',
    });
    expect(s.db.prepare('SELECT pos, raw, gtin, serial, code FROM cycle_items ORDER BY pos').all()).toEqual([
      { pos: 0, raw: items[0]!.raw, gtin: '04000000000174', serial: 'SET-1', code: null },
      { pos: 1, raw: 'TRAY-7', gtin: null, serial: null, code: 'TRAY-7' },
    ]);
    expect(s.db.prepare('SELECT count(*) FROM release_index').pluck().get()).toBe(2);
    expect(s.db.prepare('SELECT seq, status, reason_code FROM release_latest').all()).toEqual([
      { seq: q.seq, status: 'quarantined', reason_code: 'cycle-failed' },
    ]);
    expect(s.db.prepare('SELECT cycle_id, load_id FROM bi_index').all()).toEqual([{ cycle_id: 'c7', load_id: 'L7' }]);
    s.close();
  });

  it('never refuses a record, whatever its body looks like', () => {
    const s = new Store({ dataDir: dir, site: 'h', gateway: 'g', logger });
    s.start();
    const odd = [
      { load: 'not an object', criteria: 'nope' },
      { load: { items: 5 } },
      { load: { items: ['raw string', null, 3, { raw: 42 }] }, criteria: [null, 1, { id: 7, pass: 'false' }] },
      { verdict: { nested: true }, startedAt: 12, cycleNo: 'A-12', stats: { durationS: 'long' } },
      {},
    ];
    for (const body of odd) s.append({ type: 'cycle', device: 'AC-9', body });
    s.append({ type: 'release', body: { status: 'released' } }); // no load id: not in release_latest
    s.append({ type: 'bi', body: {} });
    expect(s.db.prepare('SELECT count(*) FROM cycle_index').pluck().get()).toBe(odd.length);
    expect(s.db.prepare('SELECT count(*) FROM cycle_items').pluck().get()).toBe(1); // only the one object item
    expect(s.db.prepare('SELECT count(*) FROM release_latest').pluck().get()).toBe(0);
    expect(s.verify()).toMatchObject({ ok: true, records: odd.length + 2 });
    s.close();
  });

  it('fills the tables from what an older database already holds, and rebuilds to the same rows', () => {
    const v3 = openDatabase(dir, { targetVersion: 3 });
    const key = loadOrCreateKey(dir);
    new KeyRegistry(v3).register(key, new Date().toISOString());
    const log = new RecordLog({ db: v3, site: 'h', gateway: 'g', key, now: Date.now });
    for (let i = 0; i < 3; i++) {
      log.append({
        type: 'cycle',
        device: 'AC-01',
        body: goldenCycleBody({
          file: 'steam-134-4-pass.csv',
          programId: 'steam-134-4',
          cycleNo: i,
          cycleId: `c${i}`,
          loadId: `L${i}`,
          items: [items[0]!],
          every: 10,
        }),
      });
      log.append({
        type: 'release',
        device: 'AC-01',
        body: releaseBody({ loadId: `L${i}`, cycleId: `c${i}`, status: 'pending', reasonCode: 'load-closed', reason: 'closed', at: '2026-03-02T08:00:00Z' }),
      });
      log.append({
        type: 'release',
        device: 'AC-01',
        body: releaseBody({ loadId: `L${i}`, cycleId: `c${i}`, status: 'released', reasonCode: 'checks-passed', reason: 'ok', at: '2026-03-02T09:00:00Z' }),
      });
    }
    v3.close();
    const s = new Store({ dataDir: dir, site: 'h', gateway: 'g', logger });
    s.start();
    const before = dump(s);
    expect((before.cycle_index as unknown[]).length).toBe(3);
    expect((before.cycle_items as unknown[]).length).toBe(3);
    expect(s.db.prepare("SELECT count(*) FROM release_latest WHERE status = 'released'").pluck().get()).toBe(3);
    s.db.exec(REBUILD_RECORD_INDEX_SQL);
    expect(dump(s)).toEqual(before);
    s.close();
  });

  it('forgets a record that is deleted (retention)', () => {
    const s = new Store({ dataDir: dir, site: 'h', gateway: 'g', logger });
    s.start();
    const c = s.append({
      type: 'cycle',
      device: 'AC-01',
      body: goldenCycleBody({ file: 'steam-134-4-pass.csv', programId: 'steam-134-4', cycleId: 'c1', loadId: 'L1', items, every: 10 }),
    });
    s.append({
      type: 'release',
      device: 'AC-01',
      body: releaseBody({ loadId: 'L1', cycleId: 'c1', status: 'released', reasonCode: 'checks-passed', reason: 'ok', at: '2026-03-02T09:00:00Z' }),
    });
    s.db.prepare('DELETE FROM records WHERE seq <= ?').run(c.seq + 1);
    for (const t of RECORD_INDEX_TABLES) expect(s.db.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), t).toBe(0);
    s.close();
  });
});
