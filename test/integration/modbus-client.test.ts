// Our typed wrapper over modbus-serial against a simulated device on a real socket: one request in flight
// and the rest in order, timeouts naming unit/function/address measured from the wire, exceptions typed,
// reconnect with backoff after the device goes away, and a bus registry that shares and refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { ModbusBusRegistry } from '../../drivers/modbus/bus-registry.js';
import { type ConnectionState, ModbusConnection } from '../../drivers/modbus/client.js';
import { isModbusRequestError } from '../../drivers/modbus/request-errors.js';
import { type ModbusServer, startModbusServer } from '../../simulators/modbus/modbus-server.js';
import { isGatewayError } from '../../vocabulary/errors.js';
import { bareModbusTcpDevice, cleanup, onCleanup } from '../helpers/modbus.js';
import { until } from '../helpers/until.js';

afterEach(cleanup);

async function server(extra: Partial<Parameters<typeof startModbusServer>[0]> = {}): Promise<ModbusServer> {
  const s = await startModbusServer({
    tcpPort: 0,
    units: [
      { unitId: 1, read: (_fn, a) => (a < 100 ? 1000 + a : undefined) },
      { unitId: 2, read: (_fn, a) => (a < 100 ? 2000 + a : undefined) },
    ],
    ...extra,
  });
  onCleanup(() => s.close());
  return s;
}

async function connection(port: number): Promise<ModbusConnection> {
  const c = new ModbusConnection({ settings: { mode: 'tcp', host: '127.0.0.1', port }, backoff: { initialMs: 50, maxMs: 300, factor: 2, jitter: 0.1 } });
  onCleanup(() => c.stop());
  c.start();
  expect(await c.whenOnline(AbortSignal.timeout(5000))).toBe(true);
  return c;
}

describe('ModbusConnection', () => {
  it('answers queued reads in order, one in flight, for several units', async () => {
    const s = await server();
    const c = await connection(s.tcpPort as number);
    const reads = Array.from({ length: 20 }, (_, i) =>
      c.read({ unitId: (i % 2) + 1, function: i % 3 === 0 ? 'holding' : 'input', address: i, count: 3, timeoutMs: 500 }),
    );
    const results = await Promise.all(reads);
    results.forEach((words, i) => expect(words).toEqual([0, 1, 2].map((k) => ((i % 2) + 1) * 1000 + i + k)));
    expect(c.counters.requests).toBe(20);
  });

  it('times out per request from the wire, naming unit, function code and address; others still answer', async () => {
    const s = await server();
    const c = await connection(s.tcpPort as number);
    s.setFault(2, 'timeout');
    const t0 = performance.now();
    const silent = c.read({ unitId: 2, function: 'input', address: 7, count: 2, timeoutMs: 150 });
    const after = c.read({ unitId: 1, function: 'input', address: 0, count: 1, timeoutMs: 150 });
    await expect(silent).rejects.toSatisfy(
      (e: unknown) =>
        isModbusRequestError(e, 'timeout') &&
        /^Modbus unit 2 did not answer function 4 \(read input registers\) at address 7, 2 registers, within 150 ms/.test((e as Error).message) &&
        (e as { context: Record<string, unknown> }).context.functionCode === 4,
    );
    expect(await after).toEqual([1000]);
    // the second request waited for the first one's timeout, and had its own full timeout after that
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('types exception responses and answers an unmapped address with exception 2', async () => {
    const s = await server();
    const c = await connection(s.tcpPort as number);
    await expect(c.read({ unitId: 1, function: 'input', address: 99, count: 2, timeoutMs: 500 })).rejects.toSatisfy(
      (e: unknown) => isModbusRequestError(e, 'exception') && e.exceptionCode === 2 && /illegal data address/.test(e.message),
    );
    s.setFault(1, 'exception');
    await expect(c.read({ unitId: 1, function: 'holding', address: 0, count: 1, timeoutMs: 500 })).rejects.toSatisfy(
      (e: unknown) => isModbusRequestError(e, 'exception') && e.exceptionCode === 4,
    );
    s.setFault(1, 'bad-crc'); // over TCP: a reply whose byte count lies
    await expect(c.read({ unitId: 1, function: 'input', address: 0, count: 1, timeoutMs: 500 })).rejects.toSatisfy((e: unknown) =>
      isModbusRequestError(e, 'io'),
    );
    s.setFault(1, undefined);
    expect(await c.read({ unitId: 1, function: 'input', address: 0, count: 1, timeoutMs: 500 })).toEqual([1000]);
  });

  it('reports the link down once, reconnects with backoff when the device comes back, and reads again', async () => {
    const s = await server();
    const c = await connection(s.tcpPort as number);
    const states: ConnectionState[] = [];
    c.onState((st) => states.push(st));
    const inFlight = c.read({ unitId: 1, function: 'input', address: 0, count: 1, timeoutMs: 2000 });
    s.setFault(1, 'timeout');
    await s.disconnect(600);
    await expect(inFlight).rejects.toSatisfy((e: unknown) => isModbusRequestError(e, 'not-connected'));
    await expect(c.read({ unitId: 1, function: 'input', address: 0, count: 1, timeoutMs: 200 })).rejects.toSatisfy((e: unknown) =>
      isModbusRequestError(e, 'not-connected'),
    );
    s.setFault(1, undefined);
    expect(await c.whenOnline(AbortSignal.timeout(5000))).toBe(true);
    expect(states.map((st) => st.online)).toEqual([false, true]);
    expect(await c.read({ unitId: 1, function: 'input', address: 5, count: 1, timeoutMs: 500 })).toEqual([1005]);
    expect(c.counters.connects).toBe(2);
  });

  // modbus-serial's TCP port relays no 'close' when its socket failed first (ECONNRESET, EPIPE): without a
  // check of its open flag the connection stayed "online" on a dead socket, every read failing "not open", forever.
  it('a connection the device resets mid-request goes down (not a timeout), reconnects and reads again', async () => {
    const d = await bareModbusTcpDevice(({ connection, request }) => (connection === 1 && request === 2 ? 'reset' : 'answer'));
    const c = await connection(d.port);
    const states: ConnectionState[] = [];
    c.onState((st) => states.push(st));
    expect(await c.read({ unitId: 1, function: 'input', address: 3, count: 2, timeoutMs: 300 })).toEqual([3, 4]);
    await expect(c.read({ unitId: 1, function: 'holding', address: 0, count: 2, timeoutMs: 300 })).rejects.toSatisfy(
      (e: unknown) => isModbusRequestError(e, 'not-connected') && /went down \(connection lost\)/.test(e.message),
    );
    await until(() => states.length >= 2, 5000, 'the link down and up again');
    expect(states).toEqual([{ online: false, error: 'connection lost' }, { online: true }]);
    expect(await c.read({ unitId: 1, function: 'input', address: 7, count: 2, timeoutMs: 300 })).toEqual([7, 8]);
    expect(c.counters).toMatchObject({ connects: 2, timeouts: 0 });
    expect(d.connections).toBe(2);
  });

  it('a connection the device resets while idle goes down at the next read, reconnects and reads again', async () => {
    const d = await bareModbusTcpDevice();
    const c = await connection(d.port);
    const states: ConnectionState[] = [];
    c.onState((st) => states.push(st));
    expect(await c.read({ unitId: 1, function: 'input', address: 1, count: 1, timeoutMs: 300 })).toEqual([1]);
    d.resetAll();
    await expect(c.read({ unitId: 1, function: 'input', address: 1, count: 1, timeoutMs: 300 })).rejects.toSatisfy((e: unknown) =>
      isModbusRequestError(e, 'not-connected'),
    );
    await until(() => states.length >= 2, 5000, 'the link down and up again');
    expect(states.map((st) => st.online)).toEqual([false, true]);
    expect(await c.read({ unitId: 1, function: 'input', address: 2, count: 1, timeoutMs: 300 })).toEqual([2]);
    expect(c.counters.connects).toBe(2);
  });

  it('stop() fails what is queued and is idempotent', async () => {
    const s = await server();
    const c = await connection(s.tcpPort as number);
    s.setFault(1, 'timeout');
    const pending = [1, 2, 3].map(() => c.read({ unitId: 1, function: 'input', address: 0, count: 1, timeoutMs: 5000 }));
    await Promise.all([c.stop(), c.stop()]);
    for (const p of pending) await expect(p).rejects.toSatisfy((e: unknown) => isModbusRequestError(e, 'not-connected'));
    expect(c.online).toBe(false);
  });
});

describe('ModbusBusRegistry', () => {
  it('shares one connection per bus, refuses other line settings on it, closes with the last user', async () => {
    const registry = new ModbusBusRegistry();
    const s = await server();
    const a = registry.acquire({ mode: 'tcp', host: '127.0.0.1', port: s.tcpPort as number });
    const b = registry.acquire({ mode: 'tcp', host: '127.0.0.1', port: s.tcpPort as number });
    expect(a.connection).toBe(b.connection);
    const rtu = registry.acquire({ mode: 'rtu', path: '/dev/nonexistent-bus', baudRate: 9600 });
    onCleanup(() => rtu.release());
    expect(() => registry.acquire({ mode: 'rtu', path: '/dev/nonexistent-bus', baudRate: 19200 })).toThrow(
      /already open with other line settings \(baudRate 9600\)/,
    );
    try {
      registry.acquire({ mode: 'rtu', path: '/dev/nonexistent-bus', parity: 'even' });
    } catch (e) {
      expect(isGatewayError(e, 'device.modbus.bus-conflict')).toBe(true);
    }
    await a.release();
    await a.release();
    expect(registry.open.find((o) => o.link.startsWith('modbus-tcp'))?.users).toBe(1);
    await b.release();
    expect(registry.open.map((o) => o.link)).toEqual(['modbus-rtu:/dev/nonexistent-bus@9600']);
    expect(b.connection.online).toBe(false);
  });
});
