// The SciCan STATCLAVE-style summary ticket (`scican-summary`): no samples, a `summary` event with the
// machine's min/max and phase times, the cycle closed at the signature line (ticketEnd).
import { describe, expect, it } from 'vitest';
import { PARSE_ERROR_REASONS, SCICAN_SUMMARY } from '../../drivers/printer-line/index.js';
import { feeder, fixtureLines, ofKind } from '../helpers/printer-line.js';

const CET = 60;
const RECV = Date.parse('2025-10-08T11:00:00+01:00');
const pass = fixtureLines('scican-pass.txt');
const abort = fixtureLines('scican-abort.txt');

function feedAll(lines: readonly string[], recv0 = RECV) {
  const f = feeder(SCICAN_SUMMARY, { tzOffsetMinutes: CET });
  lines.forEach((l, i) => f.line(l, recv0 + i * 10));
  return f;
}

describe('scican-summary on the reference ticket (cssd-devices.md §2.1 b)', () => {
  const f = feedAll(pass);
  const start = Date.parse('2025-10-08T09:54:52+01:00');

  it('recognises every line and emits cycle-start, summary, cycle-end in that order, with every raw line inside', () => {
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'sample')).toEqual([]);
    const kinds = f.events.map((e) => e.kind).filter((k) => k !== 'raw');
    expect(kinds).toEqual(['cycle-start', 'summary', 'cycle-end']);
    expect(f.events.at(-1)?.kind).toBe('cycle-end');
    expect(ofKind(f.events, 'raw')).toHaveLength(pass.length);
  });

  it('starts the cycle at the printed start time, day-first date, with the header facts', () => {
    expect(ofKind(f.events, 'cycle-start')).toEqual([
      {
        kind: 'cycle-start',
        deviceId: 'AC-01',
        ts: start,
        deviceTime: start,
        cycleNo: 1755,
        info: {
          model: 'STATCLAVE G4 SBS1R118',
          serial: '710123B00004',
          unit: '000',
          water: '1.2uS / 0.7ppm',
          date: '2025-10-08',
          time: '09:54:52',
          cycleType: 'Solid/Wrapped',
          programText: '132 C/4min',
        },
      },
    ]);
  });

  it('leaves a 132 °C program without a program number (no built-in program has 132 °C)', () => {
    expect(ofKind(f.events, 'cycle-start')[0]?.programNo).toBeUndefined();
  });

  it('summarises min/max (kPa absolute) and the phase times; the end is start + CYCLE COMPLETE', () => {
    const end = start + (58 * 60 + 30) * 1000;
    expect(ofKind(f.events, 'summary')).toEqual([
      {
        kind: 'summary',
        deviceId: 'AC-01',
        ts: end,
        startTs: start,
        minTempC: 132.6,
        maxTempC: 134,
        minPressureKpa: 290,
        maxPressureKpa: 302,
        phases: [
          { phase: 'sterilizing', atS: 1535, label: 'STERILIZING' },
          { phase: 'drying', atS: 1780, label: 'DRYING START' },
          { phase: 'aeration', atS: 3490, label: 'DRYING END' },
          { phase: 'complete', atS: 3510, label: 'CYCLE COMPLETE' },
        ],
      },
    ]);
    expect(ofKind(f.events, 'cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-01', ts: end, status: 'ok' }]);
  });

  it('holds the cycle-end after CYCLE COMPLETE until the signature line', () => {
    const g = feedAll(pass.slice(0, -1));
    expect(ofKind(g.events, 'cycle-end')).toEqual([]);
    expect(g.state.heldEnd).toEqual({ status: 'ok' });
    g.line(pass.at(-1) ?? '', RECV + 1000);
    expect(ofKind(g.events, 'cycle-end')).toHaveLength(1);
  });

  it('releases a held end after idleGapS when the signature never comes', () => {
    const g = feedAll(pass.slice(0, -2));
    const last = RECV + (pass.length - 3) * 10;
    expect(g.tick(last + 59_999)).toEqual([]);
    expect(g.tick(last + 60_000).map((e) => e.kind)).toEqual(['summary', 'cycle-end']);
  });

  it('releases a held end at the next ticket without a parse-error', () => {
    const g = feedAll([...pass.slice(0, -2), ...pass]);
    expect(ofKind(g.events, 'parse-error')).toEqual([]);
    expect(ofKind(g.events, 'cycle-end')).toHaveLength(2);
    expect(ofKind(g.events, 'summary')).toHaveLength(2);
  });

  it('keeps a min/max pair together across a junk line, and reports a value line that lost its heading', () => {
    const withJunk = [...pass.slice(0, 9), '#@!', ...pass.slice(9)];
    const g = feedAll(withJunk);
    expect(ofKind(g.events, 'summary')[0]).toMatchObject({ minTempC: 132.6, minPressureKpa: 290 });
    const lost = [...pass.slice(0, 8), ...pass.slice(9)];
    const h = feedAll(lost);
    expect(ofKind(h.events, 'summary')[0]).not.toHaveProperty('minTempC');
    expect(ofKind(h.events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.unrecognized]);
  });

  it('reports summary lines outside a ticket', () => {
    const g = feedAll(['STERILIZING    25:35']);
    expect(ofKind(g.events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.summaryOutsideTicket]);
  });
});

describe('scican-summary on an aborted cycle', () => {
  const f = feedAll(abort);
  const start = Date.parse('2025-10-08T11:02:10+01:00');

  it('maps the program text to program 1, reads the fault as an alarm and the cycle as aborted with its code', () => {
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'cycle-start')[0]).toMatchObject({ programNo: 1, cycleNo: 1756, ts: start });
    expect(ofKind(f.events, 'alarm')).toMatchObject([{ code: 'CF23', text: 'STEAM SUPPLY' }]);
    expect(ofKind(f.events, 'cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-01', ts: start + 689_000, status: 'aborted', code: 'CF23' }]);
  });

  it("ends the summary's phases in fault at the abort time", () => {
    expect(ofKind(f.events, 'summary')[0]?.phases).toEqual([
      { phase: 'sterilizing', atS: 542, label: 'STERILIZING' },
      { phase: 'fault', atS: 689, label: 'CYCLE ABORTED' },
    ]);
  });
});
