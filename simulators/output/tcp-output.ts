// A simulated "serial device server" in TCP server mode (Moxa NPort, USR-TCP232): listens on a port and
// relays the device's byte stream to every connected client. A client that connects mid-ticket gets the
// rest of it; with no client, output is dropped, as on the serial line it stands for. Incoming bytes are
// ignored (a printer port is output only).

import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { type ByteOutput, DEFAULT_MAX_PENDING_BYTES, type OutputLog, resultWithin } from './byte-output.js';

export interface TcpOutputOptions {
  /** 0 picks a free port; read it from `port` after `start()`. */
  port: number;
  /** Default 127.0.0.1; use 0.0.0.0 to serve other machines. */
  host?: string;
  log?: OutputLog;
  maxPendingBytes?: number;
}

export interface TcpOutput extends ByteOutput {
  /** The bound port (after `start()`). */
  readonly port: number;
  readonly clientCount: number;
  /** Resolves when at least one client is connected (at once if one is); false if `signal` aborted first. */
  waitForClient(signal?: AbortSignal): Promise<boolean>;
}

export function createTcpOutput(opts: TcpOutputOptions): TcpOutput {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const maxPending = opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const clients = new Set<Socket>();
  const overrun = new WeakSet<Socket>();
  /** Settles when the socket's latest chunk was handed to the OS (or the socket failed). */
  const lastWrite = new WeakMap<Socket, Promise<void>>();
  let server: Server | null = null;
  let boundPort = opts.port;
  let dropped = 0;

  const clientWaiters = new Set<() => void>();
  const accept = (socket: Socket): void => {
    for (const w of clientWaiters) w();
    clientWaiters.clear();
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    clients.add(socket);
    socket.setNoDelay(true);
    socket.resume(); // discard anything the client sends
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clients.delete(socket);
      log(`tcp ${host}:${boundPort}: client ${peer} left (${clients.size} connected)`);
    });
    log(`tcp ${host}:${boundPort}: client ${peer} connected (${clients.size} connected)`);
  };

  return {
    get description() {
      return `tcp ${host}:${boundPort}`;
    },
    get port() {
      return boundPort;
    },
    get clientCount() {
      return clients.size;
    },
    waitForClient(signal) {
      if (clients.size > 0) return Promise.resolve(true);
      if (signal?.aborted) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const onAbort = () => {
          clientWaiters.delete(done);
          resolve(false);
        };
        const done = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        };
        clientWaiters.add(done);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    get droppedBytes() {
      return dropped;
    },
    async start() {
      if (server) return;
      const s = createServer(accept);
      s.listen(opts.port, host);
      try {
        await once(s, 'listening');
      } catch (e) {
        s.close();
        throw new Error(`cannot listen on tcp ${host}:${opts.port}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const addr = s.address();
      if (addr && typeof addr === 'object') boundPort = addr.port;
      server = s;
      log(`tcp ${host}:${boundPort}: listening`);
    },
    write(chunk) {
      if (clients.size === 0) {
        dropped += chunk.length;
        return;
      }
      for (const socket of clients) {
        if (socket.writableLength > maxPending) {
          dropped += chunk.length;
          if (!overrun.has(socket))
            log(`tcp ${host}:${boundPort}: client ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} not reading, dropping its output`);
          overrun.add(socket);
          continue;
        }
        overrun.delete(socket);
        lastWrite.set(socket, new Promise<void>((resolve) => socket.write(chunk, () => resolve())));
      }
    },
    async flush(timeoutMs) {
      const pending = [...clients].map((c) => lastWrite.get(c)).filter((w): w is Promise<void> => w !== undefined);
      if (pending.length === 0) return true;
      return resultWithin(
        Promise.all(pending).then(() => true),
        timeoutMs,
      );
    },
    async close() {
      const s = server;
      server = null;
      // end(): what was accepted still goes out, then FIN; a client that does not close within 1 s is cut.
      await Promise.all(
        [...clients].map(async (c) => {
          if (c.destroyed) return;
          const closed = once(c, 'close').then(
            () => undefined,
            () => undefined,
          );
          c.end();
          const timer = setTimeout(() => c.destroy(), 1000);
          await closed;
          clearTimeout(timer);
        }),
      );
      clients.clear();
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
