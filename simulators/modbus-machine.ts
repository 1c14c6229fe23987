// A simulated sterilizer or washer-disinfector as a Modbus device (`sterilink simulate autoclave|washer
// --modbus-tcp PORT --modbus-rtu PATH`): the machine's cycle model drives the default map (docs/devices.md),
// served over Modbus TCP, RTU on a serial path/PTY and/or RTU over TCP, paced at `speed` simulated
// seconds per real second. The device clock registers carry the simulated clock, so an accelerated
// cycle verifies like a real one.
//
// The machine stands idle until a master first reads it (a real one would not care, but a simulator
// that ran its cycle before the gateway looked would only teach the gateway to fail it), then starts
// its first cycle `leadS` simulated seconds later. After the last cycle it keeps serving the end state
// until a master has read it (at most `lingerMs`), then closes.
//
// Faults: the model's own (autoclave: short-hold, air, superheat, overshoot, dropout, abort, leak;
// washer: low-disinfect-temp, short-disinfect, hot-prewash, dropout, abort) and the Modbus ones, each
// an episode of `faultForS` simulated seconds from `faultAtS` (default mid-plateau) of every cycle:
// timeout (no replies), exception (exception 4), bad-crc (RTU: bad checksum; TCP: corrupt reply),
// frozen (temperature registers stop changing), disconnect (TCP closed, RTU silent).

import { cycleSource } from './modbus/cycle-source.js';
import { MachineTimeline, midPlateauS, type PlannedCycle } from './modbus/machine-timeline.js';
import { type ModbusServer, startModbusServer, type WireFault } from './modbus/modbus-server.js';
import { encodeMachineState, type MachineKind, REGISTER_COUNT } from './modbus/register-image.js';
import { sleepUntil } from './shared/pace.js';

export const MODBUS_FAULTS = ['timeout', 'exception', 'bad-crc', 'frozen', 'disconnect'] as const;
export type ModbusFault = (typeof MODBUS_FAULTS)[number];
export const MODBUS_FAULT_DESCRIPTIONS: Readonly<Record<ModbusFault, string>> = {
  timeout: 'no replies for the episode: the gateway times out, reports the link down, and recovers after',
  exception: 'exception 4 (slave device failure) to every request for the episode',
  'bad-crc': 'replies with a wrong CRC (RTU) or a byte count that does not match (TCP) for the episode',
  frozen: 'the temperature registers stop changing mid-plateau while the rest moves on (stale sensor)',
  disconnect: 'TCP connections dropped and the port closed for the episode; RTU goes silent',
};
export const DEFAULT_FAULT_FOR_S = 60;

export interface ModbusSimulatorOptions {
  kind: MachineKind;
  /** Modbus TCP port (0 = any free port, see onReady). */
  modbusTcpPort?: number;
  /** RTU on this serial device or PTY. */
  modbusRtuPath?: string;
  /** RTU over TCP (a serial device server) on this port (0 = any free port). */
  modbusRtuOverTcpPort?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** RTU baud rate. Default 9600. */
  baudRate?: number;
  /** Default 1. */
  unitId?: number;
  program: string;
  /** Simulated seconds per real second. */
  speed: number;
  /** 0 = until `signal` aborts. */
  cycles: number;
  fault?: string;
  /** Cycle seconds where a Modbus fault episode begins. Default mid-plateau. */
  faultAtS?: number;
  /** Simulated seconds a Modbus fault episode lasts. Default 60. */
  faultForS?: number;
  /** Default 1; cycle k uses seed + k. */
  seed?: number;
  /** Simulated clock at the start of the run, ms since the epoch. Default now. */
  startTime?: number;
  /** Default 1. */
  firstCycleNo?: number;
  /** Simulated seconds between cycles. Default 300. */
  pauseBetweenS?: number;
  /** Simulated seconds from a master's first request to the first cycle. Default 10. */
  leadS?: number;
  /** Start at once rather than on a master's first request. */
  startImmediately?: boolean;
  /** After the last cycle, wait at most this long (real ms) for a master to read the end. Default 10 000. */
  lingerMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  onReady?: (info: { tcpPort?: number; rtuOverTcpPort?: number; endpoints: string[] }) => void;
}

const isModbusFault = (x: string | undefined): x is ModbusFault => (MODBUS_FAULTS as readonly string[]).includes(x ?? '');

export async function runModbusSimulator(opts: ModbusSimulatorOptions): Promise<void> {
  if (!(opts.speed > 0 && Number.isFinite(opts.speed))) throw new Error(`speed must be a positive number of simulated seconds per second, got ${opts.speed}`);
  if (!Number.isInteger(opts.cycles) || opts.cycles < 0) throw new Error(`cycles must be a non-negative integer (0 = forever), got ${opts.cycles}`);
  if (opts.modbusTcpPort === undefined && opts.modbusRtuPath === undefined && opts.modbusRtuOverTcpPort === undefined) {
    throw new Error('give a Modbus TCP port, an RTU serial path and/or an RTU-over-TCP port');
  }
  const log = opts.log ?? (() => undefined);
  const modbusFault = isModbusFault(opts.fault) ? opts.fault : undefined;
  const source = cycleSource(opts.kind, opts.program, {
    seed: opts.seed ?? 1,
    ...(modbusFault === undefined && opts.fault !== undefined && { modelFault: opts.fault }),
  });
  const faultForS = opts.faultForS ?? DEFAULT_FAULT_FOR_S;
  if (!(faultForS > 0)) throw new Error(`faultForS must be > 0, got ${faultForS}`);
  const timeline = new MachineTimeline({
    source,
    startTime: opts.startTime ?? Date.now(),
    firstCycleNo: opts.firstCycleNo ?? 1,
    pauseBetweenS: opts.pauseBetweenS ?? 300,
    cycles: opts.cycles,
    ...(modbusFault === 'frozen' && { frozen: { forS: faultForS, ...(opts.faultAtS !== undefined && { atS: opts.faultAtS }) } }),
  });
  const unitId = opts.unitId ?? 1;
  const leadS = opts.leadS ?? 10;

  const realStart = performance.now();
  const simNow = (): number => ((performance.now() - realStart) / 1000) * opts.speed;
  /** The Modbus fault episode of the cycle running at `simS`, as run seconds [from, to). */
  const episode = (simS: number): { plan: PlannedCycle; from: number; to: number } | undefined => {
    const at = timeline.cycleAt(simS);
    if (modbusFault === undefined || at === undefined) return undefined;
    const from = at.plan.startS + (opts.faultAtS ?? midPlateauS(at.plan.cycle));
    return { plan: at.plan, from, to: from + faultForS };
  };
  const wireFault = (): WireFault | undefined => {
    if (modbusFault !== 'timeout' && modbusFault !== 'exception' && modbusFault !== 'bad-crc') return undefined;
    const simS = simNow();
    const e = episode(simS);
    return e !== undefined && simS >= e.from && simS < e.to ? modbusFault : undefined;
  };

  let image: { key: number; words: number[] } | undefined;
  const registers = (): number[] => {
    const simS = simNow();
    const key = timeline.begun ? Math.floor(simS) : -1 - Math.floor(simS);
    if (image?.key !== key) image = { key, words: encodeMachineState(timeline.stateAt(simS)) };
    return image.words;
  };
  let readsAfterEnd = 0;
  let ended = false;
  const server: ModbusServer = await startModbusServer({
    units: [{ unitId, read: (_fn, address) => (address < REGISTER_COUNT ? registers()[address] : undefined), fault: wireFault }],
    ...(opts.modbusTcpPort !== undefined && { tcpPort: opts.modbusTcpPort }),
    ...(opts.modbusRtuOverTcpPort !== undefined && { rtuOverTcpPort: opts.modbusRtuOverTcpPort }),
    ...(opts.modbusRtuPath !== undefined && { rtuPath: opts.modbusRtuPath }),
    ...(opts.host !== undefined && { host: opts.host }),
    baudRate: opts.baudRate ?? 9600,
    log,
    onRequest: () => {
      if (!timeline.begun) {
        timeline.begin(simNow() + leadS);
        log(`${opts.kind}: a master is reading unit ${unitId}; cycle 1 starts in ${leadS} simulated s`);
      }
      if (ended) readsAfterEnd++;
    },
  });

  try {
    opts.onReady?.({
      ...(server.tcpPort !== undefined && { tcpPort: server.tcpPort }),
      ...(server.rtuOverTcpPort !== undefined && { rtuOverTcpPort: server.rtuOverTcpPort }),
      endpoints: server.endpoints,
    });
    const what = `${source.programId} (program ${source.programNo})${opts.fault ? ` fault=${opts.fault}` : ''}`;
    log(
      `${opts.kind} unit ${unitId}: ${what}, speed ${opts.speed}x, ${opts.cycles === 0 ? 'cycles until stopped' : `${opts.cycles} cycle(s)`} -> ${server.endpoints.join(', ')}`,
    );
    if (opts.startImmediately) timeline.begin(simNow());
    else log(`${opts.kind}: idle, waiting for a Modbus master to read before starting`);
    await monitor();
  } finally {
    await server.close();
  }

  /** Logs cycle starts and ends, runs the disconnect episodes, and decides when the run is over. */
  async function monitor(): Promise<void> {
    const tickMs = Math.min(200, Math.max(10, 1000 / opts.speed));
    let lastKey = '';
    let disconnectedFor: PlannedCycle | undefined;
    let endedAt = 0;
    for (let next = performance.now(); ; next += tickMs) {
      if (!(await sleepUntil(next, opts.signal))) return;
      if (performance.now() - next > tickMs) next = performance.now();
      const simS = simNow();
      const at = timeline.cycleAt(simS);
      if (at === undefined) continue;
      const key = `${at.plan.index}:${at.stage === 'running' ? 'running' : 'ended'}`;
      if (key !== lastKey) {
        lastKey = key;
        const c = at.plan.cycle;
        if (at.stage === 'running')
          log(
            `${opts.kind}: cycle ${at.plan.cycleNo} starts at simulated ${new Date(timeline.stateAt(simS).clockMs).toISOString()} (${c.samples.length} samples, ${c.durationS} s)`,
          );
        else log(`${opts.kind}: cycle ${at.plan.cycleNo} ended (${c.result})`);
      }
      const e = episode(simS);
      if (modbusFault === 'disconnect' && e !== undefined && simS >= e.from && simS < e.to && disconnectedFor !== e.plan) {
        disconnectedFor = e.plan;
        await server.disconnect(((e.to - simS) * 1000) / opts.speed);
      }
      if (opts.cycles > 0 && at.plan.index === opts.cycles - 1 && at.stage !== 'running') {
        if (!ended) {
          ended = true;
          endedAt = performance.now();
        }
        const lingerMs = opts.lingerMs ?? 10_000;
        if (readsAfterEnd >= 2 || performance.now() - endedAt >= lingerMs) return;
      }
    }
  }
}
