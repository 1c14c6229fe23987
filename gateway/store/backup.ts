// The online backup behind `sterilink db backup FILE` (docs/install.md, "Backup and restore"): SQLite's
// backup API over a second, read-only connection, so it runs while a gateway writes (WAL: the
// gateway never waits for it) and takes no lock a gateway holds. The copy is one consistent snapshot:
// if the gateway commits between two steps SQLite restarts the copy, so every step after the first
// copies all pages at once. The copy is made private (0600) from its first byte, written under a
// temporary name, switched out of WAL (one self-contained file), fsynced and only then renamed to
// FILE: a FILE that exists is a whole backup.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '../../vocabulary/errors.js';
import { openDatabaseFile, withPrivateUmask } from './database.js';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  records: number;
  /** The last record's seq in the copy (0: no record). */
  headSeq: number;
}

function fsyncPath(p: string, flags: string): void {
  const fd = fs.openSync(p, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies the database file `source` to `dest` (which must not exist). */
export async function backupDatabase(source: string, dest: string): Promise<BackupResult> {
  if (fs.existsSync(dest)) throw new GatewayError('store.backup', `${dest} exists; a backup never overwrites a file`, { file: dest });
  const dir = path.dirname(path.resolve(dest));
  if (!fs.existsSync(dir)) throw new GatewayError('store.backup', `folder ${dir} does not exist`, { file: dest });
  const tmp = path.join(dir, `.${path.basename(dest)}.partial-${process.pid}`);
  const src = openDatabaseFile(source, { readonly: true });
  let pages = 0;
  try {
    // An empty file is an empty database to SQLite, which then keeps this mode for the copy.
    fs.closeSync(withPrivateUmask(() => fs.openSync(tmp, 'wx', 0o600)));
    const r = await src.backup(tmp, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
    pages = r.totalPages;
    const copy = withPrivateUmask(() => new Database(tmp));
    let records = 0;
    let headSeq = 0;
    try {
      copy.pragma('journal_mode = DELETE'); // one file: no -wal/-shm to carry along
      const hasRecords = copy.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'records'").get();
      if (hasRecords) {
        records = copy.prepare('SELECT count(*) FROM records').pluck().get() as number;
        headSeq = (copy.prepare('SELECT max(seq) FROM records').pluck().get() as number | null) ?? 0;
      }
    } finally {
      copy.close();
    }
    fs.chmodSync(tmp, 0o600);
    fsyncPath(tmp, 'r+');
    fs.renameSync(tmp, dest);
    if (process.platform !== 'win32') fsyncPath(dir, 'r');
    return { file: dest, bytes: fs.statSync(dest).size, pages, records, headSeq };
  } catch (e) {
    for (const f of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
    if (e instanceof GatewayError) throw e;
    throw new GatewayError('store.backup', `cannot back up ${source} to ${dest}: ${(e as Error).message}`, { file: dest }, { cause: e });
  } finally {
    src.close();
  }
}
