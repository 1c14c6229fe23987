// Migration 5: loaner sets (gateway/load/README.md "Loaner sets").
//
// Working state of the loaner ledger (like migration 3's load tables; the signed records stay the evidence):
// `loaner_visits` (one row per visit of a set, receipt to return, with the machine's state as JSON),
// `loaner_codes` (the set and basket codes of the open visits, so a basket scanned at a machine finds its set) and
// `loaner_loads` (which visits a load carries, so a release or BI record of that load finds them).
//
// Lookup tables over the `loaner` records for the web page's loaner view and `sterilink loaner show`: `loaner_index`
// (one row per loaner record) and `loaner_latest` (one row per visit: its latest record). Like migration 4's, they
// hold copies of signed fields only, are filled by a trigger in the transaction that stores the record, and can be
// dropped and rebuilt from `records` (REBUILD_LOANER_INDEX_SQL).

const j = (R: string, path: string) => `json_extract(${R}.json, '${path}')`;

const INDEX_COLUMNS = 'seq, visit, set_id, step, status, holds, at';
const indexRow = (R: string) =>
  `${R}.seq, ${j(R, '$.body.visit')}, ${j(R, '$.body.set')}, ${j(R, '$.body.step')}, ${j(R, '$.body.status')}, coalesce(json_extract(${R}.json, '$.body.holds'), '[]'), coalesce(${j(R, '$.body.at')}, ${R}.ts)`;
const LATEST_COLUMNS = 'visit, set_id, seq, step, status, holds, case_ref, vendor, due_at, received_at, at';
const latestRow = (R: string) =>
  `${j(R, '$.body.visit')}, ${j(R, '$.body.set')}, ${R}.seq, ${j(R, '$.body.step')}, ${j(R, '$.body.status')}, coalesce(json_extract(${R}.json, '$.body.holds'), '[]'),
   ${j(R, '$.body.caseRef')}, ${j(R, '$.body.vendor')}, ${j(R, '$.body.dueAt')}, coalesce(${j(R, '$.body.at')}, ${R}.ts), coalesce(${j(R, '$.body.at')}, ${R}.ts)`;
const UPSERT_LATEST = `ON CONFLICT(visit) DO UPDATE SET set_id = excluded.set_id, seq = excluded.seq, step = excluded.step, status = excluded.status,
  holds = excluded.holds, case_ref = excluded.case_ref, vendor = excluded.vendor, due_at = excluded.due_at, at = excluded.at`;

const WORKING_TABLES = `
CREATE TABLE loaner_visits (
  visit_id TEXT PRIMARY KEY,
  set_id TEXT NOT NULL,
  status TEXT NOT NULL,
  open INTEGER NOT NULL,             -- 1 until the set is returned (and no count hold is left)
  due_at INTEGER NOT NULL,           -- the operation's due time, ms epoch
  received_at INTEGER NOT NULL,
  state TEXT NOT NULL,               -- JSON of the loaner machine's state
  last_record_id TEXT,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX loaner_visits_open_set ON loaner_visits(set_id) WHERE open = 1;
CREATE INDEX loaner_visits_set ON loaner_visits(set_id, received_at);
CREATE TABLE loaner_codes (
  code TEXT PRIMARY KEY,             -- a set or basket code of an open visit
  visit_id TEXT NOT NULL
);
CREATE INDEX loaner_codes_visit ON loaner_codes(visit_id);
CREATE TABLE loaner_loads (
  load_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  PRIMARY KEY (load_id, visit_id)
);
`;

const INDEX_TABLES = `
CREATE TABLE loaner_index (
  seq INTEGER PRIMARY KEY,           -- the loaner record's seq
  visit TEXT, set_id TEXT, step TEXT, status TEXT,
  holds TEXT,                        -- JSON array of hold codes
  at TEXT
);
CREATE INDEX loaner_index_visit ON loaner_index(visit, seq);
CREATE INDEX loaner_index_set ON loaner_index(set_id, seq);
CREATE TABLE loaner_latest (
  visit TEXT PRIMARY KEY,            -- one row per visit: its latest loaner record
  set_id TEXT, seq INTEGER NOT NULL, step TEXT, status TEXT, holds TEXT,
  case_ref TEXT, vendor TEXT, due_at TEXT,
  received_at TEXT,                  -- the first record's time (the receipt)
  at TEXT
);
CREATE INDEX loaner_latest_status ON loaner_latest(status, due_at);
CREATE INDEX loaner_latest_set ON loaner_latest(set_id, seq);
`;

const TRIGGERS = `
CREATE TRIGGER records_index_loaner AFTER INSERT ON records WHEN new.type = 'loaner' BEGIN
  INSERT OR REPLACE INTO loaner_index (${INDEX_COLUMNS}) SELECT ${indexRow('new')};
  INSERT INTO loaner_latest (${LATEST_COLUMNS}) SELECT ${latestRow('new')} WHERE ${j('new', '$.body.visit')} IS NOT NULL ${UPSERT_LATEST};
END;
CREATE TRIGGER records_unindex_loaner AFTER DELETE ON records WHEN old.type = 'loaner' BEGIN
  DELETE FROM loaner_index WHERE seq = old.seq;
  DELETE FROM loaner_latest WHERE seq = old.seq;
END;
`;

const BACKFILL = `
INSERT OR REPLACE INTO loaner_index (${INDEX_COLUMNS}) SELECT ${indexRow('r')} FROM records AS r WHERE r.type = 'loaner' ORDER BY r.seq;
INSERT INTO loaner_latest (${LATEST_COLUMNS}) SELECT ${latestRow('r')} FROM records AS r
  WHERE r.type = 'loaner' AND ${j('r', '$.body.visit')} IS NOT NULL ORDER BY r.seq ${UPSERT_LATEST};
`;

/** Migration 5: the working tables, the lookup tables, their triggers, and the backfill of what is stored. */
export const LOANER_SQL = `${WORKING_TABLES}\n${INDEX_TABLES}\n${TRIGGERS}\n${BACKFILL}`;

/** The lookup tables of migration 5 (emptied and refilled by REBUILD_LOANER_INDEX_SQL). */
export const LOANER_INDEX_TABLES = ['loaner_index', 'loaner_latest'] as const;

export const REBUILD_LOANER_INDEX_SQL = `${LOANER_INDEX_TABLES.map((t) => `DELETE FROM ${t};`).join('\n')}\n${BACKFILL}`;
