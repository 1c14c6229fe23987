// The integrity audit behind `sterilink db verify`: recomputes every chain in the store and checks
// every signature. Read-only; runs inside one read transaction, so it sees a consistent snapshot
// even while a gateway writes.
import type { KeyObject } from 'node:crypto';
import { auditChain } from './audit-chains.js';
import { AUDIT_TABLES, chainRefsOf, type AuditProblem, type AuditReport, type AuditTable, type ChainRef } from './audit-types.js';
import { openDatabase, type Db } from './database.js';
import { KeyRegistry } from './key-registry.js';
import { keyIdOf } from './keys.js';
import { isKeyRotation } from './key-rotation.js';
import { META_RECORD_HEAD } from './meta.js';
import { GENESIS_HASH, RECORD_SCHEMA, type SignedRecord } from './record.js';
import { computeRecordHash, toPublicKey, verifyRecordSignature } from './record-crypto.js';

export * from './audit-types.js';

export interface AuditOptions {
  /** Problems kept per table (default 1000). */
  maxProblems?: number;
}

type Report = (p: AuditProblem) => void;

/** Audits the store in `dataDir` (opened read-only) or an open database. */
export function verifyStore(target: string | Db, opts: AuditOptions = {}): AuditReport {
  const own = typeof target === 'string';
  const db = own ? openDatabase(target, { readonly: true }) : target;
  try {
    const max = opts.maxProblems ?? 1000;
    const problems: AuditProblem[] = [];
    const perTable = new Map<AuditTable, number>();
    let truncated = false;
    const report: Report = (p) => {
      const c = perTable.get(p.table) ?? 0;
      if (c >= max) {
        truncated = true;
        return;
      }
      perTable.set(p.table, c + 1);
      problems.push(p);
    };
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const began = !db.inTransaction;
    if (began) db.exec('BEGIN');
    const counts = { records: 0, keys: 0, samples: 0, rawLines: 0 };
    try {
      if (tables.has('keys')) counts.keys = auditKeys(db, report);
      const refs: RecordRef[] = [];
      if (tables.has('records')) counts.records = auditRecords(db, report, refs);
      checkChainRefs(db, tables, refs, report);
      if (tables.has('samples')) counts.samples = auditChain(db, 'samples', report);
      if (tables.has('raw_lines')) counts.rawLines = auditChain(db, 'raw_lines', report);
    } finally {
      if (began) db.exec('COMMIT');
    }
    const rank = (t: AuditTable) => AUDIT_TABLES.indexOf(t);
    problems.sort((a, b) => rank(a.table) - rank(b.table) || a.seq - b.seq || (a.device ?? '').localeCompare(b.device ?? ''));
    // one problem per row (a row can break its chain link and a record's reference at once)
    const seen = new Set<string>();
    const unique = problems.filter((p) => {
      const k = p.table === 'keys' ? p.reason : `${p.table}\u0000${p.device ?? ''}\u0000${p.seq}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    return { ok: unique.length === 0, ...counts, problems: unique, truncated };
  } finally {
    if (own) db.close();
  }
}

function auditKeys(db: Db, report: Report): number {
  const rows = new KeyRegistry(db).list();
  for (const k of rows) {
    const raw = Buffer.from(k.publicKey, 'base64');
    if (raw.length !== 32 || keyIdOf(raw) !== k.keyId) report({ table: 'keys', seq: 0, reason: `key ${k.keyId}: stored public key does not hash to its key id` });
  }
  return rows.length;
}

interface RecordRow {
  seq: number; id: string; type: string; device: string | null; ts: string; json: string;
  hash: string; prev_hash: string; sig: string; key_id: string;
}

const COLUMN_FIELDS: readonly [keyof RecordRow, keyof SignedRecord][] = [
  ['seq', 'seq'], ['id', 'id'], ['type', 'type'], ['device', 'device'], ['ts', 'ts'],
  ['hash', 'hash'], ['prev_hash', 'prevHash'], ['sig', 'sig'], ['key_id', 'keyId'],
];

interface RecordRef { recordSeq: number; table: 'samples' | 'raw_lines'; ref: ChainRef }

function auditRecords(db: Db, report: Report, refs: RecordRef[]): number {
  const registry = new KeyRegistry(db);
  /** Keys vouched for by the chain: the first record's key, then each valid key-rotation record's. */
  const trusted = new Map<string, KeyObject>();
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let n = 0;
  let last: { seq: number; hash: string } | null = null;
  for (const raw of db.prepare('SELECT seq, id, type, device, ts, json, hash, prev_hash, sig, key_id FROM records ORDER BY seq').iterate()) {
    const row = raw as RecordRow;
    n++;
    const problem = (reason: string) => report({ table: 'records', seq: row.seq, reason });
    if (row.seq !== expected) {
      report({ table: 'records', seq: expected, reason: `${row.seq - expected} record(s) missing: seq ${expected}..${row.seq - 1} (deleted)` });
      prevHash = ''; // the link to the missing record cannot be checked
    }
    expected = row.seq + 1;
    last = { seq: row.seq, hash: row.hash };
    let rec: SignedRecord;
    try {
      rec = JSON.parse(row.json) as SignedRecord;
      if (rec === null || typeof rec !== 'object') throw new Error('not an object');
    } catch (e) {
      problem(`json is not a record: ${(e as Error).message}`);
      prevHash = row.hash;
      continue;
    }
    if (n === 1 && typeof rec.keyId === 'string') {
      const first = registry.publicKey(rec.keyId); // trust on first use: the key of the chain's first record
      if (first) trusted.set(rec.keyId, first);
    }
    // One problem per row: the first check that fails, from the most basic up.
    const bad = COLUMN_FIELDS.find(([col, field]) => (row[col] ?? undefined) !== rec[field]);
    const reason = bad
      ? `column ${bad[0]} (${String(row[bad[0]])}) disagrees with the json (${String(rec[bad[1]])})`
      : rec.schema !== RECORD_SCHEMA
        ? `unknown schema ${String(rec.schema)}`
        : prevHash !== '' && rec.prevHash !== prevHash
          ? `prevHash does not link to seq ${row.seq - 1}`
          : hashProblem(rec) ?? checkKeyAndSignature(rec, trusted, registry);
    if (reason) problem(reason);
    else if (isKeyRotation(rec)) introduceKey(rec.body.keyId, rec.body.publicKey, trusted, registry, problem);
    for (const r of chainRefsOf(rec.body, rec.device)) refs.push({ recordSeq: row.seq, ...r });
    prevHash = typeof rec.hash === 'string' ? rec.hash : row.hash;
  }
  checkHead(db, last, report);
  return n;
}

function hashProblem(rec: SignedRecord): string | null {
  try {
    return computeRecordHash(rec) === rec.hash ? null : 'hash does not match the record content';
  } catch (e) {
    return `record cannot be hashed: ${(e as Error).message}`;
  }
}

/** null when the record is signed by a key the chain vouches for; else the problem. */
function checkKeyAndSignature(rec: SignedRecord, trusted: Map<string, KeyObject>, registry: KeyRegistry): string | null {
  const key = trusted.get(rec.keyId);
  if (!key) {
    return registry.get(rec.keyId)
      ? `signed by key ${rec.keyId}, which no earlier key-rotation record introduced`
      : `signed by unknown key ${String(rec.keyId)}`;
  }
  return verifyRecordSignature(rec, key) ? null : `signature invalid for key ${rec.keyId}`;
}

function introduceKey(keyId: string, publicKey: string, trusted: Map<string, KeyObject>, registry: KeyRegistry, problem: (r: string) => void): void {
  let key: KeyObject;
  try {
    key = toPublicKey(publicKey);
  } catch {
    problem(`key-rotation record carries a malformed public key for ${keyId}`);
    return;
  }
  if (keyIdOf(Buffer.from(publicKey, 'base64')) !== keyId) {
    problem(`key-rotation record: public key does not hash to key id ${keyId}`);
    return;
  }
  const stored = registry.get(keyId);
  if (stored && stored.publicKey !== publicKey) problem(`keys table holds a different public key for ${keyId} than the rotation record`);
  trusted.set(keyId, key);
}

/** Each chain position a record names must still be there, with the same hash. */
function checkChainRefs(db: Db, tables: Set<string>, refs: readonly RecordRef[], report: Report): void {
  for (const { recordSeq, table, ref } of refs) {
    if (ref.seq === 0) continue; // the device had no data yet
    const hash = tables.has(table)
      ? (db.prepare(`SELECT hash FROM ${table} WHERE device_id = ? AND seq = ?`).pluck().get(ref.deviceId, ref.seq) as string | undefined)
      : undefined;
    if (hash === undefined) report({ table, seq: ref.seq, device: ref.deviceId, reason: `row named by record ${recordSeq} is missing (deleted)` });
    else if (hash !== ref.hash) report({ table, seq: ref.seq, device: ref.deviceId, reason: `row differs from the hash record ${recordSeq} carries` });
  }
}

/** The head written with every record catches rows cut off the end of the log. */
function checkHead(db: Db, last: { seq: number; hash: string } | null, report: Report): void {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!has) return;
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_RECORD_HEAD) as string | undefined;
  if (value === undefined) {
    if (last) report({ table: 'records', seq: last.seq, reason: 'the record head is missing from meta' });
    return;
  }
  const [seqText, hash] = value.split(':');
  const seq = Number(seqText);
  const lastSeq = last?.seq ?? 0;
  if (lastSeq < seq) report({ table: 'records', seq: lastSeq + 1, reason: `records ${lastSeq + 1}..${seq} missing at the end (deleted)` });
  else if (lastSeq > seq) report({ table: 'records', seq: seq + 1, reason: `records after seq ${seq} were not written by the gateway (head is ${seq})` });
  else if (last && last.hash !== hash) report({ table: 'records', seq: lastSeq, reason: 'last record differs from the head written with it' });
}
