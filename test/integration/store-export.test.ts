import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../gateway/store/database.js';
import { exportRecords } from '../../gateway/store/export.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { verifyRecord } from '../../gateway/store/record-crypto.js';
import { Store } from '../../gateway/store/store.js';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-export-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('exportRecords', () => {
  it('streams the stored records as jsonl lines, filtered by type and since', () => {
    let clock = Date.UTC(2026, 4, 1);
    const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger: pino({ level: 'silent' }), now: () => clock });
    s.start();
    const types = ['cycle', 'scan', 'cycle', 'release'] as const;
    for (const type of types) {
      s.append({ type, body: { n: clock } });
      clock += 86_400_000;
    }
    const pub = s.publicKeyInfo().publicKey;
    s.close();
    const db = openDatabase(dataDir, { readonly: true });
    const all = [...exportRecords(db)].map((l) => JSON.parse(l) as SignedRecord);
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    for (const r of all) expect(verifyRecord(r, pub).ok).toBe(true);
    expect([...exportRecords(db, { type: 'cycle' })].map((l) => (JSON.parse(l) as SignedRecord).seq)).toEqual([1, 3]);
    expect([...exportRecords(db, { since: '2026-05-02T00:00:00Z' })].map((l) => (JSON.parse(l) as SignedRecord).seq)).toEqual([2, 3, 4]);
    expect([...exportRecords(db, { type: 'cycle', since: '2026-05-02' })]).toHaveLength(1);
    expect(() => [...exportRecords(db, { type: 'bogus' as never })]).toThrow(/unknown record type/);
    expect(() => [...exportRecords(db, { since: 'last week' })]).toThrow(/not a date/);
    expect([...exportRecords(db)][0]).not.toContain('\n');
    db.close();
  });
});
