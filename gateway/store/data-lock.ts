// One gateway per data folder. Two gateways on one store would ingest the same cycles twice, chain them
// into one record log from two processes, and connect to the broker with the same client id, kicking each
// other off. `run` (and the demo) take this lock before opening the store and refuse to start without it.
//
// The lock is an operating-system lock, not a marker file: a small SQLite file (dataDir/gateway.lock) held
// in an EXCLUSIVE transaction for the gateway's life (SQLite takes a POSIX fcntl lock on it). The kernel
// drops the lock when the process ends, however it ends (SIGKILL, power cut), so a lock is never stale and
// no pid has to be checked for life. Beside it, dataDir/gateway.pid names the holder (pid, start time) for
// the refusal message; it is only information and may outlive its process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '../../vocabulary/errors.js';

export const LOCK_FILE = 'gateway.lock';
export const PID_FILE = 'gateway.pid';

interface Holder {
  pid?: number;
  host?: string;
  since?: string;
}

export class DataDirLock {
  private constructor(
    private readonly dataDir: string,
    private db: Database.Database | null,
  ) {}

  /** Takes the data folder's lock, or throws `store.locked` naming the folder and the holder's pid. */
  static acquire(dataDir: string, now: () => number = Date.now): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // the store's folder: private, like the key
    const file = path.join(dataDir, LOCK_FILE);
    let db: Database.Database | null = null;
    try {
      fs.closeSync(fs.openSync(file, 'a', 0o600));
      db = new Database(file, { timeout: 0 });
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch (e) {
      db?.close();
      if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') {
        const holder = readHolder(dataDir);
        const who =
          holder.pid === undefined
            ? 'another gateway'
            : `another gateway (pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ''}${holder.since ? `, since ${holder.since}` : ''})`;
        throw new GatewayError(
          'store.locked',
          `the data folder ${dataDir} is in use by ${who}: two gateways must not share one data folder; stop the other one or give this one its own dataDir`,
          { dataDir, ...(holder.pid !== undefined && { pid: holder.pid }) },
        );
      }
      throw new GatewayError('store.lock', `cannot lock the data folder ${dataDir}: ${(e as Error).message}`, { dataDir, file }, { cause: e });
    }
    const holder: Holder = { pid: process.pid, host: os.hostname(), since: new Date(now()).toISOString() };
    const pidFile = path.join(dataDir, PID_FILE);
    const tmp = `${pidFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, pidFile);
    return new DataDirLock(dataDir, db);
  }

  /** Idempotent. Removes the pid file if it is still this process's, then drops the lock. */
  release(): void {
    if (this.db === null) return;
    const pidFile = path.join(this.dataDir, PID_FILE);
    if (readHolder(this.dataDir).pid === process.pid) fs.rmSync(pidFile, { force: true });
    this.db.close();
    this.db = null;
  }
}

function readHolder(dataDir: string): Holder {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8')) as Holder;
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {}; // no pid file (yet, or removed): the refusal then says "another gateway"
  }
}
