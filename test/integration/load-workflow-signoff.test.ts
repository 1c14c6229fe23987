// Issue 8 through the load workflow on a real SQLite store, restarting between every step: implants
// recognised from the site's item list or marked with CMD:IMPLANT, an invalid BI raising alarms, an indicator
// failed after release recalling its load, and reasons operators give for early releases (never silent when
// refused). Every record written satisfies its published JSON Schema.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../drivers/scanner/barcode/index.js';
import { loadPolicyFrom } from '../../gateway/load/load-policy.js';
import { type LoadStore, loadStore } from '../helpers/load-store.js';

const gtin = (base13: string) => `${base13}${gs1CheckDigit(base13)}`;
const BI_PRODUCT = gtin('0401234599999');
const IMPLANT = gtin('0761234500001');
const biVial = (lot: string, serial: string) => `(01)${BI_PRODUCT}(17)271231(10)${lot}(21)${serial}`;
const implant = (serial: string) => `(01)${IMPLANT}(17)281231(10)IMPL(21)${serial}`;

const { policy, problems } = loadPolicyFrom(
  {
    timeZone: 'Europe/Berlin',
    authorisedOperators: ['SUP1'],
    reasons: { TRAUMA: 'trauma patient cannot wait for the BI', MISREAD: 'indicator read wrongly' },
    implants: { gtinPrefixes: ['0761234'], items: ['HIP-SET-3'] },
    biProducts: { gtins: [BI_PRODUCT] },
  },
  [
    { id: 'AC-01', type: 'steam-sterilizer', dailyBowieDick: false },
    { id: 'SC-01', type: 'scanner', station: 'AC-01' },
    { id: 'BI-01', type: 'bi-reader' },
  ],
);
const TYPES = ['release', 'scan', 'bi', 'recall', 'alarm'];

let h: LoadStore;
afterEach(() => h?.close());
const alarms = (code: string) => h.records('alarm').filter((r) => r.body.code === code);
const releasesOf = (loadId: string) => h.records('release').filter((r) => r.body.loadId === loadId);

describe('issue 8 on a real store: release rules a validation engineer would sign', () => {
  it('the policy has no problems', () => expect(problems).toEqual([]));

  it("implants: an item from the site's list is held for its BI; CMD:IMPLANT marks a load whose implant has no known code", () => {
    h = loadStore(policy);
    h.scan('OP:OP7', 'HIP-SET-3');
    const listed = h.cycle('C1');
    expect(listed.contents).toMatchObject({ implant: true, implantMarked: null, items: [{ code: 'HIP-SET-3', implant: true }] });
    expect(listed.state).toMatchObject({ status: 'awaiting-bi' });
    expect(releasesOf(listed.contents?.loadId as string).at(-1)?.body).toMatchObject({ status: 'awaiting-bi', evidence: { biRequired: ['implant'] } });

    const [, tray, mark] = h.scan('OP:OP7', 'TRAY-0002', 'CMD:IMPLANT');
    expect(tray?.action).toBe('item-added');
    expect(mark).toMatchObject({ accepted: true, action: 'implant-marked', loadId: tray?.loadId });
    const marked = h.cycle('C2');
    expect(marked.contents).toMatchObject({
      implant: true,
      items: [{ code: 'TRAY-0002', implant: false }],
      implantMarked: { operator: 'OP7', scanRecordId: mark?.scanRecordId },
    });
    expect(marked.state?.status).toBe('awaiting-bi');

    // an implant tray with no readable code at all: the mark alone makes the load, and holds it
    h.scan('OP:OP7', 'CMD:IMPLANT');
    const bare = h.cycle('C3');
    expect(bare.contents).toMatchObject({ items: [], implant: true, implantMarked: { operator: 'OP7' } });
    expect(bare.state?.status).toBe('awaiting-bi');
    expect(h.schemaProblems(TYPES)).toEqual([]);
  });

  it('an invalid positive BI: an alarm naming the load ("repeat the BI"), the held load stays held; an early-released one must be assessed', () => {
    h = loadStore(policy);
    // load A: implant + BI of lot LA; the lot's positive control does not grow
    h.scan('OP:OP7', implant('A1'), biVial('LA', 'VA'));
    const a = h.cycle('C1').contents?.loadId as string;
    expect(h.status(a)).toBe('awaiting-bi');
    h.bi({ well: '1', lot: 'LA', result: 'negative', control: true });
    const posA = h.bi({ well: '2', lot: 'LA', vial: 'VA', result: 'positive' });
    expect(posA.body).toMatchObject({ loadId: a, valid: false, reasonCode: 'no-positive-control' });
    const [alarmA] = alarms('bi-invalid');
    expect(alarmA?.device).toBe('AC-01');
    expect(alarmA?.body).toMatchObject({ loadId: a, loadStatus: 'awaiting-bi', biRecordId: posA.id });
    expect(alarmA?.body.text).toMatch(new RegExp(`load ${a}.*[Rr]epeat the BI`));
    expect(h.status(a)).toBe('awaiting-bi');
    expect(h.records('recall')).toEqual([]);

    // load B: implant + BI of lot LB, released early; its BI reads positive before the control, then the control fails
    h.scan('OP:OP7', implant('B1'), biVial('LB', 'VB'));
    const b = h.cycle('C2').contents?.loadId as string;
    expect(h.scan('OP:SUP1', 'CMD:CI5-PASS', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE').map((s) => s.accepted)).toEqual([true, true, true, true]);
    expect(h.status(b)).toBe('released_early');
    const posB = h.bi({ well: '4', lot: 'LB', vial: 'VB', result: 'positive' });
    expect(posB.body).toMatchObject({ loadId: b, valid: false });
    h.bi({ well: '3', lot: 'LB', result: 'negative', control: true });
    const assess = alarms('bi-invalid-released');
    expect(assess.map((r) => r.body.loadId)).toEqual([b, b]); // at once (a positive), and again when its control failed
    expect(assess[0]?.body.text).toMatch(/released early.*assess the released load/);
    expect(assess[1]?.body.text).toMatch(/[Rr]epeat the BI/);
    expect(h.status(b)).toBe('released_early');
    expect(h.schemaProblems(TYPES)).toEqual([]);
  });

  it('a class-5 fail scanned after an early release recalls that load (recall record, release record, alarm); a fail no load can take raises an alarm', () => {
    h = loadStore(policy);
    h.scan('OP:OP7', implant('S1'), 'TRAY-0100', biVial('LC', 'VC'));
    const load = h.cycle('C1').contents?.loadId as string;
    h.scan('OP:SUP1', 'CMD:CI5-PASS', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE');
    expect(h.status(load)).toBe('released_early');

    const [, fail] = h.scan('OP:OP8', 'CMD:CI5-FAIL');
    expect(fail).toMatchObject({ accepted: true, loadId: load, note: expect.stringMatching(/released_early → recalled/) });
    expect(h.status(load)).toBe('recalled');
    const [recall] = h.records('recall');
    expect(recall?.body).toMatchObject({
      device: 'AC-01',
      since: null,
      trigger: { biRecordId: null, loadId: load, indicator: 'class5', operator: 'OP8', scanRecordId: fail?.scanRecordId },
      loads: [{ loadId: load, status: 'released_early', items: 2 }],
    });
    expect((recall?.body.items as Array<{ raw: string }> | undefined)?.map((i) => i.raw)).toEqual([implant('S1'), 'TRAY-0100']);
    const last = releasesOf(load).at(-1);
    expect(last?.body).toMatchObject({
      status: 'recalled',
      previousStatus: 'released_early',
      reasonCode: 'class5-failed',
      operator: 'OP8',
      scanRecordId: fail?.scanRecordId,
      evidence: { class5: 'fail', recallRecordId: recall?.id },
    });
    const [alarm] = alarms('indicator-failed-after-release');
    expect(alarm?.body).toMatchObject({
      loadId: load,
      loadStatus: 'recalled',
      recallRecordId: recall?.id,
      releaseRecordId: last?.id,
      scanRecordId: fail?.scanRecordId,
    });

    // the same result again: no load can take it any more; refused, and not silently
    const [again] = h.scan('CMD:CI5-FAIL');
    expect(again).toMatchObject({ accepted: false, note: expect.stringMatching(/no load of AC-01 waits for CI5-FAIL/) });
    expect(alarms('indicator-fail-refused')[0]?.body).toMatchObject({
      command: 'CI5-FAIL',
      operator: 'OP8',
      refused: 'no-target',
      scanRecordId: again?.scanRecordId,
    });
    expect(h.schemaProblems(TYPES)).toEqual([]);
  });

  it('early release: refused without a reason (scan record + log line), an unknown reason is refused and recorded, the reason given is carried and used once', () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _e, cb) {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    h = loadStore(policy, { logger });
    h.scan('OP:OP7', implant('R1'));
    const first = h.cycle('C1').contents?.loadId as string;
    h.scan('OP:OP7', implant('R2'));
    const second = h.cycle('C2').contents?.loadId as string;

    const [, , bare] = h.scan('OP:SUP1', 'CMD:CI5-PASS', 'CMD:EARLY-RELEASE');
    expect(bare).toMatchObject({
      accepted: false,
      loadId: second,
      note: expect.stringMatching(/emergency release needs a reason: scan the reason code \(CMD:REASON:<CODE>/),
    });
    expect(h.status(second)).toBe('awaiting-bi');
    const refusedLog = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'station: release command refused');
    expect(refusedLog).toMatchObject({ level: 40, station: 'AC-01', operator: 'SUP1', command: 'EARLY-RELEASE', refused: 'no-reason', loadId: second });

    const [unknown] = h.scan('CMD:REASON:BORED');
    expect(unknown).toMatchObject({
      accepted: false,
      action: 'refused',
      note: expect.stringMatching(/reason code "BORED" is not in release\.reasons \(known: TRAUMA, MISREAD\)/),
    });
    // A well-formed reason code (valid) that the site does not list: the station refuses it (accepted false).
    expect(h.records('scan').find((r) => r.id === unknown?.scanRecordId)?.body).toMatchObject({
      raw: 'CMD:REASON:BORED',
      kind: 'command',
      valid: true,
      accepted: false,
      operator: 'SUP1',
    });

    const [given, released] = h.scan('CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE');
    expect(given).toMatchObject({ accepted: true, action: 'reason-given' });
    expect(released).toMatchObject({ accepted: true, loadId: second });
    expect(releasesOf(second).at(-1)?.body).toMatchObject({
      status: 'released_early',
      operator: 'SUP1',
      scanRecordId: released?.scanRecordId,
      givenReason: { code: 'TRAUMA', text: 'trauma patient cannot wait for the BI', operator: 'SUP1', scanRecordId: given?.scanRecordId },
    });
    // the reason was used: the next early release needs one again
    h.scan('CMD:CI5-PASS');
    expect(h.scan('CMD:EARLY-RELEASE')[0]).toMatchObject({ accepted: false, loadId: first, note: expect.stringMatching(/needs a reason/) });
    expect(h.status(first)).toBe('awaiting-bi');
    expect(h.schemaProblems(TYPES)).toEqual([]);
  });
});
