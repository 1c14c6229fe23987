// SQLite persistence of loaner visits (tables loaner_visits, loaner_codes, loaner_loads; migration 5): the loaner
// machine's state per visit, the codes of the open visits, and which visits each load carries, so a restart
// resumes every set where it was.
import type { Db } from '../store/database.js';
import type { LoanerState } from './loaner-state.js';

export class LoanerTable {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT state FROM loaner_visits WHERE visit_id = ?').pluck(),
      put: db.prepare(`INSERT INTO loaner_visits (visit_id, set_id, status, open, due_at, received_at, state, last_record_id, updated_at)
        VALUES (@visitId, @set, @status, @open, @dueAt, @receivedAt, @state, @lastRecordId, @now)
        ON CONFLICT(visit_id) DO UPDATE SET status = excluded.status, open = excluded.open, due_at = excluded.due_at, state = excluded.state,
          last_record_id = excluded.last_record_id, updated_at = excluded.updated_at`),
      byCode: db.prepare('SELECT v.state FROM loaner_codes c JOIN loaner_visits v ON v.visit_id = c.visit_id WHERE c.code = ? AND v.open = 1').pluck(),
      addCode: db.prepare('INSERT INTO loaner_codes (code, visit_id) VALUES (?, ?)'),
      dropCodes: db.prepare('DELETE FROM loaner_codes WHERE visit_id = ?'),
      addLoad: db.prepare('INSERT OR IGNORE INTO loaner_loads (load_id, visit_id) VALUES (?, ?)'),
      byLoad: db
        .prepare('SELECT v.state FROM loaner_loads l JOIN loaner_visits v ON v.visit_id = l.visit_id WHERE l.load_id = ? ORDER BY v.received_at')
        .pluck(),
      open: db.prepare('SELECT state FROM loaner_visits WHERE open = 1 ORDER BY due_at').pluck(),
      recent: db.prepare('SELECT state FROM loaner_visits WHERE open = 1 OR updated_at >= ? ORDER BY received_at').pluck(),
    };
  }

  private parse(json: unknown): LoanerState | null {
    return typeof json === 'string' ? (JSON.parse(json) as LoanerState) : null;
  }

  get(visitId: string): LoanerState | null {
    return this.parse(this.s.get.get(visitId));
  }

  /** The open visit (not returned) whose set or basket carries this code. */
  openByCode(code: string): LoanerState | null {
    return this.parse(this.s.byCode.get(code));
  }

  /** A new visit with its codes; refuses (the unique index) a second open visit of one set. */
  insert(st: LoanerState, now: number): void {
    this.put(st, now);
    for (const code of st.facts.baskets) this.s.addCode.run(code, st.facts.visitId);
  }

  /** Saves the state; a closed visit gives its codes free (the same set may come again). */
  put(st: LoanerState, now: number): void {
    const f = st.facts;
    const open = st.status !== 'returned';
    this.s.put.run({
      visitId: f.visitId,
      set: f.set,
      status: st.status,
      open: open ? 1 : 0,
      dueAt: f.dueAt,
      receivedAt: f.receivedAt,
      state: JSON.stringify(st),
      lastRecordId: st.lastRecordId,
      now,
    });
    if (!open) this.s.dropCodes.run(f.visitId);
  }

  addLoad(loadId: string, visitId: string): void {
    this.s.addLoad.run(loadId, visitId);
  }

  /** The visits (open or not) whose set went into this load. */
  ofLoad(loadId: string): LoanerState[] {
    return (this.s.byLoad.all(loadId) as string[]).map((j) => JSON.parse(j) as LoanerState);
  }

  /** Open visits, earliest due first. */
  openVisits(): LoanerState[] {
    return (this.s.open.all() as string[]).map((j) => JSON.parse(j) as LoanerState);
  }

  /** Open visits and those changed since `sinceMs` (to publish their state again after a restart). */
  recent(sinceMs: number): LoanerState[] {
    return (this.s.recent.all(sinceMs) as string[]).map((j) => JSON.parse(j) as LoanerState);
  }
}
