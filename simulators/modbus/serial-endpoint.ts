// A simulated Modbus RTU slave (or several, one per unit id, as on one RS-485 bus) on a serial port or
// one end of a socat PTY pair. Frames are cut with the RTU framer; a partial frame is dropped after a
// quiet gap, as the RTU inter-frame silence would. The port is re-opened every second if it cannot be
// opened or goes away.

import { SerialPort } from 'serialport';
import { encodeRtuFrame, RtuRequestFramer } from './rtu-frame.js';
import type { Answer } from './tcp-endpoint.js';

export interface SerialEndpointOptions {
  path: string;
  baudRate: number;
  answer: Answer;
  log: (line: string) => void;
  /** Quiet time after which a partial frame is dropped. Default 200 ms: far longer than the RTU 3.5
   * characters, because a PTY on a busy machine may deliver one request in chunks that far apart, and
   * the framer resynchronises on the next request anyway. */
  gapMs?: number;
  retryMs?: number;
}

export interface SerialEndpoint {
  readonly description: string;
  readonly isOpen: boolean;
  close(): Promise<void>;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function startSerialEndpoint(opts: SerialEndpointOptions): Promise<SerialEndpoint> {
  const description = `modbus-rtu:${opts.path}@${opts.baudRate}`;
  const retryMs = opts.retryMs ?? 1000;
  let port: SerialPort | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let gap: NodeJS.Timeout | undefined;
  let lastProblem = '';
  const framer = new RtuRequestFramer();

  const problem = (text: string): void => {
    if (text !== lastProblem) opts.log(`${description}: ${text}`);
    lastProblem = text;
  };

  const scheduleOpen = (): void => {
    if (stopped || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      void open();
    }, retryMs);
  };

  const open = async (): Promise<void> => {
    if (stopped || port !== undefined) return;
    const candidate = new SerialPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => candidate.open((e) => (e ? reject(e) : resolve())));
    } catch (e) {
      problem(`cannot open (${message(e)}); retrying every ${retryMs} ms`);
      scheduleOpen();
      return;
    }
    if (stopped) {
      candidate.close();
      return;
    }
    port = candidate;
    lastProblem = '';
    opts.log(`${description}: open`);
    candidate.on('error', (e: Error) => problem(`error (${e.message})`));
    candidate.on('close', () => {
      if (port !== candidate) return;
      port = undefined;
      if (stopped) return;
      problem('port lost; reopening');
      scheduleOpen();
    });
    candidate.on('data', (chunk: Buffer) => {
      clearTimeout(gap);
      for (const item of framer.push(chunk)) {
        if (item.kind !== 'frame') continue;
        const reply = opts.answer(item.unitId, item.pdu, 'rtu');
        if (reply !== null && candidate.isOpen) candidate.write(encodeRtuFrame(item.unitId, reply.pdu, reply.corrupt));
      }
      if (framer.pending > 0) gap = setTimeout(() => framer.flush(), opts.gapMs ?? 200);
    });
  };

  await open();
  return {
    description,
    get isOpen() {
      return port?.isOpen === true;
    },
    async close() {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(gap);
      const p = port;
      port = undefined;
      if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
    },
  };
}
