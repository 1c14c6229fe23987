// SQLite persistence of each load's release state (table releases; migration 3): the current state
// of the release machine, so a restart resumes every load where it was.
import type { Db } from '../store/database.js';
import type { DailyTest } from './daily-gate.js';
import type { ReleaseState } from './release-machine.js';
import type { ReleaseStatus } from './release-status.js';

interface Row {
  state: string;
}

export class ReleaseTable {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      get: db.prepare('SELECT state FROM releases WHERE load_id = ?'),
      byCycle: db.prepare('SELECT state FROM releases WHERE cycle_id = ?'),
      put: db.prepare(`INSERT INTO releases (load_id, device, cycle_id, kind, status, started_at, created_at, state, last_record_id, updated_at)
        VALUES (@loadId, @device, @cycleId, @kind, @status, @startedAt, @createdAt, @state, @lastRecordId, @now)
        ON CONFLICT(load_id) DO UPDATE SET cycle_id = excluded.cycle_id, kind = excluded.kind, status = excluded.status,
          started_at = excluded.started_at, state = excluded.state, last_record_id = excluded.last_record_id, updated_at = excluded.updated_at`),
      ofDevice: db.prepare(
        "SELECT state FROM releases WHERE device = ? AND kind = 'load' AND coalesce(started_at, created_at) >= ? ORDER BY coalesce(started_at, created_at), created_at",
      ),
      inStatus: db.prepare('SELECT state FROM releases WHERE device = ? AND status = ? ORDER BY coalesce(started_at, created_at) DESC, created_at DESC'),
      tests: db.prepare("SELECT state FROM releases WHERE device = ? AND kind <> 'load' AND started_at IS NOT NULL AND started_at >= ? ORDER BY started_at"),
    };
  }

  private parse(r: Row | undefined): ReleaseState | null {
    return r ? (JSON.parse(r.state) as ReleaseState) : null;
  }

  get(loadId: string): ReleaseState | null {
    return this.parse(this.s.get.get(loadId) as Row | undefined);
  }

  byCycle(cycleId: string): ReleaseState | null {
    return this.parse(this.s.byCycle.get(cycleId) as Row | undefined);
  }

  put(st: ReleaseState, now: number): void {
    const f = st.facts;
    this.s.put.run({
      loadId: f.loadId,
      device: f.device,
      cycleId: f.cycleId,
      kind: f.kind,
      status: st.status,
      startedAt: f.cycle?.startedAt ?? null,
      createdAt: f.closedAt,
      now,
      state: JSON.stringify(st),
      lastRecordId: st.lastRecordId,
    });
  }

  /** The device's loads (kind 'load') whose cycle started (or, still running, closed) at or after `sinceMs`, oldest first. */
  loadsOf(device: string, sinceMs = 0): ReleaseState[] {
    return (this.s.ofDevice.all(device, sinceMs) as Row[]).map((r) => JSON.parse(r.state) as ReleaseState);
  }

  /** The device's loads and tests in `status`, newest first. */
  inStatus(device: string, status: ReleaseStatus): ReleaseState[] {
    return (this.s.inStatus.all(device, status) as Row[]).map((r) => JSON.parse(r.state) as ReleaseState);
  }

  /** The device's daily-test cycles that started at or after `sinceMs`, as the gate sees them. */
  tests(device: string, sinceMs: number): DailyTest[] {
    const out: DailyTest[] = [];
    for (const r of this.s.tests.all(device, sinceMs) as Row[]) {
      const st = JSON.parse(r.state) as ReleaseState;
      const c = st.facts.cycle;
      if (!c || st.facts.kind === 'load') continue;
      const result = st.status === 'released' ? 'pass' : st.status === 'awaiting-bd' || st.status === 'pending' ? 'pending' : 'fail';
      out.push({ kind: st.facts.kind, cycleId: st.facts.cycleId, startedAt: c.startedAt, endedAt: c.endedAt, result });
    }
    return out;
  }
}
