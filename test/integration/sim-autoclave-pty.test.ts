// The simulated autoclave over a real PTY pair made by socat: the simulator writes one end with serialport,
// a reader (serialport, as the gateway's serial transport would) reads the other.
import { afterEach, describe, expect, it } from 'vitest';
import { type AutoclaveSimulatorOptions, runAutoclaveSimulator } from '../../simulators/autoclave-simulator.js';
import { type AutoclaveCyclePlan, autoclaveCyclePlans, resolveAutoclaveSettings } from '../../simulators/steam/autoclave-schedule.js';
import { Cleanups, tempDir } from '../helpers/cleanups.js';
import { ptyPaths } from '../helpers/process.js';
import { ptyWithReader } from '../helpers/serial-reader.js';
import { planBytes as bytesOf, resultCount, take } from '../helpers/sim-plans.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const START = Date.UTC(2025, 2, 14, 7, 2, 11);
const plans = (opts: AutoclaveSimulatorOptions, n: number): AutoclaveCyclePlan[] => take(autoclaveCyclePlans(resolveAutoclaveSettings(opts)), n);

describe('autoclave simulator on a PTY (socat)', () => {
  it('prints a whole steam-134-4 ticket, byte for byte, at 600x', async () => {
    const { dev: simPath, reader } = await ptyWithReader(cleanups, ptyPaths(await tempDir(cleanups, 'sim-pty-'), 'sterilizer'));
    const opts: AutoclaveSimulatorOptions = {
      serial: simPath,
      baudRate: 9600,
      program: 'steam-134-4',
      speed: 600,
      cycles: 1,
      seed: 21,
      name: 'SZ-03',
      startTime: START,
      firstCycleNo: 4217,
    };
    const logs: string[] = [];
    const t0 = performance.now();
    await runAutoclaveSimulator({ ...opts, log: (l) => logs.push(l) });
    const realS = (performance.now() - t0) / 1000;
    const [plan] = plans(opts, 1);
    await reader.waitFor((b) => resultCount(b) === 1 && b.toString('latin1').endsWith('\r\n'), 'RESULT line');
    expect(reader.bytes().toString('latin1')).toBe(bytesOf(plan!).toString('latin1'));
    expect(reader.bytes().toString('latin1').split('\r\n')[0]).toBe('==== STERILIZER SZ-03  PROG 1: 134C INSTR ====');
    // paced, not dumped: a ~21 min cycle at 600x takes about 2 s
    expect(realS).toBeGreaterThan((plan!.cycle.durationS / 600) * 0.9);
    expect(logs.some((l) => l.includes('open'))).toBe(true);
  });

  it('passes binary noise and the long line of the garbage fault through unchanged', async () => {
    const { dev: simPath, reader } = await ptyWithReader(cleanups, ptyPaths(await tempDir(cleanups, 'sim-pty-'), 'sterilizer'));
    const opts: AutoclaveSimulatorOptions = { serial: simPath, program: 'bowie-dick-134', fault: 'garbage', speed: 600, cycles: 1, seed: 2, startTime: START };
    await runAutoclaveSimulator(opts);
    const [plan] = plans(opts, 1);
    const expected = bytesOf(plan!);
    await reader.waitFor((b) => b.length >= expected.length, 'the whole ticket');
    expect(reader.bytes().equals(expected)).toBe(true);
    expect(expected.some((b) => b >= 0x80)).toBe(true);
  });

  it('keeps retrying a serial path that appears later and prints the following cycles whole', async () => {
    const paths = ptyPaths(await tempDir(cleanups, 'sim-pty-'), 'sterilizer');
    const simPath = paths.dev;
    const opts: AutoclaveSimulatorOptions = { serial: simPath, program: 'bowie-dick-134', speed: 600, cycles: 3, seed: 5, startTime: START, pauseBetweenS: 30 };
    let noticed: () => void = () => undefined;
    const cannotOpen = new Promise<void>((resolve) => {
      noticed = resolve;
    });
    const run = runAutoclaveSimulator({ ...opts, log: (l) => (l.includes('cannot open') ? noticed() : undefined) });
    await cannotOpen;
    const { reader } = await ptyWithReader(cleanups, paths);
    await run;
    await reader.waitFor((b) => b.toString('latin1').endsWith('RESULT: CYCLE OK\r\n'), 'the last RESULT line');
    const got = reader.bytes().toString('latin1');
    const all = plans(opts, 3).map((p) => bytesOf(p).toString('latin1'));
    // output before the port existed was dropped; what arrived is the tail of the stream, the last cycle whole
    expect(all.join('').endsWith(got)).toBe(true);
    expect(got.endsWith(all[2]!)).toBe(true);
    expect(got.length).toBeLessThan(all.join('').length);
  });
});
