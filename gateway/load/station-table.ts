// SQLite persistence of stations and loads (tables load_stations, loads, load_items; migration 3).
import type { Db } from '../store/database.js';
import type { LoadContents, LoadItem } from './load-contents.js';
import { emptySession, type StationSession } from './station-session.js';

export interface LoadRow {
  loadId: string;
  station: string;
  state: 'open' | 'closed' | 'cancelled';
  operator: string | null;
  openedAt: number;
  closedAt: number | null;
  cycleId: string | null;
  contents: LoadContents | null;
}

interface RawLoadRow {
  load_id: string;
  station: string;
  state: string;
  operator: string | null;
  opened_at: number;
  closed_at: number | null;
  cycle_id: string | null;
  contents: string | null;
}

const toLoad = (r: RawLoadRow): LoadRow => ({
  loadId: r.load_id,
  station: r.station,
  state: r.state as LoadRow['state'],
  operator: r.operator,
  openedAt: r.opened_at,
  closedAt: r.closed_at,
  cycleId: r.cycle_id,
  contents: r.contents === null ? null : (JSON.parse(r.contents) as LoadContents),
});

export class StationTable {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      getStation: db.prepare('SELECT state FROM load_stations WHERE station = ?').pluck(),
      putStation: db.prepare(
        'INSERT INTO load_stations (station, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(station) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ),
      stations: db.prepare('SELECT station FROM load_stations ORDER BY station').pluck(),
      insertLoad: db.prepare("INSERT INTO loads (load_id, station, state, operator, opened_at) VALUES (?, ?, 'open', ?, ?)"),
      cancelLoad: db.prepare("UPDATE loads SET state = 'cancelled', closed_at = ? WHERE load_id = ? AND state = 'open'"),
      closeLoad: db.prepare("UPDATE loads SET state = 'closed', closed_at = ?, cycle_id = ?, contents = ? WHERE load_id = ? AND state = 'open'"),
      getLoad: db.prepare('SELECT * FROM loads WHERE load_id = ?'),
      loadOfCycle: db.prepare('SELECT * FROM loads WHERE cycle_id = ?'),
      insertItem: db.prepare('INSERT INTO load_items (load_id, pos, item, scan_record_id) VALUES (?, ?, ?, ?)'),
      items: db.prepare('SELECT item, scan_record_id FROM load_items WHERE load_id = ? ORDER BY pos'),
      itemCount: db.prepare('SELECT count(*) FROM load_items WHERE load_id = ?').pluck(),
    };
  }

  /** The station's session with its open load's items (an empty session for a new station). */
  session(station: string): StationSession {
    const json = this.s.getStation.get(station) as string | undefined;
    if (json === undefined) return emptySession(station);
    const s = JSON.parse(json) as StationSession;
    if (s.load) s.load = { ...s.load, items: this.items(s.load.loadId) };
    return s;
  }

  saveSession(s: StationSession, now: number): void {
    const stored = s.load ? { ...s, load: { ...s.load, items: [] } } : s;
    this.s.putStation.run(s.station, JSON.stringify(stored), now);
  }

  stations(): string[] {
    return this.s.stations.all() as string[];
  }

  openLoad(loadId: string, station: string, operator: string | null, at: number): void {
    this.s.insertLoad.run(loadId, station, operator, at);
  }

  addItem(loadId: string, item: LoadItem, scanRecordId: string): void {
    const pos = (this.s.itemCount.get(loadId) as number) + 1;
    this.s.insertItem.run(loadId, pos, JSON.stringify({ ...item, scanRecordId }), scanRecordId);
  }

  items(loadId: string): LoadItem[] {
    return (this.s.items.all(loadId) as Array<{ item: string }>).map((r) => JSON.parse(r.item) as LoadItem);
  }

  cancelLoad(loadId: string, at: number): void {
    this.s.cancelLoad.run(at, loadId);
  }

  closeLoad(contents: LoadContents, cycleId: string, at: number): void {
    this.s.closeLoad.run(at, cycleId, JSON.stringify(contents), contents.loadId);
  }

  load(loadId: string): LoadRow | null {
    const r = this.s.getLoad.get(loadId) as RawLoadRow | undefined;
    return r ? toLoad(r) : null;
  }

  loadOfCycle(cycleId: string): LoadRow | null {
    const r = this.s.loadOfCycle.get(cycleId) as RawLoadRow | undefined;
    return r ? toLoad(r) : null;
  }
}
