import { describe, expect, it } from 'vitest';
import { type BiReading, judgeReading } from '../../gateway/load/bi-linker.js';
import { openRelease, type ReleaseEvent } from '../../gateway/load/release-machine.js';
import { bd, because, bi, ci, ctx, gated, H, leak, open, run, T0, verified } from '../helpers/release-steps.js';

describe('release machine: the cycle verdict', () => {
  it('opens a load as pending with the loading operator, no previous status, superseding nothing', () => {
    const r = openRelease(
      { loadId: 'L1', device: 'AC-01', cycleId: 'C1', kind: 'load', closedAt: T0, implant: false, biVial: false },
      { at: T0, operator: 'OP7' },
      ctx(),
    );
    expect(r.record).toMatchObject({
      status: 'pending',
      previousStatus: null,
      supersedes: null,
      operator: 'OP7',
      decidedBy: 'operator',
      reasonCode: 'load-closed',
      loadId: 'L1',
      at: new Date(T0).toISOString(),
    });
  });

  it('verdict fail -> quarantined, naming the failed criteria; the record supersedes the opening one', () => {
    const o = open();
    const { last, st } = run(o, ctx(), verified({ verdict: 'fail', failed: ['hold_time', 'temp_band'] }));
    expect(last?.record).toMatchObject({
      status: 'quarantined',
      previousStatus: 'pending',
      reasonCode: 'cycle-failed',
      operator: null,
      decidedBy: 'gateway',
      supersedes: o.ids[0],
    });
    expect(last?.record?.reason).toMatch(/hold_time, temp_band/);
    expect(st.status).toBe('quarantined');
  });

  it("verdict pass with nothing else required -> released by the gateway's rules", () => {
    const { last } = run(open(), ctx(), verified());
    expect(last?.record).toMatchObject({
      status: 'released',
      previousStatus: 'pending',
      reasonCode: 'checks-passed',
      operator: null,
      evidence: { verdict: 'pass', cycleRecordId: 'cyc-rec' },
    });
  });

  it('a cycle record delivered twice makes one transition', () => {
    const { results } = run(open(), ctx(), verified(), verified());
    expect(results.map((r) => r.record?.status ?? null)).toEqual(['released', null]);
  });
});

describe('release machine: the daily Bowie–Dick and leak-test gate', () => {
  it('no Bowie–Dick today -> quarantined (sterilizer not released)', () => {
    const { last } = run(open(), ctx(gated(true)), verified());
    expect(last?.record).toMatchObject({ status: 'quarantined', reasonCode: 'bowie-dick-missing' });
    expect(last?.record?.reason).toMatch(/sterilizer not released/);
  });

  it('a pass yesterday evening (local) does not count after local midnight', () => {
    // the load starts 23:30Z on the 10th = 00:30 on the 11th in Berlin; a test at 21:00Z (22:00 local) was on the 10th
    const load = Date.parse('2026-03-10T23:30:00Z');
    const c = ctx(gated(true), [bd(Date.parse('2026-03-10T21:00:00Z'), 'pass')]);
    expect(run(open(), c, verified({ startedAt: load, endedAt: load + H })).last?.record).toMatchObject({
      status: 'quarantined',
      reasonCode: 'bowie-dick-missing',
    });
    const c2 = ctx(gated(true), [bd(Date.parse('2026-03-10T23:05:00Z'), 'pass')]); // 00:05 local on the 11th
    expect(run(open(), c2, verified({ startedAt: load, endedAt: load + H })).last?.record?.status).toBe('released');
  });

  it('a test that ended after the load started does not count; the latest test decides', () => {
    expect(run(open(), ctx(gated(true), [bd(T0 + 10 * 60_000, 'pass')]), verified()).last?.record?.reasonCode).toBe('bowie-dick-missing');
    expect(run(open(), ctx(gated(true), [bd(T0 - 3 * H, 'pass'), bd(T0 - 2 * H, 'fail')]), verified()).last?.record?.reasonCode).toBe('bowie-dick-failed');
    expect(run(open(), ctx(gated(true), [bd(T0 - 3 * H, 'fail'), bd(T0 - 2 * H, 'pass')]), verified()).last?.record?.status).toBe('released');
  });

  it("today's sheet not read yet -> awaiting-bd; the sheet read as pass releases it", () => {
    const o = open();
    const held = run(o, ctx(gated(true), [bd(T0 - H, 'pending')]), verified());
    expect(held.last?.record).toMatchObject({ status: 'awaiting-bd', reasonCode: 'bowie-dick-pending' });
    const after = run({ st: held.st, ids: held.ids }, ctx(gated(true), [bd(T0 - H, 'pass')]), {
      type: 'device-changed',
      at: T0 + 2 * H,
      operator: 'OP7',
      correction: false,
    });
    expect(after.last?.record).toMatchObject({ status: 'released', previousStatus: 'awaiting-bd', supersedes: held.ids.at(-1) });
    const failed = run({ st: held.st, ids: held.ids }, ctx(gated(true), [bd(T0 - H, 'fail')]), {
      type: 'device-changed',
      at: T0 + 2 * H,
      operator: 'OP7',
      correction: false,
    });
    expect(failed.last?.record).toMatchObject({ status: 'quarantined', reasonCode: 'bowie-dick-failed' });
  });

  it('leak-test gate: missing, failed, passed', () => {
    const g = gated(false, true);
    expect(run(open(), ctx(g), verified()).last?.record?.reasonCode).toBe('leak-test-missing');
    expect(run(open(), ctx(g, [leak(T0 - 2 * H, 'fail')]), verified()).last?.record?.reasonCode).toBe('leak-test-failed');
    expect(run(open(), ctx(g, [leak(T0 - 2 * H, 'pass')]), verified()).last?.record?.status).toBe('released');
    // both gates: each must pass
    expect(run(open(), ctx(gated(true, true), [leak(T0 - 2 * H, 'pass')]), verified()).last?.record?.reasonCode).toBe('bowie-dick-missing');
    expect(run(open(), ctx(gated(true, true), [leak(T0 - 2 * H, 'pass'), bd(T0 - H, 'pass')]), verified()).last?.record?.status).toBe('released');
  });

  it('a gate only applies to the device it is configured for', () => {
    const c = ctx({ gates: { 'AC-02': { bowieDick: true, leakTest: true } } });
    expect(run(open(), c, verified()).last?.record?.status).toBe('released');
  });
});

describe('release machine: test cycles', () => {
  it('Bowie–Dick cycle: awaits its sheet, then released (pass) or quarantined (fail); a different later result is a correction', () => {
    const o = open({ kind: 'bowie-dick' });
    const a = run(o, ctx(), verified({ bowieDick: null, program: 'bowie-dick-134' }, 'bowie-dick'));
    expect(a.last?.record).toMatchObject({ status: 'awaiting-bd', reasonCode: 'bowie-dick-sheet-pending', cycleKind: 'bowie-dick' });
    const b = run({ st: a.st, ids: a.ids }, ctx(), { type: 'bd-sheet', at: T0 + 2 * H, operator: 'OP7', result: 'pass' });
    expect(b.last?.record).toMatchObject({ status: 'released', reasonCode: 'test-passed', operator: 'OP7', evidence: { bowieDickSheet: 'pass' } });
    const refused = run({ st: b.st, ids: b.ids }, ctx(), { type: 'bd-sheet', at: T0 + 3 * H, operator: 'OP7', result: 'fail' });
    expect(refused.last).toMatchObject({ record: null, refused: { code: 'correction-not-authorised' } });
    const corr = run({ st: b.st, ids: b.ids }, ctx(), { type: 'bd-sheet', at: T0 + 3 * H, operator: 'SUP1', result: 'fail' });
    expect(corr.last?.record).toMatchObject({
      status: 'quarantined',
      previousStatus: 'released',
      correction: true,
      supersedes: b.ids.at(-1),
      operator: 'SUP1',
    });
    expect(corr.last?.record?.reason).toMatch(/correction by SUP1: sheet pass → fail/);
  });

  it('a failed Bowie–Dick cycle and an air-leak test', () => {
    expect(run(open({ kind: 'bowie-dick' }), ctx(), verified({ verdict: 'fail', failed: ['temp_band'] }, 'bowie-dick')).last?.record).toMatchObject({
      status: 'quarantined',
      reasonCode: 'test-failed',
    });
    expect(run(open(), ctx(), verified({ leakRate: true }, 'leak-test')).last?.record).toMatchObject({ status: 'released', cycleKind: 'leak-test' });
    expect(run(open(), ctx(), verified({ verdict: 'fail', leakRate: false, failed: ['leak_rate'] }, 'leak-test')).last?.record).toMatchObject({
      status: 'quarantined',
      reasonCode: 'test-failed',
    });
  });

  it('CI and early release are not for test cycles', () => {
    const a = run(open({ kind: 'bowie-dick' }), ctx(), verified({}, 'bowie-dick'), ci('pass'));
    expect(a.last?.refused?.code).toBe('not-a-load');
  });
});

describe('release machine: chemical indicator', () => {
  const c = ctx({ ciRequiredPrograms: ['steam-134-4'] });

  it('a program that requires a CI waits for it; CI-PASS releases it, naming the operator', () => {
    const a = run(open(), c, verified(), ci('pass', 'OP9'));
    expect(a.results[0]?.record).toMatchObject({ status: 'awaiting-ci', reasonCode: 'ci-required' });
    expect(a.last?.record).toMatchObject({
      status: 'released',
      previousStatus: 'awaiting-ci',
      operator: 'OP9',
      decidedBy: 'operator',
      evidence: { ci: 'pass' },
    });
  });

  it('CI-FAIL quarantines it; other programs and "*"', () => {
    expect(run(open(), c, verified(), ci('fail')).last?.record).toMatchObject({ status: 'quarantined', reasonCode: 'ci-failed' });
    expect(run(open(), c, verified({ program: 'steam-121-20' })).last?.record?.status).toBe('released');
    expect(run(open(), ctx({ ciRequiredPrograms: ['*'] }), verified({ program: 'steam-121-20' })).last?.record?.status).toBe('awaiting-ci');
  });

  it('a CI read before the cycle record counts when it arrives (no transition, no record, until then)', () => {
    const a = run(open(), c, ci('pass'), verified());
    expect(a.results[0]?.record).toBeNull();
    expect(a.last?.record?.status).toBe('released');
  });

  it('corrections: only an authorised operator, as a new record referencing the old one', () => {
    const a = run(open(), c, verified(), ci('fail', 'OP7'));
    const quarantinedId = a.ids.at(-1);
    const byOp = run({ st: a.st, ids: a.ids }, c, ci('pass', 'OP8'));
    expect(byOp.last).toMatchObject({ record: null, refused: { code: 'correction-not-authorised' } });
    expect(byOp.st.status).toBe('quarantined');
    const bySup = run({ st: a.st, ids: a.ids }, c, ci('pass', 'SUP1', 'ci', because('SUP1', 'CI-MISREAD')));
    expect(bySup.last?.record).toMatchObject({
      status: 'released',
      previousStatus: 'quarantined',
      correction: true,
      supersedes: quarantinedId,
      operator: 'SUP1',
    });
    expect(bySup.last?.record?.reason).toMatch(/correction by SUP1: CI fail → pass/);
  });

  it('a quarantine for another reason is not undone by an indicator correction', () => {
    const a = run(open(), c, verified({ verdict: 'fail', failed: ['hold_time'] }), ci('fail'), ci('pass', 'SUP1'));
    expect(a.last?.refused?.code).toBe('wrong-state');
    expect(a.st.status).toBe('quarantined');
  });
});

describe('release machine: BI hold, early release and recall', () => {
  it('an implant load waits for a valid negative BI; negative releases, positive quarantines', () => {
    const a = run(open({ implant: true }), ctx(), verified(), bi('negative'));
    expect(a.results[0]?.record).toMatchObject({ status: 'awaiting-bi', reasonCode: 'bi-required', evidence: { biRequired: ['implant'] } });
    expect(a.last?.record).toMatchObject({
      status: 'released',
      previousStatus: 'awaiting-bi',
      evidence: { bi: { result: 'negative', recordId: 'bi-negative' } },
    });
    expect(run(open({ implant: true }), ctx(), verified(), bi('positive')).last?.record).toMatchObject({ status: 'quarantined', reasonCode: 'bi-positive' });
  });

  it('a load with a BI vial waits too (configurable); implants can be exempted by policy', () => {
    expect(run(open({ biVial: true }), ctx(), verified()).last?.record?.status).toBe('awaiting-bi');
    expect(run(open({ biVial: true }), ctx({ biForVialLoads: false }), verified()).last?.record?.status).toBe('released');
    expect(run(open({ implant: true }), ctx({ biForImplants: false }), verified()).last?.record?.status).toBe('released');
  });

  it('a washer-disinfector load is never held for a BI', () => {
    expect(run(open({ implant: true, biVial: true }), ctx({ washers: ['AC-01'] }), verified()).last?.record?.status).toBe('released');
  });

  it('after a positive BI on the sterilizer, every load waits for a BI', () => {
    expect(run(open(), ctx({}, [], true), verified()).last?.record).toMatchObject({ status: 'awaiting-bi', evidence: { biRequired: ['sterilizer-bi-hold'] } });
    expect(run(open(), ctx({ holdAfterPositiveBi: false }, [], true), verified()).last?.record?.status).toBe('released');
  });

  const early = (operator: string, class5?: 'pass' | 'fail'): ReleaseEvent => ({
    type: 'early-release',
    at: T0 + 2 * H,
    operator,
    reason: because(operator),
    ...(class5 ? { class5 } : {}),
  });

  it('emergency release: only an authorised operator, only with a class-5 pass', () => {
    const held = run(open({ implant: true }), ctx(), verified());
    expect(run(held, ctx(), early('OP7', 'pass')).last).toMatchObject({ record: null, refused: { code: 'not-authorised' } });
    expect(run(held, ctx(), early('SUP1')).last).toMatchObject({ record: null, refused: { code: 'no-class5-pass' } });
    expect(run(held, ctx(), ci('fail', 'OP7', 'class5'), early('SUP1')).last?.refused?.code).toBe('wrong-state');
    const ok = run(held, ctx(), ci('pass', 'OP7', 'class5'), early('SUP1'));
    expect(ok.results[0]?.record).toBeNull(); // class-5 pass noted, still awaiting the BI
    expect(ok.last?.record).toMatchObject({
      status: 'released_early',
      previousStatus: 'awaiting-bi',
      reasonCode: 'early-release',
      operator: 'SUP1',
      evidence: { class5: 'pass' },
    });
    expect(run(held, ctx(), early('SUP1', 'pass')).last?.record?.status).toBe('released_early');
  });

  it('emergency release from awaiting-ci: the class-5 pass stands for the CI; refused for a load that needs no BI', () => {
    const c = ctx({ ciRequiredPrograms: ['*'] });
    expect(run(open({ implant: true }), c, verified(), early('SUP1', 'pass')).last?.record?.status).toBe('released_early');
    expect(run(open(), c, verified(), early('SUP1', 'pass')).last?.refused?.code).toBe('no-bi-needed');
  });

  it('after an early release: a negative BI confirms it, a positive one recalls it', () => {
    const rel = run(open({ implant: true }), ctx(), verified(), early('SUP1', 'pass'));
    const neg = run(rel, ctx(), bi('negative'));
    expect(neg.last?.record).toMatchObject({ status: 'released', previousStatus: 'released_early', reasonCode: 'bi-confirmed', supersedes: rel.ids.at(-1) });
    const pos = run(rel, ctx(), { type: 'bi-result', at: T0 + 5 * H, result: 'positive', recordId: 'bi-pos', recallRecordId: 'recall-1' });
    expect(pos.last?.record).toMatchObject({
      status: 'recalled',
      previousStatus: 'released_early',
      reasonCode: 'bi-positive',
      evidence: { recallRecordId: 'recall-1', bi: { result: 'positive' } },
    });
  });

  it('a recall recalls released loads and quarantines held ones; quarantined ones stay', () => {
    const recall: ReleaseEvent = { type: 'recall', at: T0 + 6 * H, recallRecordId: 'recall-1', biRecordId: 'bi-pos' };
    expect(run(open(), ctx(), verified(), recall).last?.record).toMatchObject({
      status: 'recalled',
      previousStatus: 'released',
      reasonCode: 'recall',
      evidence: { recallRecordId: 'recall-1' },
    });
    expect(run(open({ implant: true }), ctx(), verified(), recall).last?.record).toMatchObject({
      status: 'quarantined',
      previousStatus: 'awaiting-bi',
      reasonCode: 'recall',
    });
    expect(run(open(), ctx(), verified({ verdict: 'fail' }), recall).last?.record).toBeNull();
  });

  it('a positive BI on a released load (BI not required) recalls it', () => {
    expect(run(open(), ctx(), verified(), bi('positive')).last?.record).toMatchObject({ status: 'recalled', previousStatus: 'released' });
  });

  it('an invalid BI (no positive control of the lot that day) drives nothing: the load stays held', () => {
    const reading: BiReading = {
      reader: 'BI-01',
      well: '3',
      lot: 'LOT9',
      vial: null,
      result: 'negative',
      readAt: T0 + 4 * H,
      incubationMin: 24,
      control: false,
      caution: null,
    };
    const j = judgeReading(
      reading,
      null,
      [{ lot: 'LOT9', reader: 'BI-01', well: '1', result: 'positive', readAt: T0 - 24 * H, recordId: 'c0' }],
      'Europe/Berlin',
    );
    expect(j).toMatchObject({ valid: false, reasonCode: 'no-positive-control' });
    const held = run(open({ implant: true }), ctx(), verified());
    expect(held.st.status).toBe('awaiting-bi'); // the workflow sends no bi-result for an invalid reading
    const ok = judgeReading(reading, null, [{ lot: 'LOT9', reader: 'BI-01', well: '1', result: 'positive', readAt: T0 + H, recordId: 'c1' }], 'Europe/Berlin');
    expect(ok).toMatchObject({ valid: true, reasonCode: 'valid', control: { recordId: 'c1' } });
  });
});

describe('release machine: cancel', () => {
  it('a held load can be cancelled (quarantined, naming who); a released one cannot', () => {
    const c = ctx({ ciRequiredPrograms: ['*'] });
    expect(run(open(), c, verified(), { type: 'cancel', at: T0 + 2 * H, operator: 'OP7', reason: 'wet packs' }).last?.record).toMatchObject({
      status: 'quarantined',
      reasonCode: 'cancelled',
      operator: 'OP7',
    });
    expect(run(open(), ctx(), verified(), { type: 'cancel', at: T0 + 2 * H, operator: 'OP7' }).last?.refused?.code).toBe('wrong-state');
  });
});
