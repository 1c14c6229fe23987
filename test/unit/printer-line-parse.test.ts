import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  initialParserState,
  PARSE_ERROR_REASONS,
  PREVAC_TICKET,
  type PrinterLineProfile,
  type PrinterParserContext,
  type PrinterParserState,
  parsePrinterLine,
  resumedParserState,
} from '../../drivers/printer-line/index.js';
import { LineFramer } from '../../drivers/transport/line-framer.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

const FIXTURES = new URL('../fixtures/printer-line/', import.meta.url);
const CET = 60;
const RECV0 = Date.parse('2025-03-14T09:00:00+01:00');

type Of<K extends DeviceEvent['kind']> = Extract<DeviceEvent, { kind: K }>;
const ofKind = <K extends DeviceEvent['kind']>(events: DeviceEvent[], kind: K): Of<K>[] => events.filter((e): e is Of<K> => e.kind === kind);

function ctx(recvTs: number, extra: Partial<PrinterParserContext> = {}): PrinterParserContext {
  return { deviceId: 'AC-01', recvTs, atmosphericKpa: 101.325, profile: PREVAC_TICKET, tzOffsetMinutes: CET, ...extra };
}

function feed(lines: string[], recv0 = RECV0, extra: Partial<PrinterParserContext> = {}, state = initialParserState()) {
  const events: DeviceEvent[] = [];
  lines.forEach((line, i) => {
    const r = parsePrinterLine(state, line, ctx(recv0 + i * 1000, extra));
    state = r.state;
    events.push(...r.events);
  });
  return { events, state };
}

function fixtureLines(name: string): string[] {
  const framer = new LineFramer();
  const items = framer.push(readFileSync(new URL(name, FIXTURES)));
  return items.flatMap((i) => (i.kind === 'line' ? [i.text] : []));
}

const at = (iso: string) => Date.parse(iso);

describe('parsePrinterLine on the 134 °C pass ticket', () => {
  const lines = fixtureLines('pass-134.txt');
  const { events, state } = feed(lines);

  it('emits one cycle-start with program number, cycle number and the header facts, before any sample', () => {
    const starts = ofKind(events, 'cycle-start');
    expect(starts).toEqual([
      {
        kind: 'cycle-start',
        deviceId: 'AC-01',
        ts: RECV0,
        programNo: 1,
        cycleNo: 4217,
        info: { sterilizer: 'SZ-03', programText: '134C INSTR', date: '2025-03-14', operator: '0127', loadId: 'L250314-03-07' },
      },
    ]);
    expect(events.findIndex((e) => e.kind === 'cycle-start')).toBe(0);
  });

  it('keeps every line as a raw event, in order, the header lines inside the cycle', () => {
    expect(ofKind(events, 'raw').map((e) => e.line)).toEqual(lines);
    expect(ofKind(events, 'parse-error')).toEqual([]);
  });

  it('dates samples with the header DATE and the printed time, local time', () => {
    const samples = ofKind(events, 'sample');
    expect(samples).toHaveLength(25);
    expect(samples[0]).toEqual({
      kind: 'sample',
      deviceId: 'AC-01',
      ts: at('2025-03-14T08:02:11+01:00'),
      deviceTime: at('2025-03-14T08:02:11+01:00'),
      temp_c: 96.3,
      pressure_kpa: 100.325,
      phase: 'conditioning',
    });
    expect(samples.at(-1)?.ts).toBe(at('2025-03-14T08:29:10+01:00'));
  });

  it('converts gauge kPa to absolute with atmosphericKpa', () => {
    const byTime = new Map(ofKind(events, 'sample').map((s) => [new Date(s.ts).toISOString().slice(11, 19), s.pressure_kpa]));
    expect(byTime.get('07:03:40')).toBe(19.325); // -82.0 gauge
    expect(byTime.get('07:12:30')).toBe(304.425); // 203.1 gauge
    expect(byTime.get('07:29:10')).toBe(101.325); // 0.0 gauge
    const thin = feed(lines, RECV0, { atmosphericKpa: 84.0 }).events;
    expect(ofKind(thin, 'sample')[2]?.pressure_kpa).toBe(2); // Mexico City: -82.0 gauge is 2.0 kPa absolute
  });

  it('emits each canonical phase once, in order, and tags every sample with the current phase', () => {
    const phases = ofKind(events, 'phase');
    expect(phases.map((p) => p.phase)).toEqual(['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying', 'aeration', 'complete']);
    expect(phases.map((p) => p.label)).toEqual(['START', 'HEAT UP', 'STERILIZE', 'STERILIZE END', 'DRYING', 'AIR IN', 'END']);
    expect(phases[2]?.ts).toBe(at('2025-03-14T08:12:30+01:00'));
    const sterilizing = ofKind(events, 'sample').filter((s) => s.phase === 'sterilizing');
    expect(sterilizing.map((s) => s.temp_c)).toEqual([134.2, 134.3, 134.4, 134.4, 134.5, 134.5, 134.6, 134.5, 134.6]);
    const iPhase = events.findIndex((e) => e.kind === 'phase' && e.phase === 'heating');
    expect(events[iPhase + 1]).toMatchObject({ kind: 'sample', temp_c: 131.2, phase: 'heating' });
  });

  it('ends the cycle ok at the device time of the last sample and closes the ticket', () => {
    expect(ofKind(events, 'cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-01', ts: at('2025-03-14T08:29:10+01:00'), status: 'ok' }]);
    expect(state).toEqual(initialParserState());
  });
});

describe('parsePrinterLine on an aborted ticket (CRLF)', () => {
  const lines = fixtureLines('aborted-alarm.txt');
  const { events } = feed(lines, Date.parse('2025-06-02T10:30:00+02:00'), { tzOffsetMinutes: 120 });

  it('frames CRLF without empty lines and reads program 2', () => {
    expect(lines).toHaveLength(13);
    expect(ofKind(events, 'cycle-start')[0]).toMatchObject({ programNo: 2, cycleNo: 981, info: { loadId: 'L250602-01-02' } });
  });

  it('emits the alarm with its code and text at the last device time', () => {
    expect(ofKind(events, 'alarm')).toEqual([{ kind: 'alarm', deviceId: 'AC-01', ts: at('2025-06-02T10:20:10+02:00'), code: 'E23', text: 'STEAM SUPPLY' }]);
  });

  it('enters the fault phase and ends aborted with the alarm code', () => {
    expect(ofKind(events, 'phase').map((p) => p.phase)).toEqual(['conditioning', 'fault']);
    expect(ofKind(events, 'cycle-end')).toEqual([
      { kind: 'cycle-end', deviceId: 'AC-01', ts: at('2025-06-02T10:22:00+02:00'), status: 'aborted', code: 'E23' },
    ]);
    expect(ofKind(events, 'parse-error')).toEqual([]);
  });

  it('maps FAILED and FAULT to fault and keeps the trailing text', () => {
    const failed = feed(['==== STERILIZER X  PROG 3: 134C 18MIN ====', 'RESULT: CYCLE FAILED - TEMP LOW']).events;
    expect(ofKind(failed, 'cycle-end')[0]).toMatchObject({ status: 'fault', text: 'TEMP LOW' });
    expect(ofKind(failed, 'cycle-end')[0]?.code).toBeUndefined();
    const fault = feed(['==== STERILIZER X  PROG 3: 134C 18MIN ====', 'RESULT: CYCLE FAULT']).events;
    expect(ofKind(fault, 'cycle-end')[0]?.status).toBe('fault');
  });
});

describe('parsePrinterLine on garbage', () => {
  const lines = fixtureLines('garbage.txt');
  const { events } = feed(lines, Date.parse('2025-04-01T07:10:00+02:00'), { tzOffsetMinutes: 120 });

  it('turns every unknown line into a parse-error with its raw text and a reason', () => {
    const errors = ofKind(events, 'parse-error');
    expect(errors.map((e) => e.reason)).toEqual([
      PARSE_ERROR_REASONS.unrecognized, // line noise before the ticket
      PARSE_ERROR_REASONS.unrecognized, // PRINTER BUFFER RESET
      PARSE_ERROR_REASONS.unknownLabel, // DOOR CHECK
      PARSE_ERROR_REASONS.unrecognized, // T(C) ????
    ]);
    expect(errors[1]?.raw).toBe('#@!% PRINTER BUFFER RESET %!@#');
    expect(errors[0]?.raw).toBe('\u0000\u0000\ufffd\ufffd');
  });

  it('loses nothing: a raw event per line, all samples, the cycle intact', () => {
    expect(ofKind(events, 'raw').map((e) => e.line)).toEqual(lines);
    expect(ofKind(events, 'sample').map((s) => s.temp_c)).toEqual([95.5, 86, 118, 120.2, 134.1, 134.4, 90]);
    expect(ofKind(events, 'sample').find((s) => s.temp_c === 120.2)?.phase).toBe('conditioning');
    expect(ofKind(events, 'cycle-start')).toHaveLength(1);
    expect(ofKind(events, 'cycle-start')[0]).toMatchObject({ programNo: 7, cycleNo: 12, info: { operator: '0099' } });
    expect(ofKind(events, 'cycle-end')[0]?.status).toBe('ok');
  });

  it('truncates a long raw text in parse-error', () => {
    const long = `?${'x'.repeat(500)}`;
    const e = ofKind(feed([long]).events, 'parse-error')[0];
    expect(e?.raw.length).toBeLessThan(220);
    expect(e?.raw.startsWith('?xxx')).toBe(true);
  });
});

describe('parsePrinterLine dates', () => {
  it('rolls the date over at midnight (time of day backwards by > 12 h)', () => {
    const { events } = feed(fixtureLines('midnight.txt'), Date.parse('2026-01-01T00:20:00+01:00'));
    const ts = ofKind(events, 'sample').map((s) => s.ts);
    expect(ts.every((t, i) => i === 0 || t > (ts[i - 1] ?? 0))).toBe(true);
    expect(ts[4]).toBe(at('2025-12-31T23:59:59+01:00'));
    expect(ts[5]).toBe(at('2026-01-01T00:00:29+01:00'));
    expect(ofKind(events, 'cycle-end')[0]?.ts).toBe(at('2026-01-01T00:16:00+01:00'));
  });

  it('does not roll over when the clock steps back by less than 12 h', () => {
    const { events } = feed(['==== STERILIZER X  PROG 1: A ====', 'CYCLE NO: 1 DATE: 2025-03-14', '10:00:00  START  96.0  -1.0', '09:00:00        96.0  -1.0']);
    expect(ofKind(events, 'sample').map((s) => s.ts)).toEqual([at('2025-03-14T10:00:00+01:00'), at('2025-03-14T09:00:00+01:00')]);
  });

  it('takes the date of the receive time when no DATE was printed, the nearest day around midnight', () => {
    const noon = Date.parse('2025-05-05T12:00:00+01:00');
    expect(ofKind(feed(['08:00:00     20.0   0.0'], noon).events, 'sample')[0]?.ts).toBe(at('2025-05-05T08:00:00+01:00'));
    const justAfterMidnight = Date.parse('2025-05-06T00:00:05+01:00');
    expect(ofKind(feed(['23:59:58     20.0   0.0'], justAfterMidnight).events, 'sample')[0]?.ts).toBe(at('2025-05-05T23:59:58+01:00'));
    const header = ['==== STERILIZER X  PROG 1: A ====', 'CYCLE NO: 77', '08:00:00  START  96.0  -1.0'];
    const r = feed(header, noon).events;
    expect(ofKind(r, 'sample')[0]?.ts).toBe(at('2025-05-05T08:00:00+01:00'));
    expect(ofKind(r, 'cycle-start')[0]?.cycleNo).toBe(77);
  });

  it('uses the process time zone when tzOffsetMinutes is not given', () => {
    const r = feed(['==== STERILIZER X  PROG 1: A ====', 'CYCLE NO: 1 DATE: 2025-03-14', '08:02:11  START  96.0  -1.0'], RECV0, { tzOffsetMinutes: undefined });
    expect(ofKind(r.events, 'sample')[0]?.ts).toBe(new Date(2025, 2, 14, 8, 2, 11).getTime());
  });

  it('reports an impossible date or time and carries on', () => {
    const { events } = feed([
      '==== STERILIZER X  PROG 1: A ====',
      'CYCLE NO: 5 DATE: 2025-02-30',
      '25:00:00  START  96.0  -1.0',
      '08:00:00  START  96.0  -1.0',
    ]);
    expect(ofKind(events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.invalidDate, PARSE_ERROR_REASONS.invalidTime]);
    expect(ofKind(events, 'cycle-start')[0]).toMatchObject({ cycleNo: 5, info: { date: '2025-02-30' } });
    expect(ofKind(events, 'sample')).toHaveLength(1);
  });
});

describe('parsePrinterLine outside a ticket', () => {
  it('still emits samples, with no phase and no cycle events', () => {
    const { events, state } = feed(['10:00:00                  22.5       0.0', '10:00:01                  22.6       0.1']);
    expect(ofKind(events, 'sample').map((s) => s.phase)).toEqual([undefined, undefined]);
    expect(events.map((e) => e.kind)).toEqual(['raw', 'sample', 'raw', 'sample']);
    expect(state.cycleOpen).toBe(false);
  });

  it('opens a headerless ticket at the first running-phase label, and its result line closes it', () => {
    const { events, state } = feed([
      '08:12:29                  133.9     202.0', // no label: no evidence of a cycle yet
      '08:12:30  STERILIZE      134.2     203.1',
      '08:12:31                 134.3     203.2',
      'ALARM E07 DOOR SEAL',
      '08:20:00  DRYING          120.0     -80.0',
      'RESULT: CYCLE OK',
    ]);
    expect(ofKind(events, 'cycle-start')).toEqual([]); // the header was missed: the gateway opens the cycle from the phase
    expect(ofKind(events, 'phase').map((e) => [e.phase, e.label, e.ts])).toEqual([
      ['sterilizing', 'STERILIZE', Date.parse('2025-03-14T08:12:30+01:00')],
      ['drying', 'DRYING', Date.parse('2025-03-14T08:20:00+01:00')],
    ]);
    expect(ofKind(events, 'sample').map((e) => e.phase)).toEqual([undefined, 'sterilizing', 'sterilizing', 'drying']);
    expect(ofKind(events, 'cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-01', ts: Date.parse('2025-03-14T08:20:00+01:00'), status: 'ok' }]);
    expect(ofKind(events, 'parse-error')).toEqual([]);
    expect(state.cycleOpen).toBe(false);
  });

  it('reports a result, a complete or fault label, an unknown label and a header line with no ticket to belong to', () => {
    const { events } = feed(['RESULT: CYCLE OK', '08:12:30  END      80.0     0.0', '08:12:31  WARP DRIVE      80.0     0.0', 'CYCLE NO: 12']);
    expect(ofKind(events, 'sample').map((e) => e.phase)).toEqual([undefined, undefined]);
    expect(ofKind(events, 'phase')).toEqual([]);
    expect(ofKind(events, 'cycle-end')).toEqual([]);
    expect(ofKind(events, 'parse-error').map((e) => e.reason)).toEqual([
      PARSE_ERROR_REASONS.resultOutsideTicket,
      PARSE_ERROR_REASONS.labelOutsideTicket,
      PARSE_ERROR_REASONS.unknownLabel,
      PARSE_ERROR_REASONS.headerOutOfPlace,
    ]);
  });

  it('emits an alarm at the receive time', () => {
    const { events } = feed(['ALARM W02 WATER LOW']);
    expect(ofKind(events, 'alarm')).toEqual([{ kind: 'alarm', deviceId: 'AC-01', ts: RECV0, code: 'W02', text: 'WATER LOW' }]);
  });

  it('a new ticket after a headerless one starts its own cycle', () => {
    const { events } = feed([
      '08:12:30  STERILIZE      134.2     203.1',
      '==== STERILIZER SZ-03  PROG 1: 134C INSTR ====',
      'CYCLE NO: 7',
      '09:00:00  START  96.0  -1.0',
    ]);
    expect(ofKind(events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.ticketWithoutResult]);
    expect(ofKind(events, 'cycle-start').map((e) => e.cycleNo)).toEqual([7]);
  });
});

describe('parsePrinterLine after a gateway restart (resumedParserState)', () => {
  const lastDeviceTs = Date.parse('2025-03-14T23:59:50+01:00');
  const resumed = () => resumedParserState({ lastDeviceTs, phase: 'sterilizing', cycleNo: 42 }, PREVAC_TICKET, { since: RECV0, tzOffsetMinutes: CET });

  it("reads the rest of the ticket as the resumed cycle's body and ends on the device's result", () => {
    const { events, state } = feed(
      ['23:59:59                  134.3     203.2', '00:00:05  DRYING          120.0     -80.0', 'RESULT: CYCLE OK'],
      RECV0,
      {},
      resumed(),
    );
    // the sample without a label keeps the resumed phase; midnight rolls over from the resumed cycle's date
    expect(ofKind(events, 'sample').map((e) => [e.phase, e.ts])).toEqual([
      ['sterilizing', Date.parse('2025-03-14T23:59:59+01:00')],
      ['drying', Date.parse('2025-03-15T00:00:05+01:00')],
    ]);
    expect(ofKind(events, 'phase').map((e) => e.phase)).toEqual(['drying']);
    expect(ofKind(events, 'cycle-end').map((e) => e.status)).toEqual(['ok']);
    expect(ofKind(events, 'parse-error')).toEqual([]);
    expect(state.cycleOpen).toBe(false);
  });

  it('ends on a result printed right after the restart', () => {
    const { events } = feed(['RESULT: CYCLE ABORTED'], RECV0, {}, resumed());
    expect(ofKind(events, 'cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-01', ts: lastDeviceTs, status: 'aborted' }]);
  });
});

describe('parsePrinterLine ticket structure', () => {
  it('reports a ticket that never printed its result and starts the next one', () => {
    const { events } = feed([
      '==== STERILIZER SZ-03  PROG 1: 134C INSTR ====',
      'CYCLE NO: 000001',
      '08:00:00  START  96.0  -1.0',
      '==== STERILIZER SZ-03  PROG 2: 121C ====',
      'CYCLE NO: 000002',
      '09:00:00  START  96.0  -1.0',
      'RESULT: CYCLE OK',
    ]);
    expect(ofKind(events, 'cycle-start').map((e) => e.cycleNo)).toEqual([1, 2]);
    expect(ofKind(events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.ticketWithoutResult]);
    expect(ofKind(events, 'cycle-end')).toHaveLength(1);
  });

  it('releases a header cut short by the next ticket', () => {
    const { events } = feed(['==== STERILIZER A  PROG 1: X ====', 'CYCLE NO: 3', '==== STERILIZER A  PROG 1: X ====']);
    expect(events.map((e) => e.kind)).toEqual(['cycle-start', 'raw', 'raw', 'parse-error']);
  });

  it('reports an unknown phase label but keeps the sample in the current phase', () => {
    const { events } = feed(['==== STERILIZER A  PROG 1: X ====', '08:00:00  START  96.0  -1.0', '08:00:05  COFFEE BREAK  96.0  -1.0']);
    expect(ofKind(events, 'sample').map((s) => s.phase)).toEqual(['conditioning', 'conditioning']);
    expect(ofKind(events, 'parse-error').map((e) => e.reason)).toEqual([PARSE_ERROR_REASONS.unknownLabel]);
  });

  it('maps the leak-test labels and tolerates form feeds', () => {
    const { events } = feed([
      '\f==== STERILIZER A  PROG 8: LEAK TEST ====',
      '08:00:00  LEAK STAB      40.0    -93.0',
      '08:05:00  LEAK MEASURE   40.0    -92.9',
      'RESULT: CYCLE OK\f',
    ]);
    expect(ofKind(events, 'phase').map((p) => p.phase)).toEqual(['leak-stabilize', 'leak-measure']);
    expect(ofKind(events, 'cycle-start')[0]?.programNo).toBe(8);
  });

  it('reads absolute pressures unchanged with a kPa-abs profile', () => {
    const absProfile: PrinterLineProfile = { ...PREVAC_TICKET, name: 'abs', pressureUnit: 'kPa-abs' };
    const { events } = feed(['08:00:00     96.0   100.0'], RECV0, { profile: absProfile });
    expect(ofKind(events, 'sample')[0]?.pressure_kpa).toBe(100);
  });
});

describe('parsePrinterLine purity', () => {
  const deepFreeze = <T>(x: T): T => {
    if (typeof x === 'object' && x !== null) {
      Object.values(x).forEach(deepFreeze);
      Object.freeze(x);
    }
    return x;
  };

  it('never mutates its input state and gives the same output for the same input', () => {
    const lines = fixtureLines('pass-134.txt');
    let state: PrinterParserState = deepFreeze(initialParserState());
    for (const [i, line] of lines.entries()) {
      const a = parsePrinterLine(state, line, ctx(RECV0 + i));
      const b = parsePrinterLine(state, line, ctx(RECV0 + i));
      expect(b).toEqual(a);
      state = deepFreeze(a.state);
    }
  });

  it('never throws and never loses a line, whatever the input', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(...fixtureLines('pass-134.txt'), ...fixtureLines('aborted-alarm.txt'), 'RESULT: CYCLE OK', 'CYCLE NO: 9 DATE: 2025-13-40'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const { events, state } = feed(lines);
        const held = state.pending?.lines.map((l) => l.line) ?? [];
        expect([...ofKind(events, 'raw').map((e) => e.line), ...held]).toEqual(lines);
      }),
      { numRuns: 300 },
    );
  });
});
