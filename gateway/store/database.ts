// Opening the store's one SQLite file (dataDir/sterilink.db): WAL, pragmas, migrations.
//
// Durability: the connection runs at synchronous=NORMAL, and no commit of the running gateway fsyncs on
// the event loop. Sample and raw-line batches, open-cycle states and records commit at NORMAL: they survive
// a process crash (SIGKILL) at once, and a power cut once the Store's WAL fsync that follows them
// (wal-sync.ts, on libuv's thread pool) is done. A record is published only after that fsync (the record
// log's durable mark, record-log.ts). The WAL is one sequential file and a power cut keeps a prefix of its
// commits, so the fsync that makes a cycle record durable makes every earlier commit durable too: a cycle
// record is never durable without the samples it binds. What must be on disk before the next step (a key
// registration before the key file is promoted) is committed inside withSynchronous('FULL').

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { GatewayError } from '../../vocabulary/errors.js';
import { LATEST_VERSION, MIGRATIONS, type Migration, migrate, schemaVersion } from './migrations.js';

export type Db = Database.Database;
export const DB_FILE = 'sterilink.db';
/** Page size of a store made from now on (bytes). */
export const NEW_PAGE_SIZE = 1024;
/** WAL size at which it is checkpointed into the database file: by SQLite inside a commit for a connection
 * opened here, by a worker thread for the Store (wal-checkpoint.ts turns the automatic one off). */
export const WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024;
/** SQLite's page cache per writing connection (KiB). better-sqlite3 builds SQLite with a 16 MB default
 * (SQLITE_DEFAULT_CACHE_SIZE=-16000), and the cache keeps every page the gateway writes until it is full:
 * ~17 MB more RSS after ~30 MB stored (about an hour at 16 devices), for nothing, since the gateway
 * appends and reads back only recent pages. 2 MiB (SQLite's own default) holds them (docs/performance.md
 * "Memory"). */
export const CACHE_KIB = 2048;

export interface OpenOptions {
  /** Open without writing anything (audit, export). Skips migrations; refuses a newer schema. */
  readonly?: boolean;
  busyTimeoutMs?: number;
  /** For tests of migrations: the steps and the version to stop at. */
  migrations?: readonly Migration[];
  targetVersion?: number;
}

export function dbPath(dataDir: string): string {
  return path.join(dataDir, DB_FILE);
}

/** Files SQLite makes beside the database (WAL mode). */
export const SIDE_FILES = ['-wal', '-shm'] as const;

/** The database holds operator ids, loads and the whole history: only the gateway's account may read
 * it. A folder this opens is made 0700 (like keys/); an existing one loses its bits for others (a site
 * may give its backup group read access, docs/operations.md). The database and its -wal/-shm files
 * are made 0600 (umask 077 while SQLite creates them; SQLite gives the -wal and -shm the database
 * file's mode) and an existing looser file is narrowed to 0600. */
function privateDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = fs.statSync(dataDir);
  if ((st.mode & 0o007) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(dataDir, st.mode & 0o770);
}

function narrowFileModes(file: string): void {
  if (process.platform === 'win32') return;
  for (const f of [file, ...SIDE_FILES.map((s) => file + s)]) {
    let st: fs.Stats;
    try {
      st = fs.statSync(f);
    } catch {
      continue; // not made (yet): nothing to narrow
    }
    if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) fs.chmodSync(f, 0o600);
  }
}

/** Runs `fn` with umask 077, so every file it makes is private to this account. */
export function withPrivateUmask<T>(fn: () => T): T {
  if (process.platform === 'win32') return fn();
  const before = process.umask(0o077);
  try {
    return fn();
  } finally {
    process.umask(before);
  }
}

export function openDatabase(dataDir: string, opts: OpenOptions = {}): Db {
  if (opts.readonly) return openDatabaseFile(dbPath(dataDir), opts);
  privateDataDir(dataDir);
  return withPrivateUmask(() => openDatabaseFile(dbPath(dataDir), opts));
}

/** openDatabase() on a file by its own name (`db verify --db FILE` on a backup). */
export function openDatabaseFile(file: string, opts: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (opts.readonly) {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } else {
      narrowFileModes(file);
      db = new Database(file);
    }
  } catch (e) {
    throw new GatewayError('store.open', `cannot open ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    if (opts.readonly) {
      const v = schemaVersion(db);
      if (v > LATEST_VERSION)
        throw new GatewayError('store.migrate', `database schema version ${v} is newer than this SteriLink understands (${LATEST_VERSION})`, { file });
      return db;
    }
    // A new file gets 1 KiB pages: a batch of samples rewrites one index leaf per device, and a smaller leaf
    // is a quarter of the bytes (~25 % less written per sample, docs/performance.md "SD card"). It only
    // takes before the first write; an existing store keeps its page size.
    if (Number(db.pragma('page_count', { simple: true })) === 0) db.pragma(`page_size = ${NEW_PAGE_SIZE}`);
    const mode = String(db.pragma('journal_mode = WAL', { simple: true }));
    if (mode.toLowerCase() !== 'wal') throw new GatewayError('store.open', `cannot switch ${file} to WAL (journal_mode is ${mode})`, { file });
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = -${CACHE_KIB}`);
    db.pragma('foreign_keys = ON');
    db.pragma('journal_size_limit = 67108864'); // keep the WAL file from staying large after a burst
    // Checkpoint at 4 MiB of WAL whatever the page size (SQLite's default is 1 000 pages).
    db.pragma(`wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / Number(db.pragma('page_size', { simple: true })))}`);
    migrate(db, opts.migrations ?? MIGRATIONS, opts.targetVersion);
    narrowFileModes(file); // -wal and -shm now exist
    return db;
  } catch (e) {
    db.close();
    if (e instanceof GatewayError) throw e;
    throw new GatewayError('store.open', `cannot prepare ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
}

/** Runs `fn` with the connection at synchronous=`level`, then restores the previous level. Call it
 * outside a transaction: the level in force when COMMIT runs is what counts. */
export function withSynchronous<T>(db: Db, level: 'FULL' | 'NORMAL', fn: () => T): T {
  const before = Number(db.pragma('synchronous', { simple: true }));
  const want = level === 'FULL' ? 2 : 1;
  if (before === want) return fn();
  db.pragma(`synchronous = ${level}`);
  try {
    return fn();
  } finally {
    db.pragma(`synchronous = ${before}`);
  }
}
