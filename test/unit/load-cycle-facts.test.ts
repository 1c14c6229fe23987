import { describe, expect, it } from 'vitest';
import { cycleKindOf, verifiedCycleOf } from '../../gateway/load/cycle-facts.js';
import type { SignedRecord } from '../../gateway/store/record.js';

const rec = (body: Record<string, unknown>, over: Partial<SignedRecord> = {}): SignedRecord => ({
  schema: 'sterilink.record/1',
  id: 'r1',
  seq: 1,
  type: 'cycle',
  ts: '2026-03-10T09:00:00.000Z',
  site: 's',
  gateway: 'g',
  device: 'AC-01',
  body,
  prevHash: '0'.repeat(64),
  hash: '0'.repeat(64),
  sig: '',
  keyId: '0'.repeat(16),
  ...over,
});

describe('cycle facts from a cycle record', () => {
  it('kind from the criteria: bowie_dick, leak_rate, else a load', () => {
    expect(cycleKindOf({ criteria: [{ id: 'hold_time' }, { id: 'bowie_dick', pass: null }] })).toBe('bowie-dick');
    expect(cycleKindOf({ criteria: [{ id: 'leak_rate', pass: true }] })).toBe('leak-test');
    expect(cycleKindOf({ criteria: [{ id: 'a0', pass: true }] })).toBe('load');
    expect(cycleKindOf({})).toBe('load');
  });

  it('reads verdict, program, failed criteria and times; anything but pass is a fail', () => {
    const v = verifiedCycleOf(
      rec({
        cycleId: 'c1',
        verdict: 'pass',
        program: 'steam-134-4',
        cycleNo: 12,
        startedAt: '2026-03-10T08:00:00Z',
        endedAt: '2026-03-10T08:50:00Z',
        criteria: [
          { id: 'hold_time', pass: true },
          { id: 'sensor_agreement', pass: null },
        ],
      }),
    );
    expect(v).toEqual({
      cycleId: 'c1',
      device: 'AC-01',
      kind: 'load',
      facts: {
        recordId: 'r1',
        verdict: 'pass',
        program: 'steam-134-4',
        cycleNo: 12,
        failed: [],
        startedAt: Date.parse('2026-03-10T08:00:00Z'),
        endedAt: Date.parse('2026-03-10T08:50:00Z'),
        bowieDick: null,
        leakRate: null,
      },
    });
    expect(verifiedCycleOf(rec({ cycleId: 'c1', verdict: 'weird', criteria: [{ id: 'temp_band', pass: false }] }))?.facts).toMatchObject({
      verdict: 'fail',
      failed: ['temp_band'],
      program: null,
      startedAt: Date.parse('2026-03-10T09:00:00Z'),
    });
    expect(verifiedCycleOf(rec({ cycleId: 'c1' }, { type: 'alarm' }))).toBeNull();
    expect(verifiedCycleOf(rec({ verdict: 'pass' }))).toBeNull();
  });
});
