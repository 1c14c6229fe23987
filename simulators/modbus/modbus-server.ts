// Simulated Modbus devices on the wire: one or more units (unit ids) served over Modbus TCP, over RTU
// on a serial path (a PTY from socat, or a real RS-485 adapter), and/or over RTU-over-TCP (a serial
// device server). Faults are injected at byte level per unit: `timeout` (no reply), `exception`
// (exception 4, slave device failure), `bad-crc` (RTU: wrong checksum; TCP: a reply whose byte count
// does not match), and `disconnect(ms)` (TCP: connections dropped and the port closed for that long;
// RTU: the bus goes silent). An RTU request for a unit id nobody serves gets no reply, as on a bus; a
// Modbus TCP request for one gets exception 11 (gateway target failed to respond).

import { answerPdu, describePdu, EXCEPTION, exceptionPdu, type RegisterReader } from './pdu.js';
import { type SerialEndpoint, startSerialEndpoint } from './serial-endpoint.js';
import { type Answer, startTcpEndpoint, type TcpEndpoint } from './tcp-endpoint.js';

export const WIRE_FAULTS = ['timeout', 'exception', 'bad-crc'] as const;
export type WireFault = (typeof WIRE_FAULTS)[number];

export interface SimUnit {
  unitId: number;
  read: RegisterReader;
  /** The fault in force right now (asked on every request); setFault() overrides it. */
  fault?: () => WireFault | undefined;
}

export interface ModbusServerOptions {
  units: SimUnit[];
  /** Modbus TCP on this port (0 = any free port; see `tcpPort` after start). */
  tcpPort?: number;
  /** RTU over TCP (serial device server) on this port (0 = any free port). */
  rtuOverTcpPort?: number;
  /** Default 127.0.0.1; 0.0.0.0 serves other machines. */
  host?: string;
  /** RTU on this serial path. */
  rtuPath?: string;
  /** Default 9600. */
  baudRate?: number;
  /** Called for every request a unit of ours answers or would answer (faults included). */
  onRequest?: (unitId: number) => void;
  log?: (line: string) => void;
}

export interface ModbusServerCounters {
  requests: number;
  replies: number;
  silent: number;
  exceptions: number;
  corrupted: number;
}

export interface ModbusServer {
  readonly tcpPort: number | undefined;
  readonly rtuOverTcpPort: number | undefined;
  readonly endpoints: string[];
  readonly counters: Readonly<ModbusServerCounters>;
  /** Forces a fault on one unit (undefined clears the override). */
  setFault(unitId: number, fault: WireFault | undefined): void;
  /** Drops TCP connections and stops listening for `ms`; RTU goes silent for as long. */
  disconnect(ms: number): Promise<void>;
  close(): Promise<void>;
}

export async function startModbusServer(opts: ModbusServerOptions): Promise<ModbusServer> {
  if (opts.units.length === 0) throw new Error('a Modbus server needs at least one unit');
  for (const u of opts.units) {
    if (!(Number.isInteger(u.unitId) && u.unitId >= 1 && u.unitId <= 247)) throw new Error(`unit id must be 1..247, got ${u.unitId}`);
  }
  if (new Set(opts.units.map((u) => u.unitId)).size !== opts.units.length) throw new Error('unit ids must be distinct');
  if (opts.tcpPort === undefined && opts.rtuPath === undefined && opts.rtuOverTcpPort === undefined) {
    throw new Error('give a Modbus TCP port, an RTU serial path and/or an RTU-over-TCP port to serve on');
  }
  const log = opts.log ?? (() => undefined);
  const units = new Map(opts.units.map((u) => [u.unitId, u]));
  const overrides = new Map<number, WireFault>();
  const counts: ModbusServerCounters = { requests: 0, replies: 0, silent: 0, exceptions: 0, corrupted: 0 };
  let silentUntil = 0;
  const lastFault = new Map<number, WireFault | undefined>();

  const answer: Answer = (unitId, pdu, framing) => {
    // Modbus TCP devices commonly answer unit 0 or 255 as themselves.
    const only = opts.units.length === 1 ? opts.units[0] : undefined;
    const unit = units.get(unitId) ?? (framing === 'mbap' && (unitId === 0 || unitId === 255) ? only : undefined);
    if (unit === undefined) {
      if (framing === 'rtu') return null;
      counts.exceptions++;
      return { pdu: exceptionPdu(pdu[0] ?? 0, 11), corrupt: false };
    }
    counts.requests++;
    opts.onRequest?.(unit.unitId);
    const fault = performance.now() < silentUntil ? 'timeout' : (overrides.get(unit.unitId) ?? unit.fault?.());
    if (fault !== lastFault.get(unit.unitId) && (fault !== undefined || lastFault.has(unit.unitId))) {
      log(fault === undefined ? `unit ${unit.unitId}: answering normally again` : `unit ${unit.unitId}: fault ${fault} (${describePdu(pdu)} and after)`);
      lastFault.set(unit.unitId, fault);
    }
    switch (fault) {
      case 'timeout':
        counts.silent++;
        return null;
      case 'exception':
        counts.exceptions++;
        return { pdu: exceptionPdu(pdu[0] ?? 0, EXCEPTION.deviceFailure), corrupt: false };
      case 'bad-crc':
        counts.corrupted++;
        return { pdu: answerPdu(pdu, unit.read), corrupt: true };
      default: {
        const reply = answerPdu(pdu, unit.read);
        if ((reply[0] ?? 0) & 0x80) counts.exceptions++;
        else counts.replies++;
        return { pdu: reply, corrupt: false };
      }
    }
  };

  const tcp: TcpEndpoint[] = [];
  let serial: SerialEndpoint | undefined;
  let tcpPort: number | undefined;
  let rtuOverTcpPort: number | undefined;
  try {
    if (opts.tcpPort !== undefined) {
      const e = await startTcpEndpoint({ framing: 'mbap', port: opts.tcpPort, ...(opts.host !== undefined && { host: opts.host }), answer, log });
      tcp.push(e);
      tcpPort = e.port;
    }
    if (opts.rtuOverTcpPort !== undefined) {
      const e = await startTcpEndpoint({ framing: 'rtu', port: opts.rtuOverTcpPort, ...(opts.host !== undefined && { host: opts.host }), answer, log });
      tcp.push(e);
      rtuOverTcpPort = e.port;
    }
    if (opts.rtuPath !== undefined) serial = await startSerialEndpoint({ path: opts.rtuPath, baudRate: opts.baudRate ?? 9600, answer, log });
  } catch (e) {
    await Promise.all(tcp.map((t) => t.close()));
    await serial?.close();
    throw e;
  }

  return {
    tcpPort,
    rtuOverTcpPort,
    endpoints: [...tcp.map((t) => t.description), ...(serial ? [serial.description] : [])],
    get counters() {
      return { ...counts };
    },
    setFault(unitId, fault) {
      if (fault === undefined) overrides.delete(unitId);
      else overrides.set(unitId, fault);
    },
    async disconnect(ms) {
      silentUntil = performance.now() + ms;
      await Promise.all(tcp.map((t) => t.pause(ms)));
    },
    async close() {
      await Promise.all(tcp.map((t) => t.close()));
      await serial?.close();
    },
  };
}
