// The integrity audit behind `sterilink db verify`: recomputes every chain in the store and checks
// every signature. Read-only; runs inside one read transaction, so it sees a consistent snapshot
// even while a gateway writes.
import { auditChain } from './audit-chains.js';
import { AUDIT_TABLES, type AuditProblem, type AuditReport, type AuditTable, type ChainRef, chainRefsOf } from './audit-types.js';
import { type Db, openDatabase } from './database.js';
import { KeyRegistry } from './key-registry.js';
import { keyIdOf } from './keys.js';
import { META_RECORD_HEAD } from './meta.js';
import type { SignedRecord } from './record.js';
import { type ChainProblem, RecordChainChecker, recordShapeProblem } from './record-chain-check.js';

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
    if (raw.length !== 32 || keyIdOf(raw) !== k.keyId)
      report({ table: 'keys', seq: 0, kind: 'key', reason: `key ${k.keyId}: stored public key does not hash to its key id` });
  }
  return rows.length;
}

interface RecordRow {
  seq: number;
  id: string;
  type: string;
  device: string | null;
  ts: string;
  json: string;
  hash: string;
  prev_hash: string;
  sig: string;
  key_id: string;
}

const COLUMN_FIELDS: readonly [keyof RecordRow, keyof SignedRecord][] = [
  ['seq', 'seq'],
  ['id', 'id'],
  ['type', 'type'],
  ['device', 'device'],
  ['ts', 'ts'],
  ['hash', 'hash'],
  ['prev_hash', 'prevHash'],
  ['sig', 'sig'],
  ['key_id', 'keyId'],
];

interface RecordRef {
  recordSeq: number;
  table: 'samples' | 'raw_lines';
  ref: ChainRef;
}

/** The records table through the one chain checker (record-chain-check.ts, also behind
 * `verify-record`): the whole chain from seq 1, keys trusted from the first record's on through
 * rotations. What only the store has is checked here: the json is a record, the indexed columns agree
 * with it, and the chain ends at the head written with the last record. */
function auditRecords(db: Db, report: Report, refs: RecordRef[]): number {
  const registry = new KeyRegistry(db);
  const checker = new RecordChainChecker({
    wholeChain: true,
    checkSignatures: true,
    trustFirstKey: true,
    keyTable: (keyId) => registry.get(keyId)?.publicKey,
  });
  const problems = (found: readonly ChainProblem[]) => {
    for (const p of found) report({ table: 'records', seq: p.seq, kind: p.kind, reason: p.reason });
  };
  let n = 0;
  for (const raw of db.prepare('SELECT seq, id, type, device, ts, json, hash, prev_hash, sig, key_id FROM records ORDER BY seq').iterate()) {
    const row = raw as RecordRow;
    n++;
    let rec: SignedRecord;
    try {
      const parsed = JSON.parse(row.json) as unknown;
      const shape = recordShapeProblem(parsed);
      if (shape !== null) throw new Error(shape);
      rec = parsed as SignedRecord;
    } catch (e) {
      problems(checker.unreadable(row.seq, row.hash, `json is not a record: ${(e as Error).message}`));
      continue;
    }
    const bad = COLUMN_FIELDS.find(([col, field]) => (row[col] ?? undefined) !== rec[field]);
    problems(
      bad
        ? checker.unreadable(row.seq, rec.hash, `column ${bad[0]} (${String(row[bad[0]])}) disagrees with the json (${String(rec[bad[1]])})`, 'fields')
        : checker.check(rec),
    );
    for (const r of chainRefsOf(rec.body, rec.device)) refs.push({ recordSeq: row.seq, ...r });
  }
  problems(checkHead(db, checker));
  return n;
}

/** Each chain position a record names must still be there, with the same hash. */
function checkChainRefs(db: Db, tables: Set<string>, refs: readonly RecordRef[], report: Report): void {
  for (const { recordSeq, table, ref } of refs) {
    if (ref.seq === 0) continue; // the device had no data yet
    const hash = tables.has(table)
      ? (db.prepare(`SELECT hash FROM ${table} WHERE device_id = ? AND seq = ?`).pluck().get(ref.deviceId, ref.seq) as string | undefined)
      : undefined;
    if (hash === undefined) report({ table, seq: ref.seq, device: ref.deviceId, kind: 'gap', reason: `row named by record ${recordSeq} is missing (deleted)` });
    else if (hash !== ref.hash)
      report({ table, seq: ref.seq, device: ref.deviceId, kind: 'hash', reason: `row differs from the hash record ${recordSeq} carries` });
  }
}

/** The head written with every record catches rows cut off the end of the log. */
function checkHead(db: Db, checker: RecordChainChecker): ChainProblem[] {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!has) return [];
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_RECORD_HEAD) as string | undefined;
  if (value === undefined) {
    const last = checker.lastSeq;
    return last === null ? [] : [{ kind: 'chain', seq: last, id: null, reason: 'the record head is missing from meta' }];
  }
  const [seqText, hash] = value.split(':');
  return checker.finish({ seq: Number(seqText), hash: hash ?? '' });
}
