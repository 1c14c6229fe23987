import { describe, expect, it } from 'vitest';
import { AUTOCLAVE_FAULTS, AUTOCLAVE_PROGRAMS, runAutoclaveSimulator } from '../../simulators/autoclave-simulator.js';
import { type AutoclaveScheduleOptions, autoclaveCyclePlans, resolveAutoclaveSettings } from '../../simulators/steam/autoclave-schedule.js';
import { expectSequentialPlans, take } from '../helpers/sim-plans.js';

const START = Date.UTC(2025, 2, 14, 6, 0, 0);

/** The first cycle the schedule plans with these settings. */
const firstPlan = (opts: AutoclaveScheduleOptions) => take(autoclaveCyclePlans(resolveAutoclaveSettings(opts)), 1)[0]!;

describe('autoclave schedule', () => {
  it('numbers cycles upwards and starts each one a pause after the previous ended', () => {
    const settings = resolveAutoclaveSettings({ program: 'steam-134-4', startTime: START, firstCycleNo: 4217, pauseBetweenS: 90, seed: 3 });
    const [a] = expectSequentialPlans(autoclaveCyclePlans(settings), { start: START, firstCycleNo: 4217, pauseS: 90 });
    expect(a.lines[1]?.text).toBe('CYCLE NO: 004217      DATE: 2025-03-14');
    expect(a.header.loadId).toBe('L250314-004217');
  });

  it('is reproducible, and the garbage fault leaves the cycle itself alone', () => {
    const opts = { program: 'bowie-dick-134', startTime: START, seed: 11 };
    const clean = firstPlan(opts);
    expect(firstPlan(opts)).toEqual(clean);
    const noisy = firstPlan({ ...opts, fault: 'garbage' });
    expect(noisy.cycle).toEqual(clean.cycle);
    expect(noisy.lines).toEqual(clean.lines);
    expect(noisy.chunks.length).toBeGreaterThan(clean.chunks.length);
  });

  it('exports the fault and program names', () => {
    expect(AUTOCLAVE_FAULTS).toEqual(['short-hold', 'air', 'superheat', 'overshoot', 'dropout', 'abort', 'garbage', 'leak']);
    expect(AUTOCLAVE_PROGRAMS).toEqual(['steam-134-4', 'steam-121-20', 'steam-134-18', 'steam-121-15', 'bowie-dick-134', 'leak-test']);
  });
});

describe('option errors name the valid choices', () => {
  const base = { tcpPort: 0, speed: 60, cycles: 1, program: 'steam-134-4' };
  it.each([
    [
      { program: 'steam-135-4' },
      /unknown autoclave program 'steam-135-4'; valid programs: steam-134-4, steam-121-20, steam-134-18, steam-121-15, bowie-dick-134, leak-test/,
    ],
    [{ fault: 'fire' }, /unknown autoclave fault 'fire'; valid faults: short-hold, air, superheat, overshoot, dropout, abort, garbage, leak/],
    [{ fault: 'leak' }, /fault 'leak' does not apply to program 'steam-134-4'; faults for it: short-hold, air/],
    [{ program: 'leak-test', fault: 'air' }, /fault 'air' does not apply to program 'leak-test'; faults for it: leak, garbage/],
    [{ fault: 'air', replay: 'x.csv' }, /fault 'air' does not apply to a replayed trace; faults for it: garbage/],
    [{ name: 'SZ 03' }, /one word/],
    [{ speed: 0 }, /speed must be a positive number/],
    [{ cycles: -1 }, /cycles must be a non-negative integer/],
    [{ tcpPort: undefined }, /serial path and\/or a TCP port/],
    [{ tcpPort: 70000 }, /tcpPort must be 0..65535/],
  ])('%o', async (over, message) => {
    await expect(runAutoclaveSimulator({ ...base, ...over })).rejects.toThrow(message);
  });

  it('fails on a replay file that does not exist before opening any output', async () => {
    await expect(runAutoclaveSimulator({ ...base, replay: '/nonexistent/trace.csv' })).rejects.toThrow(/ENOENT/);
  });
});
