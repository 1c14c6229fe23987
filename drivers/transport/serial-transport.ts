// A local serial port (RS-232/RS-485 through a USB adapter) via serialport 13. Reconnects forever
// (see ReconnectingTransport): an unplugged adapter or a vanished PTY comes back by itself.

import { SerialPort } from 'serialport';
import { eofSafeBinding } from './eof-safe-binding.js';
import { type ConnectionCallbacks, type LinkConnection, ReconnectingTransport, type ReconnectOptions } from './reconnecting-transport.js';

export type SerialParity = 'none' | 'even' | 'odd' | 'mark' | 'space';

export interface SerialTransportOptions extends ReconnectOptions {
  /** Prefer /dev/serial/by-id/...: it survives re-plugging. */
  path: string;
  baudRate: number;
  /** Default 8. */
  dataBits?: 5 | 6 | 7 | 8;
  /** Default 'none'. */
  parity?: SerialParity;
  /** Default 1. */
  stopBits?: 1 | 1.5 | 2;
}

export class SerialTransport extends ReconnectingTransport {
  constructor(options: SerialTransportOptions) {
    super(`serial:${options.path}@${options.baudRate}`, (callbacks, signal) => openSerial(options, callbacks, signal), options);
  }
}

async function openSerial(options: SerialTransportOptions, callbacks: ConnectionCallbacks, signal: AbortSignal): Promise<LinkConnection> {
  const settings = {
    path: options.path,
    baudRate: options.baudRate,
    dataBits: options.dataBits ?? 8,
    parity: options.parity ?? 'none',
    stopBits: options.stopBits ?? 1,
    autoOpen: false,
    // SerialPort's options type hides `binding`, but its constructor lets it override the detected one.
    binding: eofSafeBinding(),
  } as const;
  const port = new SerialPort(settings);
  let ours = false;
  let ended = false;
  const end = (error?: Error): void => {
    if (ended) return;
    ended = true;
    if (!ours) callbacks.onClosed(error);
  };
  // An 'error' listener from the start: an unhandled one would crash the process.
  port.on('error', (error: Error) => {
    if (!ended && port.isOpen) port.close();
    end(error);
  });

  await new Promise<void>((resolve, reject) => {
    port.open((error) => (error ? reject(error) : resolve()));
  });
  if (signal.aborted) {
    ours = true;
    await closePort(port);
    throw new Error('stopped');
  }

  port.on('data', (chunk: Buffer) => callbacks.onData(chunk));
  port.on('close', (error: Error | null) => end(error ?? new Error('port closed')));
  port.on('end', () => {
    if (!ended && port.isOpen) port.close();
    end(new Error('end of stream'));
  });

  return {
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        port.write(data, (error) => {
          if (error) reject(error);
          else port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
        });
      }),
    close: async () => {
      ours = true;
      await closePort(port);
    },
  };
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!port.isOpen) {
      resolve();
      return;
    }
    port.close((error) => (error ? reject(error) : resolve()));
  });
}
