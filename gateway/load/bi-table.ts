// SQLite persistence of BI vials and readings (tables bi_links, bi_controls; migration 3).
import type { Db } from '../store/database.js';
import type { BiLink, BiReasonCode, ControlRead } from './bi-linker.js';

interface Raw {
  link_id: string;
  role: string;
  load_id: string | null;
  cycle_id: string | null;
  device: string | null;
  lot: string;
  serial: string | null;
  expiry: string | null;
  gtin: string | null;
  reader: string | null;
  well: string | null;
  placed_at: number | null;
  result: string | null;
  valid: number | null;
  reason_code: string | null;
  read_at: number | null;
  record_id: string | null;
}

const toLink = (r: Raw): BiLink => ({
  linkId: r.link_id,
  role: r.role as BiLink['role'],
  loadId: r.load_id,
  cycleId: r.cycle_id,
  device: r.device,
  lot: r.lot,
  serial: r.serial,
  expiry: r.expiry,
  gtin: r.gtin,
  reader: r.reader,
  well: r.well,
  placedAt: r.placed_at,
  result: r.result as BiLink['result'],
  valid: r.valid === null ? null : r.valid === 1,
  reasonCode: r.reason_code as BiReasonCode | null,
  readAt: r.read_at,
  recordId: r.record_id,
});

/** A load's valid BI result as the device history sees it. */
export interface DeviceBi {
  result: 'negative' | 'positive';
  recordId: string;
  loadId: string;
  startedAt: number;
}
interface RawDeviceBi {
  result: string;
  record_id: string;
  load_id: string;
  started_at: number;
}
const toDeviceBi = (r: RawDeviceBi | undefined): DeviceBi | null =>
  r ? { result: r.result as DeviceBi['result'], recordId: r.record_id, loadId: r.load_id, startedAt: r.started_at } : null;

export class BiTable {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare(`INSERT INTO bi_links (link_id, role, load_id, cycle_id, device, lot, serial, expiry, gtin, reader, well, placed_at, created_at)
        VALUES (@linkId, @role, @loadId, @cycleId, @device, @lot, @serial, @expiry, @gtin, @reader, @well, @placedAt, @now)`),
      get: db.prepare('SELECT * FROM bi_links WHERE link_id = ?'),
      place: db.prepare('UPDATE bi_links SET reader = ?, well = ?, placed_at = ? WHERE link_id = ?'),
      result: db.prepare('UPDATE bi_links SET result = ?, valid = ?, reason_code = ?, read_at = ?, record_id = ? WHERE link_id = ?'),
      unread: db.prepare('SELECT * FROM bi_links WHERE result IS NULL ORDER BY created_at'),
      awaitingControl: db.prepare("SELECT * FROM bi_links WHERE role = 'load' AND reason_code = 'no-positive-control' AND lot = ?"),
      ofLoad: db.prepare('SELECT * FROM bi_links WHERE load_id = ? ORDER BY created_at'),
      addControl: db.prepare('INSERT INTO bi_controls (record_id, lot, reader, well, result, read_at) VALUES (?, ?, ?, ?, ?, ?)'),
      controls: db.prepare('SELECT * FROM bi_controls WHERE lot = ? AND read_at >= ? ORDER BY read_at'),
      lastValid: db.prepare(`SELECT b.result, b.record_id, r.load_id, r.started_at FROM bi_links b JOIN releases r ON r.load_id = b.load_id
        WHERE b.role = 'load' AND b.valid = 1 AND b.result IN ('negative', 'positive') AND r.device = ? AND r.started_at < ?
        ORDER BY r.started_at DESC LIMIT 1`),
      lastNegative: db.prepare(`SELECT b.result, b.record_id, r.load_id, r.started_at FROM bi_links b JOIN releases r ON r.load_id = b.load_id
        WHERE b.role = 'load' AND b.valid = 1 AND b.result = 'negative' AND r.device = ? AND r.started_at < ?
        ORDER BY r.started_at DESC LIMIT 1`),
    };
  }

  insert(l: Omit<BiLink, 'result' | 'valid' | 'reasonCode' | 'readAt' | 'recordId'>, now: number): void {
    this.s.insert.run({ ...l, now });
  }

  get(linkId: string): BiLink | null {
    const r = this.s.get.get(linkId) as Raw | undefined;
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
    return (this.s.unread.all() as Raw[]).map(toLink);
  }

  awaitingControl(lot: string): BiLink[] {
    return (this.s.awaitingControl.all(lot) as Raw[]).map(toLink);
  }

  ofLoad(loadId: string): BiLink[] {
    return (this.s.ofLoad.all(loadId) as Raw[]).map(toLink);
  }

  /** The device's last valid BI (negative or positive) of a load whose cycle started before `before`. */
  lastValid(device: string, before: number): DeviceBi | null {
    return toDeviceBi(this.s.lastValid.get(device, before) as RawDeviceBi | undefined);
  }

  /** The device's last valid negative BI of a load whose cycle started before `before`. */
  lastNegative(device: string, before: number): DeviceBi | null {
    return toDeviceBi(this.s.lastNegative.get(device, before) as RawDeviceBi | undefined);
  }

  addControl(c: ControlRead): void {
    this.s.addControl.run(c.recordId, c.lot, c.reader, c.well, c.result, c.readAt);
  }

  /** Control readings of `lot` since `sinceMs` (callers pass the start of the day, less a margin). */
  controls(lot: string, sinceMs: number): ControlRead[] {
    return (this.s.controls.all(lot, sinceMs) as Array<{ record_id: string; lot: string; reader: string; well: string; result: string; read_at: number }>).map(
      (r) => ({ recordId: r.record_id, lot: r.lot, reader: r.reader, well: r.well, result: r.result as ControlRead['result'], readAt: r.read_at }),
    );
  }
}
