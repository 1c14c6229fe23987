// `sterilink simulate bi-reader|scanner ...`: the CSSD's peripherals on a serial line or a TCP port.
import { runBiReaderSimulator, runScannerSimulator } from '../../simulators/index.js';
import { type CommandIo, numberOption as num, println, UsageError } from './command.js';
import { commandSpec, type OptionValues, parseCommand, usageError } from './options.js';
import { LINE_HELP, LINE_OPTIONS, runSimulation } from './simulate-line.js';

export const BI_READER_USAGE = `usage: sterilink simulate bi-reader (--serial PATH | --tcp PORT) [--speed N] [--cycles N] [--incubation MIN]
                          [--name READER-ID] [--fault garbage] [--seed N] [--wait-client]`;
export const SCANNER_USAGE = `usage: sterilink simulate scanner (--serial PATH | --tcp PORT | --keyboard-wedge PATH) [--script FILE]
                          [--interval MS] [--cycles N] [--terminator cr|lf|crlf|tab] [--layout 16|24] [--gs ctrl|alt|F8]
                          [--wait-client]`;

const BI_READER = commandSpec({
  name: 'sterilink simulate bi-reader',
  usage: BI_READER_USAGE,
  details: `A rapid-readout biological-indicator reader printing its results.
${LINE_HELP}
  --incubation MIN  the readout time (default 24)
  --fault garbage   noise on the line between results`,
  options: { ...LINE_OPTIONS, incubation: { type: 'string' } },
});

const SCANNER = commandSpec({
  name: 'sterilink simulate scanner',
  usage: SCANNER_USAGE,
  details: `A barcode scanner on a line, or a USB keyboard wedge (Linux input events written to --keyboard-wedge PATH).
${LINE_HELP}
  --script FILE        the codes to scan, one per line (default: a demo load)
  --interval MS        between scans (default 2000)
  --terminator T       cr, lf, crlf or tab after each code
  --layout 16|24       input_event size for --keyboard-wedge (32- or 64-bit kernel)
  --gs ctrl|alt|Fn     how the wedge types the GS separator`,
  options: {
    ...LINE_OPTIONS,
    'keyboard-wedge': { type: 'string' },
    script: { type: 'string' },
    interval: { type: 'string' },
    terminator: { type: 'string' },
    layout: { type: 'string' },
    gs: { type: 'string' },
  },
});

/** The line settings both peripherals take. */
function lineOf(values: OptionValues<typeof LINE_OPTIONS>, io: CommandIo) {
  return {
    ...(values.serial ? { serial: values.serial } : {}),
    ...(values.tcp !== undefined ? { tcpPort: num('tcp', values.tcp, 0, 0) } : {}),
    baudRate: num('baud', values.baud, 9600, 1),
    ...(values['wait-client'] ? { waitForClient: true } : {}),
    log: (l: string) => println(io.stderr, l),
  };
}

export async function simulateBiReader(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, BI_READER, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.serial && values.tcp === undefined) throw usageError(BI_READER, 'give --serial PATH or --tcp PORT');
  if (values.fault !== undefined && values.fault !== 'garbage') throw new UsageError(`--fault: the BI reader knows "garbage", found "${values.fault}"`);
  return runSimulation('bi-reader', (signal) =>
    runBiReaderSimulator({
      ...lineOf(values, io),
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
}

export async function simulateScanner(io: CommandIo): Promise<number> {
  const parsed = parseCommand(io, SCANNER, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.serial && values.tcp === undefined && !values['keyboard-wedge'])
    throw usageError(SCANNER, 'give --serial PATH, --tcp PORT or --keyboard-wedge PATH');
  const terminator = values.terminator;
  if (terminator !== undefined && !['cr', 'lf', 'crlf', 'tab'].includes(terminator))
    throw new UsageError(`--terminator: expected cr, lf, crlf or tab, found "${terminator}"`);
  const layout = values.layout === undefined ? undefined : num('layout', values.layout, 24, 16);
  if (layout !== undefined && layout !== 16 && layout !== 24) throw new UsageError(`--layout: expected 16 or 24, found "${values.layout}"`);
  const gs = values.gs;
  if (gs !== undefined && !/^(ctrl|alt|F([1-9]|1\d|2[0-4]))$/.test(gs)) throw new UsageError(`--gs: expected ctrl, alt or F1..F24, found "${gs}"`);
  const wedge = values['keyboard-wedge'];
  return runSimulation('scanner', (signal) =>
    runScannerSimulator({
      ...lineOf(values, io),
      ...(wedge
        ? {
            keyboardWedge: {
              path: wedge,
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
}
