// A simulated device's serial port: opens `path` (a USB adapter, or one end of a socat PTY pair) with
// serialport and writes to it. Tolerant like a printer port: if the path cannot be opened, or the link
// goes away (adapter unplugged, PTY closed), it keeps retrying every `retryMs` and drops output meanwhile.

import { SerialPort } from 'serialport';
import { DEFAULT_MAX_PENDING_BYTES, type ByteOutput, type OutputLog } from './byte-output.js';

export interface SerialOutputOptions {
  path: string;
  baudRate: number;
  log?: OutputLog;
  /** Default 1000 ms. */
  retryMs?: number;
  maxPendingBytes?: number;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function createSerialOutput(opts: SerialOutputOptions): ByteOutput {
  const log = opts.log ?? (() => undefined);
  const retryMs = opts.retryMs ?? 1000;
  const maxPending = opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const description = `serial ${opts.path} @ ${opts.baudRate}`;
  let port: SerialPort | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let lastProblem = '';
  let dropped = 0;
  let overrun = false;

  const problem = (text: string): void => {
    if (text !== lastProblem) log(`${description}: ${text}`);
    lastProblem = text;
  };

  const scheduleOpen = (): void => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void open();
    }, retryMs);
    retry.unref();
  };

  const open = async (): Promise<void> => {
    if (stopped || port) return;
    const candidate = new SerialPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => candidate.open((err) => (err ? reject(err) : resolve())));
    } catch (e) {
      problem(`cannot open (${message(e)}); retrying every ${retryMs} ms, output is dropped meanwhile`);
      scheduleOpen();
      return;
    }
    if (stopped) {
      candidate.close();
      return;
    }
    port = candidate;
    lastProblem = '';
    log(`${description}: open`);
    candidate.on('error', (err: Error) => problem(`error (${err.message})`));
    candidate.on('close', () => {
      if (port !== candidate) return;
      port = null;
      if (stopped) return;
      problem('link lost; reopening, output is dropped meanwhile');
      scheduleOpen();
    });
  };

  return {
    description,
    get droppedBytes() {
      return dropped;
    },
    async start() {
      stopped = false;
      await open();
    },
    write(chunk) {
      const p = port;
      if (!p || !p.isOpen) {
        dropped += chunk.length;
        return;
      }
      if (p.writableLength > maxPending) {
        dropped += chunk.length;
        if (!overrun) log(`${description}: peer not reading, dropping output`);
        overrun = true;
        return;
      }
      overrun = false;
      p.write(chunk);
    },
    async flush(timeoutMs) {
      const p = port;
      if (!p || !p.isOpen) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      // drain() waits for pending writes, then tcdrain: every byte has left the UART (or the PTY).
      const drained = new Promise<boolean>((resolve) => p.drain((err) => resolve(!err)));
      try {
        return await Promise.race([drained, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const p = port;
      port = null;
      if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
    },
  };
}
