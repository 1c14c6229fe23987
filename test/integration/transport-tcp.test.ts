// TcpTransport specifics against real sockets on 127.0.0.1: a device server that is not there yet, one
// that never accepts (connect timeout), one that hangs up. Each test awaits events; none sleeps to assert.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TcpTransport } from '../../drivers/transport/tcp-transport.js';
import type { BackoffPolicy } from '../../vocabulary/backoff.js';
import { TransportRecorder } from '../helpers/transport-recorder.js';

const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A listener whose process never accepts (its event loop is parked) and whose backlog is full. */
const blackholes = new Set<ChildProcess>();
const fillers: net.Socket[] = [];
async function blackhole(): Promise<number> {
  const code = `const s=require('node:net').createServer().listen({port:0,host:'127.0.0.1',backlog:1},()=>{process.stdout.write(s.address().port+'\\n',()=>Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0))})`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  blackholes.add(child);
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  for (let i = 0; i < 2; i++) {
    const s = net.connect(port, '127.0.0.1');
    fillers.push(s);
    await once(s, 'connect');
  }
  return port;
}

const transports: TcpTransport[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.stop()));
  for (const s of servers.splice(0)) s.close();
});
afterAll(() => {
  for (const s of fillers) s.destroy();
  for (const c of blackholes) c.kill('SIGKILL');
});

describe('TcpTransport', () => {
  it('reports a refused connection once, then connects when the device server appears', async () => {
    const port = await freePort();
    const links = new TransportRecorder();
    const t = new TcpTransport({ host: '127.0.0.1', port, backoff: FAST });
    transports.push(t);
    expect(t.description).toBe(`tcp://127.0.0.1:${port}`);
    await t.start(links.handlers);
    expect(links.states).toEqual([{ connected: false, error: expect.stringMatching(/ECONNREFUSED/) }]);

    const server = net.createServer((socket) => socket.end('RESULT: CYCLE OK\r\n'));
    servers.push(server);
    server.listen(port, '127.0.0.1');
    await links.until(() => links.text.includes('RESULT: CYCLE OK\r\n'));
    await links.until(() => links.states.length >= 3);
    expect(links.states.slice(0, 3)).toEqual([
      { connected: false, error: expect.stringMatching(/ECONNREFUSED/) },
      { connected: true },
      { connected: false, error: 'connection closed by the device server' },
    ]);
  });

  it('gives up an attempt that does not connect within connectTimeoutMs', async () => {
    const port = await blackhole();
    const links = new TransportRecorder();
    const t = new TcpTransport({ host: '127.0.0.1', port, backoff: FAST, connectTimeoutMs: 150 });
    transports.push(t);
    await t.start(links.handlers);
    expect(links.states).toEqual([{ connected: false, error: `connect to 127.0.0.1:${port} timed out after 150 ms` }]);
    expect(t.reconnectPending).toBe(true);
  });

  it('stop() aborts a hanging connect at once and leaves no reconnect scheduled', async () => {
    const port = await blackhole();
    const links = new TransportRecorder();
    const t = new TcpTransport({ host: '127.0.0.1', port, backoff: FAST, connectTimeoutMs: 600_000 });
    const started = t.start(links.handlers);
    await t.stop();
    await started;
    expect(links.states).toEqual([]);
    expect(t.reconnectPending).toBe(false);
    expect(t.connected).toBe(false);
  });
});
