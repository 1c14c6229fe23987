// How samples are stored since migration 7 (docs/performance.md, "SD card"): every byte of a sample row
// is written to the SD card about twice (WAL, then checkpoint), so the row holds compact forms and a
// view named `samples` gives back exactly the columns and values of the old table:
//   sample_rows.hash   the 32 bytes of the hash (BLOB) instead of 64 hex characters; a stored hash that
//                      is not 64 lowercase hex digits (only a damaged or edited store has one) stays the
//                      text it was, so the audit still sees what was there.
//   sample_rows.cycle  sample_cycles.id of the cycle id (a 36-character UUID once per cycle, not per row)
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
// This SQL is migration 7's: never edit it, add a migration.

/** Where a chained table's rows are (retention deletes there) and the tables its bytes are in. */
export const CHAIN_STORAGE = {
  samples: { rows: 'sample_rows', tables: ['sample_rows', 'sample_cycles', 'sample_phases'] },
  raw_lines: { rows: 'raw_lines', tables: ['raw_lines'] },
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

export const SAMPLE_ROWS_SQL = `
  CREATE TABLE sample_cycles (
    id INTEGER PRIMARY KEY,
    cycle_id TEXT NOT NULL UNIQUE
  );
  CREATE TABLE sample_phases (
    id INTEGER PRIMARY KEY,
    phase TEXT NOT NULL UNIQUE
  );
  CREATE TABLE sample_rows (
    device_id TEXT NOT NULL,
    seq INTEGER NOT NULL,              -- per device, 1-based
    ts INTEGER NOT NULL,               -- acquisition time, ms epoch
    recv_ts NOT NULL,                  -- gateway receive time: INTEGER ms after ts, or REAL ms epoch
    cycle INTEGER,                     -- sample_cycles.id
    temp_c,                            -- INTEGER hundredths of a degree, or REAL degrees
    temp2_c,                           -- as temp_c
    pressure_kpa,                      -- INTEGER hundredths of a kPa, or REAL kPa
    phase INTEGER,                     -- sample_phases.id
    device_time,                       -- device clock: INTEGER ms after ts, or REAL ms epoch
    hash BLOB NOT NULL                 -- 32 bytes; prev hash is the previous row's hash (GENESIS for seq 1)
  );
  INSERT INTO sample_cycles (cycle_id)
    SELECT cycle_id FROM samples WHERE cycle_id IS NOT NULL GROUP BY cycle_id ORDER BY min(rowid);
  INSERT INTO sample_phases (phase)
    SELECT phase FROM samples WHERE phase IS NOT NULL GROUP BY phase ORDER BY min(rowid);
  INSERT INTO sample_rows (rowid, device_id, seq, ts, recv_ts, cycle, temp_c, temp2_c, pressure_kpa, phase, device_time, hash)
    SELECT s.rowid, s.device_id, s.seq, s.ts, ${packDelta('s.recv_ts', 's.ts')}, c.id, ${packCenti('s.temp_c')}, ${packCenti('s.temp2_c')},
      ${packCenti('s.pressure_kpa')}, p.id, ${packDelta('s.device_time', 's.ts')}, ${packHash('s.hash')}
    FROM samples s
    LEFT JOIN sample_cycles c ON c.cycle_id = s.cycle_id
    LEFT JOIN sample_phases p ON p.phase = s.phase
    ORDER BY s.rowid;
  DROP TABLE samples;
  CREATE UNIQUE INDEX samples_chain ON sample_rows(device_id, seq);
  CREATE VIEW samples AS
    SELECT r.device_id AS device_id, r.seq AS seq, r.ts AS ts, ${unpackDelta('r.recv_ts', 'r.ts')} AS recv_ts, c.cycle_id AS cycle_id,
      ${unpackCenti('r.temp_c')} AS temp_c, ${unpackCenti('r.temp2_c')} AS temp2_c, ${unpackCenti('r.pressure_kpa')} AS pressure_kpa,
      p.phase AS phase, ${unpackDelta('r.device_time', 'r.ts')} AS device_time,
      CASE WHEN typeof(r.hash) = 'blob' THEN lower(hex(r.hash)) ELSE r.hash END AS hash
    FROM sample_rows r
    LEFT JOIN sample_cycles c ON c.id = r.cycle
    LEFT JOIN sample_phases p ON p.id = r.phase;
  CREATE TRIGGER samples_insert INSTEAD OF INSERT ON samples BEGIN
    INSERT OR IGNORE INTO sample_cycles (cycle_id) SELECT new.cycle_id WHERE new.cycle_id IS NOT NULL;
    INSERT OR IGNORE INTO sample_phases (phase) SELECT new.phase WHERE new.phase IS NOT NULL;
    INSERT INTO sample_rows (device_id, seq, ts, recv_ts, cycle, temp_c, temp2_c, pressure_kpa, phase, device_time, hash)
      VALUES (new.device_id, new.seq, new.ts, ${packDelta('new.recv_ts', 'new.ts')}, ${lookupId('sample_cycles', 'cycle_id', 'new.cycle_id')},
        ${packCenti('new.temp_c')}, ${packCenti('new.temp2_c')}, ${packCenti('new.pressure_kpa')}, ${lookupId('sample_phases', 'phase', 'new.phase')},
        ${packDelta('new.device_time', 'new.ts')}, ${packHash('new.hash')});
  END;
  CREATE TRIGGER samples_update INSTEAD OF UPDATE ON samples BEGIN
    INSERT OR IGNORE INTO sample_cycles (cycle_id) SELECT new.cycle_id WHERE new.cycle_id IS NOT NULL;
    INSERT OR IGNORE INTO sample_phases (phase) SELECT new.phase WHERE new.phase IS NOT NULL;
    UPDATE sample_rows SET device_id = new.device_id, seq = new.seq, ts = new.ts, recv_ts = ${packDelta('new.recv_ts', 'new.ts')},
      cycle = ${lookupId('sample_cycles', 'cycle_id', 'new.cycle_id')}, temp_c = ${packCenti('new.temp_c')}, temp2_c = ${packCenti('new.temp2_c')},
      pressure_kpa = ${packCenti('new.pressure_kpa')}, phase = ${lookupId('sample_phases', 'phase', 'new.phase')},
      device_time = ${packDelta('new.device_time', 'new.ts')},
      hash = ${packHash('new.hash')}
    WHERE device_id = old.device_id AND seq = old.seq;
  END;
  CREATE TRIGGER samples_delete INSTEAD OF DELETE ON samples BEGIN
    DELETE FROM sample_rows WHERE device_id = old.device_id AND seq = old.seq;
  END;
`;
