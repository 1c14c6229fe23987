// The cycle history's filters and pages as SQL over `cycle_index` (migration 4): newest first, keyset
// pagination on (started_at, seq), so page 500 costs what page 1 costs. The item search reads a
// scanned code the way the load workflow stored it. Pure: text in, SQL and parameters out.
import type { DecodedBarcode } from '../../vocabulary/barcode.js';
import { localMidnightUtc, zoneOffsetMs } from '../../vocabulary/local-day.js';

export interface HistoryFilter {
  device?: string;
  verdict?: 'pass' | 'fail';
  program?: string;
  /** ISO 8601 UTC, inclusive. */
  from?: string;
  /** ISO 8601 UTC, exclusive. */
  to?: string;
}

export interface Cursor {
  startedAt: string;
  seq: number;
}

export interface PageRequest {
  limit: number;
  /** Older than this row (the "older" link). */
  before?: Cursor;
  /** Newer than this row (the "newer" link). */
  after?: Cursor;
}

export interface Sql {
  sql: string;
  params: (string | number)[];
}

/** cycle_index's columns under the names of the history's rows (record-queries.ts CycleRow). */
export const HISTORY_COLUMNS =
  'seq, record_id AS recordId, cycle_id AS cycleId, device, program, cycle_no AS cycleNo, verdict, failed, started_at AS startedAt, ended_at AS endedAt, duration_s AS durationS, load_id AS loadId, ticket_load_id AS ticketLoadId, items, operator';
export const MAX_PAGE = 200;

export function encodeCursor(c: Cursor): string {
  return `${c.startedAt}~${c.seq}`;
}

export function decodeCursor(s: string | null | undefined): Cursor | null {
  if (!s) return null;
  const i = s.lastIndexOf('~');
  if (i < 1) return null;
  const startedAt = s.slice(0, i);
  const seq = Number(s.slice(i + 1));
  if (!Number.isSafeInteger(seq) || seq < 1 || Number.isNaN(Date.parse(startedAt))) return null;
  return { startedAt, seq };
}

/** Each filter's condition on cycle_index, in the order the WHERE clause lists them. */
const FILTER_CONDITIONS: ReadonlyArray<readonly [keyof HistoryFilter, string]> = [
  ['device', 'device = ?'],
  ['verdict', 'verdict = ?'],
  ['program', 'program = ?'],
  ['from', 'started_at >= ?'],
  ['to', 'started_at < ?'],
];

/** Rows newest first. With `after`, the query runs oldest first and the caller reverses (`reversed`). */
export function buildHistoryQuery(f: HistoryFilter, page: PageRequest): Sql & { reversed: boolean; limit: number } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  for (const [key, condition] of FILTER_CONDITIONS) {
    const value = f[key];
    if (value) {
      where.push(condition);
      params.push(value);
    }
  }
  const reversed = !page.before && Boolean(page.after);
  if (page.before) {
    where.push('(started_at, seq) < (?, ?)');
    params.push(page.before.startedAt, page.before.seq);
  } else if (page.after) {
    where.push('(started_at, seq) > (?, ?)');
    params.push(page.after.startedAt, page.after.seq);
  }
  const order = reversed ? 'started_at ASC, seq ASC' : 'started_at DESC, seq DESC';
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(page.limit)));
  params.push(limit + 1); // one more than shown: says whether there is a next page
  return {
    sql: `SELECT ${HISTORY_COLUMNS} FROM cycle_index${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`,
    params,
    reversed,
    limit,
  };
}

/** What a scanned (or typed) code matches in `cycle_items`, the way the load workflow stores items:
 * GTIN + serial for a unit, the HIBC labeler/product + serial, an asset or internal code, a GTIN
 * alone for a product without serial, and always the scan exactly as received. */
export function itemMatch(decoded: Pick<DecodedBarcode, 'kind' | 'fields' | 'raw'>): Sql {
  const f = decoded.fields;
  const ors: string[] = ['raw = ?'];
  const params: (string | number)[] = [decoded.raw];
  if (f.gtin && f.serial) {
    ors.push('(gtin = ? AND serial = ?)');
    params.push(f.gtin, f.serial);
  } else if (f.gtin) {
    ors.push('gtin = ?');
    params.push(f.gtin);
  }
  if (decoded.kind === 'hibc' && f.lic) {
    const code = `+${f.lic}${f.product ?? ''}`;
    if (f.serial) {
      ors.push('(code = ? AND serial = ?)');
      params.push(code, f.serial);
    } else {
      ors.push('code = ?');
      params.push(code);
    }
  }
  const code = f.giai ?? f.code;
  if (code && decoded.kind !== 'hibc') {
    ors.push('code = ?');
    params.push(code);
  }
  return { sql: ors.join(' OR '), params };
}

// The local-time helpers moved to the vocabulary (the loaner desk reads a due time in local time too).
export { localMidnightUtc, zoneOffsetMs };

export interface ParsedHistoryQuery {
  filter: HistoryFilter;
  page: PageRequest;
  /** The search box (a load id or a scanned item), trimmed; '' for none. */
  search: string;
  problems: string[];
}

/** The page's query string -> filter, page and the problems (each named, none thrown). */
export function parseHistoryParams(q: URLSearchParams, timeZone: string, pageSize = 50): ParsedHistoryQuery {
  const filter: HistoryFilter = {};
  const problems: string[] = [];
  const device = q.get('device')?.trim();
  if (device) filter.device = device;
  const verdict = q.get('verdict')?.trim();
  if (verdict === 'pass' || verdict === 'fail') filter.verdict = verdict;
  else if (verdict) problems.push(`verdict: expected pass or fail, found "${verdict}"`);
  const program = q.get('program')?.trim();
  if (program) filter.program = program;
  for (const key of ['from', 'to'] as const) {
    const v = q.get(key)?.trim();
    if (!v) continue;
    const ms = localMidnightUtc(v, timeZone);
    if (ms === null) {
      problems.push(`${key}: expected a date YYYY-MM-DD, found "${v}"`);
      continue;
    }
    // "to" is the last day shown: the exclusive bound is the next local midnight
    const bound =
      key === 'to' ? localMidnightUtc(new Date(Date.UTC(+v.slice(0, 4), +v.slice(5, 7) - 1, +v.slice(8, 10) + 1)).toISOString().slice(0, 10), timeZone) : ms;
    filter[key] = new Date(bound as number).toISOString();
  }
  const page: PageRequest = { limit: pageSize };
  const before = decodeCursor(q.get('before'));
  const after = decodeCursor(q.get('after'));
  if (before) page.before = before;
  else if (after) page.after = after;
  return { filter, page, search: (q.get('q') ?? '').trim().slice(0, 200), problems };
}
