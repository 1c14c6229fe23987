// `sterilink simulate bi-reader|scanner ...`: the CSSD's peripherals on a serial line or a TCP port.
import { parseArgs } from 'node:util';
import { runBiReaderSimulator, runScannerSimulator } from '../../simulators/index.js';
import { type CommandIo, numberOption as num, println, UsageError } from './command.js';
import { withSignals } from './signals.js';

export const PERIPHERAL_USAGE = `       sterilink simulate bi-reader (--serial PATH | --tcp PORT) [--speed N] [--cycles N] [--incubation MIN]
                          [--name READER-ID] [--fault garbage] [--seed N] [--wait-client]
       sterilink simulate scanner (--serial PATH | --tcp PORT | --keyboard-wedge PATH) [--script FILE]
                          [--interval MS] [--cycles N] [--terminator cr|lf|crlf|tab] [--layout 16|24] [--gs ctrl|alt|F8]
                          [--wait-client]`;

export async function simulatePeripheral(kind: 'bi-reader' | 'scanner', argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      serial: { type: 'string' },
      tcp: { type: 'string' },
      'keyboard-wedge': { type: 'string' },
      speed: { type: 'string' },
      cycles: { type: 'string' },
      incubation: { type: 'string' },
      name: { type: 'string' },
      fault: { type: 'string' },
      seed: { type: 'string' },
      script: { type: 'string' },
      interval: { type: 'string' },
      terminator: { type: 'string' },
      layout: { type: 'string' },
      gs: { type: 'string' },
      baud: { type: 'string' },
      'wait-client': { type: 'boolean' },
    },
  });
  const line = {
    ...(values.serial ? { serial: values.serial } : {}),
    ...(values.tcp !== undefined ? { tcpPort: num('tcp', values.tcp, 0, 0) } : {}),
    baudRate: num('baud', values.baud, 9600, 1),
    ...(values['wait-client'] ? { waitForClient: true } : {}),
    log: (l: string) => println(io.stderr, l),
  };
  try {
    if (kind === 'bi-reader') {
      if (!values.serial && values.tcp === undefined) throw new UsageError(`simulate bi-reader: give --serial PATH or --tcp PORT\n${PERIPHERAL_USAGE}`);
      if (values.fault !== undefined && values.fault !== 'garbage') throw new UsageError(`--fault: the BI reader knows "garbage", found "${values.fault}"`);
      await withSignals((signal) =>
        runBiReaderSimulator({
          ...line,
          speed: num('speed', values.speed, 1, 0.001),
          rounds: num('cycles', values.cycles, 1, 0),
          ...(values.incubation !== undefined ? { incubationMin: num('incubation', values.incubation, 24, 1) } : {}),
          ...(values.name ? { readerId: values.name } : {}),
          ...(values.fault ? { garbage: true } : {}),
          ...(values.seed !== undefined ? { seed: num('seed', values.seed, 1, 0) } : {}),
          signal,
          onReady: (info) => println(io.stderr, `simulated BI reader writing to ${info.outputs.join(', ')}`),
        }),
      );
      return 0;
    }
    if (!values.serial && values.tcp === undefined && !values['keyboard-wedge'])
      throw new UsageError(`simulate scanner: give --serial PATH, --tcp PORT or --keyboard-wedge PATH\n${PERIPHERAL_USAGE}`);
    const terminator = values.terminator;
    if (terminator !== undefined && !['cr', 'lf', 'crlf', 'tab'].includes(terminator))
      throw new UsageError(`--terminator: expected cr, lf, crlf or tab, found "${terminator}"`);
    const layout = values.layout === undefined ? undefined : num('layout', values.layout, 24, 16);
    if (layout !== undefined && layout !== 16 && layout !== 24) throw new UsageError(`--layout: expected 16 or 24, found "${values.layout}"`);
    const gs = values.gs;
    if (gs !== undefined && !/^(ctrl|alt|F([1-9]|1\d|2[0-4]))$/.test(gs)) throw new UsageError(`--gs: expected ctrl, alt or F1..F24, found "${gs}"`);
    await withSignals((signal) =>
      runScannerSimulator({
        ...line,
        ...(values['keyboard-wedge']
          ? {
              keyboardWedge: {
                path: values['keyboard-wedge'],
                ...(layout ? { layout: layout as 16 | 24 } : {}),
                ...(gs ? { gs: gs === 'ctrl' || gs === 'alt' ? gs : { fkey: gs } } : {}),
              },
            }
          : {}),
        ...(values.script ? { script: values.script } : {}),
        ...(values.interval !== undefined ? { intervalMs: num('interval', values.interval, 2000, 0) } : {}),
        ...(terminator ? { terminator: terminator as 'cr' } : {}),
        rounds: num('cycles', values.cycles, 1, 0),
        signal,
        onReady: (info) => println(io.stderr, `simulated scanner writing to ${info.outputs.join(', ')}`),
      }),
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    println(io.stderr, `simulate ${kind}: ${(e as Error).message}`);
    return 2;
  }
}
