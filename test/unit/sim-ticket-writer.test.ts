import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileProfile, PREVAC_TICKET, phaseForLabel } from '../../drivers/printer-line/index.js';
import { tsatC } from '../../gateway/verify/steam-table.js';
import type { SteamCycle } from '../../simulators/steam/cycle.js';
import { faultsFor, type ModelFault } from '../../simulators/steam/faults.js';
import { generateSteamCycle, STEAM_PROGRAMS, steamProgram } from '../../simulators/steam/steam-cycle-model.js';
import { formatClock, formatHeader, formatSampleLine, renderTicket, sampleLabel, type TicketHeader, ticketText } from '../../simulators/steam/ticket-writer.js';

// The ticket grammar, copied from docs/devices.md (the parser is written against the same table).
const LABEL = String.raw`START|PULSE\d+ VAC|PULSE\d+ STEAM|LEAK TEST|HEAT UP|STERILIZE END|STERILIZE|EXHAUST|DRYING|AIR IN|END|FAULT|LEAK STAB|LEAK MEASURE`;
const GRAMMAR = {
  header: /^=+ STERILIZER (\S+)\s+PROG (\d+):\s*(.*?)\s*=+$/,
  cycleNo: /^CYCLE NO:\s*(\d+)(?:\s+DATE:\s*(\d{4}-\d{2}-\d{2}))?/,
  operator: /^OPERATOR:\s*(\S+)(?:\s+LOAD ID:\s*(\S+))?/,
  columns: /^TIME\s+PHASE/,
  sample: new RegExp(String.raw`^(\d{2}):(\d{2}):(\d{2})\s{2,}(${LABEL})?\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*$`),
  alarm: /^ALARM\s+(\S+):?\s*(.*)$/,
  resultOk: /^RESULT:\s*CYCLE OK/,
  resultBad: /^RESULT:\s*CYCLE (ABORTED|FAILED|FAULT)(.*)$/,
  summary: /^(STER TEMP MIN\/MAX|STER TIME|F0)|^$/,
} as const;
type Kind = keyof typeof GRAMMAR;
// A label's phase is the gateway's own reading of it (the built-in prevac-ticket profile's phaseMap).
const PREVAC = compileProfile(PREVAC_TICKET);
const labelPhase = (label: string): string | undefined => phaseForLabel(PREVAC, label);

/** Every kind of the grammar a line matches (a well-formed line matches exactly one). */
function kinds(line: string): Kind[] {
  return (Object.keys(GRAMMAR) as Kind[]).filter((k) => GRAMMAR[k].test(line));
}

interface ParsedSample {
  clock: string;
  label?: string;
  phase: string;
  temp: number;
  gauge: number;
}
/** What a parser following docs/devices.md gets back from a ticket. */
function parseTicket(lines: string[]): { samples: ParsedSample[]; alarms: string[]; result?: string; header: string[] } {
  const samples: ParsedSample[] = [];
  const alarms: string[] = [];
  const header: string[] = [];
  let result: string | undefined;
  let phase = '';
  for (const line of lines) {
    const m = GRAMMAR.sample.exec(line);
    if (m) {
      const label = m[4];
      if (label) phase = labelPhase(label) ?? 'unknown';
      samples.push({ clock: `${m[1]}:${m[2]}:${m[3]}`, ...(label ? { label } : {}), phase, temp: Number(m[5]), gauge: Number(m[6]) });
      continue;
    }
    const a = GRAMMAR.alarm.exec(line);
    // The documented regex's greedy (\S+) keeps the colon of `E23:` in the code; a parser strips it.
    if (a) alarms.push(`${(a[1] ?? '').replace(/:$/, '')}: ${a[2]}`);
    else if (GRAMMAR.resultOk.test(line)) result = 'ok';
    else if (GRAMMAR.resultBad.test(line)) result = 'aborted';
    else if (GRAMMAR.header.test(line) || GRAMMAR.cycleNo.test(line) || GRAMMAR.operator.test(line)) header.push(line);
  }
  return { samples, alarms, header, ...(result ? { result } : {}) };
}

const START_MS = new Date(2025, 2, 14, 8, 2, 11).getTime(); // local time, as the machine prints it
const header = (over: Partial<TicketHeader> = {}): TicketHeader => ({
  sterilizer: 'SZ-03',
  programNo: 1,
  programText: '134C INSTR',
  cycleNo: 4217,
  operator: '0127',
  loadId: 'L250314-03-07',
  startMs: START_MS,
  ...over,
});

const cases: Array<[string, ModelFault | undefined]> = STEAM_PROGRAMS.flatMap((p) => [
  [p.id, undefined] as [string, ModelFault | undefined],
  ...faultsFor(p)
    .filter((f): f is ModelFault => f !== 'garbage')
    .map((f) => [p.id, f] as [string, ModelFault]),
]);
const make = (id: string, fault?: ModelFault, seed = 5): SteamCycle => generateSteamCycle(steamProgram(id), fault ? { seed, fault } : { seed });

describe('ticket lines follow the docs/devices.md layout', () => {
  it('reproduces the documented example lines exactly', () => {
    expect(formatHeader(header())).toEqual([
      '==== STERILIZER SZ-03  PROG 1: 134C INSTR ====',
      'CYCLE NO: 004217      DATE: 2025-03-14',
      'OPERATOR: 0127        LOAD ID: L250314-03-07',
      'TIME      PHASE           T(C)    P(kPa)',
    ]);
    const at = (h: number, m: number, s: number): number => new Date(2025, 2, 14, h, m, s).getTime();
    expect(formatSampleLine(at(8, 2, 11), 'START', 96.3, 101.325 - 1)).toBe('08:02:11  START           96.3      -1.0');
    expect(formatSampleLine(at(8, 2, 12), undefined, 96.1, 101.325 - 5.2)).toBe('08:02:12                  96.1      -5.2');
    expect(formatSampleLine(at(8, 4, 52), 'PULSE1 STEAM', 118.4, 101.325 + 75)).toBe('08:04:52  PULSE1 STEAM   118.4      75.0');
    expect(formatSampleLine(at(8, 16, 30), 'STERILIZE END', 134.6, 101.325 + 205)).toBe('08:16:30  STERILIZE END  134.6     205.0');
    expect(formatSampleLine(at(8, 29, 10), 'END', 80.1, 101.325)).toBe('08:29:10  END             80.1       0.0');
  });

  it('never prints -0.0 and prints deep vacuum as negative gauge', () => {
    expect(formatSampleLine(START_MS, undefined, 80, 101.3)).toMatch(/ 0\.0$/);
    expect(formatSampleLine(START_MS, undefined, 80, 5)).toMatch(/ -96\.3$/);
  });

  it('refuses a sterilizer name with a space (the header regex takes one word)', () => {
    expect(() => formatHeader(header({ sterilizer: 'SZ 03' }))).toThrow(/one word/);
  });
});

describe.each(cases)('ticket of %s (fault %s)', (id, fault) => {
  const cycle = make(id, fault);
  const lines = renderTicket(header({ programNo: steamProgram(id).programNo, programText: steamProgram(id).text }), cycle);
  const texts = lines.map((l) => l.text);

  it('has every line in exactly one grammar rule, header first and RESULT last', () => {
    for (const line of texts) expect(kinds(line), line).toHaveLength(1);
    expect(kinds(texts[0] ?? '')).toEqual(['header']);
    expect(kinds(texts[1] ?? '')).toEqual(['cycleNo']);
    expect(kinds(texts[2] ?? '')).toEqual(['operator']);
    expect(kinds(texts[3] ?? '')).toEqual(['columns']);
    expect(kinds(texts[texts.length - 1] ?? '')).toEqual([cycle.result === 'ok' ? 'resultOk' : 'resultBad']);
  });

  it('parses back to the cycle: clock, phase, temperature and absolute pressure of every sample', () => {
    const parsed = parseTicket(texts);
    expect(parsed.samples).toHaveLength(cycle.samples.length);
    cycle.samples.forEach((s, i) => {
      const p = parsed.samples[i];
      expect(p?.clock).toBe(formatClock(START_MS + s.t * 1000));
      expect(p?.phase).toBe(s.phase);
      expect(Math.abs((p?.temp ?? 0) - s.temp_c)).toBeLessThanOrEqual(0.0501);
      expect(Math.abs((p?.gauge ?? 0) + 101.325 - s.pressure_kpa)).toBeLessThanOrEqual(0.0501);
    });
    expect(parsed.result).toBe(cycle.result);
    expect(parsed.alarms).toEqual(cycle.alarms.map((a) => `${a.code}: ${a.text}`));
  });

  it('prints each line at the cycle time of its sample, in order', () => {
    for (let i = 1; i < lines.length; i++) expect(lines[i]?.t ?? 0).toBeGreaterThanOrEqual(lines[i - 1]?.t ?? 0);
  });
});

describe('phase labels', () => {
  const lines = renderTicket(header(), make('steam-134-4')).map((l) => l.text);
  const labels = parseTicket(lines)
    .samples.filter((s) => s.label)
    .map((s) => s.label);

  it('marks every phase and conditioning sub-step once, in machine order', () => {
    expect(labels).toEqual([
      'START',
      'PULSE1 VAC',
      'PULSE1 STEAM',
      'PULSE2 VAC',
      'PULSE2 STEAM',
      'PULSE3 VAC',
      'PULSE3 STEAM',
      'HEAT UP',
      'STERILIZE',
      'STERILIZE END',
      'EXHAUST',
      'DRYING',
      'AIR IN',
      'END',
    ]);
  });

  it('prints STERILIZE END on the first sample after the plateau', () => {
    const cycle = make('steam-134-4');
    const i = cycle.samples.findIndex((s) => s.phase === 'exhaust');
    expect(sampleLabel(cycle.samples[i - 1], cycle.samples[i] ?? cycle.samples[0]!)).toBe('STERILIZE END');
    expect(sampleLabel(cycle.samples[i - 2], cycle.samples[i - 1]!)).toBeUndefined();
  });

  it('labels the leak test with its own markers', () => {
    const leak = parseTicket(renderTicket(header({ programNo: 8 }), make('leak-test')).map((l) => l.text));
    expect(leak.samples.filter((s) => s.label).map((s) => s.label)).toEqual(['START', 'LEAK TEST', 'LEAK STAB', 'LEAK MEASURE', 'AIR IN', 'END']);
  });

  it('prints the abort alarm before the first FAULT sample and RESULT: CYCLE ABORTED', () => {
    const text = renderTicket(header(), make('steam-134-4', 'abort')).map((l) => l.text);
    const alarm = text.indexOf('ALARM E23: STEAM SUPPLY');
    expect(alarm).toBeGreaterThan(0);
    expect(text[alarm + 1]).toMatch(/^\d\d:\d\d:\d\d {2}FAULT /);
    expect(text[text.length - 1]).toBe('RESULT: CYCLE ABORTED');
  });

  it('summarises the plateau as the machine does', () => {
    const text = renderTicket(header(), make('steam-134-4')).map((l) => l.text);
    expect(text.slice(-3, -1)).toEqual([expect.stringMatching(/^STER TEMP MIN\/MAX: 13[45]\.\d\/13[45]\.\d C$/), 'STER TIME: 04:30   F0: n/a']);
  });
});

describe('plateau on the printed ticket', () => {
  it('is still saturated after rounding to the printed resolution', () => {
    const parsed = parseTicket(renderTicket(header(), make('steam-134-4', undefined, 11)).map((l) => l.text));
    const plateau = parsed.samples.filter((s) => s.phase === 'sterilizing');
    expect(plateau.length).toBe(270);
    for (const s of plateau) expect(Math.abs(s.temp - tsatC(s.gauge + 101.325))).toBeLessThan(0.5);
  });
});

describe('ticketText', () => {
  it('ends every line with CRLF and has no bare LF or CR', () => {
    const text = ticketText(renderTicket(header(), make('bowie-dick-134')));
    expect(text.endsWith('RESULT: CYCLE OK\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });
});

describe('property: any seed and program', () => {
  const programAndFault = fc.constantFrom(...cases);
  it('gives monotonic times and exactly one header and one RESULT line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }),
        programAndFault,
        // June: no daylight-saving change in the window, so the local clock is monotonic too.
        fc.integer({ min: new Date(2025, 5, 1).getTime(), max: new Date(2025, 5, 28).getTime() }),
        (seed, [id, fault], startMs) => {
          const cycle = make(id, fault, seed);
          for (let i = 1; i < cycle.samples.length; i++) expect(cycle.samples[i]!.t).toBeGreaterThan(cycle.samples[i - 1]!.t);
          const lines = renderTicket(header({ startMs }), cycle);
          const texts = lines.map((l) => l.text);
          expect(texts.filter((l) => GRAMMAR.header.test(l))).toHaveLength(1);
          expect(texts.filter((l) => GRAMMAR.resultOk.test(l) || GRAMMAR.resultBad.test(l))).toHaveLength(1);
          // Printed clock advances exactly with the cycle time (modulo midnight).
          const sod = (clock: string): number => clock.split(':').reduce((a, x) => a * 60 + Number(x), 0);
          const printed = parseTicket(texts).samples;
          for (let i = 1; i < printed.length; i++) {
            const dt = (cycle.samples[i]!.t - cycle.samples[i - 1]!.t) % 86400;
            expect((sod(printed[i]!.clock) - sod(printed[i - 1]!.clock) + 86400) % 86400).toBe(dt);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
