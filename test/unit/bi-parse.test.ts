import { describe, expect, it } from 'vitest';
import { biChecksum, splitBiLine } from '../../drivers/bi-reader/bi-line.js';
import { BI_PARSE_ERROR_REASONS, type BiParserState, initialBiParserState, MAX_WELLS, parseBiLine } from '../../drivers/bi-reader/parse.js';
import { withChecksum } from '../../simulators/bi/bi-line-writer.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';

const RECV = Date.parse('2026-11-27T09:00:00Z');
function run(lines: string[], state: BiParserState = initialBiParserState()): { state: BiParserState; events: DeviceEvent[] } {
  const events: DeviceEvent[] = [];
  let s = state;
  lines.forEach((line, i) => {
    const r = parseBiLine(s, line, { deviceId: 'BI-01', recvTs: RECV + i });
    s = r.state;
    events.push(...r.events);
  });
  return { state: s, events };
}
const notRaw = (events: DeviceEvent[]) => events.filter((e) => e.kind !== 'raw');

describe('splitBiLine', () => {
  it('reads the verb, key=value fields and text to the end of the line', () => {
    const r = splitBiLine('BI CAUTION well=3 code=C2  at=2026-11-27T08:22:00Z text=EARLY REMOVAL  ');
    expect(r).toEqual({
      ok: true,
      line: {
        verb: 'CAUTION',
        checked: false,
        fields: new Map([
          ['well', '3'],
          ['code', 'C2'],
          ['at', '2026-11-27T08:22:00Z'],
          ['text', 'EARLY REMOVAL'],
        ]),
      },
    });
  });

  it('checks a trailing *HH checksum when there is one', () => {
    const line = 'BI RESULT well=3 result=NEG';
    const sum = biChecksum(line).toString(16).toUpperCase().padStart(2, '0');
    expect(withChecksum(line)).toBe(`${line} *${sum}`);
    expect(splitBiLine(`${line} *${sum}`)).toMatchObject({ ok: true, line: { checked: true } });
    expect(splitBiLine(`BI RESULT well=8 result=NEG *${sum}`)).toEqual({ ok: false, reason: 'checksum mismatch' });
  });

  it('refuses repeated fields, junk and control characters', () => {
    expect(splitBiLine('BI START well=1 well=2 lot=A')).toEqual({ ok: false, reason: 'repeated field' });
    expect(splitBiLine('BI START well=1 lot')).toEqual({ ok: false, reason: 'malformed BI line' });
    expect(splitBiLine('BI START well=1\u0007 lot=A')).toEqual({ ok: false, reason: 'malformed BI line' });
    expect(splitBiLine('*** PAPER LOW ***')).toEqual({ ok: false, reason: 'unrecognized line' });
    expect(splitBiLine('bi start well=1')).toEqual({ ok: false, reason: 'unrecognized line' });
  });
});

describe('parseBiLine', () => {
  it('START -> bi-start; RESULT fills lot, vial, product and incubation from it', () => {
    const { state, events } = run([
      'BI START well=3 lot=A2301 product=1492V prog=SUPER-RAPID readout=24 at=2026-11-27T08:12:00Z vial=SN0001 control=0',
      'BI RESULT well=3 result=NEG at=2026-11-27T08:36:00Z',
    ]);
    expect(events[0]).toEqual({
      kind: 'raw',
      deviceId: 'BI-01',
      ts: RECV,
      line: 'BI START well=3 lot=A2301 product=1492V prog=SUPER-RAPID readout=24 at=2026-11-27T08:12:00Z vial=SN0001 control=0',
    });
    expect(notRaw(events)).toEqual([
      {
        kind: 'bi-start',
        deviceId: 'BI-01',
        ts: RECV,
        well: '3',
        lot: 'A2301',
        product: '1492V',
        program: 'SUPER-RAPID',
        readoutMin: 24,
        startedAt: Date.parse('2026-11-27T08:12:00Z'),
        vial: 'SN0001',
        control: false,
      },
      {
        kind: 'bi-result',
        deviceId: 'BI-01',
        ts: RECV + 1,
        well: '3',
        lot: 'A2301',
        result: 'negative',
        readAt: Date.parse('2026-11-27T08:36:00Z'),
        incubationMin: 24,
        vial: 'SN0001',
        control: false,
        product: '1492V',
        startedAt: Date.parse('2026-11-27T08:12:00Z'),
      },
    ]);
    expect(state.wells.size).toBe(0);
  });

  it('CONTROL is a control result; its lot comes from the line', () => {
    const { events } = run(['BI CONTROL well=1 lot=A2301 result=POS at=2026-11-27T08:24:00+01:00 incubation=12']);
    expect(notRaw(events)).toEqual([
      {
        kind: 'bi-result',
        deviceId: 'BI-01',
        ts: RECV,
        well: '1',
        lot: 'A2301',
        result: 'positive',
        readAt: Date.parse('2026-11-27T07:24:00Z'),
        incubationMin: 12,
        control: true,
      },
    ]);
  });

  it('a control flag from START carries to its RESULT; result words +, -, INVALID', () => {
    const { events } = run([
      'BI START well=1 lot=L1 control=1',
      'BI RESULT well=1 result=+',
      'BI RESULT well=2 lot=L1 result=- incubation=24',
      'BI RESULT well=4 lot=L1 result=invalid caution=C2 incubation=9',
    ]);
    const results = events.filter((e) => e.kind === 'bi-result');
    expect(results.map((e) => [e.result, e.control, e.caution])).toEqual([
      ['positive', true, undefined],
      ['negative', undefined, undefined],
      ['invalid', undefined, 'C2'],
    ]);
    expect(results[0]).toMatchObject({ readAt: RECV + 1, incubationMin: 0, startedAt: RECV });
  });

  it('CAUTION -> bi-caution with the lot of the vial in the well', () => {
    const { events } = run(['BI START well=3 lot=A2301 vial=SN2', 'BI CAUTION well=3 code=C2 at=2026-11-27T08:22:00Z text=EARLY REMOVAL']);
    expect(notRaw(events)[1]).toEqual({
      kind: 'bi-caution',
      deviceId: 'BI-01',
      ts: RECV + 1,
      well: '3',
      code: 'C2',
      text: 'EARLY REMOVAL',
      at: Date.parse('2026-11-27T08:22:00Z'),
      lot: 'A2301',
      vial: 'SN2',
    });
  });

  it('a result with no lot known is still reported (lot empty): a positive must not be lost', () => {
    expect(notRaw(run(['BI RESULT well=5 result=POS']).events)).toEqual([
      expect.objectContaining({ kind: 'bi-result', well: '5', lot: '', result: 'positive' }),
    ]);
  });

  it('READER lines and empty lines yield no event but raw (empty: nothing)', () => {
    expect(run(['BI READER id=490-1 model=ATTEST-490 wells=12 fw=4.0.2']).events.map((e) => e.kind)).toEqual(['raw']);
    expect(run(['', '   ']).events).toEqual([]);
  });

  it('a START in a busy well replaces the vial and says so', () => {
    const { events, state } = run(['BI START well=3 lot=OLD', 'BI START well=3 lot=NEW']);
    expect(notRaw(events).map((e) => (e.kind === 'parse-error' ? e.reason : e.kind))).toEqual(['bi-start', BI_PARSE_ERROR_REASONS.wellOccupied, 'bi-start']);
    expect(state.wells.get('3')?.lot).toBe('NEW');
  });

  it.each([
    ['BI START lot=A', BI_PARSE_ERROR_REASONS.missingWell],
    ['BI START well=3', BI_PARSE_ERROR_REASONS.missingLot],
    ['BI START well=3 lot=A%B', BI_PARSE_ERROR_REASONS.missingLot],
    ['BI RESULT well=3', BI_PARSE_ERROR_REASONS.missingResult],
    ['BI RESULT well=3 result=MAYBE', BI_PARSE_ERROR_REASONS.missingResult],
    ['BI CAUTION well=3', BI_PARSE_ERROR_REASONS.missingCode],
    ['BI START well=3 lot=A at=2026-02-30T08:00:00Z', BI_PARSE_ERROR_REASONS.badField],
    ['BI START well=3 lot=A at=2026-11-27T08:00:00', BI_PARSE_ERROR_REASONS.badField],
    ['BI START well=3 lot=A readout=-1', BI_PARSE_ERROR_REASONS.badField],
    ['BI START well=3 lot=A control=yes', BI_PARSE_ERROR_REASONS.badField],
    ['BI EJECT well=3', BI_PARSE_ERROR_REASONS.unknownRecord],
    ['BI START well=3 lot=A *00', BI_PARSE_ERROR_REASONS.checksum],
    ['#@!', BI_PARSE_ERROR_REASONS.unrecognized],
  ])('%s -> parse-error "%s", state unchanged', (line, reason) => {
    const before = initialBiParserState();
    const { events, state } = run([line], before);
    expect(events.map((e) => e.kind)).toEqual(['raw', 'parse-error']);
    expect(events[1]).toMatchObject({ reason, raw: line });
    expect(state).toBe(before);
  });

  it('with requireChecksum, a record without one is refused; one with a good checksum passes', () => {
    const ctx = { deviceId: 'BI-01', recvTs: RECV, requireChecksum: true };
    const bare = parseBiLine(initialBiParserState(), 'BI START well=1 lot=A', ctx);
    expect(bare.events[1]).toMatchObject({ kind: 'parse-error', reason: BI_PARSE_ERROR_REASONS.noChecksum });
    expect(parseBiLine(initialBiParserState(), withChecksum('BI START well=1 lot=A'), ctx).events[1]).toMatchObject({ kind: 'bi-start', lot: 'A' });
  });

  it('remembers at most MAX_WELLS placements, forgetting the oldest', () => {
    const { state } = run(Array.from({ length: MAX_WELLS + 5 }, (_, i) => `BI START well=W${i} lot=L`));
    expect(state.wells.size).toBe(MAX_WELLS);
    expect(state.wells.has('W0')).toBe(false);
    expect(state.wells.has(`W${MAX_WELLS + 4}`)).toBe(true);
  });
});

describe('the example in docs/devices.md', () => {
  it('parses without a single parse-error, checksums included', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../docs/devices.md', import.meta.url), 'utf8');
    const block = doc.slice(doc.indexOf('## BI readers')).split('```')[1] ?? '';
    const lines = block.split('\n').filter((l) => l.startsWith('BI '));
    expect(lines).toHaveLength(6);
    const { events } = run(lines);
    expect(events.filter((e) => e.kind === 'parse-error')).toEqual([]);
    expect(notRaw(events).map((e) => e.kind)).toEqual(['bi-start', 'bi-start', 'bi-caution', 'bi-result', 'bi-result']);
  });
});
