// How samples (migration 7) and raw lines (migration 8) are stored (docs/performance.md, "SD card"). Every
// byte of a row is written to the SD card about twice (WAL, then checkpoint), so the row holds compact
// forms and a view named `samples` gives back exactly the columns and values of the old table:
//   sample_rows.hash   the 32 bytes of the hash (BLOB) instead of 64 hex characters; a stored hash that
//                      is not 64 lowercase hex digits (only a damaged or edited store has one) stays the
//                      text it was, so the audit still sees what was there.
//   sample_rows.cycle  cycle_ids.id of the cycle id (a 36-character UUID once per cycle, not per row)
//   sample_rows.device chain_devices.id of the device id (its text once, not on every row and index entry)
//   sample_rows.phase  sample_phases.id of the phase name
//   sample_rows.recv_ts, device_time  the difference from ts (an INTEGER, 0-2 bytes instead of 6) when
//                      both are integers; otherwise the value itself as a REAL
//   sample_rows.temp_c, temp2_c, pressure_kpa  hundredths (an INTEGER, 2-3 bytes instead of 8) when
//                      value * 100 is an integer whose value / 100 is exactly the value; otherwise the
//                      value itself as a REAL (these columns have no type, so SQLite keeps which it is)
// Every form gives back the very same number (IEEE division of an exact integer by 100 is what JS does too).
// The chain's canonical text and hashes are untouched: they are rebuilt from the view's columns, which
// are the old ones. Readers select from `samples` (the view); the gateway writes sample_rows directly
// (sample-log.ts) and retention deletes from it; the view's INSTEAD OF triggers take an UPDATE, DELETE or
// INSERT on `samples` by hand (an operator, a test editing a row) to sample_rows.
//
// Raw lines since migration 8, the same way: raw_line_rows holds the hash as 32 bytes, the device as a
// chain_devices id and the cycle as a cycle_ids id (its index raw_lines_cycle is on that id: new cycles get
// rising ids, so a batch appends near the index's end instead of at random UUID keys); the view
// `raw_lines` gives back the old columns.
//
// SAMPLE_ROWS_SQL is migration 7's and RAW_LINE_ROWS_SQL migration 8's: never edit them, add a migration.

// The connection type from better-sqlite3 itself: database.ts imports this file's SQL through migrations.ts.
import type { Database as Db } from 'better-sqlite3';

/** Where a chained table's rows are (retention deletes there) and the tables its bytes are in. */
export const CHAIN_STORAGE = {
  samples: { rows: 'sample_rows', tables: ['sample_rows', 'chain_devices', 'cycle_ids', 'sample_phases'] },
  raw_lines: { rows: 'raw_line_rows', tables: ['raw_line_rows'] },
} as const;

/** True when the text `x` is a hash as chainHash makes it (lowercase hex of 32 bytes), so that
 * lower(hex(unhex(x))) gives it back exactly. */
const CANONICAL_HASH = (x: string) => `(typeof(${x}) = 'text' AND length(${x}) = 64 AND ${x} = lower(${x}) AND unhex(${x}) IS NOT NULL)`;
/** A hash as sample_rows stores it. */
const packHash = (x: string) => `CASE WHEN ${CANONICAL_HASH(x)} THEN unhex(${x}) ELSE ${x} END`;
const SAFE = (x: string) => `${x} BETWEEN -9007199254740991 AND 9007199254740991`;
/** recv_ts / device_time as sample_rows stores them: an INTEGER is a difference from ts. */
const packDelta = (x: string, ts: string) =>
  `CASE WHEN typeof(${x}) = 'integer' AND typeof(${ts}) = 'integer' AND ${SAFE(x)} AND ${SAFE(ts)} THEN ${x} - ${ts} WHEN typeof(${x}) = 'integer' THEN CAST(${x} AS REAL) ELSE ${x} END`;
const unpackDelta = (x: string, ts: string) => `CASE typeof(${x}) WHEN 'integer' THEN ${ts} + ${x} ELSE ${x} END`;
/** A reading as sample_rows stores it: an INTEGER is hundredths. */
const packCenti = (x: string) =>
  `CASE WHEN typeof(${x}) IN ('real', 'integer') AND abs(${x}) < 1e13 AND round(${x} * 100) / 100.0 = ${x} THEN CAST(round(${x} * 100) AS INTEGER) WHEN typeof(${x}) = 'integer' THEN CAST(${x} AS REAL) ELSE ${x} END`;
const unpackCenti = (x: string) => `CASE typeof(${x}) WHEN 'integer' THEN ${x} / 100.0 ELSE ${x} END`;
/** The id of a name in a lookup table, inserted if new (inside a trigger). */
const lookupId = (table: string, col: string, x: string) => `(SELECT id FROM ${table} WHERE ${col} = ${x})`;
/** The row of a chain that a view row `old` is. */
const rowOf = (x: string) => `device = ${lookupId('chain_devices', 'device_id', `${x}.device_id`)} AND seq = ${x}.seq`;

export const SAMPLE_ROWS_SQL = `
  CREATE TABLE chain_devices (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE cycle_ids (
    id INTEGER PRIMARY KEY,
    cycle_id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE sample_phases (
    id INTEGER PRIMARY KEY,
    phase TEXT NOT NULL UNIQUE
  );
  CREATE TABLE sample_rows (
    device INTEGER NOT NULL,           -- chain_devices.id
    seq INTEGER NOT NULL,              -- per device, 1-based
    ts INTEGER NOT NULL,               -- acquisition time, ms epoch
    recv_ts NOT NULL,                  -- gateway receive time: INTEGER ms after ts, or REAL ms epoch
    cycle INTEGER,                     -- cycle_ids.id
    temp_c,                            -- INTEGER hundredths of a degree, or REAL degrees
    temp2_c,                           -- as temp_c
    pressure_kpa,                      -- INTEGER hundredths of a kPa, or REAL kPa
    phase INTEGER,                     -- sample_phases.id
    device_time,                       -- device clock: INTEGER ms after ts, or REAL ms epoch
    hash BLOB NOT NULL                 -- 32 bytes; prev hash is the previous row's hash (GENESIS for seq 1)
  );
  INSERT INTO chain_devices (device_id)
    SELECT device_id FROM samples GROUP BY device_id ORDER BY min(rowid);
  INSERT INTO cycle_ids (cycle_id)
    SELECT cycle_id FROM samples WHERE cycle_id IS NOT NULL GROUP BY cycle_id ORDER BY min(rowid);
  INSERT INTO sample_phases (phase)
    SELECT phase FROM samples WHERE phase IS NOT NULL GROUP BY phase ORDER BY min(rowid);
  INSERT INTO sample_rows (rowid, device, seq, ts, recv_ts, cycle, temp_c, temp2_c, pressure_kpa, phase, device_time, hash)
    SELECT s.rowid, d.id, s.seq, s.ts, ${packDelta('s.recv_ts', 's.ts')}, c.id, ${packCenti('s.temp_c')}, ${packCenti('s.temp2_c')},
      ${packCenti('s.pressure_kpa')}, p.id, ${packDelta('s.device_time', 's.ts')}, ${packHash('s.hash')}
    FROM samples s
    JOIN chain_devices d ON d.device_id = s.device_id
    LEFT JOIN cycle_ids c ON c.cycle_id = s.cycle_id
    LEFT JOIN sample_phases p ON p.phase = s.phase
    ORDER BY s.rowid;
  DROP TABLE samples;
  CREATE UNIQUE INDEX samples_chain ON sample_rows(device, seq);
  CREATE VIEW samples AS
    SELECT d.device_id AS device_id, r.seq AS seq, r.ts AS ts, ${unpackDelta('r.recv_ts', 'r.ts')} AS recv_ts, c.cycle_id AS cycle_id,
      ${unpackCenti('r.temp_c')} AS temp_c, ${unpackCenti('r.temp2_c')} AS temp2_c, ${unpackCenti('r.pressure_kpa')} AS pressure_kpa,
      p.phase AS phase, ${unpackDelta('r.device_time', 'r.ts')} AS device_time,
      CASE WHEN typeof(r.hash) = 'blob' THEN lower(hex(r.hash)) ELSE r.hash END AS hash
    FROM sample_rows r
    JOIN chain_devices d ON d.id = r.device
    LEFT JOIN cycle_ids c ON c.id = r.cycle
    LEFT JOIN sample_phases p ON p.id = r.phase;
  CREATE TRIGGER samples_insert INSTEAD OF INSERT ON samples BEGIN
    INSERT OR IGNORE INTO chain_devices (device_id) VALUES (new.device_id);
    INSERT OR IGNORE INTO cycle_ids (cycle_id) SELECT new.cycle_id WHERE new.cycle_id IS NOT NULL;
    INSERT OR IGNORE INTO sample_phases (phase) SELECT new.phase WHERE new.phase IS NOT NULL;
    INSERT INTO sample_rows (device, seq, ts, recv_ts, cycle, temp_c, temp2_c, pressure_kpa, phase, device_time, hash)
      VALUES (${lookupId('chain_devices', 'device_id', 'new.device_id')}, new.seq, new.ts, ${packDelta('new.recv_ts', 'new.ts')}, ${lookupId('cycle_ids', 'cycle_id', 'new.cycle_id')},
        ${packCenti('new.temp_c')}, ${packCenti('new.temp2_c')}, ${packCenti('new.pressure_kpa')}, ${lookupId('sample_phases', 'phase', 'new.phase')},
        ${packDelta('new.device_time', 'new.ts')}, ${packHash('new.hash')});
  END;
  CREATE TRIGGER samples_update INSTEAD OF UPDATE ON samples BEGIN
    INSERT OR IGNORE INTO chain_devices (device_id) VALUES (new.device_id);
    INSERT OR IGNORE INTO cycle_ids (cycle_id) SELECT new.cycle_id WHERE new.cycle_id IS NOT NULL;
    INSERT OR IGNORE INTO sample_phases (phase) SELECT new.phase WHERE new.phase IS NOT NULL;
    UPDATE sample_rows SET device = ${lookupId('chain_devices', 'device_id', 'new.device_id')}, seq = new.seq, ts = new.ts, recv_ts = ${packDelta('new.recv_ts', 'new.ts')},
      cycle = ${lookupId('cycle_ids', 'cycle_id', 'new.cycle_id')}, temp_c = ${packCenti('new.temp_c')}, temp2_c = ${packCenti('new.temp2_c')},
      pressure_kpa = ${packCenti('new.pressure_kpa')}, phase = ${lookupId('sample_phases', 'phase', 'new.phase')},
      device_time = ${packDelta('new.device_time', 'new.ts')},
      hash = ${packHash('new.hash')}
    WHERE ${rowOf('old')};
  END;
  CREATE TRIGGER samples_delete INSTEAD OF DELETE ON samples BEGIN
    DELETE FROM sample_rows WHERE ${rowOf('old')};
  END;
`;

export const RAW_LINE_ROWS_SQL = `
  CREATE TABLE raw_line_rows (
    device INTEGER NOT NULL,           -- chain_devices.id
    seq INTEGER NOT NULL,
    ts INTEGER NOT NULL,
    cycle INTEGER,                     -- cycle_ids.id
    line TEXT NOT NULL,
    hash BLOB NOT NULL                 -- 32 bytes, as sample_rows.hash
  );
  INSERT OR IGNORE INTO chain_devices (device_id)
    SELECT device_id FROM raw_lines GROUP BY device_id ORDER BY min(rowid);
  INSERT OR IGNORE INTO cycle_ids (cycle_id)
    SELECT cycle_id FROM raw_lines WHERE cycle_id IS NOT NULL GROUP BY cycle_id ORDER BY min(rowid);
  INSERT INTO raw_line_rows (rowid, device, seq, ts, cycle, line, hash)
    SELECT l.rowid, d.id, l.seq, l.ts, c.id, l.line, ${packHash('l.hash')}
    FROM raw_lines l
    JOIN chain_devices d ON d.device_id = l.device_id
    LEFT JOIN cycle_ids c ON c.cycle_id = l.cycle_id
    ORDER BY l.rowid;
  DROP TABLE raw_lines;
  CREATE UNIQUE INDEX raw_lines_chain ON raw_line_rows(device, seq);
  CREATE INDEX raw_lines_cycle ON raw_line_rows(cycle) WHERE cycle IS NOT NULL;
  CREATE VIEW raw_lines AS
    SELECT d.device_id AS device_id, r.seq AS seq, r.ts AS ts, c.cycle_id AS cycle_id, r.line AS line,
      CASE WHEN typeof(r.hash) = 'blob' THEN lower(hex(r.hash)) ELSE r.hash END AS hash
    FROM raw_line_rows r
    JOIN chain_devices d ON d.id = r.device
    LEFT JOIN cycle_ids c ON c.id = r.cycle;
  CREATE TRIGGER raw_lines_insert INSTEAD OF INSERT ON raw_lines BEGIN
    INSERT OR IGNORE INTO chain_devices (device_id) VALUES (new.device_id);
    INSERT OR IGNORE INTO cycle_ids (cycle_id) SELECT new.cycle_id WHERE new.cycle_id IS NOT NULL;
    INSERT INTO raw_line_rows (device, seq, ts, cycle, line, hash)
      VALUES (${lookupId('chain_devices', 'device_id', 'new.device_id')}, new.seq, new.ts, ${lookupId('cycle_ids', 'cycle_id', 'new.cycle_id')}, new.line, ${packHash('new.hash')});
  END;
  CREATE TRIGGER raw_lines_update INSTEAD OF UPDATE ON raw_lines BEGIN
    INSERT OR IGNORE INTO chain_devices (device_id) VALUES (new.device_id);
    INSERT OR IGNORE INTO cycle_ids (cycle_id) SELECT new.cycle_id WHERE new.cycle_id IS NOT NULL;
    UPDATE raw_line_rows SET device = ${lookupId('chain_devices', 'device_id', 'new.device_id')}, seq = new.seq, ts = new.ts,
      cycle = ${lookupId('cycle_ids', 'cycle_id', 'new.cycle_id')}, line = new.line, hash = ${packHash('new.hash')}
    WHERE ${rowOf('old')};
  END;
  CREATE TRIGGER raw_lines_delete INSTEAD OF DELETE ON raw_lines BEGIN
    DELETE FROM raw_line_rows WHERE ${rowOf('old')};
  END;
`;

/** Ids of names in a small lookup table (chain_devices, sample_phases) for the logs' inserts, inserted
 * when new; inside the batch's transaction, forget() after a rollback. */
export class NameIds {
  private readonly ids = new Map<string, number>();
  private readonly find;
  private readonly add;

  constructor(db: Db, table: 'chain_devices' | 'sample_phases', column: 'device_id' | 'phase') {
    this.find = db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck();
    this.add = db.prepare(`INSERT INTO ${table} (${column}) VALUES (?) RETURNING id`).pluck();
  }

  /** The id of `name`; with `create` false, undefined for a name never stored. */
  id(name: string, create: true): number;
  id(name: string, create: false): number | undefined;
  id(name: string, create: boolean): number | undefined {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.find.get(name) as number | undefined;
      if (id === undefined) {
        if (!create) return undefined;
        id = this.add.get(name) as number;
      }
      this.ids.set(name, id);
    }
    return id;
  }

  forget(): void {
    this.ids.clear();
  }
}

/** cycle_ids ids for the logs' inserts: per device, the id of its last cycle (a device's rows come in runs
 * of one cycle), else a lookup, inserting a new cycle id. Inside the batch's transaction; forget() after a
 * rollback. */
export class CycleIds {
  private readonly last = new Map<string, { cycleId: string; id: number }>();
  private readonly find;
  private readonly add;

  constructor(db: Db) {
    this.find = db.prepare('SELECT id FROM cycle_ids WHERE cycle_id = ?').pluck();
    this.add = db.prepare('INSERT INTO cycle_ids (cycle_id) VALUES (?) RETURNING id').pluck();
  }

  /** The id of `cycleId`; with `create` false, undefined for a cycle id never stored. */
  id(deviceId: string, cycleId: string, create: true): number;
  id(deviceId: string, cycleId: string, create: false): number | undefined;
  id(deviceId: string, cycleId: string, create: boolean): number | undefined {
    const last = this.last.get(deviceId);
    if (last?.cycleId === cycleId) return last.id;
    let id = this.find.get(cycleId) as number | undefined;
    if (id === undefined) {
      if (!create) return undefined;
      id = this.add.get(cycleId) as number;
    }
    this.last.set(deviceId, { cycleId, id });
    return id;
  }

  forget(): void {
    this.last.clear();
  }
}
