// The simulated autoclave over a real PTY pair made by socat: the simulator writes one end with serialport,
// a reader (serialport, as the gateway's serial transport would) reads the other.
import { afterEach, describe, expect, it } from 'vitest';
import { type AutoclaveSimulatorOptions, runAutoclaveSimulator } from '../../simulators/autoclave-simulator.js';
import { type AutoclaveCyclePlan, autoclaveCyclePlans, resolveAutoclaveSettings } from '../../simulators/steam/autoclave-schedule.js';
import { Cleanups, tempDir } from '../helpers/cleanups.js';
import { ptyPaths } from '../helpers/process.js';
import { ptyWithReader } from '../helpers/serial-reader.js';
import { planBytes as bytesOf, take } from '../helpers/sim-plans.js';
import { expectLatePortGetsTail, expectOnePacedTicket, ONE_PACED_TICKET } from '../helpers/sim-pty.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const START = Date.UTC(2025, 2, 14, 7, 2, 11);
const plans = (opts: AutoclaveSimulatorOptions, n: number): AutoclaveCyclePlan[] => take(autoclaveCyclePlans(resolveAutoclaveSettings(opts)), n);

describe('autoclave simulator on a PTY (socat)', () => {
  it('prints a whole steam-134-4 ticket, byte for byte, at 600x', async () => {
    const { dev: simPath, reader } = await ptyWithReader(cleanups, ptyPaths(await tempDir(cleanups, 'sim-pty-'), 'sterilizer'));
    const opts: AutoclaveSimulatorOptions = {
      serial: simPath,
      ...ONE_PACED_TICKET,
      program: 'steam-134-4',
      name: 'SZ-03',
      startTime: START,
      firstCycleNo: 4217,
    };
    // paced, not dumped: a ~21 min cycle at 600x takes about 2 s
    const text = await expectOnePacedTicket(reader, (log) => runAutoclaveSimulator({ ...opts, log }), plans(opts, 1)[0]!, ONE_PACED_TICKET.speed);
    expect(text.split('\r\n')[0]).toBe('==== STERILIZER SZ-03  PROG 1: 134C INSTR ====');
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
    await expectLatePortGetsTail(cleanups, paths, (log) => runAutoclaveSimulator({ ...opts, log }), plans(opts, 3));
  });
});
