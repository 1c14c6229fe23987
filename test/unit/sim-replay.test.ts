import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTraceCsv, readTraceFile } from '../../simulators/steam/replay.js';
import { generateSteamCycle, steamProgram } from '../../simulators/steam/steam-cycle-model.js';
import { renderTicket } from '../../simulators/steam/ticket-writer.js';

const model = generateSteamCycle(steamProgram('steam-121-15'), { seed: 8 });
/** A trace in the trace format (docs/verification.md), with the optional load probe column. */
const csv = [
  't_s,temp_c,pressure_kpa,phase,temp2_c',
  ...model.samples.map((s) => `${s.t.toFixed(1)},${s.temp_c.toFixed(2)},${s.pressure_kpa.toFixed(2)},${s.phase},${(s.temp_c - 0.3).toFixed(2)}`),
].join('\r\n');

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('trace replay', () => {
  it('turns a trace into the sample stream of the model (without sub-steps)', () => {
    const replayed = parseTraceCsv(csv, 'steam-121-15');
    expect(replayed.samples).toEqual(model.samples.map(({ step: _step, ...s }) => s));
    expect(replayed).toMatchObject({ programId: 'steam-121-15', result: 'ok', alarms: [], durationS: model.durationS });
  });

  it('renders a ticket with the phase labels but no pulse markers', () => {
    const text = renderTicket(
      { sterilizer: 'R', programNo: 4, programText: '121C 15MIN', cycleNo: 1, operator: '1', loadId: 'L', startMs: 0 },
      parseTraceCsv(csv),
    ).map((l) => l.text);
    const labels = text.map((l) => /^\d\d:\d\d:\d\d {2}(\S+(?: \S+)?)\s+-?\d/.exec(l)?.[1]).filter((x) => x !== undefined);
    expect(labels).toEqual(['START', 'HEAT UP', 'STERILIZE', 'STERILIZE END', 'DRYING', 'AIR IN', 'END']);
  });

  it('reads columns by name, tolerates LF and a trailing newline, and marks a fault phase as aborted', () => {
    const c = parseTraceCsv('phase,t_s,pressure_kpa,temp_c\nconditioning,0,101.3,90\nsterilizing,1,304,134.1\nfault,2,101,100\n');
    expect(c.samples).toEqual([
      { t: 0, temp_c: 90, pressure_kpa: 101.3, phase: 'conditioning' },
      { t: 1, temp_c: 134.1, pressure_kpa: 304, phase: 'sterilizing' },
      { t: 2, temp_c: 100, pressure_kpa: 101, phase: 'fault' },
    ]);
    expect(c.result).toBe('aborted');
  });

  it('replays what db export --format csv writes: # comment lines before the header are skipped', () => {
    const exported = `# record seq 4 device AC-01 cycle 7 program steam-121-15 verdict pass\n# result: ok\n${csv}\n`;
    expect(parseTraceCsv(exported, 'steam-121-15').samples).toEqual(parseTraceCsv(csv, 'steam-121-15').samples);
  });

  it.each([
    ['t,temp\n0,1', /header must have t_s,temp_c,pressure_kpa,phase/],
    ['t_s,temp_c,pressure_kpa,phase\n0,80,,prewash', /line 2: pressure_kpa is empty; only steam traces/],
    ['t_s,temp_c,pressure_kpa,phase\n0,80,101,wash', /line 2: phase 'wash' is not a steam phase/],
    ['t_s,temp_c,pressure_kpa,phase\n0,abc,101,drying', /line 2: temp_c must be a number/],
    ['t_s,temp_c,pressure_kpa,phase\n5,80,101,drying\n4,80,101,drying', /line 3: t_s must be >= 0 and non-decreasing/],
    ['t_s,temp_c,pressure_kpa,phase\n', /no samples/],
  ])('rejects bad input %#', (text, error) => {
    expect(() => parseTraceCsv(text)).toThrow(error);
  });

  it('reads a trace file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-replay-'));
    dirs.push(dir);
    const file = join(dir, 'trace.csv');
    await writeFile(file, csv);
    expect((await readTraceFile(file, 'steam-121-15')).samples).toHaveLength(model.samples.length);
    await expect(readTraceFile(join(dir, 'missing.csv'))).rejects.toThrow(/ENOENT/);
  });
});
