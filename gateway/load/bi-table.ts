// SQLite persistence of BI vials and readings (tables bi_links, bi_controls; migration 3).
import type { Db } from '../store/database.js';
import type { BiLink, BiReasonCode, ControlRead } from './bi-linker.js';

/** bi_links' columns under BiLink's names: a row comes back as a BiLink but for `valid`, stored 0 or 1. */
const LINK_COLUMNS = `link_id AS linkId, role, load_id AS loadId, cycle_id AS cycleId, device, lot, serial, expiry, gtin, reader, well,
  placed_at AS placedAt, result, valid, reason_code AS reasonCode, read_at AS readAt, record_id AS recordId`;
type LinkRow = Omit<BiLink, 'valid'> & { valid: 0 | 1 | null };
const toLink = (r: LinkRow): BiLink => ({ ...r, valid: r.valid === null ? null : r.valid === 1 });

/** A load's valid BI result as the device history sees it. */
export interface DeviceBi {
  result: 'negative' | 'positive';
  recordId: string;
  loadId: string;
  startedAt: number;
}
/** The load's last BI of a device: its result, and the load and cycle start of its release, under DeviceBi's names. */
const LAST_BI = `SELECT b.result, b.record_id AS recordId, r.load_id AS loadId, r.started_at AS startedAt FROM bi_links b
  JOIN releases r ON r.load_id = b.load_id WHERE b.role = 'load' AND b.valid = 1 AND r.device = ? AND r.started_at < ?`;

export class BiTable {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO bi_links (link_id, role, load_id, cycle_id, device, lot, serial, expiry, gtin, reader, well, placed_at, created_at)
        VALUES (@linkId, @role, @loadId, @cycleId, @device, @lot, @serial, @expiry, @gtin, @reader, @well, @placedAt, @now)`),
      get: db.prepare(`SELECT ${LINK_COLUMNS} FROM bi_links WHERE link_id = ?`),
      place: db.prepare('UPDATE bi_links SET reader = ?, well = ?, placed_at = ? WHERE link_id = ?'),
      result: db.prepare('UPDATE bi_links SET result = ?, valid = ?, reason_code = ?, read_at = ?, record_id = ? WHERE link_id = ?'),
      unread: db.prepare(`SELECT ${LINK_COLUMNS} FROM bi_links WHERE result IS NULL ORDER BY created_at`),
      awaitingControl: db.prepare(`SELECT ${LINK_COLUMNS} FROM bi_links WHERE role = 'load' AND reason_code = 'no-positive-control' AND lot = ?`),
      ofLoad: db.prepare(`SELECT ${LINK_COLUMNS} FROM bi_links WHERE load_id = ? ORDER BY created_at`),
      addControl: db.prepare('INSERT INTO bi_controls (record_id, lot, reader, well, result, read_at) VALUES (?, ?, ?, ?, ?, ?)'),
      controls: db.prepare(
        'SELECT record_id AS recordId, lot, reader, well, result, read_at AS readAt FROM bi_controls WHERE lot = ? AND read_at >= ? ORDER BY read_at',
      ),
      lastValid: db.prepare(`${LAST_BI} AND b.result IN ('negative', 'positive') ORDER BY r.started_at DESC LIMIT 1`),
      lastNegative: db.prepare(`${LAST_BI} AND b.result = 'negative' ORDER BY r.started_at DESC LIMIT 1`),
    };
  }

  insert(l: Omit<BiLink, 'result' | 'valid' | 'reasonCode' | 'readAt' | 'recordId'>, now: number): void {
    this.s.insert.run({ ...l, now });
  }

  get(linkId: string): BiLink | null {
    const r = this.s.get.get(linkId) as LinkRow | undefined;
    return r ? toLink(r) : null;
  }

  place(linkId: string, reader: string | null, well: string, at: number): void {
    this.s.place.run(reader, well, at, linkId);
  }

  setResult(linkId: string, r: { result: BiLink['result']; valid: boolean; reasonCode: BiReasonCode; readAt: number; recordId: string }): void {
    this.s.result.run(r.result, r.valid ? 1 : 0, r.reasonCode, r.readAt, r.recordId, linkId);
  }

  /** Vials (load and control) not read yet, oldest first. */
  unread(): BiLink[] {
    return this.links(this.s.unread.all());
  }

  awaitingControl(lot: string): BiLink[] {
    return this.links(this.s.awaitingControl.all(lot));
  }

  ofLoad(loadId: string): BiLink[] {
    return this.links(this.s.ofLoad.all(loadId));
  }

  /** The device's last valid BI (negative or positive) of a load whose cycle started before `before`. */
  lastValid(device: string, before: number): DeviceBi | null {
    return (this.s.lastValid.get(device, before) as DeviceBi | undefined) ?? null;
  }

  /** The device's last valid negative BI of a load whose cycle started before `before`. */
  lastNegative(device: string, before: number): DeviceBi | null {
    return (this.s.lastNegative.get(device, before) as DeviceBi | undefined) ?? null;
  }

  addControl(c: ControlRead): void {
    this.s.addControl.run(c.recordId, c.lot, c.reader, c.well, c.result, c.readAt);
  }

  /** Control readings of `lot` since `sinceMs` (callers pass the start of the day, less a margin). */
  controls(lot: string, sinceMs: number): ControlRead[] {
    return this.s.controls.all(lot, sinceMs) as ControlRead[];
  }

  private links(rows: unknown[]): BiLink[] {
    return (rows as LinkRow[]).map(toLink);
  }
}
