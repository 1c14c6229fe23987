import { describe, expect, it } from 'vitest';
import { decodeBarcode, gs1CheckDigit } from '../../drivers/scanner/barcode/index.js';
import { type AssemblerContext, applyScan, expireSession, type ScanOutcome } from '../../gateway/load/load-assembler.js';
import { DEFAULT_STATION_POLICY, type StationPolicy } from '../../gateway/load/station-policy.js';
import { emptySession, type StationSession } from '../../gateway/load/station-session.js';
import { readWellCode } from '../../gateway/load/well-code.js';

const gtin = (b: string) => `${b}${gs1CheckDigit(b)}`;
const IMPLANT = gtin('0761234500001');
const BI = gtin('0401234599999');
const TRAY = gtin('0400000000017');
const T0 = Date.parse('2026-03-10T08:00:00Z');
const policy: StationPolicy = {
  ...DEFAULT_STATION_POLICY,
  implantGtinPrefixes: ['0761234'],
  implantHibcPrefixes: ['A123'],
  implantPattern: /^IMP-/,
  biGtins: [BI],
  defaultReader: 'BI-01',
};

let ids = 0;
function ctx(loaded: string | null = null, p: StationPolicy = policy): AssemblerContext {
  return { policy: p, timeZone: 'Europe/Berlin', newId: () => `L${++ids}`, findLoadedVial: () => loaded };
}
/** Scans in order, 10 s apart; returns every outcome. */
function scans(raws: string[], start: StationSession = emptySession('AC-01'), c = ctx()): ScanOutcome[] {
  let s = start;
  let t = T0;
  return raws.map((raw) => {
    t += 10_000;
    const well = readWellCode(raw, c.policy.wellPrefix);
    const o = applyScan(
      s,
      { raw, ts: t, decoded: well ? null : decodeBarcode(raw, { commands: c.policy.commands }), well: well && !('error' in well) ? well : null },
      c,
    );
    s = o.session;
    return o;
  });
}
const last = (o: ScanOutcome[]) => o.at(-1) as ScanOutcome;

describe('load assembler', () => {
  it('needs an operator badge before goods and commands', () => {
    const o = scans(['TRAY-0001', 'CMD:LOAD-END']);
    expect(o.map((x) => x.action)).toEqual([
      { kind: 'refused', reason: expect.stringMatching(/no operator/) },
      { kind: 'refused', reason: expect.stringMatching(/no operator/) },
    ]);
  });

  it('badge, then items: the first item opens the load (by that operator); items keep their codes and flags', () => {
    const o = scans(['OP:N1', `(01)${TRAY}(21)SET-1`, `(01)${IMPLANT}(17)281231(10)L1(21)S1`, '+A123BJC5D6E71G', 'IMP-7788', 'TRAY-0002']);
    expect(o[0]?.action).toEqual({ kind: 'signed-in', operator: 'N1', previous: null });
    expect(o[1]?.action).toMatchObject({
      kind: 'item-added',
      opened: true,
      loadId: 'L' + ids,
      item: { kind: 'gs1', gtin: TRAY, serial: 'SET-1', implant: false },
    });
    expect(o.slice(2).map((x) => x.action.kind)).toEqual(['item-added', 'item-added', 'item-added', 'item-added']);
    const load = last(o).session.load;
    expect(load).toMatchObject({ operator: 'N1', ended: false });
    expect(load?.items.map((i) => i.implant)).toEqual([false, true, true, true, false]);
    expect(load?.items[1]).toMatchObject({ lot: 'L1', expiry: '2028-12-31', serial: 'S1' });
  });

  it('the same unit twice is refused; a product code without serial counts each time', () => {
    const o = scans(['OP:N1', 'TRAY-0001', 'TRAY-0001', `(01)${IMPLANT}(10)L1`, `(01)${IMPLANT}(10)L1`]);
    expect(o.map((x) => x.action.kind)).toEqual(['signed-in', 'item-added', 'refused', 'item-added', 'item-added']);
  });

  it('an expired item or BI is loaded, flagged and warned about; an invalid code is refused', () => {
    const o = scans(['OP:N1', `(01)${TRAY}(17)200101(21)X`, `(01)${BI}(17)200101(10)BL(21)V1`, `(01)${TRAY.slice(0, 13)}0(21)Y`]);
    expect(o[1]?.expired).toMatchObject({ itemKind: 'item', expiry: '2020-01-01' });
    expect(o[2]).toMatchObject({ action: { kind: 'bi-loaded', vial: { lot: 'BL', expired: true } }, expired: { itemKind: 'bi' } });
    expect(o[3]?.action).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/unreadable gs1/) });
    expect(scans(['OP:N1', `(01)${IMPLANT}(17)200101(21)Z`])[1]?.expired?.itemKind).toBe('implant');
  });

  it('one BI vial per load; a vial without a lot is refused', () => {
    const o = scans(['OP:N1', `(01)${BI}(10)BL(21)V1`, `(01)${BI}(10)BL(21)V1`, `(01)${BI}(10)BL(21)V2`, `(01)${BI}(21)V3`]);
    expect(o.map((x) => x.action.kind)).toEqual(['signed-in', 'bi-loaded', 'refused', 'refused', 'refused']);
    expect(last(o).action).toMatchObject({ reason: expect.stringMatching(/without a lot/) });
  });

  it('a vial that went through a cycle goes to a reader well with the next well code; a control vial after CMD:BI-CONTROL', () => {
    const o = scans(
      ['OP:N1', `(01)${BI}(10)BL(21)V1`, 'WELL:4', 'CMD:BI-CONTROL', `(01)${BI}(10)BL(21)C`, 'WELL:BI-02:1', 'WELL:2'],
      emptySession('AC-01'),
      ctx('link-1'),
    );
    expect(o[1]?.action).toMatchObject({ kind: 'vial-placing', placing: { linkId: 'link-1', control: false } });
    expect(o[2]?.action).toMatchObject({ kind: 'well', reader: 'BI-01', well: '4', placing: { linkId: 'link-1' } });
    expect(o[4]?.action).toMatchObject({ kind: 'vial-placing', placing: { linkId: null, control: true } });
    expect(o[5]?.action).toMatchObject({ kind: 'well', reader: 'BI-02', well: '1', placing: { control: true } });
    expect(o[6]?.action).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/vial first/) });
  });

  it('LOAD-END locks the load; CANCEL drops it (or a pending vial placement)', () => {
    const o = scans(['OP:N1', 'TRAY-0001', 'CMD:LOAD-END', 'TRAY-0002', 'CMD:CANCEL', 'CMD:CANCEL']);
    expect(o.map((x) => x.action.kind)).toEqual(['signed-in', 'item-added', 'load-ended', 'refused', 'load-cancelled', 'refused']);
    expect(o[4]?.session.load).toBeNull();
  });

  it('release commands are handed on with the operator; unknown commands and bad well codes are refused', () => {
    const o = scans(['OP:N1', 'CMD:CI-PASS', 'CMD:CI5-PASS', 'CMD:EARLY-RELEASE', 'CMD:BD-FAIL', 'CMD:SELF-DESTRUCT']);
    expect(o.slice(1, 5).map((x) => x.action)).toEqual(
      ['CI-PASS', 'CI5-PASS', 'EARLY-RELEASE', 'BD-FAIL'].map((command) => ({ kind: 'release-command', command, operator: 'N1', reason: null })),
    );
    expect(last(o).action.kind).toBe('refused');
    expect(readWellCode('WELL:a:b:c', 'WELL:')).toEqual({ error: expect.stringMatching(/not WELL:<well>/) });
    expect(readWellCode('TRAY-1', 'WELL:')).toBeNull();
  });

  it('an idle operator is signed out; a stale vial placement is dropped', () => {
    const s = last(scans(['OP:N1', `(01)${BI}(10)BL(21)V1`], emptySession('AC-01'), ctx('link-1'))).session;
    expect(s.placing).not.toBeNull();
    const later = expireSession(s, T0 + 31 * 60_000, policy);
    expect(later.session).toMatchObject({ operator: null, placing: null });
    expect(later.notes).toHaveLength(2);
  });
});

describe('load assembler: CMD:IMPLANT and CMD:REASON:<CODE> (issue 8)', () => {
  const reasons = { TRAUMA: 'trauma patient cannot wait', 'CI-MISREAD': 'indicator misread' };
  const withReasons: StationPolicy = { ...policy, reasons };
  const rc = () => ctx(null, withReasons);

  it('CMD:IMPLANT marks the open load (opening one if needed) as containing implants, once, by that operator', () => {
    const o = scans(['OP:N1', 'TRAY-0001', 'CMD:IMPLANT', 'CMD:IMPLANT'], emptySession('AC-01'), rc());
    expect(o[2]?.action).toMatchObject({ kind: 'implant-marked', opened: false, loadId: o[1]?.session.load?.loadId });
    expect(o[2]?.session.load).toMatchObject({ implantMark: { operator: 'N1', at: T0 + 30_000 } });
    expect(o[3]?.action).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/already marked/) });
    const first = scans(['OP:N1', 'CMD:IMPLANT', 'CMD:LOAD-END'], emptySession('AC-01'), rc());
    expect(first[1]?.action).toMatchObject({ kind: 'implant-marked', opened: true });
    expect(first[2]?.action.kind).toBe('load-ended'); // the mark alone makes a load
    expect(scans(['CMD:IMPLANT'], emptySession('AC-01'), rc())[0]?.action).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/no operator/) });
  });

  it('a known reason is kept for that operator and handed on with the next release command', () => {
    const o = scans(['OP:SUP1', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE'], emptySession('AC-01'), rc());
    expect(o[1]?.action).toEqual({
      kind: 'reason-given',
      reason: { code: 'TRAUMA', text: 'trauma patient cannot wait', operator: 'SUP1', at: new Date(T0 + 20_000).toISOString(), scanRecordId: null },
    });
    expect(o[2]?.action).toMatchObject({ kind: 'release-command', command: 'EARLY-RELEASE', operator: 'SUP1', reason: { code: 'TRAUMA', operator: 'SUP1' } });
  });

  it("an unknown reason code is refused naming the site's list; nothing is kept", () => {
    const o = scans(['OP:SUP1', 'CMD:REASON:BORED', 'CMD:EARLY-RELEASE'], emptySession('AC-01'), rc());
    expect(o[1]?.action).toEqual({ kind: 'refused', reason: 'reason code "BORED" is not in release.reasons (known: TRAUMA, CI-MISREAD); nothing was kept' });
    expect(o[2]?.action).toMatchObject({ kind: 'release-command', reason: null });
  });

  it('a reason belongs to its operator and its moment: another badge, or too long a wait, drops it', () => {
    expect(last(scans(['OP:SUP1', 'CMD:REASON:TRAUMA', 'OP:SUP2', 'CMD:EARLY-RELEASE'], emptySession('AC-01'), rc())).action).toMatchObject({ reason: null });
    const kept = last(scans(['OP:SUP1', 'CMD:REASON:TRAUMA'], emptySession('AC-01'), rc())).session;
    const late = applyScan(
      kept,
      { raw: 'CMD:EARLY-RELEASE', ts: T0 + 11 * 60_000, decoded: decodeBarcode('CMD:EARLY-RELEASE', { commands: withReasons.commands }), well: null },
      rc(),
    );
    expect(late.action).toMatchObject({ kind: 'release-command', reason: null });
  });
});
