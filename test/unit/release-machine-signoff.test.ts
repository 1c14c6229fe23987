// Issue 8: verdicts a validation engineer would sign. The pure release machine: an invalid BI is never
// silent, an indicator failed after release recalls the load, and an early release or a correction
// towards release carries a reason its operator gave (refused without one).
import { describe, expect, it } from 'vitest';
import { because, biInvalid, ci, ctx, earlyRelease, open, run, verified } from '../helpers/release-steps.js';

const c5pass = ci('pass', 'OP7', 'class5');
/** An implant load released early by SUP1 on a class-5 pass, with his reason. */
const releasedEarly = () => run(open({ implant: true }), ctx(), verified(), c5pass, earlyRelease('SUP1', { reason: because('SUP1') }));

describe('release machine: an invalid BI is not silent (item 9)', () => {
  it('a positive BI that does not count keeps a held load held and raises an alarm naming the load: repeat the BI', () => {
    const held = run(open({ implant: true }), ctx(), verified());
    const r = run(held, ctx(), biInvalid('positive', true, 'the positive control of lot L1 read negative'));
    expect(r.last?.record).toBeNull();
    expect(r.st.status).toBe('awaiting-bi');
    expect(r.last?.alarm).toMatchObject({ code: 'bi-invalid', refs: { biRecordId: 'bi-invalid-positive' } });
    expect(r.last?.alarm?.text).toMatch(/load L1 \(AC-01 cycle 7\)/);
    expect(r.last?.alarm?.text).toMatch(/[Rr]epeat the BI/);
    expect(r.last?.alarm?.text).toMatch(/stays held \(awaiting-bi\)/);
  });

  it('an early-released load whose BI does not count gets an alarm that it must be assessed; its status stays', () => {
    const rel = releasedEarly();
    expect(rel.st.status).toBe('released_early');
    for (const result of ['positive', 'negative', 'invalid'] as const) {
      const r = run(rel, ctx(), biInvalid(result));
      expect(r.st.status).toBe('released_early');
      expect(r.last?.alarm?.code).toBe('bi-invalid-released');
      expect(r.last?.alarm?.text).toMatch(/released early/);
      expect(r.last?.alarm?.text).toMatch(/assess the released load/);
      expect(r.last?.alarm?.text).toMatch(/[Rr]epeat the BI/);
    }
  });

  it('a positive waiting for its control alarms at once; a negative one waits for the control (no alarm yet)', () => {
    const held = run(open({ implant: true }), ctx(), verified());
    expect(run(held, ctx(), biInvalid('positive', false)).last?.alarm?.text).toMatch(
      /[Rr]ead the positive control of this lot today; if it does not grow, repeat the BI/,
    );
    expect(run(held, ctx(), biInvalid('negative', false)).last?.alarm).toBeUndefined();
  });

  it('daily tests carry no BI: nothing to raise', () => {
    expect(run(open({ kind: 'bowie-dick' }), ctx(), verified({}, 'bowie-dick'), biInvalid('positive')).last?.alarm).toBeUndefined();
  });
});

describe('release machine: an indicator failed after release is a recall (item 10)', () => {
  it('CI5-FAIL after an early release: recalled, a recall of that load asked for, and an alarm', () => {
    const rel = releasedEarly();
    const r = run(rel, ctx(), ci('fail', 'OP8', 'class5'));
    expect(r.last?.refused).toBeNull();
    expect(r.last?.record).toMatchObject({
      status: 'recalled',
      previousStatus: 'released_early',
      reasonCode: 'class5-failed',
      operator: 'OP8',
      supersedes: rel.ids.at(-1),
      evidence: { class5: 'fail' },
    });
    expect(r.last?.record?.reason).toMatch(/read as failed by OP8 after the load was released_early \(read pass by OP7 before\)/);
    expect(r.last?.recall).toEqual({ indicator: 'class5', operator: 'OP8' });
    expect(r.last?.alarm?.code).toBe('indicator-failed-after-release');
    expect(r.last?.alarm?.text).toMatch(/load L1/);
  });

  it('CI-FAIL on a load released on its cycle verdict: recalled too (any operator: a recall is never refused)', () => {
    const r = run(open(), ctx(), verified(), ci('fail', 'OP9'));
    expect(r.results[0]?.record?.status).toBe('released');
    expect(r.last?.record).toMatchObject({ status: 'recalled', previousStatus: 'released', reasonCode: 'ci-failed' });
    expect(r.last?.recall).toEqual({ indicator: 'ci', operator: 'OP9' });
  });

  it('a pass after release changes nothing and is refused as wrong-state (the station records and logs it)', () => {
    const r = run(releasedEarly(), ctx(), ci('pass', 'OP7'));
    expect(r.last).toMatchObject({ record: null, refused: { code: 'wrong-state' } });
  });
});

describe('release machine: a reason a person gave (item 11)', () => {
  const held = () => run(open({ implant: true }), ctx(), verified(), c5pass);

  it("early release without a reason is refused; with the operator's own reason the record carries it", () => {
    expect(run(held(), ctx(), earlyRelease('SUP1')).last).toMatchObject({ record: null, refused: { code: 'no-reason' } });
    expect(run(held(), ctx(), earlyRelease('SUP1', { reason: null })).last?.refused?.reason).toMatch(/CMD:REASON:<CODE>/);
    expect(run(held(), ctx(), earlyRelease('SUP1', { reason: because('SUP2') })).last).toMatchObject({ record: null, refused: { code: 'no-reason' } });
    const ok = run(held(), ctx(), earlyRelease('SUP1', { reason: because('SUP1') }));
    expect(ok.last?.record).toMatchObject({
      status: 'released_early',
      operator: 'SUP1',
      decidedBy: 'operator',
      givenReason: { code: 'TRAUMA', text: 'TRAUMA (site text)', operator: 'SUP1', scanRecordId: 'scan-TRAUMA' },
    });
    expect(ok.last?.record?.reason).toMatch(/emergency release by SUP1 \(reason TRAUMA: TRAUMA \(site text\)\)/);
  });

  it('a correction towards release needs a reason; one towards quarantine never waits for it', () => {
    const c = ctx({ ciRequiredPrograms: ['*'] });
    const failed = run(open(), c, verified(), ci('fail', 'OP7'));
    expect(run(failed, c, ci('pass', 'SUP1')).last).toMatchObject({ record: null, refused: { code: 'no-reason' } });
    expect(run(failed, c, ci('pass', 'SUP1', 'ci', because('SUP1', 'MISREAD'))).last?.record).toMatchObject({
      status: 'released',
      correction: true,
      givenReason: { code: 'MISREAD', operator: 'SUP1' },
    });
    const passed = run(open({ implant: true }), c, verified(), ci('pass', 'OP7'));
    expect(run(passed, c, ci('fail', 'SUP1')).last?.record).toMatchObject({ status: 'quarantined', correction: true, givenReason: null });
  });

  it('a Bowie–Dick sheet corrected to pass needs a reason', () => {
    const failed = run(open({ kind: 'bowie-dick' }), ctx(), verified({ program: 'bowie-dick-134' }, 'bowie-dick'), {
      type: 'bd-sheet',
      at: 1,
      operator: 'OP7',
      result: 'fail',
    });
    expect(failed.st.status).toBe('quarantined');
    expect(run(failed, ctx(), { type: 'bd-sheet', at: 2, operator: 'SUP1', result: 'pass' }).last?.refused?.code).toBe('no-reason');
    expect(run(failed, ctx(), { type: 'bd-sheet', at: 2, operator: 'SUP1', result: 'pass', reason: because('SUP1', 'SHEET') }).last?.record).toMatchObject({
      status: 'released',
      correction: true,
      givenReason: { code: 'SHEET' },
    });
  });

  it('records without an operator action carry no reason', () => {
    expect(run(open(), ctx(), verified()).last?.record?.givenReason).toBeNull();
  });
});
