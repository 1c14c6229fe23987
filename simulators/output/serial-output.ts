// A simulated device's serial port: opens `path` (a USB adapter, or one end of a socat PTY pair) with
// serialport and writes to it. Tolerant like a printer port: if the path cannot be opened, or the link
// goes away (adapter unplugged, PTY closed), it keeps retrying every `retryMs` and drops output meanwhile.

import type { SerialPort } from 'serialport';
import { ReopeningSerialPort } from '../shared/reopening-serial-port.js';
import { type ByteOutput, DEFAULT_MAX_PENDING_BYTES, type OutputLog, resultWithin } from './byte-output.js';

export interface SerialOutputOptions {
  path: string;
  baudRate: number;
  log?: OutputLog;
  /** Default 1000 ms. */
  retryMs?: number;
  maxPendingBytes?: number;
}

export function createSerialOutput(opts: SerialOutputOptions): ByteOutput {
  const log = opts.log ?? (() => undefined);
  const maxPending = opts.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const description = `serial ${opts.path} @ ${opts.baudRate}`;
  const serial = new ReopeningSerialPort({
    path: opts.path,
    baudRate: opts.baudRate,
    retryMs: opts.retryMs ?? 1000,
    description,
    log,
    lostName: 'link',
    meanwhile: ', output is dropped meanwhile',
    unrefRetry: true,
  });
  let dropped = 0;
  let overrun = false;
  /** The last chunk written, on the port it went to (a reopened port starts afresh). */
  let lastWrite: { port: SerialPort; done: Promise<boolean> } | undefined;

  return {
    description,
    get droppedBytes() {
      return dropped;
    },
    async start() {
      await serial.open();
    },
    write(chunk) {
      const p = serial.port;
      if (!p) {
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
      // The callback fires once the chunk has reached the OS (stream callbacks fire in order), or with an error
      // once the port is gone (then for every chunk still queued): flush waits for it.
      lastWrite = { port: p, done: new Promise<boolean>((resolve) => p.write(chunk, (err) => resolve(!err))) };
    },
    async flush(timeoutMs) {
      const p = serial.port;
      if (!p) return true;
      // serialport's drain() waits only for the write in progress, not for the chunks queued behind it in the
      // stream (then close() discards them, or races their write on a busy machine): wait for the last chunk's
      // callback first, then drain (tcdrain: every byte has left the UART, or the PTY). A write that failed (the
      // link went away) is not drained: false at once (serialport's drain on a closed port would wait for an
      // 'open' that never comes).
      const last = lastWrite?.port === p ? lastWrite.done : Promise.resolve(true);
      const drained = last.then((written) => (written && p.isOpen ? new Promise<boolean>((resolve) => p.drain((err) => resolve(!err))) : false));
      return resultWithin(drained, timeoutMs);
    },
    async close() {
      await serial.close();
    },
  };
}
