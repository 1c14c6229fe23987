import { describe, expect, it } from 'vitest';
import { planRecall, type RecallCandidate } from '../../gateway/load/recall.js';

const H = 3600_000;
const T0 = Date.parse('2026-03-10T08:00:00Z');
const load = (n: number, opts: Partial<RecallCandidate> = {}): RecallCandidate => ({
  loadId: `L${n}`,
  cycleId: `C${n}`,
  cycleNo: n,
  startedAt: T0 + n * H,
  status: 'released',
  items: [{ raw: `TRAY-${n}`, kind: 'internal', code: `TRAY-${n}`, implant: false, expired: false, at: 'x', scanRecordId: 's' }],
  biNegative: null,
  ...opts,
});

describe('recall scope', () => {
  it('every load since the last negative BI before the positive one, through to now, items flattened', () => {
    const loads = [
      load(1, { biNegative: { recordId: 'n1' } }),
      load(2),
      load(3, { biNegative: { recordId: 'n3' } }),
      load(4),
      load(5, { status: 'released_early' }),
      load(6, { status: 'pending' }),
    ];
    const p = planRecall({ device: 'AC-01', trigger: { biRecordId: 'pos', loadId: 'L5', cycleId: 'C5', startedAt: T0 + 5 * H }, loads, at: T0 + 9 * H });
    expect(p.body.since).toMatchObject({ loadId: 'L3', biRecordId: 'n3' });
    expect(p.body.loads.map((l) => l.loadId)).toEqual(['L4', 'L5', 'L6']);
    expect(p.body.items).toEqual(
      [4, 5, 6].map((n) => ({
        raw: `TRAY-${n}`,
        kind: 'internal',
        code: `TRAY-${n}`,
        implant: false,
        expired: false,
        loadId: `L${n}`,
        cycleId: `C${n}`,
        cycleNo: n,
      })),
    );
    expect(p.body.trigger).toEqual({ biRecordId: 'pos', loadId: 'L5', cycleId: 'C5' });
    expect(p.body.reason).toMatch(/since the last negative BI/);
  });

  it('a negative BI of a later load does not narrow it; none on record: every load', () => {
    const loads = [load(1), load(2), load(3, { biNegative: { recordId: 'n3' } })];
    const p = planRecall({ device: 'AC-01', trigger: { biRecordId: 'pos', loadId: 'L2', cycleId: 'C2', startedAt: T0 + 2 * H }, loads, at: T0 });
    expect(p.body.since).toBeNull();
    expect(p.body.loads.map((l) => l.loadId)).toEqual(['L1', 'L2', 'L3']);
    expect(p.body.reason).toMatch(/no negative BI on record/);
  });
});
