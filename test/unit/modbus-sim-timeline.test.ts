import { describe, expect, it } from 'vitest';
import { type CycleSource, cycleSource, type ModbusCycle, runningF0x10 } from '../../simulators/modbus/cycle-source.js';
import { MachineTimeline, midPlateauS } from '../../simulators/modbus/machine-timeline.js';
import { encodeMachineState } from '../../simulators/modbus/register-image.js';

const START = Date.UTC(2025, 2, 14, 7, 0, 0);

/** A tiny hand-made cycle: 10 s heating, 10 s sterilizing, a 3 s hole (dropout), 5 s complete. */
function tinySource(): CycleSource {
  const samples = [
    ...Array.from({ length: 10 }, (_, t) => ({ t, temp_c: 100 + t, pressure_kpa: 200, phase: 'heating' })),
    ...Array.from({ length: 10 }, (_, i) => ({ t: 10 + i, temp_c: 134 + i / 100, pressure_kpa: 310, phase: 'sterilizing' })),
    ...Array.from({ length: 5 }, (_, i) => ({ t: 23 + i, temp_c: 90, pressure_kpa: 101, phase: 'complete' })),
  ];
  const cycle: ModbusCycle = {
    programId: 'steam-134-4',
    programNo: 1,
    samples,
    alarms: [{ t: 15, code: 'E23', text: 'STEAM SUPPLY' }],
    result: 'aborted',
    durationS: 28,
    lethality: runningF0x10(samples),
    jacketKpa: 322.4,
  };
  return { kind: 'autoclave', programId: 'steam-134-4', programNo: 1, cycle: () => cycle };
}

describe('MachineTimeline', () => {
  it('stands idle with a ticking clock until begun, then runs the cycle on the simulated clock', () => {
    const tl = new MachineTimeline({ source: tinySource(), startTime: START, firstCycleNo: 42, pauseBetweenS: 100, cycles: 2 });
    expect(tl.stateAt(5.7)).toMatchObject({ phaseCode: 0, cycleNo: 41, programNo: 1, tempC: 100, clockMs: START + 5000, resultCode: 0 });
    expect(tl.stageAt(5.7)).toBe('waiting');
    tl.begin(9.2);
    expect(tl.stateAt(12.5)).toMatchObject({
      phaseCode: 2,
      cycleNo: 42,
      tempC: 102,
      pressureKpa: 200,
      jacketKpa: 322.4,
      clockMs: START + 12_000,
      resultCode: 0,
      alarmCode: 0,
    });
    expect(tl.stateAt(25)).toMatchObject({ phaseCode: 3, alarmCode: 23, clockMs: START + 25_000 });
  });

  it('holds every register, clock included, across a hole in the samples', () => {
    const tl = new MachineTimeline({ source: tinySource(), startTime: START, firstCycleNo: 1, pauseBetweenS: 100, cycles: 1 });
    tl.begin(0);
    expect(tl.stateAt(19.5)).toEqual(tl.stateAt(22.9));
    expect(tl.stateAt(23).clockMs).toBe(START + 23_000);
  });

  it('shows the end state with the result, then goes idle, then starts the next cycle numbered on', () => {
    const tl = new MachineTimeline({ source: tinySource(), startTime: START, firstCycleNo: 1, pauseBetweenS: 100, cycles: 2, showEndS: 20 });
    tl.begin(0);
    expect(tl.stateAt(30)).toMatchObject({ phaseCode: 7, resultCode: 3, alarmCode: 23, clockMs: START + 30_000 });
    expect(tl.stageAt(30)).toBe('ended');
    expect(tl.stateAt(60)).toMatchObject({ phaseCode: 0, resultCode: 3, alarmCode: 0, cycleNo: 1 });
    expect(tl.stateAt(128.5)).toMatchObject({ phaseCode: 2, cycleNo: 2, resultCode: 0, clockMs: START + 128_000 });
    // no third cycle
    expect(tl.stateAt(10_000)).toMatchObject({ phaseCode: 0, cycleNo: 2 });
  });

  it('freezes only the temperature registers for the frozen span', () => {
    const tl = new MachineTimeline({ source: tinySource(), startTime: START, firstCycleNo: 1, pauseBetweenS: 100, cycles: 1, frozen: { atS: 12, forS: 5 } });
    tl.begin(0);
    const during = [13, 14, 16].map((s) => tl.stateAt(s));
    expect(new Set(during.map((s) => s.tempC))).toEqual(new Set([134.02]));
    expect(new Set(during.map((s) => s.clockMs)).size).toBe(3);
    expect(tl.stateAt(17).tempC).toBe(134.07);
  });

  it('serves a real steam cycle through all its phases into valid register words', () => {
    const source = cycleSource('autoclave', 'bowie-dick-134', { seed: 3 });
    const tl = new MachineTimeline({ source, startTime: START, firstCycleNo: 1, pauseBetweenS: 300, cycles: 1 });
    tl.begin(0);
    const cycle = source.cycle(0);
    const codes = new Set<number>();
    for (let s = 0; s < cycle.durationS + 5; s++) {
      const words = encodeMachineState(tl.stateAt(s));
      expect(words).toHaveLength(14);
      expect(words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)).toBe(true);
      codes.add(words[0] as number);
    }
    expect([...codes].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const mid = midPlateauS(cycle);
    expect(cycle.samples[mid]?.phase).toBe('sterilizing');
    expect(tl.stateAt(cycle.durationS).lethality).toBeGreaterThan(30); // F0 × 10 of a 134 °C plateau
  });

  it('serves the washer model with its load probe, no chamber pressure and the device A0', () => {
    const source = cycleSource('washer', 'washer-a0-3000', { seed: 1 });
    const tl = new MachineTimeline({ source, startTime: START, firstCycleNo: 1, pauseBetweenS: 300, cycles: 1 });
    tl.begin(0);
    const cycle = source.cycle(0);
    const mid = tl.stateAt(midPlateauS(cycle));
    expect(mid).toMatchObject({ phaseCode: 14, pressureKpa: null, jacketKpa: null });
    expect(mid.temp2C).not.toBeNull();
    expect(tl.stateAt(cycle.durationS).lethality).toBeGreaterThanOrEqual(3000);
    expect(() => cycleSource('washer', 'washer-a0-3000', { seed: 1, modelFault: 'air' })).toThrow(/unknown washer fault/);
    expect(() => cycleSource('autoclave', 'steam-134-4', { seed: 1, modelFault: 'garbage' })).toThrow(/printer-line fault/);
  });
});
