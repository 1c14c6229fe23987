// Retention (docs/operations.md, "Retention"): years on an SD card with bounded storage, every chain
// still verifiable. A pass, run by the gateway every `intervalMinutes` (the first a few minutes after
// start), does two things:
// 1. a signed checkpoint (checkpoint.ts), when one is due (`checkpointHours` since the last, and
//    something was stored since) or when a table's boundary moves. The checkpoint states each
//    device's chain position and, cumulatively, what the store no longer holds;
// 2. deletes what the last checkpoint declared, in transactions of at most `batchRows` rows, giving
//    the event loop back between them so devices are never held up.
// A boundary is always a position an earlier checkpoint signed, so the first row kept links to a
// signed hash. Rows are deletable when that checkpoint is older than the table's `maxAgeDays` (or the
// table is over `maxBytes`), every record up to it was delivered (the broker's PUBACK), and, for
// samples and raw lines, no open cycle still needs them (its samples come after the positions a
// checkpoint signs). Records are never deleted younger than the legal minimum (WS 310: 3 years).

import { RETENTION_DEFAULTS } from '../../config/retention-defaults.js';
import { compareText } from '../../vocabulary/compare-text.js';
import { chainDevices } from './audit-chains.js';
import type { ChainRef } from './audit-types.js';
import { CHAIN_STORAGE } from './chain-rows.js';
import { CHECKPOINT, type CheckpointBody, isCheckpoint, META_CHECKPOINT, NOTHING_PRUNED, type PrunedPrefix } from './checkpoint.js';
import type { Db } from './database.js';
import { META_CREATED_AT, type MetaTable } from './meta.js';
import type { SignedRecord } from './record.js';
import type { RecordLog } from './record-log.js';

export const DAY_MS = 86_400_000;
/** WS 310: monitoring records are kept at least 3 years; no setting deletes a younger record. */
export const LEGAL_MIN_RECORD_DAYS = 1095;

export interface TableRetention {
  maxAgeDays?: number | undefined;
  maxBytes?: number | undefined;
}

export interface RetentionPolicy {
  intervalMinutes: number;
  batchRows: number;
  checkpointHours: number;
  samples: TableRetention;
  raw_lines: TableRetention;
  records: TableRetention;
}

/** The policy of a config without `retention:`: the values the config schema uses as its defaults
 * (config/retention-defaults.ts), so the two cannot drift apart; a test parses `{}` to be sure. */
export const DEFAULT_RETENTION: RetentionPolicy = structuredClone(RETENTION_DEFAULTS) as RetentionPolicy;

type ChainTable = 'samples' | 'raw_lines';
const CHAIN_TABLES: readonly ChainTable[] = ['samples', 'raw_lines'];
const BODY_KEY = { samples: 'samples', raw_lines: 'rawLines' } as const;

export interface RetentionContext {
  db: Db;
  records: RecordLog;
  meta: MetaTable;
  now: () => number;
  /** Writes buffered samples and raw lines (the checkpoint names positions that are stored). */
  flush: () => void;
  /** Appends a record signed and chained like every other (the store's append). */
  append: (body: CheckpointBody, also: (r: SignedRecord) => void) => SignedRecord;
}

interface StoredCheckpoint {
  seq: number;
  ts: number;
  prevHash: string;
  body: CheckpointBody;
}

export interface DeleteResult {
  samples: number;
  raw_lines: number;
  records: number;
}

/** A table's first and last seq (per device for the chains), each one index seek: SQLite optimizes a lone
 * min() or max() to a seek, but scans the whole range for min() and max() in one query. */
function seqRange(db: Db, table: string, deviceId?: string): { lo: number; hi: number } | null {
  const where = deviceId === undefined ? '' : 'WHERE device_id = ?';
  const args = deviceId === undefined ? [] : [deviceId];
  const lo = db
    .prepare(`SELECT seq FROM ${table} ${where} ORDER BY seq LIMIT 1`)
    .pluck()
    .get(...args) as number | undefined;
  const hi = db
    .prepare(`SELECT seq FROM ${table} ${where} ORDER BY seq DESC LIMIT 1`)
    .pluck()
    .get(...args) as number | undefined;
  return lo === undefined || hi === undefined ? null : { lo, hi };
}

/** The synchronous steps of retention; RetentionRunner (retention-runner.ts) schedules them. */
export class Retention {
  constructor(
    private readonly ctx: RetentionContext,
    private readonly policy: RetentionPolicy,
  ) {}

  /** The checkpoints in the record chain, oldest first. */
  checkpoints(): StoredCheckpoint[] {
    const out: StoredCheckpoint[] = [];
    for (const raw of this.ctx.db.prepare("SELECT json FROM records WHERE type = 'audit' ORDER BY seq").pluck().iterate()) {
      const rec = JSON.parse(raw as string) as SignedRecord;
      if (isCheckpoint(rec)) out.push({ seq: rec.seq, ts: Date.parse(rec.ts), prevHash: rec.prevHash, body: rec.body });
    }
    return out;
  }

  private latest(): StoredCheckpoint | null {
    const seq = Number(this.ctx.meta.get(META_CHECKPOINT));
    if (!Number.isSafeInteger(seq)) return null;
    const rec = this.ctx.records.get(seq);
    return rec && isCheckpoint(rec) ? { seq: rec.seq, ts: Date.parse(rec.ts), prevHash: rec.prevHash, body: rec.body } : null;
  }

  /** Per device, the position a checkpoint may sign: the head, or just before the first row of a
   * cycle still open (its samples are read back at a restart). */
  private safeHeads(table: ChainTable): ChainRef[] {
    const db = this.ctx.db;
    const head = db.prepare(`SELECT seq, hash FROM ${table} WHERE device_id = ? ORDER BY seq DESC LIMIT 1`);
    const firstOf = db.prepare(`SELECT min(seq) FROM ${table} WHERE device_id = ? AND cycle_id = ?`).pluck();
    const at = db.prepare(`SELECT hash FROM ${table} WHERE device_id = ? AND seq = ?`).pluck();
    const open = new Map<string, string>();
    for (const r of db.prepare('SELECT device_id, state FROM open_cycles').all() as { device_id: string; state: string }[]) {
      try {
        const id = (JSON.parse(r.state) as { cycleId?: unknown }).cycleId;
        if (typeof id === 'string') open.set(r.device_id, id);
      } catch {
        open.set(r.device_id, ''); // unreadable state: keep everything of this device since the last checkpoint
      }
    }
    const out: ChainRef[] = [];
    for (const deviceId of chainDevices(db, table)) {
      const h = head.get(deviceId) as { seq: number; hash: string };
      let seq = h.seq;
      const cycle = open.get(deviceId);
      if (cycle !== undefined) {
        const first = cycle === '' ? null : (firstOf.get(deviceId, cycle) as number | null);
        seq = first === null ? (cycle === '' ? 0 : h.seq) : Math.min(h.seq, first - 1);
      }
      if (seq <= 0) continue;
      const hash = seq === h.seq ? h.hash : (at.get(deviceId, seq) as string | undefined);
      if (hash !== undefined) out.push({ deviceId, seq, hash });
    }
    return out;
  }

  /** Bytes a table and its indexes take in the file (dbstat; reads every page of them). */
  tableBytes(table: string): number {
    const list = this.ctx.db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index')").pluck();
    const size = this.ctx.db.prepare('SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ? AND aggregate = 1').pluck();
    const tables: readonly string[] = table in CHAIN_STORAGE ? CHAIN_STORAGE[table as ChainTable].tables : [table];
    return tables.flatMap((t) => list.all(t) as string[]).reduce((n, name) => n + (size.get(name) as number), 0);
  }

  /** The newest checkpoint whose position a table may be cut at now, or null. */
  private boundaryCheckpoint(table: ChainTable | 'records', cps: readonly StoredCheckpoint[]): StoredCheckpoint | null {
    const rule = this.policy[table];
    const now = this.ctx.now();
    const minUndelivered = this.ctx.db.prepare('SELECT min(seq) FROM records WHERE delivered_at IS NULL').pluck().get() as number | null;
    const legalDays = table === 'records' ? LEGAL_MIN_RECORD_DAYS : 0;
    // records before a checkpoint (and, for the chains, the checkpoint itself) delivered; old enough
    const eligible = cps.filter(
      (c) => (minUndelivered === null || (table === 'records' ? c.seq <= minUndelivered : c.seq < minUndelivered)) && c.ts <= now - legalDays * DAY_MS,
    );
    let chosen: StoredCheckpoint | null = null;
    if (rule.maxAgeDays !== undefined) {
      const cutoff = now - Math.max(rule.maxAgeDays, legalDays) * DAY_MS;
      for (const c of eligible) if (c.ts <= cutoff) chosen = c;
    }
    if (rule.maxBytes !== undefined && eligible.length > 0) {
      const bytes = this.tableBytes(table);
      if (bytes > rule.maxBytes) {
        const rows = this.rowsAfter(table, null);
        const perRow = rows > 0 ? bytes / rows : 0;
        let pick: StoredCheckpoint | null = null;
        for (const c of eligible) {
          pick = c;
          if (this.rowsAfter(table, c) * perRow <= rule.maxBytes) break;
        }
        if (pick && (!chosen || pick.seq > chosen.seq)) chosen = pick;
      }
    }
    return chosen;
  }

  /** Rows a table would keep when cut at checkpoint `c` (all rows when null); from seq ranges. */
  private rowsAfter(table: ChainTable | 'records', c: StoredCheckpoint | null): number {
    const db = this.ctx.db;
    if (table === 'records') {
      const r = seqRange(db, 'records');
      if (!r) return 0;
      return r.hi - Math.max(r.lo, c ? c.seq : r.lo) + 1;
    }
    const cut = c ? new Map(c.body[BODY_KEY[table]].map((h) => [h.deviceId, h.seq])) : new Map<string, number>();
    let n = 0;
    for (const d of chainDevices(db, table)) {
      const r = seqRange(db, table, d);
      if (r) n += r.hi - Math.max(r.lo - 1, cut.get(d) ?? 0);
    }
    return n;
  }

  /** Writes a checkpoint when one is due or a boundary moves; returns it, or null. */
  checkpointIfDue(): SignedRecord | null {
    this.ctx.flush();
    const now = this.ctx.now();
    const latest = this.latest();
    const before = latest?.body.pruned ?? NOTHING_PRUNED;
    const cps = this.checkpoints();
    const pruned: CheckpointBody['pruned'] = { records: before.records, samples: [...before.samples], rawLines: [...before.rawLines] };
    let moved = false;
    for (const table of CHAIN_TABLES) {
      const c = this.boundaryCheckpoint(table, cps);
      if (!c) continue;
      const key = BODY_KEY[table];
      const cur = new Map(pruned[key].map((r) => [r.deviceId, r]));
      for (const h of c.body[key]) {
        const was = cur.get(h.deviceId);
        if (!was || h.seq > was.seq) {
          cur.set(h.deviceId, h);
          moved = true;
        }
      }
      pruned[key] = [...cur.values()].sort((a, b) => compareText(a.deviceId, b.deviceId));
    }
    const rc = this.boundaryCheckpoint('records', cps);
    if (rc && rc.seq > 1 && (!pruned.records || rc.seq - 1 > pruned.records.seq)) {
      pruned.records = { seq: rc.seq - 1, hash: rc.prevHash } satisfies PrunedPrefix;
      moved = true;
    }
    const samples = this.safeHeads('samples');
    const rawLines = this.safeHeads('raw_lines');
    const head = this.ctx.records.head();
    const interval = this.policy.checkpointHours * 3_600_000;
    const since = latest ? latest.ts : Date.parse(this.ctx.meta.get(META_CREATED_AT) ?? '');
    const changed =
      !latest ||
      head.seq > latest.seq ||
      JSON.stringify(samples) !== JSON.stringify(latest.body.samples) ||
      JSON.stringify(rawLines) !== JSON.stringify(latest.body.rawLines);
    const due = head.seq > 0 && changed && Number.isFinite(since) && now - since >= interval;
    if (!moved && !due) return null;
    const body: CheckpointBody = { event: CHECKPOINT, samples, rawLines, pruned };
    return this.ctx.append(body, (r) => this.ctx.meta.set(META_CHECKPOINT, String(r.seq)));
  }

  /** Deletes at most `batchRows` rows of what the last checkpoint declared, oldest first, in one
   * transaction; 0 when nothing is left to delete. A device's last row is always kept (its chain goes
   * on from it after a restart). */
  deleteBatch(): DeleteResult {
    const out: DeleteResult = { samples: 0, raw_lines: 0, records: 0 };
    const latest = this.latest();
    if (!latest) return out;
    const db = this.ctx.db;
    let budget = this.policy.batchRows;
    db.transaction(() => {
      for (const table of CHAIN_TABLES) {
        // the rows themselves, not through the view `samples` and its per-row trigger (chain-rows.ts)
        const del = db.prepare(`DELETE FROM ${CHAIN_STORAGE[table].rows} WHERE device = (SELECT id FROM chain_devices WHERE device_id = ?) AND seq <= ?`);
        for (const p of latest.body.pruned[BODY_KEY[table]]) {
          if (budget <= 0) return;
          const r = seqRange(db, table, p.deviceId);
          if (!r) continue;
          const upTo = Math.min(p.seq, r.hi - 1, r.lo + budget - 1);
          if (upTo < r.lo) continue;
          const n = del.run(p.deviceId, upTo).changes;
          out[table] += n;
          budget -= n;
        }
      }
      const p = latest.body.pruned.records;
      if (p && budget > 0) {
        const lo = db.prepare('SELECT min(seq) FROM records').pluck().get() as number | null;
        if (lo !== null && lo <= p.seq) {
          const upTo = Math.min(p.seq, latest.seq - 1, lo + budget - 1);
          out.records += db.prepare('DELETE FROM records WHERE seq <= ?').run(upTo).changes;
        }
      }
    }).immediate();
    return out;
  }
}
