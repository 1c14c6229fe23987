// Helpers for the Modbus integration tests: awaitable driver events, a captured pino logger, socat PTY
// pairs and simulators run in-process, all cleaned up by `cleanup()` (call it in afterEach).
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { expect } from 'vitest';
import { ModbusBusRegistry } from '../../drivers/modbus/bus-registry.js';
import { ModbusDriver, type ModbusDriverOptions } from '../../drivers/modbus/driver.js';
import { type ModbusSimulatorOptions, runModbusSimulator } from '../../simulators/modbus-machine.js';
import type { DeviceEvent } from '../../vocabulary/device-event.js';
import type { Phase } from '../../vocabulary/phases.js';
import { type Proc, ptyPaths, startPty } from './process.js';

const cleanups: Array<() => Promise<void>> = [];
export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Collects events; `next` awaits the n-th one matching (already seen or still to come), with a ceiling. */
export class Events {
  readonly all: { at: number; e: DeviceEvent }[] = [];
  private waiters: (() => boolean)[] = [];
  readonly push = (e: DeviceEvent): void => {
    this.all.push({ at: performance.now(), e });
    this.waiters = this.waiters.filter((w) => !w());
  };
  next(match: (e: DeviceEvent) => boolean, what: string, timeoutMs = 25_000, nth = 1): Promise<DeviceEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.summary()}`));
      }, timeoutMs);
      const check = (): boolean => {
        const hit = this.all.filter((x) => match(x.e))[nth - 1];
        if (hit === undefined) return false;
        clearTimeout(timer);
        resolve(hit.e);
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }
  of<K extends DeviceEvent['kind']>(kind: K): Extract<DeviceEvent, { kind: K }>[] {
    return this.all.map((x) => x.e).filter((e): e is Extract<DeviceEvent, { kind: K }> => e.kind === kind);
  }
  summary(): string {
    const counts: Record<string, number> = {};
    for (const { e } of this.all) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    return JSON.stringify(counts);
  }
}

export interface LogLine {
  level: number;
  msg: string;
  health?: string;
  deviceId?: string;
  link?: string;
  [k: string]: unknown;
}

export function captureLogger(level = 'debug'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

/** A driver with its own bus registry, stopped at cleanup. */
export async function startDriver(
  opts: Omit<ModbusDriverOptions, 'logger' | 'now' | 'onEvent' | 'buses'> & { logger?: Logger; events?: Events; buses?: ModbusDriverOptions['buses'] },
): Promise<{ driver: ModbusDriver; events: Events }> {
  const events = opts.events ?? new Events();
  const driver = new ModbusDriver({
    logger: opts.logger ?? pino({ level: 'silent' }),
    now: Date.now,
    onEvent: events.push,
    ...opts,
    buses: opts.buses ?? new ModbusBusRegistry(),
  });
  onCleanup(() => driver.stop());
  await driver.start();
  return { driver, events };
}

/** A driver that has followed the simulated machine to the end of a cycle (at most 28 s). */
export const STEAM_PHASES: readonly Phase[] = ['conditioning', 'heating', 'sterilizing', 'exhaust', 'drying', 'aeration', 'complete'];

export async function driverThroughCycle(opts: Parameters<typeof startDriver>[0]): Promise<{ driver: ModbusDriver; events: Events }> {
  const started = await startDriver(opts);
  await started.events.next((e) => e.kind === 'cycle-end', 'cycle-end', 28_000);
  return started;
}

/** One whole cycle: one cycle-start with `start`'s fields, the phases `phases` in order, one cycle-end ok. */
export function expectWholeCycle(events: Events, start: Record<string, unknown>, phases: readonly Phase[]): void {
  expect(events.of('cycle-start')).toEqual([expect.objectContaining(start)]);
  expect(events.of('phase').map((e) => e.phase)).toEqual(phases);
  expect(events.of('cycle-end')).toEqual([expect.objectContaining({ status: 'ok' })]);
}

/** A link to a simulator's port on this machine: Modbus TCP, or RTU frames over TCP (a serial device server). */
export function tcpLink<M extends 'tcp' | 'rtu-over-tcp' = 'tcp'>(port: number | undefined, mode: M = 'tcp' as M): { mode: M; host: string; port: number } {
  return { mode, host: '127.0.0.1', port: port as number };
}

/** Runs the simulator in-process until cleanup; resolves with its ports once it listens. */
export async function startSimulator(
  opts: Omit<ModbusSimulatorOptions, 'signal' | 'onReady'>,
): Promise<{ tcpPort?: number; rtuOverTcpPort?: number; logs: string[]; done: Promise<void> }> {
  const abort = new AbortController();
  const logs: string[] = [];
  let ready: (info: { tcpPort?: number; rtuOverTcpPort?: number }) => void = () => undefined;
  const readyP = new Promise<{ tcpPort?: number; rtuOverTcpPort?: number }>((resolve) => (ready = resolve));
  const done = runModbusSimulator({ ...opts, signal: abort.signal, log: (l) => logs.push(l), onReady: ready });
  onCleanup(async () => {
    abort.abort();
    await done.catch(() => undefined);
  });
  const info = await Promise.race([readyP, done.then(() => Promise.reject(new Error(`simulator ended before it was ready: ${logs.join('; ')}`)))]);
  return { ...info, logs, done };
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modbus-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A socat PTY pair: `device` for the simulated slave(s), `gateway` for the driver. */
export async function ptyPair(): Promise<{ device: string; gateway: string; proc: Proc }> {
  const pty = await startPty(ptyPaths(await tempDir(), 'rtu'));
  onCleanup(pty.close);
  return { device: pty.dev, gateway: pty.gw, proc: pty.proc };
}

export const isLink =
  (connected: boolean) =>
  (e: DeviceEvent): boolean =>
    e.kind === 'link' && e.connected === connected;

/** What a bare device does with a request: answer it, or reset its connection. */
export type BareRequestAction = 'answer' | 'reset';

/** A bare Modbus TCP device on a real socket, for connection faults the simulator cannot place exactly: it answers
 * function 3 and 4 with register a = a (mod 65536), or resets the connection (TCP RST, the way a device that
 * reboots or a firewall drops it) when `decide` says so (`connection` counts accepted connections from 1, `request`
 * the requests on that connection from 1). `resetAll()` resets every open connection now. Closed at cleanup. */
export async function bareModbusTcpDevice(
  decide: (at: { connection: number; request: number }) => BareRequestAction = () => 'answer',
): Promise<{ port: number; readonly connections: number; readonly requests: number; resetAll(): void }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let requests = 0;
  const server = createServer((socket) => {
    const connection = ++connections;
    let onThis = 0;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 12) {
        const frame = buf.subarray(0, 6 + buf.readUInt16BE(4));
        if (buf.length < frame.length) return;
        buf = buf.subarray(frame.length);
        requests++;
        if (decide({ connection, request: ++onThis }) === 'reset') {
          socket.resetAndDestroy();
          return;
        }
        const fn = frame[7] as number;
        const address = frame.readUInt16BE(8);
        const count = frame.readUInt16BE(10);
        const pdu = Buffer.alloc(2 + 2 * count);
        pdu[0] = fn;
        pdu[1] = 2 * count;
        for (let k = 0; k < count; k++) pdu.writeUInt16BE((address + k) & 0xffff, 2 + 2 * k);
        const head = Buffer.from(frame.subarray(0, 7));
        head.writeUInt16BE(pdu.length + 1, 4);
        socket.write(Buffer.concat([head, pdu]));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onCleanup(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    resetAll() {
      for (const socket of sockets) socket.resetAndDestroy();
    },
  };
}
