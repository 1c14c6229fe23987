// Versioned schema: PRAGMA user_version is the number of the last migration applied. Each step runs
// in its own IMMEDIATE transaction together with the version bump, so a crash leaves a whole step or
// none. Append new steps at the end; never edit one that has shipped.
//
// No table is WITHOUT ROWID: operators and auditors inspect the file with generic tools that select
// `rowid` from every table.
import type { Database } from 'better-sqlite3';
import { GatewayError } from '../../vocabulary/errors.js';
import { RAW_LINE_ROWS_SQL, SAMPLE_ROWS_SQL } from './chain-rows.js';
import { LOANER_SQL } from './loaner-index.js';
import { CYCLE_TRIGGER_V9_SQL, RECORD_INDEX_SQL } from './record-index.js';

export interface Migration {
  version: number;
  description: string;
  up: (db: Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'meta, keys and the signed record log with its outbox',
    up: (db) =>
      db.exec(`
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
    up: (db) =>
      db.exec(`
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
  {
    version: 3,
    description: 'load workflow: stations, loads and their items, release state per load, BI links',
    // Working state of gateway/load (the signed records stay the evidence): what a restart resumes.
    up: (db) =>
      db.exec(`
      CREATE TABLE load_stations (
        station TEXT PRIMARY KEY,          -- the sterilizer or washer the scanner is bound to
        state TEXT NOT NULL,               -- JSON: operator session, open load (without items), BI placement
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE loads (
        load_id TEXT PRIMARY KEY,
        station TEXT NOT NULL,
        state TEXT NOT NULL,               -- open | closed (taken by a cycle) | cancelled
        operator TEXT,
        opened_at INTEGER NOT NULL,        -- ms epoch
        closed_at INTEGER,
        cycle_id TEXT UNIQUE,
        contents TEXT                      -- JSON of the closed load's contents
      );
      CREATE INDEX loads_station ON loads(station, state);
      CREATE TABLE load_items (
        load_id TEXT NOT NULL,
        pos INTEGER NOT NULL,              -- scan order in the load, 1-based
        item TEXT NOT NULL,                -- JSON of the item (raw, kind, gtin, lot, serial, expiry, implant, expired)
        scan_record_id TEXT NOT NULL
      );
      CREATE UNIQUE INDEX load_items_pos ON load_items(load_id, pos);
      CREATE TABLE releases (
        load_id TEXT PRIMARY KEY,
        device TEXT NOT NULL,
        cycle_id TEXT UNIQUE,
        kind TEXT NOT NULL,                -- load | bowie-dick | leak-test
        status TEXT NOT NULL,
        started_at INTEGER,                -- cycle start, ms epoch (null while unknown)
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,               -- JSON of the release machine's state
        last_record_id TEXT,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX releases_device ON releases(device, started_at);
      CREATE INDEX releases_status ON releases(device, status);
      CREATE TABLE bi_links (
        link_id TEXT PRIMARY KEY,
        role TEXT NOT NULL,                -- load | control
        load_id TEXT,
        cycle_id TEXT,
        device TEXT,
        lot TEXT NOT NULL,
        serial TEXT,
        expiry TEXT,
        gtin TEXT,
        reader TEXT,
        well TEXT,
        placed_at INTEGER,
        result TEXT,                       -- negative | positive | invalid; null until read
        valid INTEGER,
        reason_code TEXT,
        read_at INTEGER,
        record_id TEXT,                    -- the latest bi record of this vial
        created_at INTEGER NOT NULL
      );
      CREATE INDEX bi_links_lot ON bi_links(lot, result);
      CREATE INDEX bi_links_load ON bi_links(load_id);
      CREATE TABLE bi_controls (
        record_id TEXT PRIMARY KEY,        -- the bi record of the control reading
        lot TEXT NOT NULL,
        reader TEXT NOT NULL,
        well TEXT NOT NULL,
        result TEXT NOT NULL,
        read_at INTEGER NOT NULL
      );
      CREATE INDEX bi_controls_lot ON bi_controls(lot, read_at);
    `),
  },
  {
    version: 4,
    description: 'lookup tables over the records for the web page: cycle history, load items, release state, BI per cycle',
    // Copies of signed fields, filled by triggers (record-index.ts); the records stay the evidence.
    up: (db) => db.exec(RECORD_INDEX_SQL),
  },
  {
    version: 5,
    description: 'loaner sets: visits, their codes and loads (working state), and lookup tables over the loaner records',
    // Working state of gateway/load/loaner-*.ts and copies of signed fields for the page (loaner-index.ts).
    up: (db) => db.exec(LOANER_SQL),
  },
  {
    version: 6,
    description: 'samples: drop the cycle index (it cost ~700 bytes of SD-card writes per stored sample)',
    // Its random keys (UUIDs) made every batch rewrite and split one leaf per open cycle, and the index
    // served one query: the samples of a device's open cycle, which are the tail of that device's chain
    // and are now read backwards through samples_chain (sample-log.ts). docs/performance.md, "SD card".
    up: (db) => db.exec('DROP INDEX IF EXISTS samples_cycle'),
  },
  {
    version: 7,
    description: 'samples: compact rows (hash as 32 bytes; device id, cycle id and phase as small ids) behind a view with the old columns',
    // ~95 bytes less per row, written twice to the SD card (WAL, checkpoint). The view `samples` gives the
    // old columns and values, so the chains' canonical text and hashes are rebuilt as before. chain-rows.ts,
    // docs/performance.md "SD card".
    up: (db) => db.exec(SAMPLE_ROWS_SQL),
  },
  {
    version: 8,
    description: 'raw lines: compact rows (hash as 32 bytes; device id and cycle id as small ids) behind a view with the old columns',
    // As migration 7 for samples; the cycle index is now on rising integer ids, not random UUIDs. chain-rows.ts.
    up: (db) => db.exec(RAW_LINE_ROWS_SQL),
  },
  {
    version: 9,
    description: 'the cycle lookup trigger parses a cycle record once, not once per field (~16 ms less per 2-hour cycle record)',
    // record-index.ts CYCLE_TRIGGER_V9_SQL: the same rows, read from the stored row instead of `new.json`.
    up: (db) => db.exec(CYCLE_TRIGGER_V9_SQL),
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
    throw new GatewayError(
      'store.migrate',
      `database schema version ${from} is newer than this SteriLink understands (${migrations.length}); upgrade SteriLink`,
      { from, known: migrations.length },
    );
  }
  for (const m of migrations.slice(from, target)) {
    try {
      db.transaction(() => {
        m.up(db);
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } catch (e) {
      throw new GatewayError(
        'store.migrate',
        `migration ${m.version} (${m.description}) failed: ${(e as Error).message}`,
        { version: m.version },
        { cause: e },
      );
    }
  }
  return { from, to: Math.max(from, target) };
}
