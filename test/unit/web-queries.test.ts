// The history's query builders (pure): keyset pages, filters from the page's query string, local dates
// in the site's time zone, and how a scanned code is matched against stored load items.
import { describe, expect, it } from 'vitest';
import { decodeBarcode } from '../../drivers/scanner/barcode/index.js';
import {
  buildHistoryQuery,
  decodeCursor,
  encodeCursor,
  itemMatch,
  localMidnightUtc,
  parseHistoryParams,
  zoneOffsetMs,
} from '../../gateway/http/history-query.js';
import { age } from '../../gateway/http/pages/queue-page.js';

describe('history query', () => {
  it('pages newest first on (started_at, seq) with one row more than shown', () => {
    const first = buildHistoryQuery({}, { limit: 50 });
    expect(first.sql).toBe(
      'SELECT seq, record_id AS recordId, cycle_id AS cycleId, device, program, cycle_no AS cycleNo, verdict, failed, started_at AS startedAt, ended_at AS endedAt, ' +
        'duration_s AS durationS, load_id AS loadId, ticket_load_id AS ticketLoadId, items, operator FROM cycle_index ORDER BY started_at DESC, seq DESC LIMIT ?',
    );
    expect(first.params).toEqual([51]);
    const older = buildHistoryQuery({ device: 'AC-01', verdict: 'fail' }, { limit: 20, before: { startedAt: '2026-03-02T08:00:00.000Z', seq: 17 } });
    expect(older.sql).toContain('WHERE device = ? AND verdict = ? AND (started_at, seq) < (?, ?) ORDER BY started_at DESC, seq DESC');
    expect(older.params).toEqual(['AC-01', 'fail', '2026-03-02T08:00:00.000Z', 17, 21]);
    const newer = buildHistoryQuery({ program: 'steam-134-4' }, { limit: 20, after: { startedAt: '2026-03-02T08:00:00.000Z', seq: 17 } });
    expect(newer.reversed).toBe(true);
    expect(newer.sql).toContain('(started_at, seq) > (?, ?) ORDER BY started_at ASC, seq ASC');
    expect(buildHistoryQuery({}, { limit: 100_000 }).limit).toBe(200);
  });

  it('round-trips a cursor and refuses a forged one', () => {
    const c = { startedAt: '2026-03-02T08:00:00.000Z', seq: 17 };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    for (const bad of ['', 'x~1', '2026-03-02T08:00:00.000Z~0', '2026-03-02T08:00:00.000Z~1.5', "2026-03-02~1' OR 1=1"]) expect(decodeCursor(bad)).toBeNull();
  });

  it("reads the page's filters, with dates as whole local days of the site", () => {
    const q = parseHistoryParams(
      new URLSearchParams('device=AC-01&verdict=fail&from=2026-03-29&to=2026-03-29&q=%20L-77%20&before=2026-03-29T10:00:00.000Z~9'),
      'Europe/Berlin',
    );
    expect(q.problems).toEqual([]);
    // the day DST starts in Berlin: 00:00 CET = 23:00 UTC the day before; it ends at 00:00 CEST = 22:00 UTC
    expect(q.filter).toEqual({ device: 'AC-01', verdict: 'fail', from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' });
    expect(q.search).toBe('L-77');
    expect(q.page.before).toEqual({ startedAt: '2026-03-29T10:00:00.000Z', seq: 9 });
    const bad = parseHistoryParams(new URLSearchParams('verdict=maybe&from=2026-02-30&to=yesterday'), 'UTC');
    expect(bad.problems).toEqual([
      'verdict: expected pass or fail, found "maybe"',
      'from: expected a date YYYY-MM-DD, found "2026-02-30"',
      'to: expected a date YYYY-MM-DD, found "yesterday"',
    ]);
  });

  it('finds local midnight in any zone', () => {
    expect(new Date(localMidnightUtc('2026-06-01', 'Asia/Shanghai') as number).toISOString()).toBe('2026-05-31T16:00:00.000Z');
    expect(new Date(localMidnightUtc('2026-10-25', 'Europe/Berlin') as number).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(new Date(localMidnightUtc('2026-01-15', 'America/New_York') as number).toISOString()).toBe('2026-01-15T05:00:00.000Z');
    expect(zoneOffsetMs(Date.parse('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toBe(2 * 3600_000);
  });
});

describe('item search', () => {
  it('matches a unit by GTIN + serial however it was scanned or typed, and always the raw scan', () => {
    const scanned = itemMatch(decodeBarcode(']d20104000000000174\u001d21SET-1'));
    const typed = itemMatch(decodeBarcode('(01)04000000000174(21)SET-1'));
    expect(scanned.sql).toBe('raw = ? OR (gtin = ? AND serial = ?)');
    expect(scanned.params.slice(1)).toEqual(['04000000000174', 'SET-1']);
    expect(typed.params.slice(1)).toEqual(['04000000000174', 'SET-1']);
  });

  it('matches a product without serial by GTIN, an internal code by code, anything else by the raw text', () => {
    expect(itemMatch(decodeBarcode('(01)04000000000174')).sql).toBe('raw = ? OR gtin = ?');
    expect(itemMatch({ kind: 'internal', fields: { code: 'TRAY-0042' }, raw: 'TRAY-0042' })).toEqual({
      sql: 'raw = ? OR code = ?',
      params: ['TRAY-0042', 'TRAY-0042'],
    });
    expect(itemMatch({ kind: 'hibc', fields: { lic: 'A123', product: 'PROD', serial: '77' }, raw: '+A123PROD/$$77' })).toEqual({
      sql: 'raw = ? OR (code = ? AND serial = ?)',
      params: ['+A123PROD/$$77', '+A123PROD', '77'],
    });
    expect(itemMatch(decodeBarcode('hello world')).sql).toBe('raw = ?');
  });
});

describe('release queue', () => {
  it('says how long a load has waited in the two units that matter', () => {
    expect(age(59, 'en')).toBe('0 min');
    expect(age(7 * 60 + 59, 'en')).toBe('7 min');
    expect(age(3 * 3600 + 5 * 60, 'en')).toBe('3 h 5 min');
    expect(age(52 * 3600, 'en')).toBe('2 d 4 h');
    expect(age(52 * 3600, 'zh-CN')).toBe('2 天 4 小时');
  });
});
