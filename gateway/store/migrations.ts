// Versioned schema: PRAGMA user_version is the number of the last migration applied. Each step runs
// in its own IMMEDIATE transaction together with the version bump, so a crash leaves a whole step or
// none. Append new steps at the end; never edit one that has shipped.
//
// No table is WITHOUT ROWID: operators and auditors inspect the file with generic tools that select
// `rowid` from every table.
import type { Database } from 'better-sqlite3';
import { GatewayError } from '../errors.js';

export interface Migration {
  version: number;
  description: string;
  up: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'meta, keys and the signed record log with its outbox',
    up: (db) => db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE keys (
        key_id TEXT PRIMARY KEY,
        public_key TEXT NOT NULL,          -- base64 of the raw 32-byte Ed25519 key
        created_at TEXT NOT NULL,
        retired_at TEXT
      );
      CREATE TABLE records (
        seq INTEGER PRIMARY KEY,           -- gateway-wide, 1-based, no holes
        id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        device TEXT,
        ts TEXT NOT NULL,
        json TEXT NOT NULL,                -- the full signed record, canonical JSON
        hash TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        sig TEXT NOT NULL,
        key_id TEXT NOT NULL,
        delivered_at INTEGER               -- ms epoch of the broker's PUBACK; NULL = in the outbox
      );
      CREATE INDEX records_outbox ON records(seq) WHERE delivered_at IS NULL;
      CREATE INDEX records_type_ts ON records(type, ts);
    `),
  },
  {
    version: 2,
    description: 'per-device sample and raw-line chains, open-cycle state',
    up: (db) => db.exec(`
      CREATE TABLE samples (
        device_id TEXT NOT NULL,
        seq INTEGER NOT NULL,              -- per device, 1-based
        ts INTEGER NOT NULL,               -- acquisition time, ms epoch
        recv_ts INTEGER NOT NULL,          -- gateway receive time, ms epoch
        cycle_id TEXT,
        temp_c REAL,
        temp2_c REAL,
        pressure_kpa REAL,
        phase TEXT,
        device_time INTEGER,
        hash TEXT NOT NULL                 -- prev hash is the previous row's hash (GENESIS for seq 1)
      );
      CREATE UNIQUE INDEX samples_chain ON samples(device_id, seq);
      CREATE INDEX samples_cycle ON samples(cycle_id) WHERE cycle_id IS NOT NULL;
      CREATE TABLE raw_lines (
        device_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        cycle_id TEXT,
        line TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE UNIQUE INDEX raw_lines_chain ON raw_lines(device_id, seq);
      CREATE INDEX raw_lines_cycle ON raw_lines(cycle_id) WHERE cycle_id IS NOT NULL;
      CREATE TABLE open_cycles (
        device_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,               -- JSON of the cycle tracker's state
        updated_at INTEGER NOT NULL
      );
    `),
  },
];

export const LATEST_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Brings `db` to `target` (default: the latest). Refuses a database newer than these migrations. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, target = migrations.length): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new GatewayError('store.migrate', `migration list is not 1..n: step ${i} has version ${m.version}`);
  });
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new GatewayError('store.migrate', `database schema version ${from} is newer than this SteriLink understands (${migrations.length}); upgrade SteriLink`, { from, known: migrations.length });
  }
  for (const m of migrations.slice(from, target)) {
    try {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (e) {
      throw new GatewayError('store.migrate', `migration ${m.version} (${m.description}) failed: ${(e as Error).message}`, { version: m.version }, { cause: e });
    }
  }
  return { from, to: Math.max(from, target) };
}
