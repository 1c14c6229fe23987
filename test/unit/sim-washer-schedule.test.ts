import { describe, expect, it } from 'vitest';
import { resolveWasherSettings, type WasherScheduleOptions, washerCyclePlans } from '../../simulators/washer/washer-schedule.js';
import { runWasherSimulator, WASHER_FAULT_DESCRIPTIONS, WASHER_FAULTS, WASHER_PROGRAM_NUMBERS, WASHER_PROGRAMS } from '../../simulators/washer-simulator.js';
import { expectSequentialPlans, take } from '../helpers/sim-plans.js';

const START = Date.UTC(2025, 2, 14, 6, 0, 0);

/** The first cycle the schedule plans with these settings. */
const firstPlan = (opts: WasherScheduleOptions) => take(washerCyclePlans(resolveWasherSettings(opts)), 1)[0]!;

describe('washer schedule', () => {
  it('numbers cycles upwards and starts each one a pause after the previous ended', () => {
    const settings = resolveWasherSettings({ program: 'washer-a0-3000', startTime: START, firstCycleNo: 42, pauseBetweenS: 90, seed: 3, name: 'WD-01' });
    const [a] = expectSequentialPlans(washerCyclePlans(settings), { start: START, firstCycleNo: 42, pauseS: 90 });
    expect(a.lines[0]?.text).toBe('==== WASHER WD-01  PROG 12: A0 3000 INSTR ====');
    expect(a.lines[1]?.text).toBe('CYCLE NO: 000042      DATE: 2025-03-14');
    expect(a.header.loadId).toBe('L250314-000042');
  });

  it('is reproducible, and a fault changes only what it injects', () => {
    const opts = { program: 'washer-a0-600', startTime: START, seed: 11 };
    const clean = firstPlan(opts);
    expect(firstPlan(opts)).toEqual(clean);
    const hot = firstPlan({ ...opts, fault: 'hot-prewash' });
    expect(hot.header).toEqual(clean.header);
    const prewash = (p: typeof clean) => p.cycle.samples.filter((s) => s.phase === 'prewash');
    expect(prewash(hot)).not.toEqual(prewash(clean));
  });

  it('defaults: SIM-WD01, seed 1, five minutes between loads, "none" means no fault', () => {
    const s = resolveWasherSettings({ program: 'washer-a0-600', fault: 'none', startTime: START });
    expect(s).toMatchObject({ name: 'SIM-WD01', seed: 1, pauseBetweenS: 300, firstCycleNo: 1, fault: undefined });
  });

  it('exports the fault and program names with the built-in program numbers', () => {
    expect(WASHER_FAULTS).toEqual(['low-disinfect-temp', 'short-disinfect', 'hot-prewash', 'dropout', 'abort']);
    expect(Object.keys(WASHER_FAULT_DESCRIPTIONS)).toEqual([...WASHER_FAULTS]);
    expect(WASHER_PROGRAMS).toEqual(['washer-a0-600', 'washer-a0-3000']);
    expect(WASHER_PROGRAM_NUMBERS).toEqual({ 11: 'washer-a0-600', 12: 'washer-a0-3000' });
  });
});

describe('option errors name the valid choices', () => {
  const base = { tcpPort: 0, speed: 60, cycles: 1, program: 'washer-a0-3000' };
  it.each([
    [{ program: 'steam-134-4' }, /unknown washer program 'steam-134-4'; valid programs: washer-a0-600, washer-a0-3000/],
    [{ fault: 'air' }, /unknown washer fault 'air'; valid faults: low-disinfect-temp, short-disinfect, hot-prewash, dropout, abort/],
    [{ name: 'WD 01' }, /one word/],
    [{ operator: 'A B' }, /operator must be one word/],
    [{ speed: 0 }, /speed must be a positive number/],
    [{ cycles: 1.5 }, /cycles must be a non-negative integer/],
    [{ tcpPort: undefined }, /serial path and\/or a TCP port/],
    [{ tcpPort: 70000 }, /tcpPort must be 0..65535/],
    [{ baudRate: 0, serial: '/dev/null' }, /baudRate must be a positive integer/],
    [{ pauseBetweenS: -1 }, /pauseBetweenS must be >= 0/],
  ])('%o', async (over, message) => {
    await expect(runWasherSimulator({ ...base, ...over })).rejects.toThrow(message);
  });
});
