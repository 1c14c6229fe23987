// The AMSCO LS 1 Hz data string (`amsco-ls`, `amsco-ls-metric`): flag segmentation, idle gaps by the
// device clock and by silence, AM/PM across midnight, units, a missing load probe, joining mid-stream.
import { describe, expect, it } from 'vitest';
import {
  AMSCO_LS,
  AMSCO_LS_METRIC,
  initialParserState,
  PARSE_ERROR_REASONS,
  type PrinterLineProfile,
  resumedParserState,
} from '../../drivers/printer-line/index.js';
import { feeder, fixtureLines, ofKind } from '../helpers/printer-line.js';

/** Samples' phases written as runs: `[phase, how many in a row]`. */
const runs = (...rs: [string | undefined, number][]): (string | undefined)[] => rs.flatMap(([phase, n]) => Array<string | undefined>(n).fill(phase));

const CET = 60;
/** Receive time of a line printed at CET wall time `hhmmss` on 2025-03-14 (+ `days`), a second late. */
const recvAt = (iso: string): number => Date.parse(`${iso}+01:00`) + 1000;
const lines = fixtureLines('amsco-ls.txt');
const CYCLE1 = lines.slice(0, 10);
const CYCLE2 = lines.slice(10);

function feedFixture(profile: PrinterLineProfile = AMSCO_LS) {
  const f = feeder(profile, { tzOffsetMinutes: CET });
  CYCLE1.forEach((l, i) => f.line(l, recvAt('2025-03-14T10:41:55') + i * 1000));
  CYCLE2.forEach((l, i) => f.line(l, recvAt('2025-03-14T23:59:58') + i * 1000));
  return f;
}

describe('amsco-ls on the hand-written stream', () => {
  const f = feedFixture();

  it('recognises every line (no parse-error) and emits one sample per line', () => {
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'raw')).toHaveLength(lines.length);
    expect(ofKind(f.events, 'sample')).toHaveLength(lines.length);
  });

  it("opens a cycle at the first line after silence, with the line's device time and no header facts", () => {
    const starts = ofKind(f.events, 'cycle-start');
    expect(starts).toEqual([
      { kind: 'cycle-start', deviceId: 'AC-01', ts: Date.parse('2025-03-14T10:41:55+01:00'), deviceTime: Date.parse('2025-03-14T10:41:55+01:00'), info: {} },
      { kind: 'cycle-start', deviceId: 'AC-01', ts: Date.parse('2025-03-14T23:59:58+01:00'), deviceTime: Date.parse('2025-03-14T23:59:58+01:00'), info: {} },
    ]);
  });

  it('follows the S flag: conditioning, sterilizing while S, exhaust after it falls', () => {
    const phases = ofKind(f.events, 'phase').map((p) => [p.phase, new Date(p.ts).toISOString()]);
    expect(phases.slice(0, 3)).toEqual([
      ['conditioning', '2025-03-14T09:41:55.000Z'],
      ['sterilizing', '2025-03-14T09:41:59.000Z'],
      ['exhaust', '2025-03-14T09:42:02.000Z'],
    ]);
    const samples = ofKind(f.events, 'sample');
    expect(samples.slice(0, 10).map((s) => s.phase)).toEqual(runs(['conditioning', 4], ['sterilizing', 3], ['exhaust', 3]));
  });

  it("closes the first cycle after idleGapS of silence, before the next cycle's first line; inferred and ok (the flag rose and fell)", () => {
    const ends = ofKind(f.events, 'cycle-end');
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ status: 'ok', inferred: true, ts: Date.parse('2025-03-14T10:42:04+01:00') });
    const kinds = f.events.map((e) => e.kind);
    const end = kinds.indexOf('cycle-end');
    expect(kinds.slice(end, end + 4)).toEqual(['cycle-end', 'raw', 'cycle-start', 'phase']);
  });

  it('also splits when the lines keep coming but the device clock jumps by more than idleGapS (a buffered line)', () => {
    const g = feeder(AMSCO_LS, { tzOffsetMinutes: CET });
    lines.forEach((l, i) => g.line(l, recvAt('2025-03-14T10:41:55') + i * 1000));
    const kinds = g.events.map((e) => e.kind);
    const end = kinds.indexOf('cycle-end');
    expect(kinds.slice(end - 1, end + 4)).toEqual(['raw', 'cycle-end', 'cycle-start', 'phase', 'sample']);
    expect(ofKind(g.events, 'cycle-end')).toMatchObject([{ status: 'ok', inferred: true, ts: Date.parse('2025-03-14T10:42:04+01:00') }]);
  });

  it('converts °F and psig / inHg vacuum, Chamber as temp and Load 1 as temp2', () => {
    const [s0, s1, , , s4] = ofKind(f.events, 'sample');
    expect(s0).toMatchObject({ temp_c: 93.5, temp2_c: 92, pressure_kpa: 102.014 });
    expect(s1).toMatchObject({ temp_c: 36.889, temp2_c: 36.611, pressure_kpa: 9.554 });
    expect(s4).toMatchObject({ temp_c: 134.444, temp2_c: 134.167, pressure_kpa: 308.168, phase: 'sterilizing' });
  });

  it('a load probe column that is not a number is no reading, not an error', () => {
    const s = ofKind(f.events, 'sample')[6];
    expect(s).toMatchObject({ temp_c: 134.444, temp2_c: null });
  });

  it('reads 11:59:59 PM -> 12:00:00 AM as one second, across midnight', () => {
    const times = ofKind(f.events, 'sample')
      .slice(10)
      .map((s) => new Date(s.ts).toISOString());
    expect(times).toEqual([
      '2025-03-14T22:59:58.000Z',
      '2025-03-14T22:59:59.000Z',
      '2025-03-14T23:00:00.000Z',
      '2025-03-14T23:00:01.000Z',
      '2025-03-14T23:00:02.000Z',
    ]);
  });

  it('ends the last cycle after idleGapS of silence on the clock tick, not before', () => {
    const g = feedFixture();
    const last = recvAt('2025-03-14T23:59:58') + 4000;
    expect(g.tick(last + 59_000)).toEqual([]);
    const ended = g.tick(last + 60_000);
    expect(ended).toEqual([
      {
        kind: 'cycle-end',
        deviceId: 'AC-01',
        ts: Date.parse('2025-03-15T00:00:02+01:00'),
        status: 'ok',
        inferred: true,
        text: 'stream went quiet after the sterilize flag fell (the stream prints no result)',
      },
    ]);
    expect(g.state.cycleOpen).toBe(false);
    expect(g.tick(last + 120_000)).toEqual([]);
  });

  it('an accelerated stream ends on a shorter silence (idleAfterMs)', () => {
    const g = feeder(AMSCO_LS, { tzOffsetMinutes: CET, idleAfterMs: 100 });
    CYCLE1.forEach((l, i) => g.line(l, 1_000_000 + i * 2));
    expect(g.tick(1_000_018 + 99)).toEqual([]);
    expect(ofKind(g.tick(1_000_018 + 100), 'cycle-end')).toHaveLength(1);
  });
});

describe('amsco-ls: what the flag says when a cycle goes quiet', () => {
  const t0 = recvAt('2025-03-14T10:41:55');
  it('aborted when the stream stops while the flag is up', () => {
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET });
    CYCLE1.slice(0, 6).forEach((l, i) => f.line(l, t0 + i * 1000));
    expect(f.tick(t0 + 5000 + 60_000)).toMatchObject([{ kind: 'cycle-end', status: 'aborted', inferred: true, text: expect.stringContaining('flag was up') }]);
  });

  it('aborted when the flag never rose', () => {
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET });
    CYCLE1.slice(0, 3).forEach((l, i) => f.line(l, t0 + i * 1000));
    expect(f.tick(t0 + 2000 + 60_000)).toMatchObject([{ kind: 'cycle-end', status: 'aborted', text: expect.stringContaining('never rose') }]);
  });

  it('a silence seen only at the next line (no tick) still splits the cycles', () => {
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET });
    CYCLE1.forEach((l, i) => f.line(l, t0 + i * 1000));
    f.line(CYCLE1[0] ?? '', t0 + 9000 + 120_000);
    expect(ofKind(f.events, 'cycle-end')).toHaveLength(1);
    expect(ofKind(f.events, 'cycle-start')).toHaveLength(2);
  });

  it('junk between lines neither breaks the stream nor keeps a finished cycle open', () => {
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET });
    CYCLE1.forEach((l, i) => f.line(l, t0 + i * 1000));
    f.line('*** PAPER LOW ***', t0 + 30_000);
    expect(ofKind(f.events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.unrecognized]);
    expect(ofKind(f.tick(t0 + 9000 + 60_000), 'cycle-end')).toHaveLength(1);
  });
});

describe('amsco-ls joining a stream that is already running (gateway start)', () => {
  const t0 = recvAt('2025-03-14T10:41:55');
  it('emits no cycle-start and no phase until the flag shows one, then closes on silence', () => {
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET }, initialParserState({ since: t0 - 500 }));
    CYCLE1.slice(1).forEach((l, i) => f.line(l, t0 + 1000 + i * 1000));
    expect(ofKind(f.events, 'cycle-start')).toEqual([]);
    expect(ofKind(f.events, 'sample').map((s) => s.phase)).toEqual(runs([undefined, 3], ['sterilizing', 3], ['exhaust', 3]));
    expect(ofKind(f.tick(t0 + 9000 + 60_000), 'cycle-end')).toMatchObject([{ status: 'ok', inferred: true }]);
    // now the stream is known to be quiet: the next cycle opens with a cycle-start
    f.line(CYCLE1[0] ?? '', t0 + 3_600_000);
    expect(ofKind(f.events, 'cycle-start')).toHaveLength(1);
  });

  it('a driver that starts into silence learns the stream is quiet after idleGapS', () => {
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET }, initialParserState({ since: t0 - 120_000 }));
    expect(f.tick(t0 - 60_000)).toEqual([]);
    expect(f.state.quiet).toBe(true);
    f.line(CYCLE1[0] ?? '', t0);
    expect(ofKind(f.events, 'cycle-start')).toHaveLength(1);
  });
});

describe('amsco-ls-metric', () => {
  it('reads °C and kPa gauge on the 24-hour clock (spaces where AM/PM would be)', () => {
    const f = feeder(AMSCO_LS_METRIC, { tzOffsetMinutes: CET });
    const metric = fixtureLines('amsco-ls-metric.txt');
    metric.forEach((l, i) => f.line(l, recvAt('2025-03-14T14:41:58') + i * 1000));
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    const [vac, morning, ster] = ofKind(f.events, 'sample');
    expect(vac).toMatchObject({ ts: Date.parse('2025-03-14T14:41:58+01:00'), temp_c: 36.9, temp2_c: 36.6, pressure_kpa: 9.525 });
    // 09:05 after 14:41 is a jump of the device clock: a new cycle
    expect(morning?.ts).toBe(Date.parse('2025-03-14T09:05:00+01:00'));
    expect(ster).toMatchObject({ ts: Date.parse('2025-03-14T14:47:02+01:00'), temp_c: 134.4, pressure_kpa: 308.125, phase: 'sterilizing' });
    expect(ofKind(f.events, 'cycle-start')).toHaveLength(3);
  });
});

describe('amsco-ls after a gateway restart (resumedParserState)', () => {
  it('reads on inside the resumed cycle with the flag as it was, and ends it after silence from what the flag did', () => {
    const since = recvAt('2025-03-14T10:42:00');
    const state = resumedParserState({ lastDeviceTs: Date.parse('2025-03-14T10:41:59+01:00'), phase: 'sterilizing' }, AMSCO_LS, {
      since,
      tzOffsetMinutes: CET,
    });
    const f = feeder(AMSCO_LS, { tzOffsetMinutes: CET }, state);
    CYCLE1.slice(5).forEach((l, i) => f.line(l, since + i * 1000));
    expect(ofKind(f.events, 'cycle-start')).toEqual([]); // the resumed cycle goes on: no new cycle
    expect(ofKind(f.events, 'phase').map((p) => p.phase)).toEqual(['exhaust']);
    expect(ofKind(f.events, 'sample').map((s) => s.phase)).toEqual(['sterilizing', 'sterilizing', 'exhaust', 'exhaust', 'exhaust']);
    f.tick(since + 5000 + 61_000);
    expect(ofKind(f.events, 'cycle-end')).toMatchObject([{ status: 'ok', inferred: true, ts: Date.parse('2025-03-14T10:42:04+01:00') }]);
  });
});
