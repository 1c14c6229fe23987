// Where a simulated keyboard-wedge scanner's input_event records go: a FIFO (mkfifo) that the gateway's
// HidTransport reads as if it were /dev/input/eventN, or a regular file appended to (created if absent).
// The drop policy of byte-output.ts: with no reader on the FIFO (ENXIO, EPIPE) or a full pipe (EAGAIN),
// records are dropped and counted; the FIFO is reopened every `retryMs` until a reader appears.
// Writes go out in pieces of at most 4080 bytes (a whole number of 16- and 24-byte records, and at most
// PIPE_BUF), each of which the kernel writes whole or not at all, so a record is never torn.

import fs from 'node:fs';
import type { ByteOutput, OutputLog } from '../output/byte-output.js';

export interface InputEventOutputOptions {
  path: string;
  log?: OutputLog;
  /** Default 250 ms. */
  retryMs?: number;
}

const PIECE = 4080;

export function createInputEventOutput(opts: InputEventOutputOptions): ByteOutput {
  const log = opts.log ?? (() => undefined);
  const retryMs = opts.retryMs ?? 250;
  let fd: number | undefined;
  let fifo = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let dropped = 0;
  let lastProblem = '';
  const description = `input-event ${opts.path}`;

  const problem = (text: string): void => {
    if (text !== lastProblem) log(`${description}: ${text}`);
    lastProblem = text;
  };
  const closeFd = (): void => {
    if (fd === undefined) return;
    try {
      fs.closeSync(fd);
    } catch (e) {
      problem(`close failed (${(e as Error).message})`);
    }
    fd = undefined;
  };
  const scheduleOpen = (): void => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      open();
    }, retryMs);
    retry.unref();
  };
  const open = (): void => {
    if (stopped || fd !== undefined) return;
    try {
      const st = fs.statSync(opts.path, { throwIfNoEntry: false });
      fifo = st?.isFIFO() ?? false;
      fd = fifo ? fs.openSync(opts.path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK) : fs.openSync(opts.path, 'a');
      lastProblem = '';
      log(`${description}: open${fifo ? ' (FIFO)' : ''}`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problem(code === 'ENXIO' ? 'no reader on the FIFO yet; records are dropped meanwhile' : `cannot open (${(e as Error).message}); retrying`);
      scheduleOpen();
    }
  };

  return {
    description,
    get droppedBytes() {
      return dropped;
    },
    async start() {
      stopped = false;
      open();
    },
    write(chunk) {
      for (let at = 0; at < chunk.length; at += PIECE) {
        const piece = chunk.subarray(at, at + PIECE);
        if (fd === undefined) {
          dropped += piece.length;
          continue;
        }
        try {
          fs.writeSync(fd, piece);
        } catch (e) {
          dropped += piece.length;
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            problem('reader not reading, dropping records');
            continue;
          }
          problem(code === 'EPIPE' ? 'reader went away; reopening, records are dropped meanwhile' : `write failed (${(e as Error).message}); reopening`);
          closeFd();
          scheduleOpen();
        }
      }
    },
    async flush() {
      return true;
    },
    async close() {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = undefined;
      closeFd();
    },
  };
}
