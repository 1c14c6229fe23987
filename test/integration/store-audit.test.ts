import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditProblem, formatProblem, verifyStore } from '../../gateway/store/audit.js';
import { canonicalJson } from '../../gateway/store/canonical-json.js';
import { dbPath } from '../../gateway/store/database.js';
import { generateGatewayKey } from '../../gateway/store/keys.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { computeRecordHash, signHash } from '../../gateway/store/record-crypto.js';
import { Store } from '../../gateway/store/store.js';

const logger = pino({ level: 'silent' });
let dataDir: string;

/** A store with 6 records (seq 3 a passing cycle naming AC-01's sample and raw chain heads 3), 2 devices x 5 samples, 4 raw lines; closed. */
function seed(): void {
  const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger });
  s.start();
  for (let i = 1; i <= 6; i++) {
    for (const dev of ['AC-01', 'WD-01'])
      s.samples.add(dev, { ts: i * 1000, recvTs: i * 1000 + 2, cycleId: `${dev}-c1`, temp_c: 120 + i, pressure_kpa: 200 + i, phase: 'sterilizing' });
    if (i <= 4) s.raw.add('AC-01', { ts: i * 1000, cycleId: 'AC-01-c1', line: `${i}  134.${i} C  304 kPa` });
    s.append(
      i === 3
        ? {
            type: 'cycle',
            device: 'AC-01',
            body: { verdict: 'pass', program: 'steam-134-4', sampleChain: s.sampleChainRef('AC-01'), rawChain: s.rawChainRef('AC-01') },
          }
        : i === 5
          ? { type: 'cycle', device: 'WD-01', body: { binding: { sampleChain: s.samples.head('WD-01') } } } // {seq, hash}: device from the record
          : { type: 'scan', body: { raw: `item-${i}` } },
    );
  }
  s.close();
}

function withDb(fn: (db: Database.Database) => void): void {
  const db = new Database(dbPath(dataDir));
  try {
    fn(db);
  } finally {
    db.close();
  }
}
const json = (db: Database.Database, seq: number) =>
  JSON.parse(db.prepare('SELECT json FROM records WHERE seq = ?').pluck().get(seq) as string) as SignedRecord;
const first = (): AuditProblem | undefined => verifyStore(dataDir).problems[0];

/** The contract check's attacker (the acceptance harness): every column of every table, as text. */
function tamperVerdict(file: string): string | null {
  const db = new Database(file);
  try {
    for (const { name } of db.prepare("select name from sqlite_master where type='table'").all() as { name: string }[]) {
      for (const col of db.prepare(`pragma table_info("${name}")`).all() as { name: string }[]) {
        const row = db.prepare(`select rowid as r from "${name}" where cast("${col.name}" as text) like '%"verdict":"pass"%' limit 1`).get() as
          | { r: number }
          | undefined;
        if (row) {
          db.prepare(`update "${name}" set "${col.name}" = replace(cast("${col.name}" as text), '"verdict":"pass"', '"verdict":"fail"') where rowid = ?`).run(
            row.r,
          );
          return `${name}.${col.name} rowid ${row.r}`;
        }
      }
    }
    return null;
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-store-audit-'));
  seed();
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('verifyStore', () => {
  it('passes an untouched store and counts what it checked, read-only', () => {
    const before = fs.statSync(dbPath(dataDir)).mtimeMs;
    const r = verifyStore(dataDir);
    expect(r).toMatchObject({ ok: true, records: 6, samples: 12, rawLines: 4, keys: 1, problems: [], truncated: false });
    expect(fs.statSync(dbPath(dataDir)).mtimeMs).toBe(before);
  });

  it('catches the acceptance attacker flipping a verdict in the json text', () => {
    expect(tamperVerdict(dbPath(dataDir))).toBe('records.json rowid 3');
    expect(first()).toEqual({ table: 'records', seq: 3, kind: 'hash', reason: expect.stringMatching(/^hash mismatch: the content hashes to /) });
  });

  it('catches a flipped byte anywhere in the json', () => {
    withDb((db) => {
      const text = db.prepare('SELECT json FROM records WHERE seq = 4').pluck().get() as string;
      const i = text.indexOf('item-4') + 5;
      db.prepare('UPDATE records SET json = ? WHERE seq = 4').run(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1));
    });
    expect(first()).toMatchObject({ table: 'records', seq: 4 });
  });

  it('catches a deleted record in the middle and one cut off the end', () => {
    withDb((db) => db.prepare('DELETE FROM records WHERE seq = 2').run());
    expect(first()).toMatchObject({ table: 'records', seq: 2, reason: expect.stringMatching(/missing/) });
    withDb((db) => db.prepare('DELETE FROM records WHERE seq = 6').run());
    const problems = verifyStore(dataDir).problems;
    expect(problems.map((p) => p.seq)).toEqual([2, 6]);
    expect(formatProblem(problems[1] as AuditProblem)).toBe('records seq 6: records 6..6 missing at the end (deleted)');
  });

  it('catches two records swapping content', () => {
    withDb((db) => {
      const cols = ['id', 'type', 'device', 'ts', 'json', 'hash', 'prev_hash', 'sig', 'key_id'];
      const get = (seq: number) =>
        db
          .prepare(`SELECT ${cols.join(',')} FROM records WHERE seq = ?`)
          .raw()
          .get(seq) as unknown[];
      const [a, b] = [get(4), get(5)];
      const set = db.prepare(`UPDATE records SET ${cols.map((c) => `${c} = ?`).join(',')} WHERE seq = ?`);
      db.transaction(() => {
        db.prepare("UPDATE records SET id = 'tmp' WHERE seq = 5").run(); // UNIQUE(id) during the swap
        set.run(...b, 4);
        set.run(...a, 5);
      })();
    });
    expect(first()).toMatchObject({ table: 'records', seq: 4, reason: expect.stringMatching(/column seq/) });
  });

  it('a bad first record does not cascade into the records after it', () => {
    withDb((db) => db.prepare("UPDATE records SET json = replace(json, 'item-1', 'item-X') WHERE seq = 1").run());
    expect(verifyStore(dataDir).problems).toEqual([{ table: 'records', seq: 1, kind: 'hash', reason: expect.stringMatching(/^hash mismatch/) }]);
  });

  it('catches a column edited beside an intact json', () => {
    withDb((db) => db.prepare("UPDATE records SET type = 'release' WHERE seq = 5").run());
    expect(first()).toMatchObject({ table: 'records', seq: 5, reason: expect.stringMatching(/column type/) });
  });

  it('catches a record re-hashed after editing (no valid signature)', () => {
    withDb((db) => {
      const r = json(db, 3);
      const forged = { ...r, body: { ...r.body, verdict: 'fail' } };
      forged.hash = computeRecordHash(forged);
      db.prepare('UPDATE records SET json = ?, hash = ? WHERE seq = 3').run(canonicalJson(forged), forged.hash);
    });
    const problems = verifyStore(dataDir).problems;
    expect(problems[0]).toMatchObject({ table: 'records', seq: 3, reason: expect.stringMatching(/signature invalid/) });
    expect(problems[1]).toMatchObject({ table: 'records', seq: 4, reason: expect.stringMatching(/prevHash/) });
  });

  it('catches a record re-signed with another key, even one slipped into the keys table', () => {
    const other = generateGatewayKey();
    withDb((db) => {
      const r = json(db, 6); // the last one, so no later link breaks: only the key can tell
      const forged = { ...r, body: { raw: 'forged' }, keyId: other.keyId };
      forged.hash = computeRecordHash(forged);
      forged.sig = signHash(forged.hash, other.privateKey);
      db.prepare('UPDATE records SET json = ?, hash = ?, sig = ?, key_id = ? WHERE seq = 6').run(canonicalJson(forged), forged.hash, forged.sig, other.keyId);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'records.head'").run(`6:${forged.hash}`);
    });
    expect(first()).toMatchObject({
      table: 'records',
      seq: 6,
      kind: 'key',
      reason: expect.stringContaining(`signed by key ${other.keyId}, which is not among the trusted keys`),
    });
    withDb((db) => db.prepare('INSERT INTO keys VALUES (?, ?, ?, NULL)').run(other.keyId, other.publicKeyRaw.toString('base64'), '2026-01-01T00:00:00.000Z'));
    expect(first()).toMatchObject({ table: 'records', seq: 6, reason: expect.stringMatching(/no earlier key-rotation record introduced/) });
  });

  it('catches a tampered, a deleted and a reordered sample, naming device and seq', () => {
    withDb((db) => db.prepare("UPDATE samples SET temp_c = 134.0 WHERE device_id = 'WD-01' AND seq = 4").run());
    expect(first()).toMatchObject({ table: 'samples', device: 'WD-01', seq: 4 });
    withDb((db) => db.prepare("DELETE FROM samples WHERE device_id = 'AC-01' AND seq = 2").run());
    expect(verifyStore(dataDir).problems.map((p) => `${p.device}:${p.seq}`)).toEqual(['AC-01:2', 'WD-01:4']);
  });

  it('catches swapped sample rows and an edited raw line', () => {
    withDb((db) => {
      const cols = 'ts, recv_ts, temp_c, pressure_kpa, hash';
      const a = db.prepare(`SELECT ${cols} FROM samples WHERE device_id = 'AC-01' AND seq = 2`).raw().get() as unknown[];
      const b = db.prepare(`SELECT ${cols} FROM samples WHERE device_id = 'AC-01' AND seq = 3`).raw().get() as unknown[];
      const set = db.prepare("UPDATE samples SET ts = ?, recv_ts = ?, temp_c = ?, pressure_kpa = ?, hash = ? WHERE device_id = 'AC-01' AND seq = ?");
      set.run(...b, 2);
      set.run(...a, 3);
      db.prepare("UPDATE raw_lines SET line = '3  121.0 C  304 kPa' WHERE seq = 3").run();
    });
    const p = verifyStore(dataDir).problems;
    expect(p.map((x) => `${x.table}:${x.seq}`)).toEqual(['samples:2', 'samples:3', 'samples:4', 'raw_lines:3']); // 3 -> 4 no longer links
  });

  it('orders problems by table then seq: records come first', () => {
    withDb((db) => {
      db.prepare("UPDATE samples SET phase = 'drying' WHERE device_id = 'AC-01' AND seq = 1").run();
      db.prepare("UPDATE records SET json = replace(json, 'item-4', 'item-9') WHERE seq = 4").run();
    });
    const r = verifyStore(dataDir);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => `${p.table}:${p.seq}`)).toEqual(['records:4', 'samples:1']);
  });

  it('catches the samples a cycle record binds being cut off the end of the chain', () => {
    withDb((db) => db.prepare("DELETE FROM samples WHERE device_id = 'AC-01' AND seq >= 3").run());
    expect(verifyStore(dataDir).problems).toEqual([
      { table: 'samples', seq: 3, device: 'AC-01', kind: 'gap', reason: 'row named by record 3 is missing (deleted)' },
    ]);
    withDb((db) => db.prepare("DELETE FROM samples WHERE device_id = 'WD-01' AND seq >= 5").run());
    expect(verifyStore(dataDir).problems.map((p) => `${p.device}:${p.seq}`)).toEqual(['AC-01:3', 'WD-01:5']);
  });

  it('reports an unknown key table entry that does not hash to its id', () => {
    withDb((db) => db.prepare('INSERT INTO keys VALUES (?, ?, ?, NULL)').run('0123456789abcdef', Buffer.alloc(32, 7).toString('base64'), 'x'));
    expect(first()).toMatchObject({ table: 'keys', seq: 0 });
  });
});
