// The load workflow on a real SQLite store, closed and reopened (new Store + new LoadWorkflow) between
// every step, as a gateway restart would: scans -> takeLoad -> cycle record -> release records, BI
// placement and controls, early release, recall, and an audit of every record at the end.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gs1CheckDigit } from '../../drivers/scanner/barcode/index.js';
import { readScan } from '../../drivers/scanner/parse.js';
import { loadPolicyFrom, scanReadingOf } from '../../gateway/load/load-policy.js';
import { LoadWorkflow } from '../../gateway/load/load-workflow.js';
import type { ReleaseStatus } from '../../gateway/load/release-status.js';
import { verifyStore } from '../../gateway/store/audit.js';
import type { NewRecord, SignedRecord } from '../../gateway/store/record.js';
import { Store } from '../../gateway/store/store.js';
import type { BiResultEvent } from '../../vocabulary/device-event.js';

const logger = pino({ level: 'silent' });

// ajv-formats is CommonJS: the default import is the plugin or the module holding it, depending on the loader.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? addFormatsModule) as unknown as FormatsPlugin;
const validators = new Map<string, ValidateFunction>();
/** The record-<type>.schema.json validator (docs/schemas), compiled as the contract check does. */
function schemaOf(type: string): ValidateFunction {
  let v = validators.get(type);
  if (!v) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    v = ajv.compile(JSON.parse(fs.readFileSync(path.join(process.cwd(), 'docs/schemas', `record-${type}.schema.json`), 'utf8')) as object);
    validators.set(type, v);
  }
  return v;
}
const hasSchema = (type: string) => fs.existsSync(path.join(process.cwd(), 'docs/schemas', `record-${type}.schema.json`));
/** Each record against its type's schema (alarm: once docs/schemas has record-alarm; release, bi, scan, recall: always). */
function expectSchemaValid(rs: SignedRecord[]): void {
  for (const t of ['release', 'bi', 'scan', 'recall']) expect(hasSchema(t), `record-${t}.schema.json`).toBe(true);
  for (const r of rs) {
    if (!hasSchema(r.type)) continue;
    const v = schemaOf(r.type);
    expect(v(r) ? [] : v.errors, `${r.type} record seq ${r.seq}`).toEqual([]);
  }
}
const gtin = (base13: string) => `${base13}${gs1CheckDigit(base13)}`;
const IMPLANT = gtin('0761234500001');
const BI_PRODUCT = gtin('0401234599999');
const TRAY = gtin('0400000000017');
const code = (g: string, rest: string) => `(01)${g}${rest}`;
const biVial = (lot: string, serial: string, expiry = '271231') => code(BI_PRODUCT, `(17)${expiry}(10)${lot}(21)${serial}`);

const { policy, problems } = loadPolicyFrom(
  {
    timeZone: 'Europe/Berlin',
    authorisedOperators: ['SUP1'],
    reasons: { TRAUMA: 'trauma patient cannot wait for the BI' },
    implants: { gtinPrefixes: ['0761234'] },
    biProducts: { gtins: [BI_PRODUCT] },
  },
  [
    { id: 'AC-01', type: 'steam-sterilizer' },
    { id: 'SC-01', type: 'scanner' },
    { id: 'BI-01', type: 'bi-reader' },
  ],
);

let dataDir: string;
let clock: number;
const MIN = 60_000;

/** One gateway life: open the store, make a workflow, run `fn`, close. */
function life<T>(fn: (w: LoadWorkflow, store: Store) => T, withPolicy = policy): T {
  const store = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger, now: () => clock });
  store.start();
  try {
    const w = new LoadWorkflow({ db: store.db, append: (r) => store.records.append(r), policy: withPolicy, logger, now: () => clock });
    return fn(w, store);
  } finally {
    store.close();
  }
}
/** Each scan in its own gateway life. */
const scan = (...raws: string[]) =>
  raws.map((raw) =>
    life((w) => {
      clock += 5_000;
      return w.onScan('AC-01', 'SC-01', raw, clock);
    }),
  );
const criteria = (kind: 'load' | 'bowie-dick', pass: boolean) => [
  { id: 'hold_time', pass, measured: 200, limit: 180, unit: 's', detail: '' },
  { id: 'device_result', pass: true, measured: null, limit: 'ok', unit: '', detail: '' },
  ...(kind === 'bowie-dick' ? [{ id: 'bowie_dick', pass: null, measured: null, limit: 'pass', unit: '', detail: 'awaiting indicator sheet result' }] : []),
];
/** A cycle on AC-01: takeLoad at start (one life), the cycle record at the end (the next life). */
function cycle(cycleId: string, opts: { kind?: 'load' | 'bowie-dick'; pass?: boolean; minutes?: number } = {}) {
  const startedAt = (clock += MIN);
  const contents = life((w) => w.takeLoad('AC-01', cycleId));
  clock += (opts.minutes ?? 45) * MIN;
  const state = life((w, store) => w.onCycleRecorded(store.append(cycleDraft(cycleId, startedAt, { ...opts, load: { items: [], indicators: [] } }))));
  return { contents, state };
}
/** AC-01's cycle record for `cycleId`, from `startedAt` to now: a passing load cycle unless `opts` says otherwise. */
function cycleDraft(cycleId: string, startedAt: number, opts: { kind?: 'load' | 'bowie-dick'; pass?: boolean; load?: object } = {}): NewRecord {
  const kind = opts.kind ?? 'load';
  return {
    type: 'cycle',
    device: 'AC-01',
    body: {
      cycleId,
      program: kind === 'load' ? 'steam-134-4' : 'bowie-dick-134',
      cycleNo: Number(cycleId.replace(/\D/g, '')) || 1,
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(clock).toISOString(),
      verdict: opts.pass === false ? 'fail' : 'pass',
      criteria: criteria(kind, opts.pass !== false),
      ...(opts.load !== undefined && { load: opts.load }),
    },
  };
}
const bi = (e: Partial<BiResultEvent> & Pick<BiResultEvent, 'well' | 'lot' | 'result'>) =>
  life((w) => {
    clock += MIN;
    return w.onBiResult('BI-01', { kind: 'bi-result', deviceId: 'BI-01', ts: clock, readAt: clock, incubationMin: 24, ...e });
  });
const status = (loadId: string) => life((w) => w.releaseOf(loadId)?.status);
function records(type?: string): SignedRecord[] {
  return life((_w, s) => s.records.range(1).filter((r) => !type || r.type === type));
}
const releasesOf = (loadId: string) => records('release').filter((r) => r.body.loadId === loadId);

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-load-wf-'));
  clock = Date.parse('2026-03-10T05:30:00Z'); // 06:30 in Berlin
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('load workflow on a real store, restarting between every step', () => {
  it('config problems: none for this policy', () => expect(problems).toEqual([]));

  it('reads a scan as its event says (parsed), and reads a scan without a reading the same way the scanner would', () => {
    // The event's reading is what counts: the station does not decode the raw text again.
    const badge = { kind: 'operator' as const, valid: true, fields: { operator: 'N7' }, errors: [], raw: 'scanner-said-so' };
    const signedIn = life((w) => {
      clock += 5_000;
      return w.onScan('AC-01', 'SC-01', 'scanner-said-so', clock, badge);
    });
    expect(signedIn).toMatchObject({ accepted: true, action: 'signed-in' });
    expect(life((w) => w.station('AC-01').operator)).toBe('N7');
    // Without one (typed in, replayed), the station reads it with the site's reading, as scanReadingOf gives the drivers.
    const raw = '(01)04012345678901(17)271231(10)LOTA(21)S1';
    const [item] = scan(raw);
    expect(item).toMatchObject({ accepted: true, action: 'item-added' });
    const rec = life((_w, store) => store.records.get(store.records.count()));
    expect(rec?.body).toMatchObject({ raw, ...(({ kind, valid, fields }) => ({ kind, valid, fields }))(readScan(raw, clock, scanReadingOf(policy))) });
  });

  it('daily gate, plain, implant and early-released loads, BI with controls, recall since the last negative BI', () => {
    // --- no Bowie–Dick yet: the first load of the day is quarantined
    scan('OP:OP7', 'TRAY-0001');
    const early = cycle('C1');
    expect(early.contents?.items.map((i) => i.raw)).toEqual(['TRAY-0001']);
    expect(early.state).toMatchObject({ status: 'quarantined', reasonCode: 'bowie-dick-missing' });

    // --- Bowie–Dick cycle: waits for the sheet; BD-PASS at the station releases the sterilizer
    const bd = cycle('C2', { kind: 'bowie-dick', minutes: 20 });
    expect(bd.contents).toBeNull();
    expect(bd.state).toMatchObject({ status: 'awaiting-bd', facts: { kind: 'bowie-dick' } });
    const [, bdScan] = scan('OP:OP7', 'CMD:BD-PASS');
    expect(bdScan).toMatchObject({ accepted: true, loadId: bd.state?.facts.loadId });
    expect(status(bd.state?.facts.loadId as string)).toBe('released');

    // --- load 1: plain items (one expired: warning + flag; an unreadable code is recorded, not loaded)
    const s1 = scan(code(TRAY, '(21)SET-1'), 'P24061500017', code(TRAY, '(17)200101(10)OLD(21)SET-2'), 'hello world', code(TRAY, '(21)SET-1'));
    expect(s1.map((s) => s.accepted)).toEqual([true, true, true, false, false]);
    expect(s1[4]?.note).toMatch(/already in the load/);
    const c3 = cycle('C3');
    expect(c3.contents).toMatchObject({ operator: 'OP7', implant: false, expired: 1, bi: null });
    expect(c3.contents?.items.map((i) => i.expired)).toEqual([false, false, true]);
    expect(c3.state).toMatchObject({ status: 'released', reasonCode: 'checks-passed' });
    const load1 = c3.contents?.loadId as string;

    // --- load 2: an implant and a BI vial -> held for the BI
    scan('OP:OP7', code(IMPLANT, '(17)281231(10)IMPL1(21)S1'), biVial('BILOT1', 'V1'));
    const c4 = cycle('C4');
    expect(c4.contents).toMatchObject({
      implant: true,
      bi: { lot: 'BILOT1', serial: 'V1', expiry: '2027-12-31' },
      indicators: [{ type: 'bi', lot: 'BILOT1' }],
    });
    expect(c4.state).toMatchObject({ status: 'awaiting-bi' });
    const load2 = c4.contents?.loadId as string;

    // --- the vial goes to reader well 3; a control vial of the same lot to well 1
    expect(scan('OP:OP7', biVial('BILOT1', 'V1'), 'WELL:BI-01:3').map((s) => s.action)).toEqual(['signed-in', 'vial-placing', 'well']);
    expect(scan('CMD:BI-CONTROL', biVial('BILOT1', 'CTRL'), 'WELL:1').map((s) => s.action)).toEqual(['control-next', 'vial-placing', 'well']);

    // --- well 3 reads negative before the control grew: invalid, the load stays held
    const early3 = bi({ well: '3', lot: 'BILOT1', result: 'negative' });
    expect(early3.body).toMatchObject({ valid: false, reasonCode: 'no-positive-control', loadId: load2, linkedBy: 'well' });
    expect(status(load2)).toBe('awaiting-bi');
    // --- the control reads positive: the earlier reading is re-judged (a new bi record superseding it) and releases load 2
    const ctrl = bi({ well: '1', lot: '', result: 'positive' });
    expect(ctrl.body).toMatchObject({ role: 'control', valid: true, lot: 'BILOT1' });
    expect(status(load2)).toBe('released');
    const again = records('bi').find((r) => r.body.supersedes === early3.id);
    expect(again?.body).toMatchObject({ valid: true, loadId: load2, result: 'negative' });

    // --- load 3: implant + BI; emergency release by SUP1 on a class-5 pass (OP7 is refused)
    scan('OP:OP7', code(IMPLANT, '(17)281231(10)IMPL2(21)S2'), code(TRAY, '(21)SET-3'), biVial('BILOT1', 'V2'));
    const c5 = cycle('C5');
    const load3 = c5.contents?.loadId as string;
    expect(c5.state?.status).toBe('awaiting-bi');
    const refused = scan('OP:OP7', 'CMD:CI5-PASS', 'CMD:EARLY-RELEASE');
    expect(refused[2]).toMatchObject({ accepted: false, loadId: load3 });
    expect(refused[2]?.note).toMatch(/not authorised/);
    expect(scan('OP:SUP1', 'CMD:REASON:TRAUMA', 'CMD:EARLY-RELEASE')[2]).toMatchObject({ accepted: true, loadId: load3 });
    expect(status(load3)).toBe('released_early');
    const er = releasesOf(load3).at(-1);
    expect(er?.body).toMatchObject({ status: 'released_early', operator: 'SUP1', scanRecordId: expect.any(String) });

    // --- load 4: plain, released
    scan('OP:OP7', code(TRAY, '(21)SET-4'), code(TRAY, '(21)SET-5'));
    const c6 = cycle('C6');
    const load4 = c6.contents?.loadId as string;
    expect(c6.state?.status).toBe('released');

    // --- load 3's BI (matched by lot and vial serial, no well scanned) reads positive: recall
    const pos = bi({ well: '5', lot: 'BILOT1', vial: 'V2', result: 'positive' });
    expect(pos.body).toMatchObject({ valid: true, loadId: load3, linkedBy: 'serial' });
    const [recall] = records('recall');
    expect(recall?.body).toMatchObject({ device: 'AC-01', trigger: { biRecordId: pos.id, loadId: load3 }, since: { loadId: load2 } });
    const recalled = recall?.body.loads as Array<{ loadId: string }>;
    expect(recalled.map((l) => l.loadId)).toEqual([load3, load4]);
    const items = recall?.body.items as Array<{ loadId: string; raw: string }>;
    expect(items.map((i) => i.loadId)).toEqual([load3, load3, load4, load4]);
    expect(items.some((i) => i.raw.includes('IMPL2'))).toBe(true);
    expect(status(load3)).toBe('recalled');
    expect(status(load4)).toBe('recalled');
    expect(status(load1)).toBe('released'); // before the last negative BI
    expect(releasesOf(load4).at(-1)?.body).toMatchObject({ status: 'recalled', reasonCode: 'recall', evidence: { recallRecordId: recall?.id } });

    // --- after the positive BI, a plain load waits for a BI too
    scan('OP:OP7', code(TRAY, '(21)SET-6'));
    const c7 = cycle('C7');
    expect(c7.state).toMatchObject({ status: 'awaiting-bi', facts: { implant: false } });

    // --- a failed cycle is quarantined
    scan('OP:OP7', code(TRAY, '(21)SET-7'));
    expect(cycle('C8', { pass: false }).state).toMatchObject({ status: 'quarantined', reasonCode: 'cycle-failed' });

    // --- the next day, the Bowie–Dick of yesterday does not count
    clock = Date.parse('2026-03-11T05:00:00Z');
    scan('OP:OP7', code(TRAY, '(21)SET-8'));
    expect(cycle('C9').state).toMatchObject({ status: 'quarantined', reasonCode: 'bowie-dick-missing' });

    // --- every release record names its operator (or null) and reason, and supersedes the previous one of its load
    const all = records('release');
    const byLoad = new Map<string, SignedRecord[]>();
    for (const r of all) byLoad.set(r.body.loadId as string, [...(byLoad.get(r.body.loadId as string) ?? []), r]);
    for (const rs of byLoad.values()) {
      rs.forEach((r, i) => {
        expect(r.body.supersedes).toBe(i === 0 ? null : rs[i - 1]?.id);
        expect(r.body.previousStatus).toBe(i === 0 ? (r.body.status === 'pending' ? null : 'pending') : rs[i - 1]?.body.status);
        expect(typeof r.body.reason).toBe('string');
        expect('operator' in r.body).toBe(true);
      });
    }
    const statuses = new Set(all.map((r) => r.body.status as ReleaseStatus));
    for (const s of ['released', 'quarantined', 'released_early', 'recalled', 'awaiting-bi', 'awaiting-bd', 'pending'] as const)
      expect(statuses.has(s)).toBe(true);

    // --- scans: every one recorded; the unreadable one as kind unknown; the expired item as an alarm
    const scans = records('scan');
    expect(scans.length).toBeGreaterThan(25);
    expect(scans.find((r) => r.body.raw === 'hello world')?.body).toMatchObject({ kind: 'unknown', valid: false, accepted: false });
    const [expired] = records('alarm').filter((r) => r.body.code === 'expired-item');
    expect(expired?.body).toMatchObject({ itemKind: 'item', expiry: '2020-01-01', loadId: load1 });

    // --- every record satisfies its published JSON Schema, and the whole store verifies
    const mine = records().filter((r) => ['release', 'scan', 'bi', 'recall', 'alarm'].includes(r.type));
    expect(new Set(mine.map((r) => r.type))).toEqual(new Set(['release', 'scan', 'bi', 'recall', 'alarm']));
    expectSchemaValid(mine);
    expect(verifyStore(dataDir)).toMatchObject({ ok: true, problems: [] });
  });

  it('a scanned CI result, and its correction by an authorised operator as a new record', () => {
    const ciPolicy = loadPolicyFrom(
      { timeZone: 'Europe/Berlin', authorisedOperators: ['SUP1'], reasons: { MISREAD: 'indicator misread' }, ciRequiredPrograms: ['steam-134-4'] },
      [{ id: 'AC-01', type: 'steam-sterilizer', dailyBowieDick: false }],
    ).policy;
    const lifeCi = <T>(fn: (w: LoadWorkflow, s: Store) => T) => life(fn, ciPolicy);
    const scanCi = (raw: string) =>
      lifeCi((w) => {
        clock += 5000;
        return w.onScan('AC-01', 'SC-01', raw, clock);
      });
    scanCi('OP:OP7');
    scanCi('TRAY-0009');
    const startedAt = (clock += MIN);
    const contents = lifeCi((w) => w.takeLoad('AC-01', 'K1'));
    clock += 40 * MIN;
    const st = lifeCi((w, s) => w.onCycleRecorded(s.append(cycleDraft('K1', startedAt))));
    expect(st?.status).toBe('awaiting-ci');
    scanCi('OP:OP7');
    expect(scanCi('CMD:CI-FAIL')).toMatchObject({ accepted: true, loadId: contents?.loadId });
    expect(lifeCi((w) => w.releaseOf(contents?.loadId as string)?.status)).toBe('quarantined');
    expect(scanCi('CMD:CI-PASS')).toMatchObject({ accepted: false }); // OP7 may not correct
    scanCi('OP:SUP1');
    scanCi('CMD:REASON:MISREAD');
    expect(scanCi('CMD:CI-PASS')).toMatchObject({ accepted: true });
    const rs = lifeCi((_w, s) => s.records.range(1).filter((r) => r.type === 'release'));
    const [q, fixed] = rs.slice(-2);
    expect(fixed?.body).toMatchObject({ status: 'released', previousStatus: 'quarantined', correction: true, supersedes: q?.id, operator: 'SUP1' });
    expect(q?.body).toMatchObject({ status: 'quarantined', reasonCode: 'ci-failed', operator: 'OP7' }); // the old record is unchanged
    expectSchemaValid(lifeCi((_w, s) => s.records.range(1).filter((r) => r.type !== 'cycle')));
    expect(verifyStore(dataDir).ok).toBe(true);
  });

  it("the reader's own lot field places a vial that had no well scan; its result then counts by well", () => {
    scan('OP:OP7', code(IMPLANT, '(10)IMPL9(21)S9'), biVial('LOTR', 'R1'));
    const c = cycle('R1');
    expect(c.state?.status).toBe('quarantined'); // no Bowie–Dick today: quarantined whatever the BI says
    const loadId = c.contents?.loadId as string;
    const start = (well: string, lot: string, control: boolean, vial?: string) =>
      life((w) => w.onBiStart('BI-01', { kind: 'bi-start', deviceId: 'BI-01', ts: clock, well, lot, startedAt: clock, control, ...(vial ? { vial } : {}) }));
    expect(start('7', 'LOTR', false, 'R1')).toBe('placed');
    expect(start('8', 'LOTR', true)).toBe('control');
    expect(start('9', 'OTHER', false)).toBe('unmatched');
    expect(bi({ well: '8', lot: 'LOTR', result: 'positive', control: true }).body).toMatchObject({ role: 'control', valid: true });
    const r = bi({ well: '7', lot: '', result: 'negative' }); // the driver lost the lot (gateway restarted mid-incubation)
    expect(r.body).toMatchObject({ loadId, linkedBy: 'well', valid: true, lot: 'LOTR', readerLot: '' });
    expect(status(loadId)).toBe('quarantined');
    expectSchemaValid(records().filter((x) => x.type !== 'cycle'));
  });

  it('a step is all or nothing: a failing append leaves no record and no state behind', () => {
    scan('OP:OP7', 'TRAY-0200');
    const startedAt = (clock += MIN);
    expect(life((w) => w.takeLoad('AC-01', 'F1'))?.items).toHaveLength(1);
    clock += 30 * MIN;
    const cycleRec = life((_w, s) => s.append(cycleDraft('F1', startedAt)));
    const before = records().length;
    expect(() =>
      life((w, store) => {
        const failing = new LoadWorkflow({
          db: store.db,
          append: (r) => {
            if (r.type === 'release') throw new Error('disk full');
            return store.records.append(r);
          },
          policy,
          logger,
          now: () => clock,
        });
        void w;
        return failing.onCycleRecorded(cycleRec);
      }),
    ).toThrow(/disk full/);
    expect(records().length).toBe(before);
    expect(life((w) => w.releaseOfCycle('F1'))?.status).toBe('pending');
    expect(life((w) => w.onCycleRecorded(cycleRec))?.status).toBe('quarantined'); // no Bowie–Dick today
    expect(life((w) => w.onCycleRecorded(cycleRec))?.status).toBe('quarantined'); // delivered again: no new record
    expect(
      records('release')
        .filter((r) => r.body.cycleId === 'F1')
        .map((r) => r.body.status),
    ).toEqual(['pending', 'quarantined']);
    expect(verifyStore(dataDir).ok).toBe(true);
  });

  it('a tick with nothing expired writes nothing: no step, so buffered samples stay buffered (SD-card batching)', () => {
    scan('OP:OP7');
    let flushes = 0;
    const store = new Store({ dataDir, site: 'h1', gateway: 'gw1', logger, now: () => clock });
    store.start();
    try {
      const w = new LoadWorkflow({ db: store.db, append: (r) => store.records.append(r), policy, logger, now: () => clock, flush: () => flushes++ });
      w.tick(clock + MIN); // the operator is still signed in
      expect(flushes).toBe(0);
      w.tick(clock + 31 * MIN); // now the sign-out is due: one step
      expect(flushes).toBe(1);
    } finally {
      store.close();
    }
  });

  it('the operator signs out after idle time (tick); a cycle without hand-off still takes the load scanned before it', () => {
    scan('OP:OP7');
    life((w) => w.tick(clock + 31 * MIN));
    clock += 31 * MIN;
    expect(scan('TRAY-0100')[0]).toMatchObject({ accepted: false, note: expect.stringMatching(/no operator/) });
    scan('OP:OP7', 'TRAY-0101', 'CMD:LOAD-END', 'TRAY-0102');
    const startedAt = (clock += MIN);
    clock += 30 * MIN;
    const st = life((w, s) => w.onCycleRecorded(s.append(cycleDraft('N1', startedAt))));
    expect(st?.facts.loadId).toBeDefined();
    expect(life((w) => w.contentsOfCycle('N1'))?.items.map((i) => i.raw)).toEqual(['TRAY-0101']);
    expect(st?.status).toBe('quarantined'); // no Bowie–Dick today on AC-01
  });
});
