// `db verify` and `verify-record` run one chain checker (gateway/store/record-chain-check.ts): fed the same
// tampered record sets, they must agree. A real store (SQLite file, a key rotation at seq 4) is tampered
// with the way an attacker with the file would; then `sterilink db verify --json` checks the store and
// `sterilink db export | sterilink verify-record --key FIRST_KEY --json` checks what a consumer would receive.
// Both must flag the same seqs with the same kind of problem and, apart from wording that is about context
// (a hole in the store is a deletion, in a received set a replay to ask for; where trusted keys came from),
// the same reason. The attacker rewrites every indexed column and the head with the json, so what is
// compared is the proof over the records themselves, not the store's bookkeeping.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbCommand } from '../../cli/commands/db.js';
import { type VerifyReport, verifyRecordCommand } from '../../cli/commands/verify-record.js';
import type { AuditReport } from '../../gateway/store/audit.js';
import { canonicalJson } from '../../gateway/store/canonical-json.js';
import { dbPath } from '../../gateway/store/database.js';
import { type GatewayKey, generateGatewayKey } from '../../gateway/store/keys.js';
import type { SignedRecord } from '../../gateway/store/record.js';
import { computeRecordHash, signHash } from '../../gateway/store/record-crypto.js';
import { Store } from '../../gateway/store/store.js';

let dataDir: string;
/** The key of the chain's first record: what the store trusts first, and what the consumer pinned. */
let firstKey: string;

/** 8 records; seq 4 is the key-rotated audit record, 5..8 are signed with the new key. */
function seed(): void {
  const s = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger: pino({ level: 'silent' }) });
  s.start();
  firstKey = s.publicKeyInfo().publicKey;
  for (let i = 1; i <= 3; i++) s.append({ type: 'scan', device: 'SC-01', body: { raw: `item-${i}` } });
  s.rotateKey();
  s.append({ type: 'cycle', device: 'AC-01', body: { verdict: 'pass', program: 'steam-134-4' } });
  for (let i = 6; i <= 8; i++) s.append({ type: 'scan', device: 'SC-01', body: { raw: `item-${i}` } });
  s.close();
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-chain-agree-'));
  seed();
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// --- the attacker, on the SQLite file -----------------------------------------------------------

function withDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(dbPath(dataDir));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
const read = (db: Database.Database, seq: number) =>
  JSON.parse(db.prepare('SELECT json FROM records WHERE seq = ?').pluck().get(seq) as string) as SignedRecord;

/** Replaces the record at row `seq` with `rec`, every column and the head kept consistent with it. */
function write(db: Database.Database, seq: number, rec: SignedRecord): void {
  db.prepare('UPDATE records SET id = ?, type = ?, device = ?, ts = ?, json = ?, hash = ?, prev_hash = ?, sig = ?, key_id = ? WHERE seq = ?').run(
    rec.id,
    rec.type,
    rec.device ?? null,
    rec.ts,
    canonicalJson(rec),
    rec.hash,
    rec.prevHash,
    rec.sig,
    rec.keyId,
    seq,
  );
  const last = db.prepare('SELECT max(seq) FROM records').pluck().get() as number;
  if (last === seq) db.prepare("UPDATE meta SET value = ? WHERE key = 'records.head'").run(`${seq}:${rec.hash}`);
}

/** The record with its hash recomputed; signed by `key` when given, else the old signature kept. */
function rehash(rec: Omit<SignedRecord, 'hash' | 'sig'> & { sig?: string }, key?: GatewayKey): SignedRecord {
  const { hash: _h, sig, ...fields } = rec as SignedRecord;
  const hash = computeRecordHash(fields);
  return { ...fields, hash, sig: key ? signHash(hash, key.privateKey) : sig } as SignedRecord;
}

function deleteRecord(seq: number): void {
  withDb((db) => db.prepare('DELETE FROM records WHERE seq = ?').run(seq));
}

// --- the two verbs, as a user runs them ----------------------------------------------------------

async function cli(
  cmd: (io: Parameters<typeof verifyRecordCommand>[0]) => Promise<number>,
  argv: string[],
  stdin = '',
): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  const code = await cmd({ argv, stdout, stderr: new PassThrough(), env: {}, stdin: Readable.from([stdin]) });
  return { code, out };
}

interface Seen {
  seq: number;
  kind: string;
  reason: string;
}
/** The first problem at each seq (the store keeps one per row), in seq order. */
const firstPerSeq = (ps: Seen[]): Seen[] =>
  ps
    .filter((p, i) => ps.findIndex((q) => q.seq === p.seq) === i)
    .map(({ seq, kind, reason }) => ({ seq, kind, reason }))
    .sort((a, b) => a.seq - b.seq);
/** The reason with what is about context taken out: how a hole is worded, which keys were trusted from where
 * (the consumer's --key, the store's first record), the store's remark on its keys table. */
const sameProof = (p: Seen): string =>
  p.kind === 'gap' ? 'gap' : p.reason.replace(/ \(\w+ \([^)]*\)(, \w+ \([^)]*\))*\)/, ' (…)').replace(/; the keys table lists it.*$/, '');

async function bothVerbs(): Promise<{ store: Seen[]; consumer: Seen[]; codes: [number, number] }> {
  const db = await cli(dbCommand, ['verify', '--data-dir', dataDir, '--json']);
  const audit = JSON.parse(db.out) as AuditReport;
  const exported = await cli(dbCommand, ['export', '--data-dir', dataDir]);
  expect(exported.code).toBe(0);
  const vr = await cli(verifyRecordCommand, ['--key', firstKey, '--json'], exported.out);
  const report = JSON.parse(vr.out) as VerifyReport;
  return {
    store: firstPerSeq(audit.problems.filter((p) => p.table === 'records')),
    consumer: firstPerSeq(report.problems.map((p) => ({ seq: p.seq ?? 0, kind: p.kind, reason: p.message.replace(/^seq [\d.]+: /, '') }))),
    codes: [db.code, vr.code],
  };
}

/** Both verbs run; they agree; the result as `seq:kind` for the case's own expectation. */
async function agreed(): Promise<string[]> {
  const { store, consumer, codes } = await bothVerbs();
  expect(store.map((p) => `${p.seq}:${p.kind}`)).toEqual(consumer.map((p) => `${p.seq}:${p.kind}`));
  expect(store.map(sameProof)).toEqual(consumer.map(sameProof));
  expect(codes[0]).toBe(codes[1]);
  expect(codes[0]).toBe(store.length ? 1 : 0);
  return store.map((p) => `${p.seq}:${p.kind}`);
}

describe('db verify and verify-record agree on the same records', () => {
  it('an untouched chain with a key rotation: both pass', async () => {
    expect(await agreed()).toEqual([]);
  });

  it('a flipped byte in a body', async () => {
    withDb((db) => {
      const text = db.prepare('SELECT json FROM records WHERE seq = 3').pluck().get() as string;
      const i = text.indexOf('item-3') + 5;
      db.prepare('UPDATE records SET json = ? WHERE seq = 3').run(text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 1) + text.slice(i + 1));
    });
    expect(await agreed()).toEqual(['3:hash']);
  });

  it('two records reordered (their seq numbers exchanged)', async () => {
    withDb((db) => {
      const [a, b] = [read(db, 6), read(db, 7)];
      db.prepare("UPDATE records SET id = 'tmp' WHERE seq = 7").run(); // UNIQUE(id) during the swap
      write(db, 6, { ...b, seq: 6 });
      write(db, 7, { ...a, seq: 7 });
    });
    expect(await agreed()).toEqual(['6:chain', '7:chain', '8:chain']);
  });

  it('a record deleted from the middle', async () => {
    deleteRecord(3);
    expect(await agreed()).toEqual(['3:gap']);
  });

  it('a body changed and re-hashed, under a forged signature', async () => {
    const attacker = generateGatewayKey();
    withDb((db) => {
      const r = read(db, 2);
      write(db, 2, rehash({ ...r, body: { raw: 'forged' } }, attacker));
    });
    expect(await agreed()).toEqual(['2:signature', '3:chain']);
  });

  it('the last record re-signed with another key under its own key id', async () => {
    const attacker = generateGatewayKey();
    withDb((db) => write(db, 8, rehash({ ...read(db, 8), body: { raw: 'forged' }, keyId: attacker.keyId }, attacker)));
    expect(await agreed()).toEqual(['8:key']);
  });

  it("a wrong key id: a record claiming the gateway's other key (re-hashed, its signature kept)", async () => {
    withDb((db) => {
      const before = read(db, 2); // signed with the first key, claims the key the rotation at 4 introduces
      const after = read(db, 6); // signed with the new key, claims the retired first key
      write(db, 2, rehash({ ...before, keyId: after.keyId }));
      write(db, 6, rehash({ ...after, keyId: before.keyId }));
    });
    // 2: that key is not trusted before the rotation; 6: the old key is trusted, but did not sign it
    expect(await agreed()).toEqual(['2:key', '3:chain', '6:signature', '7:chain']);
  });

  it("the same, with the attacker's key slipped into the keys table: still not trusted", async () => {
    const attacker = generateGatewayKey();
    withDb((db) => {
      write(db, 8, rehash({ ...read(db, 8), body: { raw: 'forged' }, keyId: attacker.keyId }, attacker));
      db.prepare('INSERT INTO keys VALUES (?, ?, ?, NULL)').run(attacker.keyId, attacker.publicKeyRaw.toString('base64'), '2026-01-01T00:00:00.000Z');
    });
    expect(await agreed()).toEqual(['8:key']);
  });

  it("the rotation record naming an attacker's key (it cannot sign with the old one)", async () => {
    const attacker = generateGatewayKey();
    withDb((db) => {
      const r = read(db, 4);
      write(db, 4, rehash({ ...r, body: { ...r.body, keyId: attacker.keyId, publicKey: attacker.publicKeyRaw.toString('base64') } }));
    });
    // 4: its signature; 5: no longer links; 5..8: signed by the real new key, which nothing introduced now
    expect(await agreed()).toEqual(['4:signature', '5:chain', '6:key', '7:key', '8:key']);
  });

  it('the rotation record deleted: the records signed with the new key lose their voucher', async () => {
    deleteRecord(4);
    expect(await agreed()).toEqual(['4:gap', '5:key', '6:key', '7:key', '8:key']);
  });

  it('a field added outside the signature', async () => {
    withDb((db) => {
      const r = read(db, 5);
      db.prepare('UPDATE records SET json = ? WHERE seq = 5').run(canonicalJson({ ...r, releasedBy: 'OP-9' }));
    });
    expect(await agreed()).toEqual(['5:fields']);
  });
});

describe('where the contexts differ, and why', () => {
  it('records cut off the end: only the store knows where its chain ended (the head written with each record)', async () => {
    deleteRecord(8);
    const { store, consumer, codes } = await bothVerbs();
    expect(store).toEqual([{ seq: 8, kind: 'gap', reason: 'records 8..8 missing at the end (deleted)' }]);
    expect(consumer).toEqual([]);
    expect(codes).toEqual([1, 0]);
  });
});
