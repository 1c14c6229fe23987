// The simulated washer over a real PTY pair made by socat: the simulator writes one end with serialport,
// a reader (serialport, as the gateway's serial transport would) reads the other; the ticket that arrives
// is parsed by the gateway's printer-line parser (with the proposed washer additions) and verified.
import { afterEach, describe, expect, it } from 'vitest';
import { PREVAC_TICKET } from '../../drivers/printer-line/index.js';
import { getProgram, verifyCycle } from '../../gateway/verify/index.js';
import { resolveWasherSettings, type WasherCyclePlan, washerCyclePlans } from '../../simulators/washer/washer-schedule.js';
import { runWasherSimulator, type WasherSimulatorOptions } from '../../simulators/washer-simulator.js';
import { Cleanups, tempDir } from '../helpers/cleanups.js';
import { parseTicketLines } from '../helpers/printer-line.js';
import { ptyPaths } from '../helpers/process.js';
import { ptyWithReader } from '../helpers/serial-reader.js';
import { take } from '../helpers/sim-plans.js';
import { expectLatePortGetsTail, expectOnePacedTicket, ONE_PACED_TICKET } from '../helpers/sim-pty.js';

const cleanups = new Cleanups();
afterEach(() => cleanups.run());

const START = new Date(2025, 2, 14, 8, 0, 0).getTime();
const plans = (opts: WasherSimulatorOptions, n: number): WasherCyclePlan[] => take(washerCyclePlans(resolveWasherSettings(opts)), n);

describe('washer simulator on a PTY (socat)', () => {
  it('prints a whole washer-a0-3000 ticket, byte for byte, paced at 600x, that parses and verifies', async () => {
    const { dev: simPath, reader } = await ptyWithReader(cleanups, ptyPaths(await tempDir(cleanups, 'sim-washer-pty-'), 'washer'));
    const opts: WasherSimulatorOptions = { serial: simPath, ...ONE_PACED_TICKET, program: 'washer-a0-3000', name: 'WD-01', startTime: START, firstCycleNo: 42 };
    // paced, not dumped: a ~30 min cycle at 600x takes about 3 s
    const text = await expectOnePacedTicket(reader, (log) => runWasherSimulator({ ...opts, log }), plans(opts, 1)[0]!, ONE_PACED_TICKET.speed);
    expect(text.split('\r\n')[0]).toBe('==== WASHER WD-01  PROG 12: A0 3000 INSTR ====');

    const { events, trace } = parseTicketLines(
      text.split('\r\n').filter((l) => l !== ''),
      PREVAC_TICKET,
    );
    expect(events.filter((e) => e.kind === 'parse-error')).toEqual([]);
    const r = verifyCycle(trace, getProgram('washer-a0-3000')!);
    expect(r.criteria.filter((c) => c.pass === false)).toEqual([]);
    expect(r.verdict).toBe('pass');
  });

  it('keeps retrying a serial path that appears later and prints the following cycles whole', async () => {
    const paths = ptyPaths(await tempDir(cleanups, 'sim-washer-pty-'), 'washer');
    const simPath = paths.dev;
    const opts: WasherSimulatorOptions = { serial: simPath, program: 'washer-a0-600', speed: 1200, cycles: 2, seed: 5, startTime: START, pauseBetweenS: 30 };
    await expectLatePortGetsTail(cleanups, paths, (log) => runWasherSimulator({ ...opts, log }), plans(opts, 2));
  });
});
