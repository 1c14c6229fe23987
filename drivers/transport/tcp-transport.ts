// A raw TCP connection to a serial device server (Moxa NPort, USR-TCP232 ... in "TCP server" mode),
// which relays the device's serial line. Reconnects forever (see ReconnectingTransport).

import net from 'node:net';
import { type ConnectionCallbacks, type LinkConnection, ReconnectingTransport, type ReconnectOptions } from './reconnecting-transport.js';

export interface TcpTransportOptions extends ReconnectOptions {
  host: string;
  port: number;
  /** Give up an attempt that has not connected after this long. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** TCP keepalive probe delay, so a dead device server is noticed on a silent line. Default 10 000 ms. */
  keepAliveMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_KEEPALIVE_MS = 10_000;

export class TcpTransport extends ReconnectingTransport {
  constructor(options: TcpTransportOptions) {
    super(`tcp://${options.host}:${options.port}`, (callbacks, signal) => openTcp(options, callbacks, signal), options);
  }
}

async function openTcp(options: TcpTransportOptions, callbacks: ConnectionCallbacks, signal: AbortSignal): Promise<LinkConnection> {
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const socket = new net.Socket();
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      socket.off('connect', onConnect);
      socket.off('error', settle);
      socket.off('timeout', onTimeout);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve();
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onConnect = (): void => settle();
    const onTimeout = (): void => settle(new Error(`connect to ${options.host}:${options.port} timed out after ${timeoutMs} ms`));
    const onAbort = (): void => settle(new Error('stopped'));
    if (signal.aborted) {
      onAbort();
      return;
    }
    socket.once('connect', onConnect);
    socket.once('error', settle);
    socket.once('timeout', onTimeout);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.setTimeout(timeoutMs);
    socket.connect({ host: options.host, port: options.port });
  });
  socket.setTimeout(0);
  socket.setKeepAlive(true, options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS);
  socket.setNoDelay(true);

  let ours = false;
  let lastError: Error | undefined;
  socket.on('data', (chunk: Buffer) => callbacks.onData(chunk));
  socket.on('error', (error: Error) => {
    lastError = error;
  });
  socket.once('close', () => {
    if (!ours) callbacks.onClosed(lastError ?? new Error('connection closed by the device server'));
  });

  return {
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        socket.write(data, (error) => (error ? reject(error) : resolve()));
      }),
    close: () =>
      new Promise<void>((resolve) => {
        ours = true;
        if (socket.closed) {
          resolve();
          return;
        }
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}
