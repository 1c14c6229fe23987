// `sterilink simulate autoclave ...`: a simulated device on a serial line (PTY) or a TCP port.
import { parseArgs } from 'node:util';
import * as kit from '../../simulators/index.js';
import { type CommandIo, numberOption as num, println, UsageError } from './command.js';
import { withSignals } from './signals.js';
import { PERIPHERAL_USAGE, simulatePeripheral } from './simulate-peripheral.js';

const USAGE = `usage: sterilink simulate autoclave|washer (--serial PATH | --tcp PORT | --modbus-tcp PORT | --modbus-rtu PATH
                          | --modbus-rtu-over-tcp PORT) [--unit ID] [--program ID] [--speed N] [--cycles N]
                          [--fault NAME] [--replay TRACE.csv] [--name NAME] [--seed N] [--baud N] [--wait-client]
                          [--profile prevac-ticket|prevac-ticket-zh|amsco-ls|amsco-ls-metric|scican-summary]
${PERIPHERAL_USAGE}
  --wait-client   with --tcp: start only when a client (the gateway) has connected`;

export async function simulateCommand(io: CommandIo): Promise<number> {
  const [kind, ...rest] = io.argv;
  if (kind === 'bi-reader' || kind === 'scanner') return simulatePeripheral(kind, rest, io);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      serial: { type: 'string' },
      tcp: { type: 'string' },
      program: { type: 'string' },
      speed: { type: 'string' },
      cycles: { type: 'string' },
      fault: { type: 'string' },
      replay: { type: 'string' },
      name: { type: 'string' },
      seed: { type: 'string' },
      baud: { type: 'string' },
      profile: { type: 'string' },
      'wait-client': { type: 'boolean' },
      'modbus-tcp': { type: 'string' },
      'modbus-rtu': { type: 'string' },
      'modbus-rtu-over-tcp': { type: 'string' },
      unit: { type: 'string' },
    },
  });
  if (kind !== 'autoclave' && kind !== 'washer') {
    throw new UsageError(kind ? `simulate: "${kind}" is not available in this version (available: autoclave, washer, bi-reader, scanner)\n${USAGE}` : USAGE);
  }
  const modbus = values['modbus-tcp'] !== undefined || values['modbus-rtu'] !== undefined || values['modbus-rtu-over-tcp'] !== undefined;
  if (modbus) return simulateModbus(kind, values, io);
  if (!values.serial && values.tcp === undefined)
    throw new UsageError(`simulate ${kind}: give --serial PATH, --tcp PORT, --modbus-tcp PORT or --modbus-rtu PATH\n${USAGE}`);
  if (kind === 'washer' && values.profile !== undefined && values.profile !== 'prevac-ticket')
    throw new UsageError(`--profile: the washer simulator speaks prevac-ticket, found "${values.profile}"`);
  if (kind === 'washer' && values.replay) throw new UsageError('--replay: only the autoclave simulator replays traces');
  const cycles = num('cycles', values.cycles, 0, 0);
  const program = values.program ?? (kind === 'washer' ? 'washer-a0-3000' : 'steam-134-4');
  try {
    const run = kind === 'washer' ? kit.runWasherSimulator : kit.runAutoclaveSimulator;
    await withSignals((signal) =>
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
  } catch (e) {
    if (e instanceof UsageError) throw e;
    println(io.stderr, `simulate ${kind}: ${(e as Error).message}`);
    return 2;
  }
  return 0;
}

/** The same machines serving the default Modbus map (docs/devices.md) instead of printing a ticket. */
async function simulateModbus(kind: 'autoclave' | 'washer', values: Record<string, string | boolean | undefined>, io: CommandIo): Promise<number> {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (str('serial') || str('tcp') !== undefined)
    throw new UsageError('give either a printer line (--serial/--tcp) or Modbus (--modbus-tcp/--modbus-rtu/--modbus-rtu-over-tcp), not both');
  if (str('replay') || str('profile')) throw new UsageError('--replay and --profile are for the printer line, not Modbus');
  const program = str('program') ?? (kind === 'washer' ? 'washer-a0-3000' : 'steam-134-4');
  try {
    await withSignals((signal) =>
      kit.runModbusSimulator({
        kind,
        program,
        ...(str('modbus-tcp') !== undefined ? { modbusTcpPort: num('modbus-tcp', str('modbus-tcp'), 0, 0) } : {}),
        ...(str('modbus-rtu') ? { modbusRtuPath: str('modbus-rtu') as string } : {}),
        ...(str('modbus-rtu-over-tcp') !== undefined ? { modbusRtuOverTcpPort: num('modbus-rtu-over-tcp', str('modbus-rtu-over-tcp'), 0, 0) } : {}),
        baudRate: num('baud', str('baud'), 9600, 1),
        unitId: num('unit', str('unit'), 1, 0),
        speed: num('speed', str('speed'), 1, 0.001),
        cycles: num('cycles', str('cycles'), 0, 0),
        ...(str('fault') ? { fault: str('fault') as string } : {}),
        ...(str('seed') !== undefined ? { seed: num('seed', str('seed'), 1, 0) } : {}),
        signal,
        log: (line) => println(io.stderr, line),
        onReady: (info) => println(io.stderr, `simulated ${kind} (${program}) serving Modbus on ${info.endpoints.join(', ')}`),
      }),
    );
  } catch (e) {
    println(io.stderr, `simulate ${kind}: ${(e as Error).message}`);
    return 2;
  }
  return 0;
}
