// The gateway's end of a PTY, read with serialport as the gateway's serial transport would: collects the
// bytes and lets a test await a condition on them.
import { SerialPort } from 'serialport';
import type { Cleanups } from './cleanups.js';
import { type PtyPaths, startPty } from './process.js';

export interface SerialReader {
  bytes(): Buffer;
  /** Resolves once `pred` holds for the bytes so far (now or later); rejects after `timeoutMs`. */
  waitFor(pred: (b: Buffer) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Starts reading, for a reader opened `paused`. Idempotent. */
  resume(): void;
  /** Idempotent. */
  close(): Promise<void>;
}

/** `paused`: open (serialport's open discards what the PTY holds, so a late open would lose bytes) but read only
 * from `resume()` on, like a peer that stops reading: the kernel's buffers fill and the writer waits. */
export async function openSerialReader(path: string, baudRate = 9600, { paused = false } = {}): Promise<SerialReader> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let buf = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  let reading = false;
  const resume = (): void => {
    if (reading) return;
    reading = true;
    port.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (const w of [...waiters]) w();
    });
  };
  if (!paused) resume();
  return {
    bytes: () => buf,
    resume,
    waitFor: (pred, what, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pred(buf)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; got ${buf.length} bytes`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

/** A socat PTY pair at `paths` with a reader on its gateway end, both closed at cleanup. */
export async function ptyWithReader(cleanups: Cleanups, paths: PtyPaths): Promise<{ dev: string; reader: SerialReader }> {
  const pty = await startPty(paths);
  cleanups.add(pty.close);
  const reader = await openSerialReader(pty.gw);
  cleanups.add(reader.close);
  return { dev: pty.dev, reader };
}
