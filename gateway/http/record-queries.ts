// Reads for the page and `sterilink report`, on the store's SQLite file (read-write in the gateway,
// read-only in the CLI): the history page, the item and load search, one cycle record with its release
// and BI records, the release queue, today's daily tests, and each record's integrity. Lists come from
// the lookup tables of migration 4; a record shown in full is read from `records` and checked.

import type { Statement } from 'better-sqlite3';
import { decodeBarcode } from '../../drivers/scanner/barcode/index.js';
import type { IntegrityStatus } from '../report/report-html.js';
import type { Db } from '../store/database.js';
import { KeyRegistry } from '../store/key-registry.js';
import { GENESIS_HASH, type SignedRecord } from '../store/record.js';
import { computeRecordHash, verifyRecordSignature } from '../store/record-crypto.js';
import { buildHistoryQuery, type Cursor, HISTORY_COLUMNS, type HistoryFilter, itemMatch, type PageRequest } from './history-query.js';

export interface CycleRow {
  seq: number;
  recordId: string;
  cycleId: string | null;
  device: string | null;
  program: string | null;
  cycleNo: number | string | null;
  verdict: string | null;
  failed: string[];
  startedAt: string;
  endedAt: string | null;
  durationS: number | null;
  loadId: string | null;
  ticketLoadId: string | null;
  items: number;
  operator: string | null;
  /** The load's current release status, when one is recorded. */
  release: string | null;
}

/** A cycle_index row as HISTORY_COLUMNS reads it: a CycleRow but for `failed` (comma-separated) and `release`. */
type CycleDbRow = Omit<CycleRow, 'failed' | 'release'> & { failed: string | null };

export interface HistoryPage {
  rows: CycleRow[];
  /** Cursor for the older page, when there is one. */
  older: Cursor | null;
  /** Cursor for the newer page, when there is one. */
  newer: Cursor | null;
}

export interface ReleaseRow {
  seq: number;
  loadId: string;
  cycleId: string | null;
  cycleNo: number | string | null;
  device: string | null;
  kind: string | null;
  status: string;
  reasonCode: string | null;
  reason: string | null;
  operator: string | null;
  at: string;
  /** The cycle record's seq (for the link), when the cycle is recorded. */
  cycleSeq: number | null;
  cycleRecordId: string | null;
  startedAt: string | null;
}

const HELD = ['pending', 'awaiting-bd', 'awaiting-ci', 'awaiting-bi'];
const BLOCKED = ['quarantined', 'released_early', 'recalled'];
const SEARCH_LIMIT = 100;

export class RecordQueries {
  private readonly keys: KeyRegistry;
  private readonly stmt;
  /** The history's statements by SQL text (one per combination of filters used). */
  private readonly built = new Map<string, Statement>();

  constructor(private readonly db: Db) {
    this.keys = new KeyRegistry(db);
    // Each load's latest release with its cycle, under ReleaseRow's names.
    const releaseSelect = `SELECT r.seq, r.load_id AS loadId, r.cycle_id AS cycleId, r.cycle_no AS cycleNo, r.device, r.kind, r.status,
      r.reason_code AS reasonCode, r.reason, r.operator, r.at, c.seq AS cycleSeq, c.record_id AS cycleRecordId, c.started_at AS startedAt
      FROM release_latest r LEFT JOIN cycle_index c ON c.cycle_id = r.cycle_id`;
    this.stmt = {
      byId: db.prepare("SELECT json FROM records WHERE id = ? AND type = 'cycle'").pluck(),
      bySeq: db.prepare('SELECT json FROM records WHERE seq = ?').pluck(),
      seqOfCycleId: db.prepare('SELECT seq FROM cycle_index WHERE cycle_id = ? ORDER BY seq DESC LIMIT 1').pluck(),
      hashAt: db.prepare('SELECT hash FROM records WHERE seq = ?').pluck(),
      prevHashAt: db.prepare('SELECT prev_hash FROM records WHERE seq = ?').pluck(),
      releasesOfCycle: db.prepare('SELECT r.json FROM release_index i JOIN records r ON r.seq = i.seq WHERE i.cycle_id = ? ORDER BY i.seq').pluck(),
      biOfCycle: db.prepare('SELECT r.json FROM bi_index i JOIN records r ON r.seq = i.seq WHERE i.cycle_id = ? ORDER BY i.seq').pluck(),
      releaseOf: db.prepare('SELECT status FROM release_index WHERE cycle_id = ? ORDER BY seq DESC LIMIT 1').pluck(),
      byLoad: db.prepare(
        `SELECT ${HISTORY_COLUMNS} FROM cycle_index WHERE load_id = @id OR ticket_load_id = @id OR cycle_id = @id OR record_id = @id ORDER BY started_at DESC, seq DESC LIMIT ${SEARCH_LIMIT}`,
      ),
      releaseByLoad: db.prepare(
        `SELECT ${HISTORY_COLUMNS} FROM cycle_index WHERE cycle_id IN (SELECT cycle_id FROM release_index WHERE load_id = ?) ORDER BY started_at DESC, seq DESC LIMIT ${SEARCH_LIMIT}`,
      ),
      held: db.prepare(`${releaseSelect} WHERE r.status IN (${HELD.map(() => '?').join(', ')}) ORDER BY r.at`),
      blocked: db.prepare(`${releaseSelect} WHERE r.status IN (${BLOCKED.map(() => '?').join(', ')}) AND r.at >= ? ORDER BY r.at DESC LIMIT 500`),
      dailyTests: db.prepare(`${releaseSelect} WHERE r.kind IN ('bowie-dick', 'leak-test') AND coalesce(c.started_at, r.at) >= ? ORDER BY r.seq`),
      lastOfDevice: db.prepare(`SELECT ${HISTORY_COLUMNS} FROM cycle_index WHERE device = ? ORDER BY seq DESC LIMIT 1`),
    };
  }

  private rowOf(r: CycleDbRow): CycleRow {
    const release = r.cycleId ? ((this.stmt.releaseOf.get(r.cycleId) as string | undefined) ?? null) : null;
    return { ...r, failed: r.failed ? r.failed.split(',') : [], release };
  }

  /** One page of the history, newest first. */
  history(filter: HistoryFilter, page: PageRequest): HistoryPage {
    const q = buildHistoryQuery(filter, page);
    let st = this.built.get(q.sql);
    if (!st) {
      st = this.db.prepare(q.sql);
      this.built.set(q.sql, st);
    }
    const raw = st.all(...q.params) as CycleDbRow[];
    const more = raw.length > q.limit;
    const shown = raw.slice(0, q.limit);
    if (q.reversed) shown.reverse();
    const rows = shown.map((r) => this.rowOf(r));
    const first = rows[0];
    const last = rows.at(-1);
    const cursor = (r: CycleRow): Cursor => ({ startedAt: r.startedAt, seq: r.seq });
    // going back in time (before, or the first page): "older" exists when the query found more;
    // going forward (after): "older" always exists (we came from there), "newer" when it found more
    const older = last && (q.reversed || more) ? cursor(last) : null;
    const newer = first && (q.reversed ? more : Boolean(page.before)) ? cursor(first) : null;
    return { rows, older, newer };
  }

  /** Cycles whose load held the scanned or typed item, newest first. */
  cyclesWithItem(scan: string): CycleRow[] {
    const m = itemMatch(decodeBarcode(scan));
    const rows = this.db
      .prepare(`SELECT ${HISTORY_COLUMNS} FROM cycle_index WHERE seq IN (SELECT seq FROM cycle_items WHERE ${m.sql})
      ORDER BY started_at DESC, seq DESC LIMIT ${SEARCH_LIMIT}`)
      .all(...m.params) as CycleDbRow[];
    return rows.map((r) => this.rowOf(r));
  }

  /** Cycles by the gateway's load id, the machine's load id, a cycle id or a record id. */
  cyclesOfLoad(id: string): CycleRow[] {
    const rows = this.stmt.byLoad.all({ id }) as CycleDbRow[];
    const more = rows.length ? [] : (this.stmt.releaseByLoad.all(id) as CycleDbRow[]);
    return [...rows, ...more].map((r) => this.rowOf(r));
  }

  lastCycleOf(device: string): CycleRow | null {
    const r = this.stmt.lastOfDevice.get(device) as CycleDbRow | undefined;
    return r ? this.rowOf(r) : null;
  }

  /** A cycle record by record id, cycle id or seq. */
  cycleRecord(ref: { id: string } | { seq: number }): SignedRecord | undefined {
    let json: string | undefined;
    if ('seq' in ref) json = this.stmt.bySeq.get(ref.seq) as string | undefined;
    else {
      json = this.stmt.byId.get(ref.id) as string | undefined;
      if (json === undefined) {
        const seq = this.stmt.seqOfCycleId.get(ref.id) as number | undefined;
        if (seq !== undefined) json = this.stmt.bySeq.get(seq) as string | undefined;
      }
    }
    if (json === undefined) return undefined;
    const rec = JSON.parse(json) as SignedRecord;
    return rec.type === 'cycle' ? rec : undefined;
  }

  releasesOfCycle(cycleId: string | null): SignedRecord[] {
    if (!cycleId) return [];
    return (this.stmt.releasesOfCycle.all(cycleId) as string[]).map((j) => JSON.parse(j) as SignedRecord);
  }

  biOfCycle(cycleId: string | null): SignedRecord[] {
    if (!cycleId) return [];
    return (this.stmt.biOfCycle.all(cycleId) as string[]).map((j) => JSON.parse(j) as SignedRecord);
  }

  /** Loads waiting for something, oldest first. */
  heldLoads(): ReleaseRow[] {
    return this.stmt.held.all(...HELD) as ReleaseRow[];
  }

  /** Quarantined, early-released and recalled loads decided since `sinceIso`, newest first. */
  blockedLoads(sinceIso: string): ReleaseRow[] {
    return this.stmt.blocked.all(...BLOCKED, sinceIso) as ReleaseRow[];
  }

  /** Bowie–Dick and leak-test cycles that started since `sinceIso` (local midnight), oldest first. */
  dailyTests(sinceIso: string): ReleaseRow[] {
    return this.stmt.dailyTests.all(sinceIso) as ReleaseRow[];
  }

  /** Hash recomputed, signature by the registered key, links to both neighbours in the chain. */
  integrity(rec: SignedRecord): IntegrityStatus {
    let hashValid = false;
    try {
      hashValid = computeRecordHash(rec) === rec.hash;
    } catch {
      hashValid = false;
    }
    const key = this.keys.publicKey(rec.keyId);
    const signatureValid = key ? verifyRecordSignature(rec, key) : null;
    const prev = rec.seq === 1 ? GENESIS_HASH : (this.stmt.hashAt.get(rec.seq - 1) as string | undefined);
    const next = this.stmt.prevHashAt.get(rec.seq + 1) as string | undefined;
    const stored = this.stmt.hashAt.get(rec.seq) as string | undefined;
    const chainLinked = prev === undefined ? null : prev === rec.prevHash && stored === rec.hash && (next === undefined || next === rec.hash);
    return { hashValid, signatureValid, chainLinked };
  }

  /** The printout lines the machine sent during this cycle. */
  printoutOf(cycleId: string | null): string[] {
    if (!cycleId) return [];
    return this.db.prepare('SELECT line FROM raw_lines WHERE cycle_id = ? ORDER BY device_id, seq').pluck().all(cycleId) as string[];
  }
}
