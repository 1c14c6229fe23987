// Lookup tables over the signed records, for the web page's lists and searches (migration 4): the
// cycle history (by device, date, verdict, program), the items of each load (the recall question
// "which cycle sterilized this tray?"), the release decisions (the release queue) and the BI results of
// each cycle. They hold copies of fields of the signed records and nothing else, so they can always be
// dropped and rebuilt from `records`; the record itself stays the evidence (the page verifies the
// record it shows, not these rows).
//
// Triggers fill them in the same transaction as the record, so a list is never behind the chain and a
// database the page never saw (or `sterilink report` reading it) is indexed all the same. The trigger
// SQL cannot fail on a record the store wrote: records are canonical JSON, every JSON function here
// returns NULL (or no rows) for a missing or oddly typed field, and no index table has a constraint
// other than its primary key, which INSERT OR REPLACE resolves.

/** `R` is the record row: `new` in a trigger, `r` (from `records r`) in the backfill. */
const j = (R: string, path: string) => `json_extract(${R}.json, '${path}')`;

const cycleRow = (R: string) => `${R}.seq, ${R}.id, ${j(R, '$.body.cycleId')}, ${R}.device, ${j(R, '$.body.program')},
  ${j(R, '$.body.cycleNo')}, ${j(R, '$.body.verdict')},
  (SELECT group_concat(json_extract(c.value, '$.id'), ',') FROM json_each(${R}.json, '$.body.criteria') AS c
     WHERE c.type = 'object' AND json_type(c.value, '$.pass') = 'false'),
  coalesce(${j(R, '$.body.startedAt')}, ${R}.ts), ${j(R, '$.body.endedAt')}, ${j(R, '$.body.stats.durationS')},
  ${j(R, '$.body.load.loadId')}, ${j(R, '$.body.info.loadId')},
  coalesce(json_array_length(${R}.json, '$.body.load.items'), 0), coalesce(${j(R, '$.body.info.operator')}, ${j(R, '$.body.load.operator')})`;

const CYCLE_COLUMNS =
  'seq, record_id, cycle_id, device, program, cycle_no, verdict, failed, started_at, ended_at, duration_s, load_id, ticket_load_id, items, operator';
const ITEM_COLUMNS = 'seq, pos, raw, gtin, serial, lot, code';
const itemValues = (R: string) => `${R}.seq, i.key, json_extract(i.value, '$.raw'), json_extract(i.value, '$.gtin'), json_extract(i.value, '$.serial'),
  json_extract(i.value, '$.lot'), json_extract(i.value, '$.code')`;
const RELEASE_COLUMNS = 'seq, load_id, cycle_id, cycle_no, device, kind, status, reason_code, reason, operator, at';
const releaseRow = (R: string) => `${R}.seq, ${j(R, '$.body.loadId')}, ${j(R, '$.body.cycleId')}, ${j(R, '$.body.cycleNo')},
  coalesce(${j(R, '$.body.device')}, ${R}.device), ${j(R, '$.body.cycleKind')}, ${j(R, '$.body.status')}, ${j(R, '$.body.reasonCode')},
  ${j(R, '$.body.reason')}, ${j(R, '$.body.operator')}, coalesce(${j(R, '$.body.at')}, ${R}.ts)`;
const BI_COLUMNS = 'seq, cycle_id, load_id';
const biRow = (R: string) => `${R}.seq, ${j(R, '$.body.cycleId')}, ${j(R, '$.body.loadId')}`;

const TABLES = `
CREATE TABLE cycle_index (
  seq INTEGER PRIMARY KEY,           -- the cycle record's seq
  record_id TEXT NOT NULL,
  cycle_id TEXT,
  device TEXT,
  program TEXT,
  cycle_no,                          -- as the record has it (number or text)
  verdict TEXT,
  failed TEXT,                       -- ids of the criteria with pass false, comma-separated
  started_at TEXT,                   -- ISO 8601 UTC
  ended_at TEXT,
  duration_s REAL,
  load_id TEXT,                      -- the gateway's load id
  ticket_load_id TEXT,               -- the load id the machine printed, if any
  items INTEGER NOT NULL DEFAULT 0,
  operator TEXT
);
CREATE INDEX cycle_index_started ON cycle_index(started_at, seq);
CREATE INDEX cycle_index_device ON cycle_index(device, started_at, seq);
CREATE INDEX cycle_index_verdict ON cycle_index(verdict, started_at, seq);
CREATE INDEX cycle_index_program ON cycle_index(program, started_at, seq);
CREATE INDEX cycle_index_cycle ON cycle_index(cycle_id);
CREATE INDEX cycle_index_load ON cycle_index(load_id);
CREATE INDEX cycle_index_ticket_load ON cycle_index(ticket_load_id);
CREATE TABLE cycle_items (
  seq INTEGER NOT NULL,              -- the cycle record's seq
  pos INTEGER NOT NULL,              -- position in body.load.items, 0-based
  raw TEXT, gtin TEXT, serial TEXT, lot TEXT, code TEXT
);
CREATE INDEX cycle_items_seq ON cycle_items(seq);
CREATE INDEX cycle_items_raw ON cycle_items(raw);
CREATE INDEX cycle_items_gtin ON cycle_items(gtin, serial);
CREATE INDEX cycle_items_code ON cycle_items(code);
CREATE TABLE release_index (
  seq INTEGER PRIMARY KEY,           -- the release record's seq
  load_id TEXT, cycle_id TEXT, cycle_no, device TEXT, kind TEXT, status TEXT, reason_code TEXT, reason TEXT, operator TEXT, at TEXT
);
CREATE INDEX release_index_cycle ON release_index(cycle_id, seq);
CREATE INDEX release_index_load ON release_index(load_id, seq);
CREATE TABLE release_latest (
  load_id TEXT PRIMARY KEY,          -- one row per load: its latest release record
  seq INTEGER NOT NULL, cycle_id TEXT, cycle_no, device TEXT, kind TEXT, status TEXT, reason_code TEXT, reason TEXT, operator TEXT, at TEXT
);
CREATE INDEX release_latest_status ON release_latest(status, at);
CREATE INDEX release_latest_kind ON release_latest(kind, device, seq);
CREATE TABLE bi_index (
  seq INTEGER PRIMARY KEY,           -- the bi record's seq
  cycle_id TEXT, load_id TEXT
);
CREATE INDEX bi_index_cycle ON bi_index(cycle_id);
`;

const TRIGGERS = `
CREATE TRIGGER records_index_cycle AFTER INSERT ON records WHEN new.type = 'cycle' BEGIN
  INSERT OR REPLACE INTO cycle_index (${CYCLE_COLUMNS}) SELECT ${cycleRow('new')};
  INSERT INTO cycle_items (${ITEM_COLUMNS}) SELECT ${itemValues('new')}
    FROM json_each(new.json, '$.body.load.items') AS i WHERE i.type = 'object';
END;
CREATE TRIGGER records_index_release AFTER INSERT ON records WHEN new.type = 'release' BEGIN
  INSERT OR REPLACE INTO release_index (${RELEASE_COLUMNS}) SELECT ${releaseRow('new')};
  INSERT OR REPLACE INTO release_latest (${RELEASE_COLUMNS}) SELECT ${releaseRow('new')}
    WHERE ${j('new', '$.body.loadId')} IS NOT NULL;
END;
CREATE TRIGGER records_index_bi AFTER INSERT ON records WHEN new.type = 'bi' BEGIN
  INSERT OR REPLACE INTO bi_index (${BI_COLUMNS}) SELECT ${biRow('new')};
END;
CREATE TRIGGER records_unindex AFTER DELETE ON records BEGIN
  DELETE FROM cycle_index WHERE seq = old.seq;
  DELETE FROM cycle_items WHERE seq = old.seq;
  DELETE FROM release_index WHERE seq = old.seq;
  DELETE FROM release_latest WHERE seq = old.seq;
  DELETE FROM bi_index WHERE seq = old.seq;
END;
`;

/** Fills the tables from the records already stored (in seq order, so release_latest ends on each load's latest). */
const BACKFILL = `
INSERT OR REPLACE INTO cycle_index (${CYCLE_COLUMNS}) SELECT ${cycleRow('r')} FROM records AS r WHERE r.type = 'cycle' ORDER BY r.seq;
INSERT INTO cycle_items (${ITEM_COLUMNS}) SELECT ${itemValues('r')}
  FROM records AS r, json_each(r.json, '$.body.load.items') AS i WHERE r.type = 'cycle' AND i.type = 'object' ORDER BY r.seq, i.key;
INSERT OR REPLACE INTO release_index (${RELEASE_COLUMNS}) SELECT ${releaseRow('r')} FROM records AS r WHERE r.type = 'release' ORDER BY r.seq;
INSERT OR REPLACE INTO release_latest (${RELEASE_COLUMNS}) SELECT ${releaseRow('r')} FROM records AS r
  WHERE r.type = 'release' AND ${j('r', '$.body.loadId')} IS NOT NULL ORDER BY r.seq;
INSERT OR REPLACE INTO bi_index (${BI_COLUMNS}) SELECT ${biRow('r')} FROM records AS r WHERE r.type = 'bi' ORDER BY r.seq;
`;

/** Migration 9: the cycle trigger reads the new row back by its seq instead of through `new.json`. SQLite
 * caches a parsed JSON text only for a value read from a table, not for `new.*`, so each of the trigger's
 * ~14 JSON functions parsed the whole record again: ~18 ms on the event loop for a 2-hour cycle with its
 * curve (~180 KB), against ~2 ms now (docs/performance.md, "Cycle end"). Same rows, same columns. */
export const CYCLE_TRIGGER_V9_SQL = `
DROP TRIGGER IF EXISTS records_index_cycle;
CREATE TRIGGER records_index_cycle AFTER INSERT ON records WHEN new.type = 'cycle' BEGIN
  INSERT OR REPLACE INTO cycle_index (${CYCLE_COLUMNS}) SELECT ${cycleRow('r')} FROM records AS r WHERE r.seq = new.seq;
  INSERT INTO cycle_items (${ITEM_COLUMNS}) SELECT ${itemValues('r')}
    FROM records AS r, json_each(r.json, '$.body.load.items') AS i WHERE r.seq = new.seq AND i.type = 'object';
END;
`;

/** Migration 4: the tables, their triggers, and the backfill of what is already stored. */
export const RECORD_INDEX_SQL = `${TABLES}\n${TRIGGERS}\n${BACKFILL}`;

/** The tables of migration 4 (they can be emptied and refilled with REBUILD_RECORD_INDEX_SQL). */
export const RECORD_INDEX_TABLES = ['cycle_index', 'cycle_items', 'release_index', 'release_latest', 'bi_index'] as const;

/** Empties and refills the lookup tables from `records` (after a restore, or to repair them). */
export const REBUILD_RECORD_INDEX_SQL = `${RECORD_INDEX_TABLES.map((t) => `DELETE FROM ${t};`).join('\n')}\n${BACKFILL}`;
