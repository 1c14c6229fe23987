// The loaner set's timeline as a pure state machine (gateway/load/loaner-machine.ts): each step, each hold with its
// alarm, the refusals, and properties that hold whatever order the machines report in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GivenReason } from '../../gateway/load/given-reason.js';
import { type LoanerContext, type LoanerEvent, type LoanerStepResult, loanerRecorded, openVisit, stepVisit } from '../../gateway/load/loaner-machine.js';
import { DEFAULT_LOANER_POLICY } from '../../gateway/load/loaner-policy.js';
import type { ItemCount, LoanerState } from '../../gateway/load/loaner-state.js';

const H = 3600_000;
const T0 = Date.parse('2026-03-10T06:00:00Z');
const ctx: LoanerContext = {
  policy: { ...DEFAULT_LOANER_POLICY, vendors: { MEDI: { name: 'MediOrtho', representatives: ['V-1'] }, OTHER: { name: null, representatives: ['V-9'] } } },
  authorisedOperators: ['SUP1'],
};
const EXPECTED: ItemCount[] = [
  { item: '07612345000018', count: 6, implant: true },
  { item: 'DRILL-3', count: 2, implant: false },
];
const reason = (operator = 'SUP1'): GivenReason => ({
  code: 'RECOUNT',
  text: 'counted again by two people',
  operator,
  at: new Date(T0).toISOString(),
  scanRecordId: 's-r',
});

function receive(opts: { dueAt?: number | null; baskets?: string[] } = {}): LoanerStepResult {
  return openVisit(
    {
      visitId: 'v1',
      at: T0,
      operator: 'OP1',
      representative: 'V-1',
      set: 'LN-0042',
      baskets: opts.baskets ?? ['LN-0042'],
      caseRef: 'OP-2026-0042',
      dueAt: opts.dueAt === undefined ? T0 + 24 * H : opts.dueAt,
      expected: EXPECTED,
      scanRecordId: 'scan-1',
    },
    'MEDI',
    ctx,
  );
}

/** Runs events in order, numbering records as a store would; returns every result and the last state. */
function run(first: LoanerStepResult, ...events: LoanerEvent[]): { results: LoanerStepResult[]; st: LoanerState } {
  let n = 1;
  let st = loanerRecorded(first.state, 'rec-1');
  const results: LoanerStepResult[] = [first];
  for (const ev of events) {
    const r = stepVisit(st, ev, ctx);
    results.push(r);
    st = r.record ? loanerRecorded(r.state, `rec-${++n}`) : r.state;
  }
  return { results, st };
}

const washer = (loadId = 'W1', baskets = ['LN-0042'], at = T0 + H): LoanerEvent => ({
  type: 'load-closed',
  at,
  load: { loadId, device: 'WD-01', kind: 'washer', cycleId: `c-${loadId}`, baskets },
});
const washed = (loadId = 'W1', verdict: 'pass' | 'fail' = 'pass'): LoanerEvent => ({
  type: 'washer-verdict',
  at: T0 + 2 * H,
  loadId,
  verdict,
  cycleRecordId: `cr-${loadId}`,
  cycleNo: 7,
});
const pack = (counted: ItemCount[] = EXPECTED, at = T0 + 3 * H): LoanerEvent => ({
  type: 'pack',
  at,
  operator: 'OP2',
  representative: null,
  counted,
  ci: { operator: 'OP2', at, scanRecordId: 'scan-ci' },
  scanRecordId: 'scan-pack',
});
const sterilizer = (loadId = 'S1', at = T0 + 4 * H): LoanerEvent => ({
  type: 'load-closed',
  at,
  load: { loadId, device: 'AC-01', kind: 'sterilizer', cycleId: `c-${loadId}`, baskets: ['LN-0042'] },
});
const release = (
  status: LoanerEvent & { type: 'release' } extends infer R ? (R extends { status: infer S } ? S : never) : never,
  loadId = 'S1',
  reasonCode = 'x',
): LoanerEvent => ({
  type: 'release',
  at: T0 + 5 * H,
  loadId,
  status,
  reasonCode,
  recordId: `rel-${status}`,
  cycleRecordId: 'cr-S1',
  cycleNo: 12,
});
const bi = (result: 'negative' | 'positive', valid = true): LoanerEvent => ({
  type: 'bi',
  at: T0 + 6 * H,
  loadId: 'S1',
  result,
  valid,
  recordId: `bi-${result}`,
  readAt: T0 + 6 * H,
});
const giveBack = (counted: ItemCount[] = EXPECTED, representative = 'V-1'): LoanerEvent => ({
  type: 'return',
  at: T0 + 30 * H,
  operator: 'OP3',
  representative,
  counted,
  scanRecordId: 'scan-ret',
});
const ONE_IMPLANT_SHORT: ItemCount[] = [
  { item: '07612345000018', count: 5, implant: true },
  { item: 'DRILL-3', count: 2, implant: false },
];

/** The set's basket washed, packed as counted at receipt, and in sterilizer load S1. */
const washedPackedLoaded = (): LoanerEvent[] => [washer(), washed(), pack(), sterilizer()];

describe('loaner machine: the whole timeline', () => {
  it('receipt -> washer -> packing -> sterilizer -> early release -> BI negative -> released -> return, one record per step', () => {
    const { results, st } = run(
      receive(),
      ...washedPackedLoaded(),
      release('awaiting-bi', 'S1', 'bi-required'),
      release('released_early', 'S1', 'early-release'),
      bi('negative'),
      release('released', 'S1', 'bi-confirmed'),
      giveBack(),
    );
    expect(results.map((r) => [r.record?.step, r.record?.status])).toEqual([
      ['received', 'received'],
      ['washing', 'washing'],
      ['cleaned', 'cleaned'],
      ['packed', 'packed'],
      ['sterilizing', 'sterilizing'],
      ['release', 'sterilizing'],
      ['release', 'released_early'],
      ['bi', 'released_early'],
      ['release', 'released'],
      ['returned', 'returned'],
    ]);
    // a chain: each record supersedes the previous one, the receipt nothing
    expect(results.map((r) => r.record?.supersedes)).toEqual([null, ...results.slice(1).map((_, i) => `rec-${i + 1}`)]);
    expect(results.every((r) => r.alarms.length === 0 && r.refused === null)).toBe(true);
    expect(st.status).toBe('returned');
    expect(st.holds).toEqual([]);
    expect(results[0]?.record).toMatchObject({
      set: 'LN-0042',
      visit: 'v1',
      caseRef: 'OP-2026-0042',
      vendor: 'MEDI',
      operator: 'OP1',
      representative: 'V-1',
      previousStatus: null,
      baskets: ['LN-0042'],
      expected: EXPECTED,
    });
    expect(results[7]?.record?.text).toMatch(/early release is confirmed/);
    expect(results[9]?.record).toMatchObject({ operator: 'OP3', representative: 'V-1', differences: [] });
  });

  it('without a scanned due time the operation is due the default lead time after receipt', () => {
    expect(receive({ dueAt: null }).state.facts.dueAt).toBe(T0 + ctx.policy.defaultDueMs);
  });

  it('a set of two baskets is cleaned only when both passed a wash', () => {
    const two = receive({ baskets: ['LN-0042', 'LN-0042-B2'] });
    const { results } = run(two, washer('W1', ['LN-0042']), washed('W1'), washer('W2', ['LN-0042-B2']), washed('W2'));
    expect(results.map((r) => r.record?.status)).toEqual(['received', 'washing', 'washing', 'washing', 'cleaned']);
  });
});

describe('loaner machine: holds and their alarms', () => {
  it('a failed washer cycle holds the set (alarm); a passing wash lifts it; packing is refused meanwhile', () => {
    const { results, st } = run(receive(), washer(), washed('W1', 'fail'), pack(), washer('W2'), washed('W2'), pack());
    expect(results[2]?.record).toMatchObject({ step: 'washer-failed', status: 'washing', holds: ['washer-failed'] });
    expect(results[2]?.alarms.map((a) => a.code)).toEqual(['loaner-washer-failed']);
    expect(results[3]?.refused?.code).toBe('not-cleaned');
    expect(results[3]?.record).toBeNull();
    expect(results[5]?.record).toMatchObject({ step: 'cleaned', status: 'cleaned', holds: [] });
    expect(st.status).toBe('packed');
  });

  it('a missing implant at packing holds the set (alarm naming it); only an authorised operator with his reason resolves it', () => {
    const { results, st } = run(
      receive(),
      washer(),
      washed(),
      pack(ONE_IMPLANT_SHORT),
      { type: 'resolve', at: T0 + 4 * H, operator: 'OP2', reason: reason('OP2'), scanRecordId: 's1' },
      { type: 'resolve', at: T0 + 4 * H, operator: 'SUP1', reason: null, scanRecordId: 's2' },
      { type: 'resolve', at: T0 + 4 * H, operator: 'SUP1', reason: reason('OP2'), scanRecordId: 's3' },
      { type: 'resolve', at: T0 + 4 * H, operator: 'SUP1', reason: reason(), scanRecordId: 's4' },
    );
    const mismatch = results[3];
    expect(mismatch?.record).toMatchObject({
      step: 'count-mismatch',
      status: 'cleaned',
      holds: ['count-mismatch'],
      differences: [{ item: '07612345000018', expected: 6, counted: 5, implant: true }],
    });
    expect(mismatch?.alarms[0]?.code).toBe('loaner-count-mismatch');
    expect(mismatch?.alarms[0]?.text).toMatch(/implant 07612345000018: expected 6, counted 5.*missing or extra implant/);
    expect(results.slice(4, 7).map((r) => r.refused?.code)).toEqual(['not-authorised', 'no-reason', 'no-reason']);
    expect(results[7]?.record).toMatchObject({ step: 'resolved', status: 'packed', holds: [], operator: 'SUP1', givenReason: { code: 'RECOUNT' } });
    expect(st.facts.packing?.ci.operator).toBe('OP2');
  });

  it('an extra implant is a mismatch too; a recount that matches lifts the hold without a resolution', () => {
    const extra: ItemCount[] = [...EXPECTED, { item: '07612345000018', count: 1, implant: true }];
    const { results } = run(receive(), washer(), washed(), pack(extra), pack());
    expect(results[3]?.record?.differences).toEqual([{ item: '07612345000018', expected: 6, counted: 7, implant: true }]);
    expect(results[4]?.record).toMatchObject({ step: 'packed', holds: [] });
  });

  it('a positive BI after an early release recalls the set: hold and alarm for the operating room', () => {
    const { results, st } = run(
      receive(),
      ...washedPackedLoaded(),
      release('released_early', 'S1', 'early-release'),
      bi('positive'),
      release('recalled', 'S1', 'bi-positive'),
    );
    const recalled = results.at(-1);
    expect(recalled?.record).toMatchObject({
      step: 'release',
      status: 'recalled',
      holds: ['recalled'],
      release: { status: 'recalled', reasonCode: 'bi-positive' },
    });
    expect(recalled?.alarms.map((a) => a.code)).toEqual(['loaner-recalled']);
    expect(recalled?.alarms[0]?.text).toMatch(/released early .* BI did not confirm it.*must not be used/);
    expect(results.at(-2)?.record).toMatchObject({ step: 'bi', bi: { result: 'positive', valid: true } });
    expect(st.facts.loads.find((l) => l.kind === 'sterilizer')?.early).toBe(true);
  });

  it('a quarantined sterilizer load holds the set; a wash after it starts a new round', () => {
    const { results, st } = run(receive(), ...washedPackedLoaded(), release('quarantined', 'S1', 'cycle-failed'), washer('W2'));
    expect(results[5]?.record).toMatchObject({ status: 'quarantined', holds: ['quarantined'] });
    expect(results[5]?.alarms.map((a) => a.code)).toEqual(['loaner-quarantined']);
    expect(results[6]?.record).toMatchObject({ step: 'washing', status: 'washing', holds: [] });
    expect(st.facts.round).toBe(2);
    expect(st.facts.packing).toBeNull();
  });

  it('a set not returned in time: one alarm and a hold, lifted by the return', () => {
    const { results, st } = run(receive(), { type: 'overdue', at: T0 + 80 * H }, { type: 'overdue', at: T0 + 81 * H }, giveBack());
    expect(results[1]?.record).toMatchObject({ step: 'overdue', holds: ['return-overdue'] });
    expect(results[1]?.alarms.map((a) => a.code)).toEqual(['loaner-return-overdue']);
    expect(results[2]?.record).toBeNull(); // once
    expect(st).toMatchObject({ status: 'returned', holds: [] });
  });

  it("a count difference at the return holds the visit open until resolved; only the set's own vendor takes it back", () => {
    const { results, st } = run(receive(), giveBack(EXPECTED, 'V-9'), giveBack(ONE_IMPLANT_SHORT), {
      type: 'resolve',
      at: T0 + 31 * H,
      operator: 'SUP1',
      reason: reason(),
      scanRecordId: 's5',
    });
    expect(results[1]?.refused?.code).toBe('wrong-vendor');
    expect(results[2]?.record).toMatchObject({ step: 'count-mismatch', status: 'received', holds: ['count-mismatch'] });
    expect(results[2]?.alarms[0]?.code).toBe('loaner-count-mismatch');
    expect(results[3]?.record).toMatchObject({ step: 'resolved', status: 'returned', holds: [] });
    expect(results[3]?.record?.text).toMatch(/returned to the vendor/);
    expect(st.status).toBe('returned');
  });
});

describe('loaner machine: the sterilizer load', () => {
  it('warns when the operation is due before a 3 h BI can read', () => {
    const due = T0 + 4 * H + 2 * H; // two hours after the cycle start
    const { results } = run(receive({ dueAt: due }), washer(), washed(), pack(), sterilizer());
    const s = results.at(-1);
    expect(s?.record).toMatchObject({ step: 'sterilizing', dueBeforeBi: true, biReadableAt: new Date(T0 + 7 * H).toISOString(), notReady: null });
    expect(s?.alarms.map((a) => a.code)).toEqual(['loaner-due-before-bi']);
  });

  it('a set loaded before its packing check raises loaner-not-ready', () => {
    const { results } = run(receive(), washer(), washed(), sterilizer());
    expect(results.at(-1)?.record?.notReady).toMatch(/not packed/);
    expect(results.at(-1)?.alarms.map((a) => a.code)).toEqual(['loaner-not-ready']);
  });

  it('the same load closed twice (a restart) makes one step; release records of other loads are ignored', () => {
    const { results } = run(receive(), washer(), washer(), release('released', 'OTHER'));
    expect(results.map((r) => r.record?.step ?? null)).toEqual(['received', 'washing', null, null]);
  });

  it('nothing moves a returned set', () => {
    const { results } = run(receive(), giveBack(), washer(), { type: 'overdue', at: T0 + 99 * H }, giveBack(), pack());
    expect(results.slice(2).map((r) => [r.record?.step ?? null, r.refused?.code ?? null])).toEqual([
      [null, null],
      [null, null],
      [null, 'wrong-state'],
      [null, 'wrong-state'],
    ]);
  });
});

describe('loaner machine: properties', () => {
  const events = fc.constantFrom<LoanerEvent>(
    washer(),
    washed(),
    washed('W1', 'fail'),
    pack(),
    pack(ONE_IMPLANT_SHORT),
    sterilizer(),
    release('awaiting-bi'),
    release('released_early'),
    release('released'),
    release('quarantined'),
    release('recalled'),
    bi('negative'),
    bi('positive'),
    { type: 'overdue', at: T0 + 80 * H },
    { type: 'resolve', at: T0 + 4 * H, operator: 'SUP1', reason: reason(), scanRecordId: 's' },
    giveBack(),
    giveBack(ONE_IMPLANT_SHORT),
  );

  it('whatever happens: a record carries the state it leaves, a hold always came with its alarm, and a returned set has no hold', () => {
    fc.assert(
      fc.property(fc.array(events, { maxLength: 25 }), (evs) => {
        const { results, st } = run(receive(), ...evs);
        const raised = new Set(results.flatMap((r) => r.alarms.map((a) => a.code)));
        for (const r of results) {
          if (r.record) expect([r.record.status, r.record.holds]).toEqual([r.state.status, r.state.holds]);
          if (r.refused) expect(r.record).toBeNull();
        }
        const alarmOf = {
          'count-mismatch': 'loaner-count-mismatch',
          'washer-failed': 'loaner-washer-failed',
          quarantined: 'loaner-quarantined',
          recalled: 'loaner-recalled',
          'return-overdue': 'loaner-return-overdue',
        } as const;
        for (const h of results.flatMap((r) => r.record?.holds ?? [])) expect(raised.has(alarmOf[h]), h).toBe(true);
        if (st.status === 'returned') expect(st.holds).toEqual([]);
      }),
    );
  });

  it('nothing but the scanned reference names the case: the records carry no other patient field', () => {
    fc.assert(
      fc.property(fc.array(events, { maxLength: 15 }), (evs) => {
        const { results } = run(receive(), ...evs);
        for (const r of results) if (r.record) expect(r.record.caseRef).toBe('OP-2026-0042');
      }),
    );
  });
});
