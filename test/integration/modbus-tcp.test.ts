// driver: modbus against the simulated sterilizer and washer over real sockets: Modbus TCP and RTU over
// TCP (a serial device server), each a whole accelerated cycle.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, driverThroughCycle, expectWholeCycle, STEAM_PHASES, startSimulator, tcpLink } from '../helpers/modbus.js';

afterEach(cleanup);

const START = Date.UTC(2025, 2, 14, 7, 0, 0);

describe('modbus driver over TCP', () => {
  it('follows a whole steam cycle over Modbus TCP: start, samples on the device clock, phases, end ok', async () => {
    const sim = await startSimulator({
      kind: 'autoclave',
      modbusTcpPort: 0,
      program: 'steam-134-4',
      speed: 200,
      cycles: 1,
      startTime: START,
      firstCycleNo: 4217,
      seed: 4,
    });
    const { events, driver } = await driverThroughCycle({ deviceId: 'AC-02', link: tcpLink(sim.tcpPort), unitId: 1, pollMs: 20, timeoutMs: 500 });

    expect(events.of('link')[0]).toMatchObject({ connected: true });
    expectWholeCycle(events, { deviceId: 'AC-02', programNo: 1, cycleNo: 4217 }, STEAM_PHASES);

    const start = events.of('cycle-start')[0]!.ts;
    const inCycle = events.of('sample').filter((s) => s.ts >= start && s.ts <= events.of('cycle-end')[0]!.ts);
    expect(inCycle.length).toBeGreaterThan(150);
    // device time, on the simulated clock (whole seconds from the start), strictly increasing
    expect(inCycle.every((s) => s.deviceTime === s.ts && (s.ts - START) % 1000 === 0)).toBe(true);
    expect(inCycle.every((s, i) => i === 0 || s.ts > inCycle[i - 1]!.ts)).toBe(true);
    // the run spans the simulated cycle (~17 min) though it took seconds
    expect(inCycle.at(-1)!.ts - inCycle[0]!.ts).toBeGreaterThan(15 * 60_000);
    const plateau = inCycle.filter((s) => s.phase === 'sterilizing');
    expect(Math.min(...plateau.map((s) => s.temp_c ?? 0))).toBeGreaterThan(134);
    expect(plateau.every((s) => (s.pressure_kpa ?? 0) > 290 && s.temp2_c === null)).toBe(true);
    expect(driver.counters.failed - driver.counters.timeouts).toBe(0); // nothing garbled (a timeout may happen on a loaded machine)
  });

  it('follows a washer cycle over RTU over TCP: load probe, no pressure, program 12', async () => {
    const sim = await startSimulator({ kind: 'washer', modbusRtuOverTcpPort: 0, program: 'washer-a0-600', speed: 300, cycles: 1, startTime: START, unitId: 3 });
    const { events } = await driverThroughCycle({
      deviceId: 'WD-01',
      link: tcpLink(sim.rtuOverTcpPort, 'rtu-over-tcp'),
      unitId: 3,
      pollMs: 20,
      timeoutMs: 500,
    });
    expectWholeCycle(events, { programNo: 11, cycleNo: 1 }, ['prewash', 'wash', 'neutralize', 'rinse', 'disinfect', 'drying', 'complete']);
    const disinfect = events.of('sample').filter((s) => s.phase === 'disinfect');
    expect(disinfect.length).toBeGreaterThan(20);
    expect(disinfect.every((s) => typeof s.temp2_c === 'number' && s.pressure_kpa === null)).toBe(true);
  });

  it('an aborted cycle: the device alarm, the fault phase and cycle-end aborted', async () => {
    const sim = await startSimulator({ kind: 'autoclave', modbusTcpPort: 0, program: 'bowie-dick-134', fault: 'abort', speed: 150, cycles: 1 });
    const { events } = await driverThroughCycle({ deviceId: 'AC-03', link: tcpLink(sim.tcpPort), unitId: 1, pollMs: 20, timeoutMs: 500 });
    expect(events.of('alarm')).toEqual([expect.objectContaining({ code: '23', text: 'device alarm 23' })]);
    expect(events.of('phase').map((e) => e.phase)).toContain('fault');
    expect(events.of('cycle-end')).toEqual([expect.objectContaining({ status: 'aborted', code: 'result 3' })]);
  });
});
