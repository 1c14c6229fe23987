// The cycle tracker's state for a cycle still running, one row per device, so a restart resumes
// the cycle (with samplesOfCycle) instead of losing it. Written at once, at synchronous=NORMAL (it
// survives a crash at once; the Store then fsyncs the WAL off the event loop, so a power cut loses at
// most a state that was being synced); cleared in the cycle record's transaction (alone: synchronous=FULL). Call it on cycle start and phase
// changes, not per sample.
import { GatewayError } from '../../vocabulary/errors.js';
import { type Db, withSynchronous } from './database.js';
import type { WriteGuard } from './record-log.js';

const unguarded: WriteGuard = { write: (fn) => fn() };

export class OpenCycleTable {
  private readonly stmt;
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly guard: WriteGuard = unguarded,
  ) {
    this.stmt = {
      save: db.prepare(
        'INSERT INTO open_cycles (device_id, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(device_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ),
      load: db.prepare('SELECT state FROM open_cycles WHERE device_id = ?').pluck(),
      clear: db.prepare('DELETE FROM open_cycles WHERE device_id = ?'),
      devices: db.prepare('SELECT device_id FROM open_cycles ORDER BY device_id').pluck(),
    };
  }

  /** Stores `state` (any JSON value) for the device, replacing what was there. */
  save(deviceId: string, state: unknown): void {
    let json: string | undefined;
    try {
      json = JSON.stringify(state);
    } catch (e) {
      throw new GatewayError('store.open-cycle', `open-cycle state of ${deviceId} is not JSON: ${(e as Error).message}`, { deviceId }, { cause: e });
    }
    if (json === undefined) throw new GatewayError('store.open-cycle', `open-cycle state of ${deviceId} is not JSON`, { deviceId });
    const text = json;
    this.guard.write(() => withSynchronous(this.db, 'NORMAL', () => this.stmt.save.run(deviceId, text, this.now())));
  }

  /** The saved state, parsed, or null. The caller validates its shape. */
  load(deviceId: string): unknown {
    const json = this.stmt.load.get(deviceId) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as unknown);
  }

  /** Inside a transaction (a cycle record's), it goes with that commit: on disk exactly when the record is. */
  clear(deviceId: string): void {
    if (this.db.inTransaction) this.stmt.clear.run(deviceId);
    else this.guard.write(() => withSynchronous(this.db, 'FULL', () => this.stmt.clear.run(deviceId)));
  }

  /** Devices with a saved open cycle (what to resume at start). */
  devices(): string[] {
    return this.stmt.devices.all() as string[];
  }
}
