// The loaner desk's codes and one scan's step (pure): badges, the card reference (a code, never a name), count
// lines, the due time in the site's zone, and what a hand-over needs before it is done.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readScan } from '../../drivers/scanner/parse.js';
import { CASE_REF_GUARD, type DeskReading, readDeskCode } from '../../gateway/load/loaner-codes.js';
import { applyDeskScan, countItemIsImplant, type DeskContext, expireDesk } from '../../gateway/load/loaner-desk.js';
import { DEFAULT_LOANER_POLICY } from '../../gateway/load/loaner-policy.js';
import { DEFAULT_STATION_POLICY } from '../../gateway/load/station-policy.js';
import { emptySession, type StationSession } from '../../gateway/load/station-session.js';

const reading: DeskReading = {
  representativePrefix: 'VR:',
  representativeId: DEFAULT_LOANER_POLICY.representativeId,
  setPattern: DEFAULT_LOANER_POLICY.setPattern,
  caseRefPattern: DEFAULT_LOANER_POLICY.caseRefPattern,
  timeZone: 'Asia/Shanghai',
};
const station = { ...DEFAULT_STATION_POLICY, implantGtinPrefixes: ['0761234'], biGtins: ['04012345999990'], reasons: { RECOUNT: 'counted again' } };
const ctx = (open: Record<string, { visitId: string; set: string; vendor: string }> = {}): DeskContext => ({
  loaner: { ...DEFAULT_LOANER_POLICY, desks: ['DESK'], vendors: { MEDI: { name: null, representatives: ['V-1'] } } },
  station,
  timeZone: 'Asia/Shanghai',
  openVisitOf: (code) => open[code] ?? null,
});
const T0 = Date.parse('2026-03-10T02:00:00Z');

/** Scans in order (a second apart) at one desk; the outcomes. */
function scans(c: DeskContext, ...raws: string[]) {
  let s: StationSession = emptySession('DESK');
  let t = T0;
  return raws.map((raw) => {
    t += 1000;
    const desk = readDeskCode(raw, reading);
    const out = applyDeskScan(s, { raw, ts: t, desk, decoded: desk ? null : readScan(raw, t) }, c);
    s = out.session;
    return out;
  });
}

describe('desk codes', () => {
  it('reads badges, references, count lines, due times (local) and set codes; anything else is for the decoder', () => {
    expect(readDeskCode('VR:V-0042', reading)).toEqual({ kind: 'representative', id: 'V-0042' });
    expect(readDeskCode('CASE:OP-2026-0042', reading)).toEqual({ kind: 'case', ref: 'OP-2026-0042' });
    expect(readDeskCode('CNT:07612345000022:6', reading)).toEqual({ kind: 'count', item: '07612345000022', count: 6 });
    expect(readDeskCode('CNT:+A999PLATE1:2', reading)).toEqual({ kind: 'count', item: '+A999PLATE1', count: 2 });
    // 14:00 in Shanghai is 06:00 UTC, in both spellings
    expect(readDeskCode('DUE:2026-03-10T14:00', reading)).toMatchObject({ kind: 'due', at: Date.parse('2026-03-10T06:00:00Z') });
    expect(readDeskCode('DUE:202603101400', reading)).toMatchObject({ kind: 'due', at: Date.parse('2026-03-10T06:00:00Z') });
    expect(readDeskCode('LN-0042', reading)).toEqual({ kind: 'set', code: 'LN-0042' });
    expect(readDeskCode('OP:OP1', reading)).toBeNull();
    expect(readDeskCode('DRILL-3', reading)).toBeNull();
  });

  it('refuses what is not one, and never echoes a card scan that is not a reference', () => {
    for (const bad of ['CNT:X:0', 'CNT:X:1000', 'CNT:X', 'CNT:two words:1', 'DUE:2026-02-30T10:00', 'DUE:tomorrow', 'VR:has space']) {
      expect(readDeskCode(bad, reading)?.kind, bad).toBe('error');
    }
    const name = readDeskCode('CASE:ZHANG WEI', reading);
    expect(name).toMatchObject({ kind: 'error', what: 'case', redact: true });
    expect(JSON.stringify(name)).not.toContain('ZHANG');
    expect(readDeskCode('CASE:ZHANGWEI', reading)).toMatchObject({ kind: 'error', redact: true }); // no digit: not a reference
  });

  it('a reference that passes the guard has no space and a digit, whatever the site pattern allows', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (ref) => {
        const r = readDeskCode(`CASE:${ref}`, { ...reading, caseRefPattern: /.*/ });
        if (r?.kind === 'case') {
          expect(r.ref).toMatch(/\d/);
          expect(r.ref).not.toMatch(/\s/);
          expect(CASE_REF_GUARD.test(r.ref)).toBe(true);
        }
      }),
    );
  });

  it('a count line is an implant by the site rules (GTIN prefix)', () => {
    expect(countItemIsImplant('07612345000022', station)).toBe(true);
    expect(countItemIsImplant('DRILL-3', station)).toBe(false);
  });
});

describe('one scan at the desk', () => {
  it('a receipt collects the set, its baskets, the card, the counts and the due time, then is done with both badges', () => {
    const out = scans(
      ctx(),
      'OP:OP1',
      'VR:V-1',
      'CMD:LOANER-RECEIVE',
      'LN-0042',
      'LN-0042-B2',
      'CASE:OP-1',
      'CNT:07612345000022:6',
      'DRILL-3',
      'CMD:LOANER-DONE',
    );
    expect(out.map((o) => o.action.kind)).toEqual([
      'signed-in',
      'representative-signed-in',
      'loaner-started',
      'loaner-set',
      'loaner-set',
      'loaner-case',
      'loaner-count',
      'loaner-count',
      'loaner-done',
    ]);
    const done = out.at(-1)?.action;
    expect(done).toMatchObject({
      kind: 'loaner-done',
      operator: 'OP1',
      representative: { id: 'V-1', vendor: 'MEDI' },
      handover: {
        kind: 'receive',
        set: 'LN-0042',
        baskets: ['LN-0042', 'LN-0042-B2'],
        caseRef: 'OP-1',
        counts: [
          { item: '07612345000022', count: 6, implant: true },
          { item: 'DRILL-3', count: 1, implant: false },
        ],
      },
    });
  });

  it('refuses, saying why: no badge, no hand-over, an open set received again, one set per hand-over, incomplete hand-overs', () => {
    const open = { 'LN-0042': { visitId: 'v1', set: 'LN-0042', vendor: 'MEDI' }, 'LN-0077': { visitId: 'v2', set: 'LN-0077', vendor: 'MEDI' } };
    const why = (...raws: string[]) => {
      const a = scans(ctx(open), ...raws).at(-1)?.action;
      return a?.kind === 'refused' ? a.reason : `not refused: ${a?.kind}`;
    };
    expect(why('CMD:LOANER-RECEIVE')).toMatch(/no operator signed in/);
    expect(why('OP:OP1', 'LN-0042')).toMatch(/no hand-over is open/);
    expect(why('OP:OP1', 'CMD:LOANER-RECEIVE', 'LN-0042')).toMatch(/received and not returned yet/);
    expect(why('OP:OP1', 'CMD:LOANER-PACK', 'LN-0042', 'LN-0077')).toMatch(/one set per hand-over/);
    expect(why('OP:OP1', 'CMD:LOANER-PACK', 'CNT:DRILL-3:2')).toMatch(/set's code first/);
    expect(why('OP:OP1', 'CMD:LOANER-PACK', 'LN-0042', 'CNT:DRILL-3:2', 'CMD:LOANER-DONE')).toMatch(/internal chemical indicator/);
    expect(why('OP:OP1', 'CMD:LOANER-RETURN', 'LN-0042', 'CNT:DRILL-3:2', 'CMD:LOANER-DONE')).toMatch(/representative's badge/);
    expect(why('OP:OP1', 'CMD:LOANER-PACK', 'LN-0042', 'CMD:LOANER-RECEIVE')).toMatch(/finish it .* or drop it/);
    expect(why('OP:OP1', 'CMD:LOANER-RECEIVE', 'LN-0099', '(01)04012345999990(10)L1')).toMatch(/BI vial is not counted/);
    expect(why('OP:OP1', 'CMD:CI5-PASS')).toMatch(/not used at a loaner desk/);
  });

  it('idle: the operator, the representative and the open hand-over go after the session idle time', () => {
    const out = scans(ctx(), 'OP:OP1', 'VR:V-1', 'CMD:LOANER-RECEIVE', 'LN-0042');
    const s = out.at(-1)?.session as StationSession;
    const later = expireDesk(s, T0 + station.sessionIdleMs + 10_000, station);
    expect(later.session).toMatchObject({ operator: null, desk: { representative: null, handover: null } });
    expect(later.notes.join('; ')).toMatch(/representative V-1 signed out.*receive hand-over of LN-0042 was dropped/);
  });
});
