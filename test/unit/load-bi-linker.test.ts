import { describe, expect, it } from 'vitest';
import {
  awaitingThisControl,
  type BiLink,
  type BiReading,
  controlWell,
  judgeControl,
  judgeReading,
  matchPlacement,
  matchReading,
} from '../../gateway/load/bi-linker.js';

const T0 = Date.parse('2026-03-10T08:00:00Z');
const link = (l: Partial<BiLink>): BiLink => ({
  linkId: 'k',
  role: 'load',
  loadId: 'L',
  cycleId: 'C',
  device: 'AC-01',
  lot: 'LOT1',
  serial: null,
  expiry: null,
  gtin: null,
  reader: null,
  well: null,
  placedAt: null,
  result: null,
  valid: null,
  reasonCode: null,
  readAt: null,
  recordId: null,
  ...l,
});
const reading = (r: Partial<BiReading> = {}): BiReading => ({
  reader: 'BI-01',
  well: '3',
  lot: 'LOT1',
  vial: null,
  result: 'negative',
  readAt: T0,
  incubationMin: 24,
  control: false,
  caution: null,
  ...r,
});
const ctrl = (readAt: number, lot = 'LOT1', result: 'positive' | 'negative' = 'positive') => ({
  lot,
  reader: 'BI-01',
  well: '1',
  result,
  readAt,
  recordId: 'c',
});

describe('BI linker: matching a reading to a vial', () => {
  it('by the well the vial was placed in first (a well code without a reader fits any reader)', () => {
    const a = link({ linkId: 'a', well: '3', reader: 'BI-01' });
    const b = link({ linkId: 'b' });
    expect(matchReading(reading(), [b, a])).toMatchObject({ link: { linkId: 'a' }, how: 'well' });
    expect(matchReading(reading(), [link({ linkId: 'c', well: '3' })])).toMatchObject({ link: { linkId: 'c' }, how: 'well' });
    expect(matchReading(reading({ reader: 'BI-02' }), [a])).toMatchObject({ link: null, how: 'none' });
  });

  it('else by lot among unplaced, unread vials; the serial picks one; two candidates are ambiguous', () => {
    const a = link({ linkId: 'a', serial: 'V1' });
    const b = link({ linkId: 'b', serial: 'V2' });
    expect(matchReading(reading(), [a])).toMatchObject({ link: { linkId: 'a' }, how: 'lot' });
    expect(matchReading(reading(), [a, b])).toMatchObject({ link: null, how: 'ambiguous', candidates: 2 });
    expect(matchReading(reading({ vial: 'V2' }), [a, b])).toMatchObject({ link: { linkId: 'b' }, how: 'serial' });
    expect(matchReading(reading(), [a, link({ linkId: 'r', result: 'negative' }), link({ linkId: 'w', well: '7' })])).toMatchObject({ link: { linkId: 'a' } });
    expect(matchReading(reading({ lot: 'OTHER' }), [a])).toMatchObject({ link: null, how: 'none' });
  });

  it('a reader START places the one unplaced vial of its lot (serial first); none or several: nothing', () => {
    const start = { reader: 'BI-01', well: '4', lot: 'LOT1', vial: null, control: false, startedAt: T0 };
    const a = link({ linkId: 'a', serial: 'V1' });
    const b = link({ linkId: 'b', serial: 'V2' });
    expect(matchPlacement(start, [a])?.linkId).toBe('a');
    expect(matchPlacement(start, [a, b])).toBeNull();
    expect(matchPlacement({ ...start, vial: 'V2' }, [a, b])?.linkId).toBe('b');
    expect(matchPlacement({ ...start, lot: 'LOT2' }, [a])).toBeNull();
    expect(matchPlacement(start, [a, link({ linkId: 'w', well: '4', reader: 'BI-01' })])).toBeNull(); // the well is taken
  });

  it("finds a control vial placed in the reading's well", () => {
    const c = link({ linkId: 'c', role: 'control', loadId: null, well: '3', reader: 'BI-01' });
    expect(controlWell(reading(), [c])?.linkId).toBe('c');
    expect(matchReading(reading(), [c]).link).toBeNull();
  });
});

describe('BI linker: validity', () => {
  const tz = 'Europe/Berlin';
  it('valid only with a positive control of the same lot read positive the same local day', () => {
    expect(judgeReading(reading(), link({}), [ctrl(T0 - 3600_000)], tz)).toMatchObject({ valid: true, reasonCode: 'valid' });
    expect(judgeReading(reading(), link({}), [ctrl(T0 + 3600_000)], tz).valid).toBe(true); // later the same day, once known
    expect(judgeReading(reading(), link({}), [ctrl(T0 - 24 * 3600_000)], tz)).toMatchObject({ valid: false, reasonCode: 'no-positive-control' });
    expect(judgeReading(reading(), link({}), [ctrl(T0, 'LOT2')], tz).reasonCode).toBe('no-positive-control');
    expect(judgeReading(reading(), link({}), [ctrl(T0, 'LOT1', 'negative')], tz).reasonCode).toBe('no-positive-control');
    // 23:30 Berlin on the 10th and 00:30 on the 11th are different days
    expect(judgeReading(reading({ readAt: Date.parse('2026-03-10T23:30:00Z') }), link({}), [ctrl(Date.parse('2026-03-10T22:30:00Z'))], tz).valid).toBe(false);
  });

  it("the reader's invalid, an expired vial and a lot mismatch are invalid whatever the control", () => {
    const c = [ctrl(T0)];
    expect(judgeReading(reading({ result: 'invalid', caution: 'C2' }), link({}), c, tz)).toMatchObject({
      valid: false,
      reasonCode: 'reader-invalid',
      reason: expect.stringMatching(/C2/),
    });
    expect(judgeReading(reading(), link({ expiry: '2026-03-09' }), c, tz).reasonCode).toBe('bi-expired');
    expect(judgeReading(reading({ lot: 'LOT9' }), link({}), c, tz).reasonCode).toBe('lot-mismatch');
  });

  it("controls: positive grows = valid; a late positive control re-opens the day's readings of its lot", () => {
    expect(judgeControl(reading({ result: 'positive', control: true }))).toMatchObject({ valid: true, reasonCode: 'control-positive' });
    expect(judgeControl(reading({ result: 'negative', control: true }))).toMatchObject({ valid: false, reasonCode: 'control-not-positive' });
    const waiting = link({ linkId: 'w', result: 'negative', reasonCode: 'no-positive-control', readAt: T0 });
    const yesterday = link({ linkId: 'y', result: 'negative', reasonCode: 'no-positive-control', readAt: T0 - 24 * 3600_000 });
    expect(awaitingThisControl([waiting, yesterday], ctrl(T0 + 3600_000), tz).map((l) => l.linkId)).toEqual(['w']);
    expect(awaitingThisControl([waiting], ctrl(T0, 'LOT1', 'negative'), tz)).toEqual([]);
  });
});
