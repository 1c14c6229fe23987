// The integrity audit behind `sterilink db verify`: recomputes every chain in the store and checks
// every signature. Read-only; runs inside one read transaction, so it sees a consistent snapshot
// even while a gateway writes. By default it starts at the last signed checkpoint (checkpoint.ts):
// the checkpoint's signature, then every record after it, and each device's samples and raw lines
// after the position the checkpoint signed. `full` checks everything still stored, from genesis or
// from the prefixes the last checkpoint declared deleted by retention.
import { auditChain, type ChainStart } from './audit-chains.js';
import { AUDIT_TABLES, type AuditProblem, type AuditReport, type AuditTable, type ChainRef, chainRefsOf } from './audit-types.js';
import { byDevice, type CheckpointBody, isCheckpoint, META_CHECKPOINT, NOTHING_PRUNED } from './checkpoint.js';
import { type Db, openDatabase } from './database.js';
import { KeyRegistry } from './key-registry.js';
import { keyIdOf } from './keys.js';
import { META_RECORD_HEAD } from './meta.js';
import { GENESIS_HASH, type SignedRecord } from './record.js';
import { type ChainProblem, RecordChainChecker, recordShapeProblem } from './record-chain-check.js';

export * from './audit-types.js';

export interface AuditOptions {
  /** Problems kept per table (default 1000). */
  maxProblems?: number;
  /** Check every row still stored, not only what follows the last checkpoint. */
  full?: boolean;
}

interface Checkpoint {
  seq: number;
  body: CheckpointBody;
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
    // `samples` is a view over sample_rows since migration 7 (chain-rows.ts), a table before it.
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").pluck().all() as string[]);
    const began = !db.inTransaction;
    if (began) db.exec('BEGIN');
    const counts = { records: 0, keys: 0, samples: 0, rawLines: 0 };
    let from: Checkpoint | null = null;
    let firstSeq = 0;
    try {
      if (tables.has('keys')) counts.keys = auditKeys(db, report);
      const refs: RecordRef[] = [];
      const latest = tables.has('records') && tables.has('meta') ? latestCheckpoint(db, report) : null;
      const pruned = latest?.body.pruned ?? NOTHING_PRUNED;
      from = opts.full ? null : latest;
      if (tables.has('records')) ({ count: counts.records, firstSeq } = auditRecords(db, report, refs, from, pruned.records));
      const prunedRows = { samples: byDevice(pruned.samples), raw_lines: byDevice(pruned.rawLines) };
      checkChainRefs(db, tables, refs, report, prunedRows);
      for (const [table, key, heads] of [
        ['samples', 'samples', from ? byDevice(from.body.samples) : null],
        ['raw_lines', 'rawLines', from ? byDevice(from.body.rawLines) : null],
      ] as const) {
        if (!tables.has(table)) continue;
        const startOf = (device: string): ChainStart => {
          const h = heads?.get(device);
          if (h) return { afterSeq: h.seq, prevHash: h.hash };
          return { afterSeq: 0, prevHash: GENESIS_HASH, pruned: prunedRows[table].get(device) };
        };
        counts[key] = auditChain(db, table, report, startOf);
      }
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
    return { ok: unique.length === 0, ...counts, fromCheckpoint: from?.seq ?? null, firstSeq, problems: unique, truncated };
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
function auditRecords(
  db: Db,
  report: Report,
  refs: RecordRef[],
  from: Checkpoint | null,
  prunedRecords: CheckpointBody['pruned']['records'],
): { count: number; firstSeq: number } {
  const registry = new KeyRegistry(db);
  // Where the chain is checked from: the checkpoint (its own link is not checked: what comes before it
  // is what the fast check leaves out), or the first record kept, linked to what retention declared.
  const first = (db.prepare('SELECT min(seq) FROM records').pluck().get() as number | null) ?? 1;
  let startAt: { seq: number; prevHash: string | null } | undefined;
  let checkAt: { seq: number; hash: string } | null = null;
  if (from) startAt = { seq: from.seq, prevHash: null };
  else if (first > 1 && prunedRecords) {
    if (first <= prunedRecords.seq + 1) {
      startAt = { seq: first, prevHash: first === prunedRecords.seq + 1 ? prunedRecords.hash : null };
      if (first <= prunedRecords.seq) checkAt = prunedRecords; // still being deleted: its end must match
    } else startAt = { seq: prunedRecords.seq + 1, prevHash: prunedRecords.hash }; // the checker reports the hole
  }
  const checker = new RecordChainChecker({
    wholeChain: true,
    checkSignatures: true,
    trustFirstKey: true,
    keyTable: (keyId) => registry.get(keyId)?.publicKey,
    ...(startAt ? { startAt } : {}),
  });
  const problems = (found: readonly ChainProblem[]) => {
    for (const p of found) report({ table: 'records', seq: p.seq, kind: p.kind, reason: p.reason });
  };
  let n = 0;
  const fromSeq = from?.seq ?? 0;
  for (const raw of db
    .prepare('SELECT seq, id, type, device, ts, json, hash, prev_hash, sig, key_id FROM records WHERE seq >= ? ORDER BY seq')
    .iterate(fromSeq)) {
    const row = raw as RecordRow;
    n++;
    if (checkAt && row.seq === checkAt.seq && row.hash !== checkAt.hash)
      report({
        table: 'records',
        seq: row.seq,
        kind: 'chain',
        reason: 'record differs from the hash the last checkpoint declared for the end of the deleted records',
      });
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
    if (isCheckpoint(rec)) {
      for (const ref of rec.body.samples) refs.push({ recordSeq: row.seq, table: 'samples', ref });
      for (const ref of rec.body.rawLines) refs.push({ recordSeq: row.seq, table: 'raw_lines', ref });
    }
  }
  problems(checkHead(db, checker));
  return { count: n, firstSeq: n === 0 ? 0 : from ? from.seq : first };
}

/** The last checkpoint, as meta names it; null when there is none. A meta entry that names no
 * checkpoint record is reported (it is written in the checkpoint's own transaction). */
function latestCheckpoint(db: Db, report: Report): Checkpoint | null {
  const value = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(META_CHECKPOINT) as string | undefined;
  if (value === undefined) return null;
  const seq = Number(value);
  const json = Number.isSafeInteger(seq) ? (db.prepare('SELECT json FROM records WHERE seq = ?').pluck().get(seq) as string | undefined) : undefined;
  let rec: SignedRecord | null = null;
  try {
    rec = json === undefined ? null : (JSON.parse(json) as SignedRecord);
  } catch {
    rec = null; // reported below; the record itself is reported by the chain check
  }
  if (!rec || typeof rec.body !== 'object' || !isCheckpoint(rec)) {
    report({
      table: 'records',
      seq: Number.isSafeInteger(seq) ? seq : 0,
      kind: 'chain',
      reason: `meta ${META_CHECKPOINT} names seq ${value}, which is not a checkpoint record; checked in full`,
    });
    return null;
  }
  return { seq, body: rec.body };
}

/** Each chain position a record names must still be there, with the same hash. */
function checkChainRefs(
  db: Db,
  tables: Set<string>,
  refs: readonly RecordRef[],
  report: Report,
  pruned: Record<'samples' | 'raw_lines', Map<string, { seq: number }>>,
): void {
  // prepared once: a year of records names a few hundred thousand rows
  const lookup = (t: string) => (tables.has(t) ? db.prepare(`SELECT hash FROM ${t} WHERE device_id = ? AND seq = ?`).pluck() : null);
  const lookups = { samples: lookup('samples'), raw_lines: lookup('raw_lines') };
  for (const { recordSeq, table, ref } of refs) {
    if (ref.seq === 0) continue; // the device had no data yet
    const deletedTo = pruned[table].get(ref.deviceId)?.seq ?? 0;
    const hash = lookups[table]?.get(ref.deviceId, ref.seq) as string | undefined;
    if (hash === undefined) {
      if (ref.seq <= deletedTo) continue; // deleted by retention, as the last checkpoint declared
      report({ table, seq: ref.seq, device: ref.deviceId, kind: 'gap', reason: `row named by record ${recordSeq} is missing (deleted)` });
    } else if (hash !== ref.hash)
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
