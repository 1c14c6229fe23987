// `sterilink simulate autoclave|washer|bi-reader|scanner ...`: a simulated device on a serial line (PTY) or a TCP port.
import * as kit from '../../simulators/index.js';
import { type CommandIo, numberOption as num, println, UsageError } from './command.js';
import { commandSpec, type OptionValues, parseCommand, usageError } from './options.js';
import { LINE_HELP, LINE_OPTIONS, runSimulation } from './simulate-line.js';
import { BI_READER_USAGE, SCANNER_USAGE } from './simulate-peripheral.js';
import { runSubcommand } from './subcommands.js';

const MACHINE_USAGE = `usage: sterilink simulate autoclave|washer (--serial PATH | --tcp PORT | --modbus-tcp PORT | --modbus-rtu PATH
                          | --modbus-rtu-over-tcp PORT) [--unit ID] [--program ID] [--speed N] [--cycles N]
                          [--fault NAME] [--replay TRACE.csv] [--name NAME] [--seed N] [--baud N] [--wait-client]
                          [--profile prevac-ticket|prevac-ticket-zh|amsco-ls|amsco-ls-metric|scican-summary]`;

const MACHINE = commandSpec({
  name: 'sterilink simulate autoclave|washer',
  usage: MACHINE_USAGE,
  details: `A steam sterilizer or a washer-disinfector printing its cycle ticket, or serving the default Modbus map.
${LINE_HELP}
  --program ID    the program it runs (default steam-134-4, washer-a0-3000)
  --fault NAME    autoclave: short-hold, air, superheat, overshoot, dropout, abort, garbage, leak; washer:
                  low-disinfect-temp, short-disinfect, hot-prewash, dropout, abort; Modbus: timeout, exception,
                  bad-crc, frozen, disconnect
  --replay FILE   print this trace (the verify-trace CSV) instead of a simulated cycle (autoclave)
  --profile NAME  the ticket's format (autoclave; default prevac-ticket)
  --modbus-tcp PORT, --modbus-rtu PATH, --modbus-rtu-over-tcp PORT, --unit ID
                  serve the default register map (docs/devices.md) instead of printing`,
  options: {
    ...LINE_OPTIONS,
    program: { type: 'string' },
    replay: { type: 'string' },
    profile: { type: 'string' },
    'modbus-tcp': { type: 'string' },
    'modbus-rtu': { type: 'string' },
    'modbus-rtu-over-tcp': { type: 'string' },
    unit: { type: 'string' },
  },
});

type MachineValues = OptionValues<typeof MACHINE.options>;

export function simulateCommand(io: CommandIo): Promise<number> {
  return runSubcommand(io, {
    name: 'sterilink simulate',
    usage: `${MACHINE_USAGE}\n${BI_READER_USAGE.replace('usage:', '      ')}\n${SCANNER_USAGE.replace('usage:', '      ')}`,
    details: 'sterilink simulate KIND --help for its options.',
    subcommands: {
      autoclave: async () => (sub) => simulateMachine('autoclave', sub),
      washer: async () => (sub) => simulateMachine('washer', sub),
      'bi-reader': async () => (await import('./simulate-peripheral.js')).simulateBiReader,
      scanner: async () => (await import('./simulate-peripheral.js')).simulateScanner,
    },
  });
}

async function simulateMachine(kind: 'autoclave' | 'washer', io: CommandIo): Promise<number> {
  const spec = { ...MACHINE, name: `sterilink simulate ${kind}` };
  const parsed = parseCommand(io, spec, io.argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const modbus = values['modbus-tcp'] !== undefined || values['modbus-rtu'] !== undefined || values['modbus-rtu-over-tcp'] !== undefined;
  if (modbus) return simulateModbus(kind, values, io);
  if (!values.serial && values.tcp === undefined) throw usageError(spec, 'give --serial PATH, --tcp PORT, --modbus-tcp PORT or --modbus-rtu PATH');
  if (kind === 'washer' && values.profile !== undefined && values.profile !== 'prevac-ticket')
    throw new UsageError(`--profile: the washer simulator speaks prevac-ticket, found "${values.profile}"`);
  if (kind === 'washer' && values.replay) throw new UsageError('--replay: only the autoclave simulator replays traces');
  const cycles = num('cycles', values.cycles, 0, 0);
  const program = values.program ?? (kind === 'washer' ? 'washer-a0-3000' : 'steam-134-4');
  const run = kind === 'washer' ? kit.runWasherSimulator : kit.runAutoclaveSimulator;
  return runSimulation(kind, (signal) =>
    run({
      ...(values.serial ? { serial: values.serial } : {}),
      ...(values.tcp !== undefined ? { tcpPort: num('tcp', values.tcp, 0, 0) } : {}),
      baudRate: num('baud', values.baud, 9600, 1),
      program,
      speed: num('speed', values.speed, 1, 0.001),
      cycles,
      ...(values.fault ? { fault: values.fault } : {}),
      ...(values.replay ? { replay: values.replay } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(values.seed !== undefined ? { seed: num('seed', values.seed, 1, 0) } : {}),
      ...(values['wait-client'] ? { waitForClient: true } : {}),
      ...(kind === 'autoclave' && values.profile ? { profile: values.profile } : {}),
      log: (line) => println(io.stderr, line),
      signal,
      onReady: (info) =>
        println(io.stderr, `simulated ${kind} (${program}${values.fault ? `, fault ${values.fault}` : ''}) writing to ${info.outputs.join(', ')}`),
    }),
  );
}

/** The same machines serving the default Modbus map (docs/devices.md) instead of printing a ticket. */
function simulateModbus(kind: 'autoclave' | 'washer', values: MachineValues, io: CommandIo): Promise<number> {
  if (values.serial || values.tcp !== undefined)
    throw new UsageError('give either a printer line (--serial/--tcp) or Modbus (--modbus-tcp/--modbus-rtu/--modbus-rtu-over-tcp), not both');
  if (values.replay || values.profile) throw new UsageError('--replay and --profile are for the printer line, not Modbus');
  const program = values.program ?? (kind === 'washer' ? 'washer-a0-3000' : 'steam-134-4');
  const rtuOverTcp = values['modbus-rtu-over-tcp'];
  return runSimulation(kind, (signal) =>
    kit.runModbusSimulator({
      kind,
      program,
      ...(values['modbus-tcp'] !== undefined ? { modbusTcpPort: num('modbus-tcp', values['modbus-tcp'], 0, 0) } : {}),
      ...(values['modbus-rtu'] ? { modbusRtuPath: values['modbus-rtu'] } : {}),
      ...(rtuOverTcp !== undefined ? { modbusRtuOverTcpPort: num('modbus-rtu-over-tcp', rtuOverTcp, 0, 0) } : {}),
      baudRate: num('baud', values.baud, 9600, 1),
      unitId: num('unit', values.unit, 1, 0),
      speed: num('speed', values.speed, 1, 0.001),
      cycles: num('cycles', values.cycles, 0, 0),
      ...(values.fault ? { fault: values.fault } : {}),
      ...(values.seed !== undefined ? { seed: num('seed', values.seed, 1, 0) } : {}),
      signal,
      log: (line) => println(io.stderr, line),
      onReady: (info) => println(io.stderr, `simulated ${kind} (${program}) serving Modbus on ${info.endpoints.join(', ')}`),
    }),
  );
}
