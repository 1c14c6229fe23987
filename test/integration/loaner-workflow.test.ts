// Loaner sets through the load workflow on a real SQLite store, reopened between every step as a restart would:
// the receipt at the desk, the washer and sterilizer loads (their baskets scanned at the machines), the packing check,
// release, BI and return; each hold (count mismatch, failed washer, positive BI after early release, set not returned)
// raises its alarm and its loaner record; the retained state follows; nothing personal is stored.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoanerRecordBody } from '../../gateway/load/loaner-record.js';
import { verifyStore } from '../../gateway/store/audit.js';
import { BI_LOT, biVial, IMPLANT_GTIN, type LoanerStore, loanerStore, PACKING, RECEIPT, RETURN, SCREW, SCREW_GTIN } from '../helpers/loaner-store.js';
import { checkPayload } from '../helpers/payload-schemas.js';

let h: LoanerStore;
beforeEach(() => {
  h = loanerStore();
});
afterEach(() => h.close());

const steps = () => h.bodies<LoanerRecordBody>('loaner').map((b) => b.step);
const alarms = () => h.bodies<{ code: string; text: string; set?: string }>('alarm');
const lastState = () => h.states.at(-1)?.state;

/** Receipt, wash (pass unless told), packing check (matching unless told). */
function upToPacked(opts: { washPass?: boolean; screws?: number; due?: string } = {}) {
  const r = h.scan('LOANER-DESK', ...RECEIPT(opts.due));
  expect(r.at(-1)).toMatchObject({ accepted: true, action: 'loaner-done' });
  expect(h.scan('WD-01', 'OP:OP2', 'LN-0042').at(-1)).toMatchObject({ accepted: true, action: 'item-added' });
  h.cycle('WD-01', 'W1', { pass: opts.washPass !== false });
  return h.scan('LOANER-DESK', ...PACKING(opts.screws));
}

/** Into AC-01 with a BI vial, the cycle, then SUP1's early release on a class-5 pass with his reason. */
function sterilizeAndReleaseEarly(): void {
  h.scan('AC-01', 'OP:OP2', 'LN-0042', biVial('V1'));
  h.cycle('AC-01', 'S1');
  const rel = h.scan('AC-01', 'OP:SUP1', 'CMD:CI5-PASS', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE');
  expect(rel.at(-1)).toMatchObject({ accepted: true, action: 'release-command' });
}

describe('a loaner set end to end through the workflow', () => {
  it('receipt -> washer -> packing -> sterilizer (implant load) -> early release -> BI -> release confirmed -> return', () => {
    expect(upToPacked().at(-1)).toMatchObject({ accepted: true, action: 'loaner-done' });
    sterilizeAndReleaseEarly();
    h.bi({ well: '1', lot: BI_LOT, result: 'positive', control: true });
    h.bi({ well: '2', lot: BI_LOT, result: 'negative', vial: 'V1' });
    expect(h.scan('LOANER-DESK', ...RETURN()).at(-1)).toMatchObject({ accepted: true, action: 'loaner-done' });

    expect(steps()).toEqual(['received', 'washing', 'cleaned', 'packed', 'sterilizing', 'release', 'release', 'bi', 'release', 'returned']);
    const bodies = h.bodies<LoanerRecordBody>('loaner');
    expect(bodies.map((b) => b.release?.status ?? null).filter((s) => s)).toEqual(['awaiting-bi', 'released_early', 'released']);
    // who released it early is on the set's timeline; the BI's confirmation is the gateway's
    expect(bodies.filter((b) => b.step === 'release').map((b) => b.operator)).toEqual([null, 'SUP1', null]);
    expect(bodies[0]).toMatchObject({
      set: 'LN-0042',
      caseRef: 'OP-2026-0042',
      vendor: 'MEDI',
      operator: 'OP1',
      representative: 'V-0042',
      baskets: ['LN-0042'],
      dueAt: '2026-03-11T07:00:00.000Z',
      expected: [
        { item: SCREW_GTIN, count: 6, implant: true },
        { item: 'DRILL-3', count: 2, implant: false },
      ],
    });
    expect(bodies.at(-1)).toMatchObject({ step: 'returned', status: 'returned', operator: 'OP3', representative: 'V-0042', holds: [] });
    // one chain per visit, each record names the scan that made a desk step
    expect(bodies.slice(1).map((b) => b.supersedes)).toEqual(
      h
        .records('loaner')
        .slice(0, -1)
        .map((r) => r.id),
    );
    const scanIds = new Set(h.records('scan').map((r) => r.id));
    for (const b of bodies.filter((x) => ['received', 'packed', 'returned'].includes(x.step))) expect(scanIds.has(b.scanRecordId as string)).toBe(true);

    // the set made its sterilizer load an implant load, held for its BI (the existing implant rule)
    const cycle = h.records('cycle').find((r) => r.device === 'AC-01')?.body as {
      load: { implant: boolean; items: { loanerSet?: string; implant: boolean }[] };
    };
    expect(cycle.load).toMatchObject({ implant: true, items: [{ loanerSet: 'LN-0042', implant: true }] });
    const wash = h.records('cycle').find((r) => r.device === 'WD-01')?.body as { load: { items: { loanerSet?: string }[] } };
    expect(wash.load.items[0]?.loanerSet).toBe('LN-0042');

    // the operating room: the retained state went released_early -> released with the negative BI, then returned
    const seen = h.states.map((s) => [s.state.status, s.state.usable, s.state.bi?.result ?? null]);
    expect(seen).toContainEqual(['released_early', true, null]);
    expect(seen).toContainEqual(['released', true, 'negative']);
    expect(lastState()).toMatchObject({ set: 'LN-0042', status: 'returned', usable: false, earlyReleased: true, holds: [] });
    expect(h.states.every((s) => s.set === 'LN-0042')).toBe(true);

    // every record is valid against its published schema, and the chain verifies
    expect(h.schemaProblems(['loaner', 'scan', 'alarm', 'release', 'bi', 'recall'])).toEqual([]); // (the cycle records here are stand-ins)
    expect(verifyStore(h.dataDir)).toMatchObject({ ok: true, problems: [] });
  });

  it('a set loaded whose operation is due before its 3 h BI can read raises a warning (alarm and the record says so)', () => {
    upToPacked({ due: 'DUE:2026-03-10T08:30' });
    h.scan('AC-01', 'OP:OP2', 'LN-0042', biVial('V1'));
    h.cycle('AC-01', 'S1');
    const due = alarms().find((a) => a.code === 'loaner-due-before-bi');
    expect(due?.text).toMatch(/LN-0042.*before its BI can read/);
    expect(h.bodies<LoanerRecordBody>('loaner').find((b) => b.step === 'sterilizing')).toMatchObject({ dueBeforeBi: true, notReady: null });
  });
});

describe('each hold raises its alarm and its loaner record', () => {
  it('count mismatch at packing: held until an authorised operator resolves it with his reason', () => {
    const r = upToPacked({ screws: 5 });
    expect(r.at(-1)).toMatchObject({ accepted: true, action: 'loaner-done' });
    expect(steps().at(-1)).toBe('count-mismatch');
    expect(alarms().find((a) => a.code === 'loaner-count-mismatch')?.text).toContain(`implant ${SCREW_GTIN}: expected 6, counted 5`);
    expect(lastState()).toMatchObject({ status: 'cleaned', holds: ['count-mismatch'], usable: false });
    // not authorised, then without his reason: refused, never silent
    const op2 = h.scan('LOANER-DESK', 'OP:OP2', 'CMD:LOANER-RESOLVE', 'LN-0042', 'CMD:LOANER-DONE');
    expect(op2.at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/not authorised/) });
    const bare = h.scan('LOANER-DESK', 'CMD:CANCEL', 'OP:SUP1', 'CMD:LOANER-RESOLVE', 'LN-0042', 'CMD:LOANER-DONE');
    expect(bare.at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/needs your reason/) });
    const ok = h.scan('LOANER-DESK', 'CMD:REASON:RECOUNT', 'CMD:LOANER-DONE');
    expect(ok.at(-1)).toMatchObject({ accepted: true });
    expect(h.bodies<LoanerRecordBody>('loaner').at(-1)).toMatchObject({
      step: 'resolved',
      status: 'packed',
      holds: [],
      operator: 'SUP1',
      givenReason: { code: 'RECOUNT', operator: 'SUP1' },
    });
  });

  it('failed washer: the set is held (alarm, record); the packing check is refused until a passing wash', () => {
    const pack = upToPacked({ washPass: false });
    expect(pack.at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/packing check refused.*washing.*washer-failed/) });
    expect(steps()).toEqual(['received', 'washing', 'washer-failed']);
    expect(alarms().map((a) => a.code)).toContain('loaner-washer-failed');
    expect(lastState()).toMatchObject({ status: 'washing', holds: ['washer-failed'] });
    // wash again: the hold lifts, the packing check goes through
    h.scan('WD-01', 'OP:OP2', 'LN-0042');
    h.cycle('WD-01', 'W2');
    expect(h.scan('LOANER-DESK', 'CMD:CANCEL', ...PACKING()).at(-1)).toMatchObject({ accepted: true });
    expect(lastState()).toMatchObject({ status: 'packed', holds: [] });
  });

  it('positive BI after an early release: the set is recalled (alarm for the operating room, record, state)', () => {
    upToPacked();
    sterilizeAndReleaseEarly();
    expect(lastState()).toMatchObject({ status: 'released_early', usable: true, earlyReleased: true });
    h.bi({ well: '1', lot: BI_LOT, result: 'positive', control: true });
    h.bi({ well: '2', lot: BI_LOT, result: 'positive', vial: 'V1' });
    const bodies = h.bodies<LoanerRecordBody>('loaner');
    expect(bodies.at(-2)).toMatchObject({ step: 'bi', bi: { result: 'positive', valid: true } });
    expect(bodies.at(-1)).toMatchObject({
      step: 'release',
      status: 'recalled',
      holds: ['recalled'],
      release: { status: 'recalled', reasonCode: 'bi-positive' },
    });
    const recall = alarms().find((a) => a.code === 'loaner-recalled');
    expect(recall?.text).toMatch(/released early.*must not be used/);
    expect(lastState()).toMatchObject({ status: 'recalled', usable: false, bi: { result: 'positive', valid: true } });
  });

  it('set not returned in time: one alarm and record from the tick; the return clears it', () => {
    h.scan('LOANER-DESK', ...RECEIPT('DUE:2026-03-10T12:00'));
    h.clock = Date.parse('2026-03-12T10:00:00Z'); // 48 h after the due time (11:00 UTC) is 2026-03-12T11:00Z
    h.tick();
    expect(steps()).toEqual(['received']);
    h.clock = Date.parse('2026-03-12T11:01:00Z');
    h.tick();
    h.tick();
    expect(steps()).toEqual(['received', 'overdue']);
    expect(alarms().filter((a) => a.code === 'loaner-return-overdue')).toHaveLength(1);
    expect(lastState()).toMatchObject({ holds: ['return-overdue'] });
    h.scan('LOANER-DESK', ...RETURN());
    expect(lastState()).toMatchObject({ status: 'returned', holds: [] });
    // the same set may come again for another operation: a new visit
    expect(h.scan('LOANER-DESK', ...RECEIPT()).at(-1)).toMatchObject({ accepted: true });
    expect(new Set(h.bodies<LoanerRecordBody>('loaner').map((b) => b.visit)).size).toBe(2);
  });
});

describe('the desk refuses what would make the record wrong, and says why', () => {
  it('a receipt without the representative, the card or the counts is not done; a set received twice is refused', () => {
    const r = h.scan('LOANER-DESK', 'OP:OP1', 'CMD:LOANER-RECEIVE', 'LN-0042', 'CMD:LOANER-DONE');
    expect(r.at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/reference \(CASE:<ref>\).*representative's badge.*expected instruments/) });
    h.scan('LOANER-DESK', 'CMD:CANCEL', ...RECEIPT());
    const again = h.scan('LOANER-DESK', 'CMD:LOANER-RECEIVE', 'LN-0042');
    expect(again.at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/received and not returned/) });
    expect(h.scan('LOANER-DESK', 'VR:NOBODY').at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/not a trained representative/) });
    // another vendor's representative does not sign this set's return
    const other = h.scan('LOANER-DESK', 'CMD:CANCEL', 'OP:OP3', 'VR:V-0099', 'CMD:LOANER-RETURN', 'LN-0042', 'CNT:DRILL-3:2', 'CMD:LOANER-DONE');
    expect(other.at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/V-0099 is of OTHER.*belongs to MEDI/) });
    // a loaner command at a machine is refused naming the desk
    expect(h.scan('AC-01', 'OP:OP2', 'CMD:LOANER-PACK').at(-1)).toMatchObject({ accepted: false, note: expect.stringMatching(/loaner desk/) });
    expect(h.schemaProblems(['scan'])).toEqual([]);
  });

  it('a serialised unit counts once; a scanned screw (no serial) counts each time', () => {
    const r = h.scan('LOANER-DESK', 'OP:OP1', 'CMD:LOANER-RECEIVE', 'LN-0042', SCREW, SCREW, `(01)${IMPLANT_GTIN}(21)S1`, `(01)${IMPLANT_GTIN}(21)S1`);
    expect(r.map((x) => x.accepted)).toEqual([true, true, true, true, true, true, false]);
    expect(r.at(-1)?.note).toMatch(/already counted/);
  });
});

describe('nothing personal is stored or published', () => {
  it('a confirmation card scan that is not a reference (a name, spaces) is refused and not kept anywhere', () => {
    const r = h.scan('LOANER-DESK', 'OP:OP1', 'VR:V-0042', 'CMD:LOANER-RECEIVE', 'LN-0042', 'CASE:ZHANG WEI', 'CASE:Zhangwei');
    expect(r.slice(-2).map((x) => x.accepted)).toEqual([false, false]);
    expect(r.at(-1)?.note).toMatch(/not a confirmation card reference/);
    h.scan('LOANER-DESK', 'CASE:OP-2026-0042', `CNT:${SCREW_GTIN}:6`, 'CMD:LOANER-DONE');
    // not in any record, not in the database file (nor its WAL)
    const everything = JSON.stringify(h.records());
    expect(everything).not.toMatch(/ZHANG|Zhangwei/i);
    const files = fs.readdirSync(h.dataDir).filter((f) => f.endsWith('.db') || f.endsWith('-wal'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.readFileSync(path.join(h.dataDir, f)).includes('hangwei'), f).toBe(false);
    expect(
      h
        .records('scan')
        .filter((x) => String(x.body.raw).startsWith('CASE:') && x.body.accepted === false)
        .map((x) => x.body.raw),
    ).toEqual(['CASE:<redacted>', 'CASE:<redacted>']);
  });

  it('the loaner record and the retained state have one patient/operation field, the reference, and their schemas forbid any other', () => {
    h.scan('LOANER-DESK', ...RECEIPT());
    const rec = h.records('loaner')[0] as { body: Record<string, unknown> };
    const topic = 'sterilink/v1/h1/gw1/records/loaner';
    expect(checkPayload(topic, rec).errors).toEqual([]);
    for (const extra of ['patient', 'patientName', 'surgeon', 'name', 'ward']) {
      expect(checkPayload(topic, { ...rec, body: { ...rec.body, [extra]: 'x' } }).errors.length, extra).toBeGreaterThan(0);
    }
    expect(checkPayload(topic, { ...rec, body: { ...rec.body, caseRef: 'ZHANG WEI' } }).errors.length).toBeGreaterThan(0);
    const stateTopic = 'sterilink/v1/h1/gw1/loaner/LN-0042/state';
    const state = lastState();
    expect(checkPayload(stateTopic, state).errors).toEqual([]);
    expect(checkPayload(stateTopic, { ...state, patient: 'x' }).errors.length).toBeGreaterThan(0);
    // the example in docs/mqtt.md is a valid state
    const doc = fs.readFileSync(path.join(process.cwd(), 'docs/mqtt.md'), 'utf8');
    const example = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1] as string).find((b) => b.includes('"usable"'));
    expect(checkPayload(stateTopic, JSON.parse(example as string)).errors).toEqual([]);
    // people are badge ids: the vendor's company name from the config is nowhere in the records
    expect(JSON.stringify(h.records())).not.toContain('MediOrtho');
  });
});
