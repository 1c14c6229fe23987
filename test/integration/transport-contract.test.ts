// One contract, every Transport: the in-memory pair, TCP against a real server on 127.0.0.1, and the
// serial transport on a real PTY pair made by socat. Each test awaits events; none sleeps to assert.
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Logger, pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineFramer } from '../../drivers/transport/line-framer.js';
import { createMemoryPair } from '../../drivers/transport/memory-pair.js';
import { SerialTransport } from '../../drivers/transport/serial-transport.js';
import { TcpTransport } from '../../drivers/transport/tcp-transport.js';
import type { LinkState, Transport } from '../../drivers/transport/transport.js';
import type { BackoffPolicy } from '../../vocabulary/backoff.js';
import { type Proc, ptyPaths, startPty } from '../helpers/process.js';

const FAST: BackoffPolicy = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0.2 };

/** Resolves when `check` holds, re-checking whenever `kick` is called. */
class Condition {
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  until(check: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      if (check()) resolve();
      else this.waiters.push({ check, resolve });
    });
  }
  kick(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

/** What the gateway side sees, with counts of failed open attempts taken from the transport's debug log. */
class Observer {
  readonly links: LinkState[] = [];
  readonly lines: string[] = [];
  failedOpens = 0;
  readonly changed = new Condition();
  private readonly framer = new LineFramer();
  readonly logger: Logger = pino(
    { level: 'debug' },
    {
      write: (s: string) => {
        if ((JSON.parse(s) as { msg: string }).msg === 'open failed') this.failedOpens++;
        this.changed.kick();
      },
    },
  );
  readonly handlers = {
    onData: (chunk: Buffer) => {
      for (const item of this.framer.push(chunk)) if (item.kind === 'line') this.lines.push(item.text);
      this.changed.kick();
    },
    onLink: (state: LinkState) => {
      this.links.push(state);
      this.changed.kick();
    },
  };
  linkIs(connected: boolean, count: number): Promise<void> {
    return this.changed.until(() => this.links.length >= count && this.links.at(-1)?.connected === connected);
  }
}

interface Harness {
  readonly transport: Transport;
  /** Device -> gateway. */
  deviceWrite(data: string): Promise<void>;
  /** Gateway -> device: resolves with what the device received once it contains `text`. */
  deviceReceives(text: string): Promise<string>;
  breakLink(): Promise<void>;
  restoreLink(): Promise<void>;
  /** Resolves after the transport has failed to reopen at least `n` times (immediately where it does not retry). */
  failedOpens(n: number): Promise<void>;
  close(): Promise<void>;
}

type HarnessFactory = (observer: Observer) => Promise<Harness>;

const memoryHarness: HarnessFactory = async () => {
  const pair = createMemoryPair();
  let received = '';
  const arrived = new Condition();
  await pair.b.start({
    onData: (c) => {
      received += c.toString();
      arrived.kick();
    },
    onLink: () => undefined,
  });
  return {
    transport: pair.a,
    deviceWrite: (data) => pair.b.write(data),
    deviceReceives: async (text) => {
      await arrived.until(() => received.includes(text));
      return received;
    },
    breakLink: async () => pair.disconnect('unplugged'),
    restoreLink: async () => pair.connect(),
    failedOpens: async () => undefined,
    close: () => pair.b.stop(),
  };
};

const tcpHarness: HarnessFactory = async (observer) => {
  const sockets = new Set<net.Socket>();
  let received = '';
  const changed = new Condition();
  const serve = (port: number) => {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (d) => {
        received += d.toString();
        changed.kick();
      });
      socket.on('close', () => sockets.delete(socket));
      changed.kick();
    });
    server.listen(port, '127.0.0.1');
    return server;
  };
  let server = serve(0);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const transport = new TcpTransport({ host: '127.0.0.1', port, backoff: FAST, logger: observer.logger, connectTimeoutMs: 2000 });
  return {
    transport,
    deviceWrite: async (data) => {
      await changed.until(() => sockets.size > 0);
      const [socket] = sockets;
      await new Promise<void>((resolve, reject) => socket?.write(data, (e) => (e ? reject(e) : resolve())));
    },
    deviceReceives: async (text) => {
      await changed.until(() => received.includes(text));
      return received;
    },
    breakLink: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
    restoreLink: async () => {
      server = serve(port);
      await once(server, 'listening');
    },
    failedOpens: (n) => observer.changed.until(() => observer.failedOpens >= n),
    close: async () => {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    },
  };
};

const socats = new Set<Proc>();
afterAll(async () => {
  for (const p of socats) await p.kill('SIGKILL');
});

const serialHarness: HarnessFactory = async (observer) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sterilink-pty-'));
  const { dev: device, gw: gateway } = ptyPaths(dir);
  let socat: Proc | undefined;
  let writer: fs.promises.FileHandle | undefined;
  let reader: fs.ReadStream | undefined;
  let received = '';
  const changed = new Condition();

  const startSocat = async () => {
    const p = (await startPty({ dev: device, gw: gateway })).proc;
    socats.add(p);
    void p.exited.then(() => socats.delete(p));
    socat = p;
    writer = await fs.promises.open(device, 'r+');
    reader = fs.createReadStream(device);
    reader.on('data', (d) => {
      received += d.toString();
      changed.kick();
    });
    reader.on('error', () => undefined); // EIO once socat is gone: the device end is simply dead
  };
  const stopSocat = async () => {
    const p = socat;
    socat = undefined;
    await writer?.close();
    writer = undefined;
    await p?.kill('SIGTERM');
    reader?.destroy();
    reader = undefined;
  };

  await startSocat();
  const transport = new SerialTransport({ path: gateway, baudRate: 9600, backoff: FAST, logger: observer.logger });
  return {
    transport,
    deviceWrite: async (data) => {
      await writer?.write(data);
    },
    deviceReceives: async (text) => {
      await changed.until(() => received.includes(text));
      return received;
    },
    breakLink: stopSocat,
    restoreLink: startSocat,
    failedOpens: (n) => observer.changed.until(() => observer.failedOpens >= n),
    close: async () => {
      await stopSocat();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

describe.each([
  ['memory pair', memoryHarness],
  ['tcp to a local server', tcpHarness],
  ['serial on a socat PTY pair', serialHarness],
] as const)('Transport contract: %s', (_name, factory) => {
  let observer: Observer;
  let harness: Harness;

  beforeEach(async () => {
    observer = new Observer();
    harness = await factory(observer);
  });
  afterEach(async () => {
    await harness.transport.stop();
    await harness.close();
  });

  it('reports the link up and delivers lines, whatever the chunking', async () => {
    await harness.transport.start(observer.handlers);
    await observer.linkIs(true, 1);
    await harness.deviceWrite('08:02:11  START');
    await harness.deviceWrite('           96.3      -1.0\r\nRESULT: CYCLE OK\r');
    await harness.deviceWrite('\nlast\n');
    await observer.changed.until(() => observer.lines.length >= 3);
    expect(observer.lines).toEqual(['08:02:11  START           96.3      -1.0', 'RESULT: CYCLE OK', 'last']);
    expect(observer.links).toEqual([{ connected: true }]);
  });

  it('writes to the device', async () => {
    await harness.transport.start(observer.handlers);
    await observer.linkIs(true, 1);
    await harness.transport.write('PRINT AGAIN\r\n');
    await harness.transport.write(Buffer.from([0x41, 0x0a]));
    expect(await harness.deviceReceives('A\n')).toBe('PRINT AGAIN\r\nA\n');
  });

  it('reports the link down once however often reopening fails, then up again, and the data flows', async () => {
    await harness.transport.start(observer.handlers);
    await observer.linkIs(true, 1);
    await harness.breakLink();
    await observer.linkIs(false, 2);
    await harness.failedOpens(3);
    await harness.restoreLink();
    await observer.linkIs(true, 3);
    expect(observer.links.map((l) => l.connected)).toEqual([true, false, true]);
    await harness.deviceWrite('back again\n');
    await observer.changed.until(() => observer.lines.includes('back again'));
  });

  it('stops idempotently and stays silent afterwards', async () => {
    await harness.transport.start(observer.handlers);
    await observer.linkIs(true, 1);
    await Promise.all([harness.transport.stop(), harness.transport.stop()]);
    await harness.breakLink();
    await harness.restoreLink();
    await expect(harness.transport.write('x')).rejects.toThrow(/not connected/);
    expect(observer.links).toEqual([{ connected: true }]);
  });
});
