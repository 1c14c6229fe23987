import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTraceCsv, parseTraceFile, TraceFormatError, type TraceSample, writeTraceCsv } from '../../gateway/verify/index.js';
import { ALL_PHASES } from '../../vocabulary/phases.js';

const TRACES = new URL('../fixtures/traces/', import.meta.url);

/** The error parseTraceCsv throws for `text`, or a test failure if it does not throw one. */
function formatError(text: string): TraceFormatError {
  try {
    parseTraceCsv(text);
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError');
}

describe('parseTraceCsv', () => {
  it.each(readdirSync(TRACES).filter((f) => f.endsWith('.csv')))('reads golden %s', (file) => {
    const text = readFileSync(new URL(file, TRACES), 'utf8');
    const samples = parseTraceCsv(text);
    expect(samples).toHaveLength(text.trim().split('\n').length - 1);
    expect(samples[0]?.t).toBe(0);
    expect(samples.every((s) => s.phase !== undefined)).toBe(true);
  });

  it('takes the columns in any order, the optional load probe, empty cells as null', () => {
    const text = 'phase,temp2_c,pressure_kpa,t_s,temp_c\nsterilizing,134.5,304.2,0,135.1\n,,,1.5,\r\nheating,,,2,\n';
    expect(parseTraceCsv(text)).toEqual([
      { t: 0, temp_c: 135.1, temp2_c: 134.5, pressure_kpa: 304.2, phase: 'sterilizing' },
      { t: 1.5, temp_c: null, temp2_c: null, pressure_kpa: null },
      { t: 2, temp_c: null, temp2_c: null, pressure_kpa: null, phase: 'heating' },
    ]);
  });

  it('accepts a byte-order mark, CRLF, quoted cells, blank lines and exponents', () => {
    const text = '\uFEFF"t_s","temp_c","pressure_kpa","phase"\r\n\r\n0,"1.2e2",,"rinse"\r\n\r\n';
    expect(parseTraceCsv(text)).toEqual([{ t: 0, temp_c: 120, pressure_kpa: null, phase: 'rinse' }]);
  });

  it.each([
    ['an unknown phase', 't_s,temp_c,pressure_kpa,phase\n0,20,,prewash\n1,20,,steaming\n', 3, 'phase', /unknown phase "steaming"/],
    ['a decimal comma (one cell too many)', 't_s,temp_c,pressure_kpa,phase\n0,134.2,,\n1,13,4,,\n', 3, undefined, /5 values but the header has 4 columns/],
    ['a non-numeric value', 't_s,temp_c,pressure_kpa,phase\n0,abc,,\n', 2, 'temp_c', /"abc" is not a number/],
    ['NaN', 't_s,temp_c,pressure_kpa,phase\n0,NaN,,\n', 2, 'temp_c', /not a number/],
    ['a missing column', 't_s,temp_c,phase\n0,1,heating\n', 1, 'pressure_kpa', /lacks pressure_kpa/],
    ['an unknown column', 't_s,temp_c,temp2,pressure_kpa,phase\n', 1, 'temp2', /unknown column "temp2"/],
    ['a duplicated column', 't_s,temp_c,temp_c,pressure_kpa,phase\n', 1, 'temp_c', /appears twice/],
    ['time going backwards', 't_s,temp_c,pressure_kpa,phase\n0,1,,\n5,1,,\n4,1,,\n', 4, 't_s', /4 s is not after 5 s on line 3/],
    ['an unknown result', '# result: passed\nt_s,temp_c,pressure_kpa,phase\n0,1,,\n', 1, 'result', /expected ok, fail or aborted, found "passed"/],
    [
      'a result column that contradicts itself',
      't_s,temp_c,pressure_kpa,phase,result\n0,1,,,ok\n1,1,,,aborted\n',
      3,
      'result',
      /"aborted" but line 2 says "ok"/,
    ],
    [
      'a comment result that contradicts the column',
      '# result: ok\nt_s,temp_c,pressure_kpa,phase,result\n0,1,,,fail\n',
      3,
      'result',
      /"fail" but line 1 says "ok"/,
    ],
    [
      'a second trace in one file',
      '# record seq 1\nt_s,temp_c,pressure_kpa,phase\n0,1,,\n# record seq 2\nt_s,temp_c,pressure_kpa,phase\n0,1,,\n',
      5,
      undefined,
      /a second trace starts here.*--seq/,
    ],
    ['an empty time', 't_s,temp_c,pressure_kpa,phase\n,1,,\n', 2, 't_s', /is empty/],
    ['an empty file', '\n\n', 1, undefined, /empty/],
  ])('rejects %s with line and column', (_what, text, line, column, message) => {
    const e = formatError(text);
    expect(e.line).toBe(line);
    expect(e.column).toBe(column);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(new RegExp(`^line ${line}`));
    expect(e.code).toBe('verify.trace-format');
  });
});

describe('comments and the device result (docs/verification.md)', () => {
  it('skips # comment lines and reads the device result from `# result:` or a result column', () => {
    const text = '# record seq 7 device AC-01 cycle 12 program steam-134-4 verdict fail\n# result: aborted\nt_s,temp_c,pressure_kpa,phase\n0,20,,\n';
    expect(parseTraceFile(text)).toEqual({
      samples: [{ t: 0, temp_c: 20, pressure_kpa: null }],
      deviceResult: 'aborted',
      comments: ['record seq 7 device AC-01 cycle 12 program steam-134-4 verdict fail', 'result: aborted'],
    });
    expect(parseTraceFile('t_s,temp_c,pressure_kpa,phase,result\n0,20,,,\n1,20,,complete,fail\n').deviceResult).toBe('fault');
    expect(parseTraceFile('t_s,temp_c,pressure_kpa,phase\n0,20,,\n# RESULT: OK\n').deviceResult).toBe('ok');
    expect(parseTraceFile('t_s,temp_c,pressure_kpa,phase\n0,20,,\n').deviceResult).toBeUndefined();
  });

  it('keeps two rows at the same time (two readings in one printed second), in file order', () => {
    expect(parseTraceCsv('t_s,temp_c,pressure_kpa,phase\n0,134.5,,\n0,133.2,,\n1,134.6,,\n').map((s) => s.temp_c)).toEqual([134.5, 133.2, 134.6]);
  });

  it('writes the device result and comments as # lines that read back', () => {
    const samples: TraceSample[] = [{ t: 0, temp_c: 20, pressure_kpa: null, phase: 'complete' }];
    for (const deviceResult of ['ok', 'aborted', 'fault'] as const) {
      const text = writeTraceCsv(samples, { comments: ['record seq 3'], deviceResult });
      expect(text.split('\n')[0]).toBe('# record seq 3');
      expect(parseTraceFile(text)).toMatchObject({ samples, deviceResult });
    }
    expect(writeTraceCsv(samples, { deviceResult: 'fault' })).toMatch(/^# result: fail\n/);
  });
});

describe('writeTraceCsv', () => {
  it('writes the header of the trace format, temp2_c only when a probe exists', () => {
    expect(writeTraceCsv([{ t: 0, temp_c: 20, pressure_kpa: null, phase: 'prewash' }])).toBe('t_s,temp_c,pressure_kpa,phase\n0,20,,prewash\n');
    expect(writeTraceCsv([{ t: 0, temp_c: 134, temp2_c: null, pressure_kpa: 304.2 }])).toBe('t_s,temp_c,temp2_c,pressure_kpa,phase\n0,134,,304.2,\n');
  });

  it('round-trips the golden traces value for value', () => {
    for (const file of readdirSync(TRACES).filter((f) => f.endsWith('.csv'))) {
      const samples = parseTraceCsv(readFileSync(new URL(file, TRACES), 'utf8'));
      expect(parseTraceCsv(writeTraceCsv(samples))).toEqual(samples);
    }
  });

  it('round-trips any trace (property)', () => {
    const reading = fc.option(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => x + 0),
      { nil: null },
    );
    const sample = fc.record({
      dt: fc.integer({ min: 1, max: 100_000 }).map((x) => x / 1000),
      temp_c: reading,
      temp2_c: reading,
      pressure_kpa: reading,
      phase: fc.option(fc.constantFrom(...ALL_PHASES), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 1_000_000 }), (rows, probe, t0) => {
        let t = t0;
        const samples: TraceSample[] = rows.map((r) => {
          t += r.dt;
          const s: TraceSample = { t, temp_c: r.temp_c, pressure_kpa: r.pressure_kpa };
          if (probe) s.temp2_c = r.temp2_c;
          if (r.phase) s.phase = r.phase;
          return s;
        });
        expect(parseTraceCsv(writeTraceCsv(samples))).toEqual(samples);
      }),
    );
  });
});
