import { describe, expect, it } from 'vitest';
import { injectGarbage, junkLine } from '../../simulators/output/garbage.js';
import { linesToChunks } from '../../simulators/output/timed-chunk.js';
import { createPrng } from '../../simulators/shared/prng.js';
import { generateSteamCycle, steamProgram } from '../../simulators/steam/steam-cycle-model.js';
import { renderTicket } from '../../simulators/steam/ticket-writer.js';

// The ticket grammar of docs/devices.md: junk must match none of it.
const LABEL = String.raw`START|PULSE\d+ VAC|PULSE\d+ STEAM|LEAK TEST|HEAT UP|STERILIZE END|STERILIZE|EXHAUST|DRYING|AIR IN|END|FAULT|LEAK STAB|LEAK MEASURE`;
const GRAMMAR: RegExp[] = [
  /^=+ STERILIZER (\S+)\s+PROG (\d+):\s*(.*?)\s*=+$/,
  /^CYCLE NO:\s*(\d+)(?:\s+DATE:\s*(\d{4}-\d{2}-\d{2}))?/,
  /^OPERATOR:\s*(\S+)(?:\s+LOAD ID:\s*(\S+))?/,
  /^TIME\s+PHASE/,
  new RegExp(String.raw`^(\d{2}):(\d{2}):(\d{2})\s{2,}(${LABEL})?\s+(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*$`),
  /^ALARM\s+(\S+):?\s*(.*)$/,
  /^RESULT:\s*CYCLE OK/,
  /^RESULT:\s*CYCLE (ABORTED|FAILED|FAULT)(.*)$/,
  /^(STER TEMP MIN\/MAX|STER TIME|F0)|^$/,
];
const matchesGrammar = (line: string): boolean => GRAMMAR.some((r) => r.test(line.trim()));
/** Splits a byte stream into lines as the driver does (CR, LF or CRLF). */
const splitLines = (buf: Buffer): string[] =>
  buf
    .toString('latin1')
    .split(/\r\n|\r|\n/)
    .slice(0, -1);

const cycle = generateSteamCycle(steamProgram('steam-134-4'), { seed: 4 });
const lines = renderTicket(
  { sterilizer: 'SZ-03', programNo: 1, programText: '134C INSTR', cycleNo: 7, operator: '0001', loadId: 'L1', startMs: Date.UTC(2025, 0, 1, 10) },
  cycle,
);
const clean = linesToChunks(lines, 100);

describe('garbage fault', () => {
  const noisy = injectGarbage(clean, createPrng(3));
  const stream = Buffer.concat(noisy.map((c) => c.data));
  const received = splitLines(stream);

  it('keeps every real line intact and in order', () => {
    expect(noisy.filter((c) => c.kind === 'line').map((c) => c.data)).toEqual(clean.map((c) => c.data));
    expect(received.filter(matchesGrammar)).toEqual(lines.map((l) => l.text));
  });

  it('adds junk lines and binary noise that match no grammar rule', () => {
    const junk = received.filter((l) => !matchesGrammar(l));
    expect(junk.length).toBeGreaterThan(20);
    expect(noisy.filter((c) => c.kind === 'noise').some((c) => c.data.some((b) => b < 0x20 && b !== 0x0d && b !== 0x0a))).toBe(true);
    expect(noisy.some((c) => c.kind === 'noise' && c.data.some((b) => b >= 0x80))).toBe(true);
    for (let seed = 0; seed < 500; seed++) {
      const line = junkLine(createPrng(seed));
      expect(line.subarray(-2).toString('latin1')).toBe('\r\n');
      expect(line.subarray(0, -2).includes(0x0a) || line.subarray(0, -2).includes(0x0d)).toBe(false);
      expect(matchesGrammar(line.subarray(0, -2).toString('latin1'))).toBe(false);
    }
  });

  it('sends one line longer than 4096 bytes in pieces over 8 simulated seconds, holding the real lines meanwhile', () => {
    const long = received.filter((l) => l.length > 4096);
    expect(long).toHaveLength(1);
    expect(long[0]?.length).toBe(6000);
    const pieces = noisy.filter((c) => c.kind === 'noise' && c.data.length >= 400);
    expect(pieces.length).toBe(12);
    const from = pieces[0]?.atS ?? 0;
    const to = pieces[pieces.length - 1]?.atS ?? 0;
    expect(to - from).toBeGreaterThan(6);
    const end = noisy.findIndex((c, i) => i > noisy.indexOf(pieces[pieces.length - 1]!) && c.data.includes(0x0a));
    expect(noisy[end]?.atS).toBeCloseTo(from + 8, 9);
    // nothing real is sent while the long line is open, and the held lines keep their printed text
    for (const c of noisy) if (c.kind === 'line' && c.atS > from) expect(c.atS).toBeGreaterThanOrEqual(from + 8);
  });

  it('keeps chunk times non-decreasing and is deterministic for a seed', () => {
    for (let i = 1; i < noisy.length; i++) expect(noisy[i]!.atS).toBeGreaterThanOrEqual(noisy[i - 1]!.atS);
    expect(injectGarbage(clean, createPrng(3))).toEqual(noisy);
  });
});
