// `prevac-ticket-zh`: a Chinese ticket sent GB18030-encoded, through the LineFramer (split anywhere,
// even inside a character) and the parser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProfile, PARSE_ERROR_REASONS, PREVAC_TICKET_ZH, phaseForLabel } from '../../drivers/printer-line/index.js';
import { LineFramer } from '../../drivers/transport/line-framer.js';
import { feedLines, fixtureBytes, ofKind } from '../helpers/printer-line.js';

const CET = 60;
const RECV0 = Date.parse('2025-03-14T08:30:00+01:00');
const bytes = fixtureBytes('prevac-ticket-zh.txt');

function frame(data: Buffer, cuts: number[], encoding = 'gb18030'): string[] {
  const framer = new LineFramer({ encoding });
  const out: string[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < data.length)].sort((a, b) => a - b).concat(data.length)) {
    for (const item of framer.push(data.subarray(at, cut))) if (item.kind === 'line') out.push(item.text);
    at = cut;
  }
  return out;
}

describe('GB18030 bytes through the LineFramer', () => {
  it('the fixture really is GB18030 (two-byte Han characters, no UTF-8)', () => {
    expect(bytes.subarray(0, 16)).toEqual(Buffer.from('==== \xc3\xf0\xbe\xfa\xc6\xf7\xb1\xe0\xba\xc5 ', 'latin1'));
    expect(new TextDecoder('utf-8', { fatal: false }).decode(bytes)).toContain('\uFFFD');
  });

  it('decodes the same lines wherever the chunks are cut, even inside a character', () => {
    const whole = frame(bytes, []);
    expect(whole[0]).toBe('==== 灭菌器编号 SZ-03  程序 1: 134℃ 器械 ====');
    expect(whole).toContain('结果: 合格');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }), (cuts) => {
        expect(frame(bytes, cuts)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});

describe('prevac-ticket-zh on the hand-written ticket', () => {
  const lines = frame(bytes, []);
  const f = feedLines(PREVAC_TICKET_ZH, lines, RECV0, 1000, { tzOffsetMinutes: CET });

  it('parses every line: header facts (ASCII and full-width colons), 14 samples, phases, result 合格', () => {
    expect(ofKind(f.events, 'parse-error')).toEqual([]);
    expect(ofKind(f.events, 'cycle-start')).toEqual([
      {
        kind: 'cycle-start',
        deviceId: 'AC-01',
        ts: RECV0,
        programNo: 1,
        cycleNo: 4217,
        info: { sterilizer: 'SZ-03', programText: '134℃ 器械', date: '2025-03-14', operator: '0127', loadId: 'L250314-004217' },
      },
    ]);
    expect(ofKind(f.events, 'sample')).toHaveLength(14);
    expect(ofKind(f.events, 'cycle-end')).toEqual([{ kind: 'cycle-end', deviceId: 'AC-01', ts: Date.parse('2025-03-14T08:29:10+01:00'), status: 'ok' }]);
  });

  it('maps the Chinese labels to phases; 进汽 (steam in) and 进气 (air in) are different phases', () => {
    expect(ofKind(f.events, 'phase').map((p) => `${p.label}:${p.phase}`)).toEqual([
      '开始:conditioning',
      '升温:heating',
      '灭菌:sterilizing',
      '灭菌结束:exhaust',
      '干燥:drying',
      '进气:aeration',
      '结束:complete',
    ]);
    const c = compileProfile(PREVAC_TICKET_ZH);
    expect(phaseForLabel(c, '进汽2')).toBe('conditioning');
    expect(phaseForLabel(c, '进气')).toBe('aeration');
    expect(phaseForLabel(c, '预真空3')).toBe('conditioning');
    expect(phaseForLabel(c, '泄漏测量')).toBe('leak-measure');
  });

  it('converts kPa gauge to absolute', () => {
    const ster = ofKind(f.events, 'sample').find((s) => s.phase === 'sterilizing');
    expect(ster).toMatchObject({ temp_c: 134.2, pressure_kpa: 304.425, ts: Date.parse('2025-03-14T08:12:30+01:00') });
  });

  it('reads an alarm and 中止 as an aborted cycle carrying the alarm code', () => {
    const g = feedLines(PREVAC_TICKET_ZH, frame(fixtureBytes('prevac-ticket-zh-abort.txt'), []), RECV0, 1000, { tzOffsetMinutes: CET });
    expect(ofKind(g.events, 'parse-error')).toEqual([]);
    expect(ofKind(g.events, 'alarm')).toMatchObject([{ code: 'E23', text: '蒸汽供应' }]);
    expect(ofKind(g.events, 'cycle-end')).toMatchObject([{ status: 'aborted', code: 'E23' }]);
    expect(ofKind(g.events, 'phase').map((p) => p.phase)).toEqual(['conditioning', 'sterilizing', 'fault']);
  });

  it('read with the wrong encoding, the ticket is not understood (the encoding is part of the profile)', () => {
    const g = feedLines(PREVAC_TICKET_ZH, frame(bytes, [], 'utf-8'), RECV0);
    expect(ofKind(g.events, 'cycle-start')).toEqual([]);
    expect(ofKind(g.events, 'parse-error').filter((e) => e.reason === PARSE_ERROR_REASONS.unrecognized).length).toBeGreaterThan(3);
  });
});
