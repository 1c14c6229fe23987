import { describe, expect, it } from 'vitest';
import { PREVAC_TICKET } from '../../drivers/printer-line/index.js';
import { type CriterionId, getProgram, verifyCycle } from '../../gateway/verify/index.js';
import { cycleA0 } from '../../simulators/washer/device-a0.js';
import {
  generateWasherCycle,
  WASHER_FAULTS,
  WASHER_PROGRAMS,
  type WasherCycle,
  type WasherFault,
  washerProgram,
} from '../../simulators/washer/washer-cycle-model.js';
import {
  formatWasherHeader,
  formatWasherSampleLine,
  renderWasherTicket,
  type WasherTicketHeader,
  washerTicketText,
} from '../../simulators/washer/washer-ticket-writer.js';
import { ofKind, parseTicketLines } from '../helpers/printer-line.js';

// The washer ticket grammar as proposed for docs/devices.md (simulators/washer/README.md).
const LABEL = String.raw`PREWASH|WASH|NEUTRALIZE|RINSE|DISINFECT|DRYING|END|FAULT`;
const GRAMMAR = {
  header: /^=+ WASHER (\S+)\s+PROG (\d+):\s*(.*?)\s*=+$/,
  cycleNo: /^CYCLE NO:\s*(\d+)(?:\s+DATE:\s*(\d{4}-\d{2}-\d{2}))?/,
  operator: /^OPERATOR:\s*(\S+)(?:\s+LOAD ID:\s*(\S+))?/,
  columns: /^TIME\s+PHASE/,
  sample: new RegExp(String.raw`^(\d{2}):(\d{2}):(\d{2})\s{2,}(${LABEL})?\s+(-?\d+\.\d)\s+-\s+(-?\d+\.\d)$`),
  alarm: /^ALARM\s+([^\s:]+):?\s*(.*)$/,
  resultOk: /^RESULT:\s*CYCLE OK$/,
  resultBad: /^RESULT:\s*CYCLE ABORTED$/,
  summary: /^DISINF TEMP MIN\/MAX: \d+\.\d\/\d+\.\d C$|^DISINF TIME: \d\d:\d\d {3}A0: \d+$/,
} as const;
type Kind = keyof typeof GRAMMAR;
const kinds = (line: string): Kind[] => (Object.keys(GRAMMAR) as Kind[]).filter((k) => GRAMMAR[k].test(line));

const START_MS = new Date(2025, 2, 14, 8, 0, 0).getTime(); // local time, as the machine prints it
const header = (over: Partial<WasherTicketHeader> = {}): WasherTicketHeader => ({
  washer: 'WD-01',
  programNo: 12,
  programText: 'A0 3000 INSTR',
  cycleNo: 42,
  operator: '0127',
  loadId: 'L250314-000042',
  startMs: START_MS,
  ...over,
});
const make = (id: string, fault?: WasherFault, seed = 5): WasherCycle => generateWasherCycle(washerProgram(id), fault ? { seed, fault } : { seed });
const ticketOf = (c: WasherCycle): string[] => {
  const p = washerProgram(c.programId);
  return renderWasherTicket(header({ programNo: p.programNo, programText: p.text }), c).map((l) => l.text);
};
const failedIds = (samples: Parameters<typeof verifyCycle>[0], id: string): CriterionId[] =>
  verifyCycle(samples, getProgram(id)!)
    .criteria.filter((c) => c.pass === false)
    .map((c) => c.id);

describe('washer ticket layout', () => {
  it('prints the sterilizer header facts with WASHER and a load-probe column', () => {
    expect(formatWasherHeader(header())).toEqual([
      '==== WASHER WD-01  PROG 12: A0 3000 INSTR ====',
      'CYCLE NO: 000042      DATE: 2025-03-14',
      'OPERATOR: 0127        LOAD ID: L250314-000042',
      'TIME      PHASE           T(C)    P(kPa)   T2(C)',
    ]);
    const at = (h: number, m: number, s: number): number => new Date(2025, 2, 14, h, m, s).getTime();
    expect(formatWasherSampleLine(at(8, 0, 0), 'PREWASH', 21.74, 21.3)).toBe('08:00:00  PREWASH         21.7         -    21.3');
    expect(formatWasherSampleLine(at(8, 14, 34), undefined, 91.25, 90.96)).toBe('08:14:34                  91.3         -    91.0');
    expect(formatWasherSampleLine(at(8, 14, 35), 'NEUTRALIZE', 110.04, 103.8)).toBe('08:14:35  NEUTRALIZE     110.0         -   103.8');
    expect(formatWasherSampleLine(at(8, 14, 35), 'DRYING', 98.2)).toBe('08:14:35  DRYING          98.2         -');
  });

  it('refuses a washer name with a space (the header takes one word)', () => {
    expect(() => formatWasherHeader(header({ washer: 'WD 01' }))).toThrow(/one word/);
  });

  it('ends every line with CRLF and has no bare LF or CR', () => {
    const text = washerTicketText(renderWasherTicket(header(), make('washer-a0-600')));
    expect(text.endsWith('RESULT: CYCLE OK\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });
});

const cases: Array<[string, WasherFault | undefined]> = WASHER_PROGRAMS.flatMap((p) => [
  [p.id, undefined] as [string, WasherFault | undefined],
  ...WASHER_FAULTS.map((f) => [p.id, f] as [string, WasherFault]),
]);

describe.each(cases)('ticket of %s (fault %s)', (id, fault) => {
  const cycle = make(id, fault);
  const lines = renderWasherTicket(header({ programNo: washerProgram(id).programNo, programText: washerProgram(id).text }), cycle);
  const texts = lines.map((l) => l.text);

  it('has every line in exactly one grammar rule, header first and RESULT last', () => {
    for (const line of texts) expect(kinds(line), line).toHaveLength(1);
    expect(texts.slice(0, 4).map((l) => kinds(l)[0])).toEqual(['header', 'cycleNo', 'operator', 'columns']);
    expect(kinds(texts.at(-1) ?? '')).toEqual([cycle.result === 'ok' ? 'resultOk' : 'resultBad']);
    expect(texts.filter((l) => GRAMMAR.sample.test(l))).toHaveLength(cycle.samples.length);
  });

  it('prints each line at the cycle time of its sample, in order', () => {
    for (let i = 1; i < lines.length; i++) expect(lines[i]?.t ?? 0).toBeGreaterThanOrEqual(lines[i - 1]?.t ?? 0);
  });

  it('is read by the default profile with the gateway parser, and verifies as the model does', () => {
    const { events, trace } = parseTicketLines(texts, PREVAC_TICKET);
    expect(ofKind(events, 'parse-error')).toEqual([]);
    expect(ofKind(events, 'cycle-start')).toEqual([
      expect.objectContaining({
        programNo: washerProgram(id).programNo,
        cycleNo: 42,
        info: { sterilizer: 'WD-01', programText: washerProgram(id).text, date: '2025-03-14', operator: '0127', loadId: 'L250314-000042' },
      }),
    ]);
    expect(ofKind(events, 'phase').map((e) => e.phase)).toEqual(cycle.samples.map((s) => s.phase).filter((p, i, a) => i === 0 || a[i - 1] !== p));
    expect(ofKind(events, 'cycle-end')).toEqual([expect.objectContaining({ status: cycle.result, ...(cycle.result === 'aborted' ? { code: 'E41' } : {}) })]);
    expect(trace.samples).toHaveLength(cycle.samples.length);
    trace.samples.forEach((s, i) => {
      const m = cycle.samples[i]!;
      expect(s.t).toBe(m.t - cycle.samples[0]!.t);
      expect(s.phase).toBe(m.phase);
      expect(Math.abs((s.temp_c ?? NaN) - m.temp_c)).toBeLessThanOrEqual(0.0501);
      expect(Math.abs((s.temp2_c ?? NaN) - (m.temp2_c ?? NaN))).toBeLessThanOrEqual(0.0501);
      expect(s.pressure_kpa).toBeUndefined();
    });
    // printed at 0.1 K resolution the cycle gets the same verdict, criterion by criterion
    expect(failedIds(trace, id)).toEqual(failedIds({ samples: cycle.samples, deviceResult: cycle.result }, id));
  });
});

describe('phase labels and the machine summary', () => {
  it('marks every phase once, in machine order', () => {
    const labels = ticketOf(make('washer-a0-3000'))
      .map((l) => GRAMMAR.sample.exec(l)?.[4])
      .filter((l) => l !== undefined);
    expect(labels).toEqual(['PREWASH', 'WASH', 'NEUTRALIZE', 'RINSE', 'DISINFECT', 'DRYING', 'END']);
  });

  it('prints the abort alarm before the first FAULT sample and RESULT: CYCLE ABORTED', () => {
    const text = ticketOf(make('washer-a0-3000', 'abort'));
    const alarm = text.indexOf('ALARM E41: CIRCULATION PUMP');
    expect(alarm).toBeGreaterThan(0);
    expect(text[alarm + 1]).toMatch(/^\d\d:\d\d:\d\d {2}FAULT /);
    expect(text.at(-1)).toBe('RESULT: CYCLE ABORTED');
  });

  it('summarises the hold as the controller timed it, with its own A0', () => {
    const c = make('washer-a0-3000');
    const text = ticketOf(c);
    expect(text.slice(-3, -1)).toEqual([
      expect.stringMatching(/^DISINF TEMP MIN\/MAX: 9[01]\.\d\/9[12]\.\d C$/),
      `DISINF TIME: 05:30   A0: ${Math.round(cycleA0(c.samples))}`,
    ]);
    expect(ticketOf(make('washer-a0-600', 'short-disinfect')).at(-2)).toMatch(/^DISINF TIME: 00:18 {3}A0: \d+$/);
  });
});
